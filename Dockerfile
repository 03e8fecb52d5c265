# Production image: bun builds the frontend, `reflex run --env prod` serves one port (3000)
# as a non-root user. Configure with DATABASE_URL, REDIS_URL, MQTT_URL, SECRET_KEY, APP_ENV.
# compose.yaml runs the same image as web, arq workers and gateways (docs/operations.md
# "Production topology");
# `make dockerfile-steps` replays these steps without a container engine.
# postgresql-client: pg_dump / pg_restore for the backups (docs/operations.md "Backups").
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    APP_ENV=production \
    PORT=3000 \
    DATA_DIR=/data \
    REFLEX_USE_SYSTEM_BUN=1 \
    PATH=/opt/bun/node_modules/.bin:$PATH

RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm curl unzip fonts-noto-cjk \
    postgresql-client \
 && mkdir -p /opt/bun && cd /opt/bun && npm install --no-audit --no-fund bun@1.4.4 \
 && apt-get purge -y npm && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* /root/.npm

RUN useradd --create-home --uid 10001 app && mkdir -p /data && chown app:app /data
WORKDIR /srv/app

COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY --chown=app:app . .
USER app

# Build the frontend once at image build time (a build-only secret; the real one comes at run).
RUN SECRET_KEY=build-only-secret-build-only-secret-0000 reflex export --frontend-only --no-zip \
 && rm -rf /data/*

EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s CMD curl -fsS http://localhost:3000/api/health || exit 1

# Migrations run before serving; demo data is never loaded when APP_ENV=production.
CMD ["sh", "-c", "python -m app.cli prepare && exec reflex run --env prod --single-port"]
