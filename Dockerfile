# Policy Archive: the web app over an archive kept on the /data volume.
#   docker build -t policy-archive .
#   docker run -p 8000:8000 -v policy-archive-data:/data policy-archive
# On first start (no /data/archive.sqlite3) the bundled seeds/ are ingested; later starts keep the
# volume's archive, so permalinks and their history survive new images.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    POLICY_ARCHIVE_DATA=/data \
    POLICY_ARCHIVE_CACHE_DIR=/data/cache

RUN groupadd --system --gid 10001 archive \
 && useradd --system --uid 10001 --gid archive --home-dir /app --shell /usr/sbin/nologin archive \
 && mkdir -p /data && chown archive:archive /data

WORKDIR /app
# A normal install: the wheel carries the templates, static files, migrations and default themes
# inside the package (app/resources.py), so the source tree is removed once it is installed.
COPY pyproject.toml README.md /tmp/src/
COPY app /tmp/src/app
COPY migrations /tmp/src/migrations
COPY templates /tmp/src/templates
COPY static /tmp/src/static
COPY seeds/themes.toml /tmp/src/seeds/themes.toml
RUN pip install /tmp/src && rm -rf /tmp/src
# The seed documents the entry point ingests on first start (POLICY_ARCHIVE_SEEDS).
COPY seeds ./seeds
COPY scripts/docker-entrypoint.sh /usr/local/bin/policy-archive-entrypoint
RUN chmod 0755 /usr/local/bin/policy-archive-entrypoint

USER archive
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["policy-archive-entrypoint"]
