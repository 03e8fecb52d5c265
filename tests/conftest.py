"""Shared fixtures: fresh, migrated databases on SQLite and on real PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

# Tests never touch the developer's data dir or secret.
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="cabinet-test-data-"))
os.environ.setdefault("APP_ENV", "test")

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.core import migrations
from app.core.db import make_engine
from tests.services import POSTGRES_ADMIN_URL, require_postgres

DIALECTS = ["sqlite", "postgresql"]


def _create_pg_database() -> tuple[str, str]:
    name = f"cabinet_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _drop_pg_database(name: str) -> None:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to a brand-new empty database of the parametrised dialect."""
    dialect = getattr(request, "param", "sqlite")
    if dialect == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    require_postgres()
    name, url = _create_pg_database()
    try:
        yield url
    finally:
        _drop_pg_database(name)


class MigratedTemplates:
    """One database per dialect migrated once (alembic upgrade head, triggers included) and
    copied for each test: a copy takes milliseconds, a migration a second on each dialect."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sqlite: Path | None = None
        self.postgres: str | None = None

    def fill(self, url: str) -> None:
        """Make the new, empty database at `url` a copy of the migrated template."""
        if url.startswith("sqlite"):
            self._fill_sqlite(Path(url.removeprefix("sqlite:///")))
        else:
            self._fill_postgres(url.rsplit("/", 1)[1])

    def _fill_sqlite(self, target: Path) -> None:
        if self.sqlite is None:
            template = self.folder / "template.db"
            migrations.upgrade(f"sqlite:///{template}")
            self.sqlite = template
        # the backup API copies a consistent database, its write-ahead log included
        with sqlite3.connect(self.sqlite) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        source.close()
        copy.close()

    def _fill_postgres(self, name: str) -> None:
        if self.postgres is None:
            template, url = _create_pg_database()
            migrations.upgrade(url)
            self.postgres = template
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.postgres}"'))
        admin.dispose()

    def drop(self) -> None:
        if self.postgres is not None:
            _drop_pg_database(self.postgres)


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MigratedTemplates]:
    templates = MigratedTemplates(tmp_path_factory.mktemp("templates"))
    yield templates
    templates.drop()


@pytest.fixture
def engine(empty_database_url: str, migrated_templates: MigratedTemplates) -> Iterator[Engine]:
    """A migrated database: a copy of the dialect's template, at `empty_database_url`."""
    migrated_templates.fill(empty_database_url)
    engine = make_engine(empty_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/browser is a browser test (run in its own pytest process)."""
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.browser)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests asking for a database run on both SQLite and PostgreSQL unless marked otherwise."""
    if "empty_database_url" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("dialects")
    dialects = list(marker.args) if marker else DIALECTS
    metafunc.parametrize("empty_database_url", dialects, indirect=True, ids=dialects)
