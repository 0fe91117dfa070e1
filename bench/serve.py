"""Serve an ASGI factory with uvicorn the way `policy-archive serve` does (app/cli.py cmd_serve).

    python -m bench.serve MODULE:FACTORY --port P [--workers N]
"""

import argparse
import sys

import uvicorn


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.serve")
    ap.add_argument("factory")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--log-level", default="warning")
    args = ap.parse_args(argv)
    uvicorn.run(args.factory, factory=True, host=args.host, port=args.port, workers=args.workers,
                log_level=args.log_level, proxy_headers=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
