#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite: initdb into a temporary folder, listening on a
# Unix socket only (no TCP port, so it never clashes with another server), trust auth, no fsync.
#
#   scripts/pg.sh start DIR   initdb into DIR/data and start it; prints the SQLAlchemy URL
#   scripts/pg.sh stop DIR    stop the cluster in DIR and delete DIR
#
# DIR must be a new empty folder (e.g. from mktemp -d). PostgreSQL refuses to run as root, so when
# run as root the cluster is owned by, and runs as, the `postgres` system user (runuser/su).
set -euo pipefail

PORT=5432   # only names the socket file (DIR/sock/.s.PGSQL.5432); nothing listens on TCP

die() { echo "pg.sh: $*" >&2; exit 1; }

pg_bindir() {
    local d
    # Debian keeps the server binaries out of PATH; take the newest installed major version.
    for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
        [ -x "$d/initdb" ] && { echo "$d"; return; }
    done
    d=$(command -v initdb 2>/dev/null) && { dirname "$d"; return; }
    die "PostgreSQL server binaries (initdb, pg_ctl) not found; install the 'postgresql' package"
}

as_owner() {  # run a command as the cluster's owner
    if [ "$(id -u)" = 0 ]; then
        if command -v runuser >/dev/null; then
            runuser -u postgres -- "$@"
        else
            su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
        fi
    else
        "$@"
    fi
}

start() {
    local dir=$1 bin
    [ -d "$dir" ] || die "no folder $dir"
    bin=$(pg_bindir)
    mkdir -p "$dir/sock"
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' system user"
        chown -R postgres: "$dir"
        chmod 700 "$dir"
        # The postgres user must be able to reach DIR (mktemp -d under /tmp is fine).
        as_owner test -w "$dir" || die "the postgres user cannot write to $dir; use a folder under /tmp"
    fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C \
        --no-sync --no-instructions >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
        "-c listen_addresses='' -k $dir/sock -p $PORT -c max_connections=300 -c fsync=off \
         -c synchronous_commit=off -c full_page_writes=off" >/dev/null \
        || { cat "$dir/server.log" >&2; die "the server did not start"; }
    echo "postgresql+psycopg://postgres@/postgres?host=$dir/sock&port=$PORT"
}

stop() {
    local dir=$1 bin
    [ -d "$dir/data" ] || { rm -rf "$dir"; return 0; }
    bin=$(pg_bindir)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}

case "${1:-}" in
    start) [ $# -eq 2 ] || die "usage: pg.sh start DIR"; start "$2" ;;
    stop)  [ $# -eq 2 ] || die "usage: pg.sh stop DIR"; stop "$2" ;;
    *) die "usage: pg.sh start|stop DIR" ;;
esac
