"""The `policy-archive` command: ingest, check and serve."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

from app.config import Settings


def _settings(args: argparse.Namespace) -> Settings:
    """Settings from the environment, with --data-dir taking precedence."""
    if getattr(args, "data_dir", None):
        os.environ["POLICY_ARCHIVE_DATA"] = str(args.data_dir)  # so uvicorn workers see it too
    if getattr(args, "threads", None):
        os.environ["POLICY_ARCHIVE_THREADS"] = str(args.threads)
    return Settings()


def _print_errors(errors) -> None:
    for e in errors:
        print(f"error: {e}", file=sys.stderr)


def _source_paths(args: argparse.Namespace) -> list[Path] | None:
    """The paths given, else the seed documents (the checkout's or the installed package's, not
    ./seeds); None, with the reason printed, when there are none to fall back on."""
    from app.resources import SEEDS_DIR, has_seed_documents

    if args.paths:
        return args.paths
    if has_seed_documents():
        return [SEEDS_DIR]
    print(f"{args.command} failed: no paths given and {SEEDS_DIR} holds no seed documents; "
          "name the files or folders", file=sys.stderr)
    return None


def cmd_ingest(args: argparse.Namespace) -> int:
    """Sync the archive to the given sources (with --add, add and update only)."""
    from app.ingest.pipeline import IngestError, run
    from app.progress import Progress

    settings = _settings(args)
    paths = _source_paths(args)
    if paths is None:
        return 1
    progress = Progress(quiet=args.quiet)
    try:
        s = run(settings, paths, skip_bad=args.skip_bad, themes_path=args.themes, progress=progress, add=args.add,
                follow_outside=args.follow_outside)
    except IngestError as exc:
        _print_errors(exc.errors)
        print(f"ingest failed: {exc}", file=sys.stderr)
        return 1
    for w in s.warnings:
        print(f"warning: {w}", file=sys.stderr)
    for f in s.skipped_files:
        print(f"skipped bad file: {f}", file=sys.stderr)
    state = f"version {s.version}" if s.switched else f"unchanged at version {s.version}"
    print(
        f"ingested {s.documents} documents, {s.sentences} sentences in {s.seconds:.1f}s "
        f"({len(s.added)} added, {len(s.changed)} changed, {s.unchanged} unchanged, "
        f"{len(s.retired)} retired); novelty recomputed for {s.novelty} official "
        f"statement{'s' if s.novelty != 1 else ''}; archive {state}"
    )
    return 2 if s.skipped_files else 0


def cmd_check(args: argparse.Namespace) -> int:
    """Validate sources and report every problem; touches nothing."""
    from app.ingest.pipeline import check

    settings = _settings(args)
    paths = _source_paths(args)
    if paths is None:
        return 1
    result = check(paths, settings, follow_outside=args.follow_outside)
    _print_errors(result.errors)
    for d in result.documents:
        for w in d.warnings:
            print(f"warning: {w}", file=sys.stderr)
    print(f"{len(result.documents)} documents ok, {len(result.errors)} problem(s)")
    return 1 if result.errors else 0


# httptools (uvicorn's default) reads a request head of any size; h11 refuses one longer than this
# (the request line and every header together). A quote-check URL of 5,000 percent-encoded
# characters and a browser's usual headers fit with room to spare.
MAX_HEAD_BYTES = 64 * 1024


def listen_url(host: str, port: int) -> str:
    """The address `serve` listens on, as a base URL."""
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}"


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the archive with uvicorn."""
    settings = _settings(args)
    if not settings.base_url:
        # Canonical links, link previews and feeds need an absolute address; never the Host header.
        os.environ["POLICY_ARCHIVE_BASE_URL"] = listen_url(args.host, args.port)  # for the workers too
        print(f"warning: POLICY_ARCHIVE_BASE_URL is not set; absolute links will name "
              f"{os.environ['POLICY_ARCHIVE_BASE_URL']} (set it to the archive's public address)", file=sys.stderr)
    run_uvicorn("app.web.app:create_app", host=args.host, port=args.port, workers=args.workers, log_level=args.log_level)
    return 0


def run_uvicorn(factory: str, *, host: str, port: int, workers: int, log_level: str) -> None:
    """Run an ASGI app factory ("module:function") under uvicorn with `workers` processes."""
    import uvicorn

    # h11 with a bound on the request head, its own errors carrying the security headers (see
    # app/web/server.py; named as a string, since the CLI imports nothing of the web layer);
    # client addresses as connected.
    options = dict(factory=True, host=host, port=port, workers=workers, log_level=log_level, proxy_headers=False,
                   http="app.web.server:SecureH11Protocol", h11_max_incomplete_event_size=MAX_HEAD_BYTES)
    if workers <= 1:
        uvicorn.run(factory, **options)
        return
    # With several workers uvicorn binds the listening socket itself without IPPROTO_TCP, so
    # asyncio never sets TCP_NODELAY on accepted connections and every keep-alive response
    # waits out Nagle's algorithm's delay (uvicorn issue #3149); see listening_socket.
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(factory, **options)
    Multiprocess(config, sockets=[listening_socket(config)]).run()


def listening_socket(config) -> socket.socket:
    """The socket uvicorn's workers share, with TCP_NODELAY set for their connections.

    Linux copies TCP_NODELAY from a listening socket to the connections it accepts.
    """
    sock = config.bind_socket()
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _count(text: str) -> int:
    """A whole number of at least 1, for argparse (which then names the option in its error)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is less than 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for all subcommands."""
    parser = argparse.ArgumentParser(prog="policy-archive", description="A searchable archive of AI policy statements.")
    sub = parser.add_subparsers(dest="command", required=True)
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument("--data-dir", type=Path, help="data folder (default: $POLICY_ARCHIVE_DATA or ./data)")
    sources = argparse.ArgumentParser(add_help=False)
    sources.add_argument("--follow-outside", action="store_true",
                         help="let symbolic links and manifest `file` entries lead outside the folders given "
                              "(refused by default, so nothing from elsewhere on the machine is published)")

    p = sub.add_parser("ingest", parents=[data, sources], help="sync the archive to the given files and folders")
    p.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the seed documents)")
    p.add_argument("--add", action="store_true",
                   help="add and update these documents, retire none of the others already in the archive")
    p.add_argument("--skip-bad", action="store_true", help="ingest the good files, list the bad ones (exit 2)")
    p.add_argument("--themes", type=Path, help="theme taxonomy file (default: themes.toml in the sources)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("check", parents=[data, sources], help="validate sources, report every problem, change nothing")
    p.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the seed documents)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("serve", parents=[data], help="serve the archive over HTTP")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=_count, default=1,
                   help="uvicorn worker processes (default 1; see README before raising it)")
    p.add_argument("--threads", type=_count,
                   help="threads per worker running pages and searches (default 1, or $POLICY_ARCHIVE_THREADS; "
                        "raise it when the database is on another machine)")
    p.add_argument("--log-level", default="info")
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
