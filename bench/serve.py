"""Serve an ASGI factory with uvicorn the way `policy-archive serve` does (app/cli.py run_uvicorn).

    python -m bench.serve MODULE:FACTORY --port P [--workers N]
"""

import argparse
import sys

from app.cli import run_uvicorn


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.serve")
    ap.add_argument("factory")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--log-level", default="warning")
    args = ap.parse_args(argv)
    run_uvicorn(args.factory, host=args.host, port=args.port, workers=args.workers, log_level=args.log_level)
    return 0


if __name__ == "__main__":
    sys.exit(main())
