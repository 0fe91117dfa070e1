#!/bin/sh
# Container entry point (see Dockerfile): ingest the bundled seeds/ when the data volume holds no
# archive yet, then serve on 0.0.0.0:8000. Extra arguments go to `policy-archive serve`.
set -eu

DATA=${POLICY_ARCHIVE_DATA:-/data}
SEEDS=${POLICY_ARCHIVE_SEEDS:-/app/seeds}

if [ ! -w "$DATA" ]; then
    echo "entrypoint: the data folder $DATA is not writable by $(id -un) (uid $(id -u)); give the volume to that user" >&2
    exit 1
fi
if [ ! -f "$DATA/archive.sqlite3" ]; then
    echo "entrypoint: no archive in $DATA yet: ingesting $SEEDS"
    policy-archive ingest --data-dir "$DATA" --quiet "$SEEDS"
fi
exec policy-archive serve --data-dir "$DATA" --host 0.0.0.0 --port 8000 "$@"
