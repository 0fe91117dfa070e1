# Shared by serve.sh, test.sh and wheel_check.sh; sourced, never run.

# Whether $1 is a Python 3.11+ interpreter. A script that needs more of it (wheel_check.sh needs
# venv and ensurepip) redefines this after sourcing the file.
have_python() {
    "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}

# Sets PYTHON: the caller's $PYTHON if given, else the first interpreter on PATH that have_python
# accepts, else empty (the caller decides whether that is fatal).
find_python() {
    PYTHON=${PYTHON:-}
    [ -n "$PYTHON" ] && return 0
    local candidate
    for candidate in python3 python3.13 python3.12 python3.11 python; do
        if command -v "$candidate" >/dev/null && have_python "$candidate"; then
            PYTHON=$candidate
            return 0
        fi
    done
}

# ingest_seeds POLICY_ARCHIVE [INGEST OPTIONS...]: add and update the seed documents in the
# archive. --add retires nothing, so documents a user ingested from another folder into the same
# data folder stay served however often the server is started.
ingest_seeds() {
    local bin=$1
    shift
    "$bin" ingest --add "$@" "$(dirname "${BASH_SOURCE[0]}")/../seeds"
}
