"""The command line: serving with several workers keeps small responses prompt."""

import socket

import uvicorn

from app.cli import listening_socket


def test_multi_worker_socket_disables_nagle_for_accepted_connections():
    """Connections accepted by worker processes must not wait on Nagle's algorithm."""
    config = uvicorn.Config("app.web.app:create_app", factory=True, host="127.0.0.1", port=0, workers=2)
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


def _handler_threads(settings) -> int:
    """How many threads the served app lets run its sync handlers at once."""
    import anyio.to_thread
    from fastapi.testclient import TestClient

    from app.web.app import create_app

    with TestClient(create_app(settings)) as client:
        return client.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens)


def test_handlers_run_on_one_thread_unless_serve_is_told_otherwise(make_settings, monkeypatch):
    """CPU-bound handlers queue on one thread by default; --threads raises it for every worker."""
    from app.cli import _settings, build_parser

    default = make_settings()
    assert _handler_threads(default) == 1
    # serve hands its options to uvicorn's workers through the environment; restored afterwards
    monkeypatch.setenv("POLICY_ARCHIVE_THREADS", "1")
    monkeypatch.setenv("POLICY_ARCHIVE_DATA", str(default.data_dir))
    args = build_parser().parse_args(["serve", "--threads", "3", "--data-dir", str(default.data_dir)])
    settings = _settings(args)
    assert settings.threads == 3 and _handler_threads(settings) == 3


def test_serve_refuses_zero_workers_or_threads_naming_the_option(capsys):
    """`serve --workers 0` used to start a server anyway; now argparse names the bad option."""
    import pytest

    from app.cli import build_parser

    for args, message in ((["--workers", "0"], "argument --workers: 0 is less than 1"),
                          (["--threads", "two"], "argument --threads: 'two' is not a whole number")):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["serve", *args])
        assert message in capsys.readouterr().err


def test_default_sources_are_the_seed_documents_whatever_the_working_directory(tmp_path):
    """`check` with no paths, run from a folder with no seeds/ in it, reads the project's seeds."""
    import subprocess
    import sys
    from pathlib import Path

    from app.ingest.pipeline import check
    from app.config import Settings
    from tests.helpers import SEEDS

    expected = len(check([SEEDS], Settings(data_dir=tmp_path / "data")).documents)
    done = subprocess.run([str(Path(sys.executable).parent / "policy-archive"), "check", "--data-dir", str(tmp_path)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{expected} documents ok, 0 problem(s)"
    assert not (tmp_path / "seeds").exists()
