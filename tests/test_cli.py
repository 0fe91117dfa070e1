"""The command line: serving with several workers keeps small responses prompt."""

import socket

import uvicorn

from app.cli import listening_socket


def test_multi_worker_socket_disables_nagle_for_accepted_connections():
    """Connections accepted by worker processes must not wait on Nagle's algorithm."""
    config = uvicorn.Config("app.main:create_app", factory=True, host="127.0.0.1", port=0, workers=2)
    listener = listening_socket(config)
    try:
        listener.listen()  # asyncio does this in each worker
        client = socket.create_connection(listener.getsockname()[:2])
        accepted, _ = listener.accept()
        try:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        finally:
            accepted.close()
            client.close()
    finally:
        listener.close()
