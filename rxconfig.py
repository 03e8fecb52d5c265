"""Reflex configuration: derived from the one settings module (app/core/config.py)."""

import os
import sys

import reflex as rx

from app.core.config import get_settings
from app.core.web_workers import keep_web_workers_alive

settings = get_settings()
keep_web_workers_alive()  # granian: a dead web worker is replaced, not the end of the server
# Uploaded files (item pictures) live with the rest of the data, not in the code checkout.
os.environ.setdefault("REFLEX_UPLOADED_FILES_DIR", str(settings.data_dir / "uploads"))

config = rx.Config(
    app_name="app",
    # Our own DATABASE_URL drives SQLModel and Alembic; Reflex's rx.Model/db integration stays off.
    db_url=None,
    redis_url=settings.redis_url,
    # `reflex run --backend-only` refuses to start when the config names a frontend port
    frontend_port=None if "--backend-only" in sys.argv else settings.port,
    backend_port=settings.port,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    cors_allowed_origins=settings.cors_origins,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="teal", gray_color="slate", radius="medium")
        )
    ],
    disable_plugins=[rx.plugins.sitemap.SitemapPlugin],
)
