# CAN Bot: one image for the bot and its one-shot migration (compose.yaml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=8080

# pg_dump/pg_restore for backups (Debian 12's client is PostgreSQL 15: keep the server at 15).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 canbot \
    && useradd --system --uid 10001 --gid canbot --home-dir /app --shell /usr/sbin/nologin canbot

WORKDIR /app
# The runtime dependencies, at the versions the suite passed with (requirements.lock).
COPY pyproject.toml requirements.lock ./
RUN pip install --constraint requirements.lock .
COPY bot ./bot
COPY storage ./storage
COPY templates ./templates
COPY scheduler.py alembic.ini README.md ./
COPY deploy/entrypoint.sh ./deploy/entrypoint.sh
RUN mkdir -p /data /backups && chown canbot:canbot /data /backups

USER canbot
VOLUME ["/data", "/backups"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
