#!/usr/bin/env bash
# Set up and run the whole test suite on a fresh machine (needs only Python 3.11+ and the package
# registries): .venv with the `test` extra, Chromium and PostgreSQL from apt when missing (as root),
# axe-core from npm (package-lock.json), then
#   1. the whole suite on SQLite (browser tests included),
#   2. the tests marked `pg` again on a throwaway PostgreSQL cluster (PG_MARKERS below),
#   3. the search, index and ingest tests again with Whoosh's public API only (no shortcuts), and
#   4. a wheel built, installed into a clean venv and served from outside the checkout.
# Extra arguments go to every pytest run (e.g. scripts/test.sh -x, scripts/test.sh -k reader).
# Exits non-zero if any run fails or collects no test.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Tests re-run on PostgreSQL: every test marked `pg` (pytestmark = pytest.mark.pg in its module).
# pytest exits 5 when the marker selects nothing, and run_pytest counts that as a failure.
PG_MARKERS="pg and not browser"

# Parallel pytest workers (pytest-xdist). Every test gets its own data folder, database and port,
# so the suite is safe for it; PYTEST_WORKERS=0 runs everything in one process.
WORKERS=${PYTEST_WORKERS:-2}

log() { printf '\n==> %s\n' "$*"; }
die() { printf 'test.sh: %s\n' "$*" >&2; exit 1; }
START=$SECONDS
unset TEST_DATABASE_URL DATABASE_URL   # run 1 is SQLite whatever the caller's environment says
export PIP_DISABLE_PIP_VERSION_CHECK=1
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
if [ "${CI:-}" = true ]; then
    export PIP_PROGRESS_BAR=off npm_config_progress=false
fi

# --- system packages -------------------------------------------------------------------------
APT_UPDATED=
apt_install() {  # apt_install PACKAGE...: install with apt-get as root (apt-get update once)
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        die "missing system packages: $* (install them with your package manager, e.g. 'sudo apt-get install -y $*', then re-run)"
    fi
    if [ -z "$APT_UPDATED" ]; then
        log "apt-get update"
        apt-get update -q
        APT_UPDATED=1
    fi
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

. scripts/lib.sh
find_python
[ -n "$PYTHON" ] || die "Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)"

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || missing+=(postgresql)
command -v npm >/dev/null || missing+=(npm)
if [ ! -x .venv/bin/python ] && ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
    missing+=(python3-venv)   # Debian splits venv/ensurepip out of python3
fi
if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}"
else
    log "system packages present (chromium, postgresql, npm)"
fi
# A CJK font, so screenshots of Chinese pages show the text rather than boxes. The tests pass
# without it (they read the DOM, not pixels), so a machine that cannot install it only warns.
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && (apt_install fonts-noto-cjk); then
        log "installed fonts-noto-cjk"
    else
        printf 'test.sh: warning: no CJK font (fonts-noto-cjk); Chinese text in screenshots shows as boxes\n' >&2
    fi
fi

# --- Python environment ----------------------------------------------------------------------
if [ ! -x .venv/bin/python ]; then
    log "creating .venv with $PYTHON"
    "$PYTHON" -m venv .venv
fi
# Reinstall only when pyproject.toml changed (the install is editable, so code changes need none).
stamp=.venv/.installed-test
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! .venv/bin/python -c 'import app, pytest, playwright' 2>/dev/null; then
    log "pip install -e '.[test]'"
    .venv/bin/python -m pip install -q -e '.[test]'
    echo "$want" >"$stamp"
else
    log ".venv up to date with pyproject.toml"
fi

# --- axe-core (npm) --------------------------------------------------------------------------
if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "npm ci (axe-core)"
    npm ci --no-audit --no-fund --ignore-scripts
else
    log "node_modules up to date with package-lock.json"
fi

# --- PostgreSQL ------------------------------------------------------------------------------
PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/policy-archive-pg.XXXXXX")
cleanup() { scripts/pg.sh stop "$PG_DIR" || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM   # Ctrl-C: stop after the running pytest returns; the EXIT trap cleans up
log "starting a throwaway PostgreSQL cluster in $PG_DIR"
PG_URL=$(scripts/pg.sh start "$PG_DIR")

# --- test runs -------------------------------------------------------------------------------
rm -rf test-artifacts/screenshots   # only this run's screenshots
mkdir -p test-artifacts/screenshots
xdist=()
[ "$WORKERS" != 0 ] && xdist=(-n "$WORKERS")
failed=()

USER_ARGS=$#
run_pytest() {  # run_pytest NAME ARGS...: record a failure, including "no tests collected" (exit 5)
    local name=$1 rc=0 t0=$SECONDS
    shift
    log "pytest ($name): pytest ${xdist[*]} $*"
    .venv/bin/python -m pytest "${xdist[@]}" "$@" || rc=$?
    case $rc in
        0) echo "-- $name: passed in $((SECONDS - t0))s" ;;
        5) if [ "$USER_ARGS" -gt 0 ]; then  # the caller's -k/-m/paths selected nothing here: say so
               echo "-- $name: WARNING: your arguments selected no test in this run"
           else
               echo "-- $name: FAILED: no tests were collected (pytest exit 5)"; failed+=("$name (no tests)")
           fi ;;
        *) echo "-- $name: FAILED (pytest exit $rc) after $((SECONDS - t0))s"; failed+=("$name") ;;
    esac
}

run_pytest "SQLite, whole suite" "$@"

export TEST_DATABASE_URL=$PG_URL
run_pytest "PostgreSQL, tests marked pg" -m "$PG_MARKERS" "$@"
unset TEST_DATABASE_URL

# Whoosh's public API alone: the shortcuts in app/index/whoosh_fast.py switched off. Any call of
# one raises, and tests/conftest.py fails the session if one was counted.
export POLICY_ARCHIVE_WHOOSH_FAST=0
run_pytest "SQLite, Whoosh shortcuts off (search, index, ingest)" -m "not browser" tests/search tests/index tests/ingest "$@"
unset POLICY_ARCHIVE_WHOOSH_FAST

# A normal install: build the wheel, install it into a clean venv and, from a folder outside the
# checkout, ingest seeds/ and serve a few pages (the editable install above would hide a
# missing template, static file or migration).
log "wheel: scripts/wheel_check.sh"
t0=$SECONDS
if scripts/wheel_check.sh; then
    echo "-- wheel install: passed in $((SECONDS - t0))s"
else
    echo "-- wheel install: FAILED after $((SECONDS - t0))s"; failed+=("wheel install")
fi

log "done in $((SECONDS - START))s"
if [ ${#failed[@]} -gt 0 ]; then
    printf 'FAILED runs: %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "all test runs passed"
