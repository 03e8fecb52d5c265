"""PostgreSQL copies with the server's own tools: `pg_dump --format=custom` in the snapshot the
manifest's figures were read in, `pg_restore` into a database named by URL.

Connection details reach the tools through libpq's environment (PGHOST, PGPASSWORD, …), never
their command line, where any user of the machine could read a password in the process list.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import NullPool

from app.backup.services.store import BackupError

# URL query parameters that libpq also reads from the environment
LIBPQ_QUERY_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
}


class ToolError(BackupError):
    """pg_dump / pg_restore failed or is missing; the message carries what it said."""


def libpq_env(url: str) -> dict[str, str]:
    """The process environment plus PG* variables naming the URL's server, user and database."""
    parsed = make_url(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    pairs = {
        "PGHOST": parsed.host,
        "PGPORT": parsed.port,
        "PGUSER": parsed.username,
        "PGPASSWORD": parsed.password,
        "PGDATABASE": parsed.database,
    }
    env.update({k: str(v) for k, v in pairs.items() if v not in (None, "")})
    for name, variable in LIBPQ_QUERY_ENV.items():
        value = parsed.query.get(name)
        if value:
            env[variable] = value if isinstance(value, str) else value[-1]
    return env


def _run(argv: list[str], url: str | None = None) -> str:
    tool = shutil.which(argv[0])
    if tool is None:
        raise ToolError(f"{argv[0]} is not installed (PostgreSQL client tools are needed)")
    done = subprocess.run(
        [tool, *argv[1:]],
        env=libpq_env(url) if url else None,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()[-20:]
        raise ToolError(f"{argv[0]} exited with {done.returncode}: " + "\n".join(said))
    return done.stdout


def _engine_url(url: str) -> URL:
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+psycopg")


@contextmanager
def snapshot(url: str) -> Iterator[tuple[Connection, str]]:
    """A REPEATABLE READ transaction held open, and its exported snapshot id for pg_dump."""
    engine = create_engine(_engine_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot_id = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                yield conn, snapshot_id
    finally:
        engine.dispose()


@contextmanager
def dumping(url: str, target: Path, snapshot_id: str) -> Iterator[None]:
    """pg_dump of the snapshot into `target`, running while the block runs (the figures are
    read meanwhile); waited for at the block's end. Custom format: compressed, and seekable,
    which pg_restore needs to restore tables in parallel."""
    tool = shutil.which("pg_dump")
    if tool is None:
        raise ToolError("pg_dump is not installed (PostgreSQL client tools are needed)")
    argv = [tool, "--format=custom", f"--snapshot={snapshot_id}", f"--file={target}"]
    with tempfile.TemporaryFile("w+") as said:
        process = subprocess.Popen(argv, env=libpq_env(url), stdout=said, stderr=said, text=True)
        try:
            yield
        except BaseException:
            process.kill()
            process.wait()
            raise
        process.wait()
        if process.returncode != 0:
            said.seek(0)
            raise ToolError(f"pg_dump exited with {process.returncode}: {said.read()[-2000:]}")


def check_archive(path: Path) -> int:
    """`pg_restore --list`: the archive's table of contents reads; its number of entries."""
    listing = _run(["pg_restore", "--list", str(path)])
    return sum(1 for line in listing.splitlines() if line and not line.startswith(";"))


def restore(path: Path, url: str, jobs: int) -> None:
    """pg_restore into the URL's database: objects dropped first if present, no ownership or
    grants carried over (the target's user owns what it restores), `jobs` in parallel."""
    database = make_url(url).database or ""
    if "=" in database or not database:
        raise ToolError(f"restore target database name {database!r} is not a plain name")
    argv = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl"]
    _run([*argv, f"--jobs={max(1, jobs)}", f"--dbname={database}", str(path)], url)


def _admin_engine(url: str) -> Engine:
    maintenance = _engine_url(url).set(database="postgres")
    return create_engine(maintenance, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def database_exists(url: str) -> bool:
    engine = _admin_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": make_url(url).database},
            ).first()
        return found is not None
    finally:
        engine.dispose()


def create_database(url: str) -> None:
    engine = _admin_engine(url)
    try:
        with engine.connect() as conn:
            name = conn.dialect.identifier_preparer.quote(cast(str, make_url(url).database))
            conn.execute(text(f"CREATE DATABASE {name}"))
    finally:
        engine.dispose()


def user_tables(url: str) -> int:
    """Tables outside the system schemas: a target with any is not empty."""
    engine = create_engine(_engine_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text(
                        "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN "
                        "('pg_catalog', 'information_schema')"
                    )
                ).scalar_one()
            )
    finally:
        engine.dispose()
