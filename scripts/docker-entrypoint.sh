#!/bin/sh
# Container entry point (see Dockerfile): add the bundled seeds/ to the archive in the data volume
# (creating it on the first start), then serve on 0.0.0.0:8000. Extra arguments go to `policy-archive serve`.
set -eu

DATA=${POLICY_ARCHIVE_DATA:-/data}
SEEDS=${POLICY_ARCHIVE_SEEDS:-/app/seeds}

if [ ! -w "$DATA" ]; then
    echo "entrypoint: the data folder $DATA is not writable by $(id -un) (uid $(id -u)); give the volume to that user" >&2
    exit 1
fi
# --add retires nothing: documents ingested from elsewhere into the volume stay served, and a
# newer image's seeds are picked up (an unchanged seed costs only a look at its size and hash).
echo "entrypoint: adding $SEEDS to the archive in $DATA"
policy-archive ingest --add --data-dir "$DATA" --quiet "$SEEDS"
exec policy-archive serve --data-dir "$DATA" --host 0.0.0.0 --port 8000 "$@"
