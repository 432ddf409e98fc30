"""Which ports `make run` calls busy: only those something listens on."""

from __future__ import annotations

import socket

import pytest

from credit_scoring.dev import seaweed
from credit_scoring.dev.seaweed import Ports, busy_ports, free_port


def listener(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening socket, set up as servers (uvicorn, SeaweedFS) set theirs up."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen()
    return sock


def left_in_time_wait() -> int:
    """A port whose server closed a connection first and then stopped listening: the
    connection's server end stays in TIME-WAIT on that port for a minute."""
    server = listener()
    port = int(server.getsockname()[1])
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    accepted.close()
    client.close()
    server.close()
    return port


def test_a_port_left_in_time_wait_is_not_busy() -> None:
    port = left_in_time_wait()
    with socket.socket() as plain, pytest.raises(OSError):
        plain.bind(("127.0.0.1", port))  # the connection is in TIME-WAIT: a plain bind fails
    assert busy_ports({port: "the API"}) == []
    listener(port=port).close()  # and a server can listen there again


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_a_listening_port_is_busy(host: str) -> None:
    with listener(host) as server:
        port = int(server.getsockname()[1])
        assert busy_ports({port: "the API", free_port(): "S3"}) == [f"{port} (the API)"]


def test_free_port_and_its_grpc_twin_can_be_listened_on() -> None:
    port = free_port()
    with listener(port=port), listener(port=port + 10_000):
        assert busy_ports({port: "S3", port + 10_000: "S3 gRPC"}) == [
            f"{port} (S3)",
            f"{port + 10_000} (S3 gRPC)",
        ]


def test_seaweeds_ports_are_apart_from_each_other_and_the_apis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The system may hand out one unused port twice in a row, and none is listened on until
    SeaweedFS and then the API start."""
    offered = iter([20_001, 20_002, 20_002, 30_010, 20_003, 10_003, 20_004])
    monkeypatch.setattr(seaweed, "_unused_port", lambda: next(offered))
    monkeypatch.setattr(seaweed, "_free", lambda port: True)
    ports = Ports.free(s3=20_010, avoid={20_001})  # the API's port
    assert ports == Ports(s3=20_010, master=20_002, volume=20_003, filer=20_004)
