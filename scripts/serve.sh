#!/usr/bin/env bash
# Serve the archive on a fresh machine (needs only Python 3.11+ and PyPI): create .venv if missing,
# install the project, add seeds/ to the archive (retiring nothing else in it) and serve at http://127.0.0.1:8000.
# Extra arguments go to `policy-archive serve` (e.g. scripts/serve.sh --port 8080); a --data-dir
# among them is used for the ingest too.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1

die() { printf 'serve.sh: %s\n' "$*" >&2; exit 1; }
. scripts/lib.sh
find_python

if [ ! -x .venv/bin/python ]; then
    [ -n "$PYTHON" ] || die "Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)"
    echo "==> creating .venv with $PYTHON"
    "$PYTHON" -m venv .venv || die "could not create .venv (on Debian/Ubuntu: apt-get install python3-venv)"
fi
# Reinstall only when pyproject.toml changed (the install is editable, so code changes need none).
stamp=.venv/.installed-base
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! .venv/bin/python -c 'import app, uvicorn' 2>/dev/null; then
    echo "==> pip install -e ."
    .venv/bin/python -m pip install -q -e .
    echo "$want" >"$stamp"
fi

# The data folder given to serve, if any, is the one to ingest into.
ingest_args=()
args=("$@")
for i in "${!args[@]}"; do
    case ${args[$i]} in
        --data-dir=*) ingest_args=("${args[$i]}") ;;
        --data-dir) [ $((i + 1)) -lt ${#args[@]} ] && ingest_args=(--data-dir "${args[$((i + 1))]}") ;;
    esac
done

echo "==> policy-archive ingest --add seeds/"
ingest_seeds .venv/bin/policy-archive "${ingest_args[@]}"
echo "==> policy-archive serve $*"
exec .venv/bin/policy-archive serve "$@"
