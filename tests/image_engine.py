"""Build and run the project's image with Docker where an engine runs, else with the shared
Buildah tool (``../shared/tools/container``). Both run containers on the host's network."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CONTAINER_TOOL = ROOT.parent / "shared" / "tools" / "container"


def _docker_runs() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0


def _env_args(env: dict[str, str]) -> list[str]:
    return [f"{name}={value}" for name, value in env.items()]


class ImageEngine:
    """What the image tests need: build, serve in the background, run a command, inspect."""

    name = "abstract"

    def build(self, context: Path, tag: str) -> None:
        raise NotImplementedError

    def serve(self, tag: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
        raise NotImplementedError

    def run(
        self, tag: str, env: dict[str, str], command: list[str]
    ) -> subprocess.CompletedProcess[str]:
        raise NotImplementedError

    def config(self, tag: str) -> dict[str, Any]:
        raise NotImplementedError

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        raise NotImplementedError


class DockerEngine(ImageEngine):
    name = "docker"

    def build(self, context: Path, tag: str) -> None:
        _build_or_explain(["docker", "build", "--tag", tag, str(context)])

    def serve(self, tag: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
        args = [a for pair in _env_args(env) for a in ("--env", pair)]
        command = ["docker", "run", "--rm", "--network", "host", "--name", _name(env), *args, tag]
        with log.open("wb") as out:
            return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)

    def run(
        self, tag: str, env: dict[str, str], command: list[str]
    ) -> subprocess.CompletedProcess[str]:
        args = [a for pair in _env_args(env) for a in ("--env", pair)]
        docker = ["docker", "run", "--rm", "--network", "host", *args, tag, *command]
        return subprocess.run(docker, capture_output=True, text=True, timeout=120)

    def config(self, tag: str) -> dict[str, Any]:
        """The image's config (Cmd, Healthcheck with durations in nanoseconds, ...)."""
        out = subprocess.run(
            ["docker", "image", "inspect", "--format", "{{json .Config}}", tag],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        loaded: dict[str, Any] = json.loads(out.stdout)
        return loaded

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        name = _name_of(process)
        subprocess.run(["docker", "stop", "--time", "20", name], capture_output=True)
        process.wait(timeout=60)


class BuildahEngine(ImageEngine):
    name = "buildah (shared/tools/container)"

    def build(self, context: Path, tag: str) -> None:
        # Docker format: the OCI format drops HEALTHCHECK. The tool builds a base pinned by
        # digest on its local stand-in itself (a second --file would add a second copy of
        # every stage, and Buildah then races between the two).
        options = ["--format", "docker"]
        _build_or_explain([str(CONTAINER_TOOL), "build", tag, str(context), "--", *options])

    def _command(self, tag: str, env: dict[str, str], command: list[str]) -> list[str]:
        return [str(CONTAINER_TOOL), "run", tag, "--", "env", *_env_args(env), *command]

    def serve(self, tag: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
        command = self._command(tag, env, self.config(tag)["Cmd"])
        with log.open("wb") as out:
            return subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def run(
        self, tag: str, env: dict[str, str], command: list[str]
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self._command(tag, env, command), capture_output=True, text=True, timeout=120
        )

    def config(self, tag: str) -> dict[str, Any]:
        out = subprocess.run(
            ["buildah", "inspect", "--type", "image", tag],
            capture_output=True,
            text=True,
            check=True,
        )
        loaded: dict[str, Any] = json.loads(out.stdout)["Docker"]["config"]
        return loaded

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        subprocess.run([str(CONTAINER_TOOL), "rm"], capture_output=True)


class BuildFailed(RuntimeError):
    """The image did not build; the message ends with what the build printed last."""


def _build_or_explain(command: list[str], tail_lines: int = 40) -> None:
    """Run an image build; when it fails, fail with the build's last lines in the message,
    so that a CI summary line names the cause, not only an exit status."""
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        tail = "\n".join(done.stdout.splitlines()[-tail_lines:])
        raise BuildFailed(f"the image build failed (exit {done.returncode}):\n{tail}")


def _name(env: dict[str, str]) -> str:
    return f"credit-image-test-{env['CREDIT_PORT']}"


def _name_of(process: subprocess.Popen[bytes]) -> str:
    args = list(process.args)  # type: ignore[arg-type]
    return str(args[args.index("--name") + 1])


def find_engine() -> tuple[ImageEngine | None, str]:
    """The engine to use, or None and why neither can build here."""
    if _docker_runs():
        return DockerEngine(), "docker"
    if not CONTAINER_TOOL.is_file():
        return None, f"no Docker engine and no {CONTAINER_TOOL} (shared/ beside the checkout)"
    if os.geteuid() != 0:
        return None, "no Docker engine, and the shared Buildah tool needs root"
    return BuildahEngine(), "buildah"


def processes_with_env(entry: str) -> list[int]:
    """Pids of the processes whose environment holds ``entry`` (``NAME=value``)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            environ = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if entry.encode() in environ:
            found.append(int(proc.name))
    return found


def real_uid(pid: int) -> int:
    """The real uid of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise LookupError(pid)


def seconds_since_start(pid: int) -> float:
    """How long ago a process started, from /proc (clock ticks since boot)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    started = int(fields[19]) / os.sysconf("SC_CLK_TCK")
    return float(Path("/proc/uptime").read_text().split()[0]) - started
