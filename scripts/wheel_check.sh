#!/usr/bin/env bash
# Prove that the wheel works without the checkout: build it, install it in a fresh venv, and from a
# folder outside the checkout ingest seeds/ and serve the archive, then request the home page, a
# document page, a search and a static file. An editable install cannot show this: it reads
# templates/, static/ and migrations/ from the checkout, a wheel must carry them inside `app`.
#   scripts/wheel_check.sh            (PYTHON=/path/to/python3.11 to choose the interpreter)
# Needs Python 3.11+ with venv and the package index (the wheel's dependencies and setuptools for
# the build come from it, as for scripts/test.sh). Exits non-zero, saying why, on any failure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_PROGRESS_BAR=off
unset PYTHONPATH DATABASE_URL POLICY_ARCHIVE_DATA   # only the installed wheel, on SQLite

log() { printf '==> wheel_check: %s\n' "$*"; }
die() { printf 'wheel_check: FAILED: %s\n' "$*" >&2; exit 1; }

. "$ROOT/scripts/lib.sh"
have_python() {  # a Python 3.11+ interpreter that can make a venv with pip in it
    "$1" -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}
find_python
if [ -z "$PYTHON" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "apt-get install python3-venv (Debian splits venv/ensurepip out of python3)"
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv
    have_python python3 && PYTHON=python3
fi
[ -n "$PYTHON" ] || die "Python 3.11 or newer with venv is needed (set PYTHON=/path/to/python3.11)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/policy-archive-wheel.XXXXXX")
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Build from a copy of the checkout's files: setuptools reuses a build/ or *.egg-info folder left
# in the source tree, which could put stale files into the wheel (or hide missing ones).
log "copying the checkout's files to $WORK/src"
mkdir -p "$WORK/src"
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard \
        | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
        | tar --null -T - -cf -) | tar -xf - -C "$WORK/src"
else
    tar -C "$ROOT" --exclude=./.venv --exclude=./build --exclude='*.egg-info' --exclude=./data \
        --exclude=./node_modules --exclude=.git -cf - . | tar -xf - -C "$WORK/src"
fi

log "creating a clean venv with $PYTHON"
"$PYTHON" -m venv "$WORK/venv"
VPY=$WORK/venv/bin/python

log "building the wheel (pip wheel --no-deps)"
"$VPY" -m pip wheel -q --no-deps -w "$WORK/dist" "$WORK/src" || die "pip wheel could not build the project"
WHEEL=$(ls "$WORK"/dist/policy_archive-*.whl 2>/dev/null | head -n 1)
[ -n "$WHEEL" ] || die "pip wheel made no policy_archive wheel in $WORK/dist"
log "built $(basename "$WHEEL")"

log "checking the wheel carries templates, static files, migrations and themes.toml"
"$VPY" - "$WHEEL" <<'PY' || die "the wheel lacks files the app reads at run time (see above)"
import sys
import zipfile

names = set(zipfile.ZipFile(sys.argv[1]).namelist())
wanted = ["app/templates/base.html", "app/static/style.css", "app/migrations/env.py",
          "app/migrations/script.py.mako", "app/seeds/themes.toml"]
missing = [n for n in wanted if n not in names]
if not any(n.startswith("app/migrations/versions/") and n.endswith(".py") for n in names):
    missing.append("app/migrations/versions/*.py")
seeds = sorted(n for n in names if n.startswith("app/seeds/") and n != "app/seeds/themes.toml")
for name in missing:
    print(f"wheel_check: missing from the wheel: {name}", file=sys.stderr)
for name in seeds:
    print(f"wheel_check: a seed document is in the wheel: {name}", file=sys.stderr)
sys.exit(1 if missing or seeds else 0)
PY

log "installing the wheel and its dependencies into the venv"
"$VPY" -m pip install -q "$WHEEL" || die "pip install of the wheel failed"

# Everything from here runs outside the checkout, so nothing can be read from it by accident.
RUN=$WORK/run DATA=$WORK/data
mkdir -p "$RUN"
cd "$RUN"
where=$("$VPY" -c 'import app; print(app.__file__)')
case $where in
    "$WORK/venv/"*) log "app is imported from the venv: $where" ;;
    *) die "app is imported from $where, not from the installed wheel" ;;
esac

log "policy-archive ingest --data-dir $DATA $ROOT/seeds"
"$WORK/venv/bin/policy-archive" ingest --data-dir "$DATA" --quiet "$ROOT/seeds" \
    || die "policy-archive ingest failed"

PORT=$("$VPY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log "policy-archive serve --data-dir $DATA --port $PORT"
"$WORK/venv/bin/policy-archive" serve --data-dir "$DATA" --host 127.0.0.1 --port "$PORT" \
    >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!

log "requesting pages from http://127.0.0.1:$PORT"
if ! "$VPY" - "$PORT" "$SERVER_PID" <<'PY'; then
import json
import os
import sys
import time
import urllib.error
import urllib.request

base = f"http://127.0.0.1:{sys.argv[1]}"
pid = int(sys.argv[2])


def get(path: str) -> bytes:
    with urllib.request.urlopen(base + path, timeout=30) as response:
        if response.status != 200:
            raise SystemExit(f"wheel_check: GET {path} answered {response.status}, not 200")
        print(f"wheel_check:   GET {path} -> {response.status}")
        return response.read()


deadline = time.monotonic() + 90
while True:
    try:
        os.kill(pid, 0)
    except OSError:
        raise SystemExit("wheel_check: the server stopped before it answered")
    try:
        urllib.request.urlopen(base + "/healthz", timeout=5).close()
        break
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        if time.monotonic() > deadline:
            raise SystemExit("wheel_check: the server did not answer /healthz within 90 s")
        time.sleep(0.5)

try:
    get("/")
    documents = json.loads(get("/api/documents"))["documents"]
    if not documents:
        raise SystemExit("wheel_check: /api/documents lists no document after the ingest")
    get(f"/documents/{documents[0]['slug']}")
    hits = json.loads(get("/api/search?q=artificial+intelligence"))
    if not hits:
        raise SystemExit("wheel_check: /api/search answered an empty body")
    get("/static/style.css")
except urllib.error.HTTPError as error:
    raise SystemExit(f"wheel_check: GET {error.url} answered {error.code}, not 200")
PY
    echo "--- server log ---" >&2
    cat "$WORK/serve.log" >&2
    die "the installed wheel did not serve the archive"
fi

log "stopping the server"
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=
log "passed: the wheel installs, ingests and serves without the checkout"
