"""A PostgreSQL cluster of the drill's own (the machine's binaries, a fresh data directory, a
free port), so that restarting it mid-burst troubles no other test sharing the machine's."""

from __future__ import annotations

import getpass
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from hardware.net import free_port
from tests.services import require


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


@dataclass
class OwnPostgres:
    directory: Path
    port: int
    user: str

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        log = self.directory.parent / "postgres.log"
        command = [_bin("pg_ctl"), "-D", str(self.directory), "-l", str(log), "-w", *args]
        subprocess.run(_as_owner(command), check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._ctl(
            "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1", "start"
        )

    def crash(self) -> None:
        """Stopped as a crash stops it (immediate: no checkpoint, clients cut off)."""
        self._ctl("-m", "immediate", "stop")

    def stop(self) -> None:
        self._ctl("-m", "fast", "stop")


def _as_owner(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, its commands run as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def own_postgres() -> Iterator[OwnPostgres]:
    """In a directory of its own under /tmp (pytest's are closed to the postgres user)."""
    require(_bin("initdb") is not None and _bin("pg_ctl") is not None, "PostgreSQL's binaries")
    directory = Path(tempfile.mkdtemp(prefix="drill-pg-"))
    data = directory / "pgdata"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
        shutil.chown(data, "postgres")
    user = "postgres" if os.geteuid() == 0 else getpass.getuser()
    subprocess.run(
        _as_owner([_bin("initdb"), "-D", str(data), "-A", "trust", "-U", user, "--no-sync"]),
        check=True,
        capture_output=True,
        timeout=120,
    )
    server = OwnPostgres(data, free_port(), user)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
