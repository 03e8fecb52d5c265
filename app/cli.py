"""Operator commands: `python -m app.cli prepare|migrate|seed-demo|logins|check-settings`,
and the backups: `backup`, `backups`, `restore <file> [--to DATABASE_URL] [--create] [--force]`.

`prepare` is what `make run` does before serving: apply migrations, load the demo data once
(development only) and print how to sign in.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from app.core import log_masking, migrations
from app.core.config import get_settings
from app.core.db import session_scope


def migrate() -> None:
    migrations.upgrade(get_settings().database_url)


def seed_demo() -> None:
    from app.demo.services.demo import seed_demo as seed

    with session_scope() as session:
        summary = seed(session=session)
    print("Demo data loaded." if summary else "Demo data already present; nothing changed.")


def print_logins() -> None:
    from app.demo.services.catalogue import DEMO_MARKER_TENANT, demo_wall_token
    from app.demo.services.logins import demo_logins

    settings = get_settings()
    print(
        f"\nCabinet cloud on http://localhost:{settings.port}  (database: {settings.database_url})"
    )
    print("Demo logins:")
    for login in demo_logins():
        print(f"  {login.username:<16} {login.password:<12} {login.description}")
    wall = demo_wall_token(DEMO_MARKER_TENANT)
    print(f"Wall dashboard (no sign-in): http://localhost:{settings.port}/wall/{wall}")
    print()


def ensure_roles() -> None:
    from app.auth.services.auth import ensure_builtin_roles

    with session_scope() as session:
        ensure_builtin_roles(session=session)


def prepare() -> None:
    settings = get_settings()
    migrate()
    ensure_roles()  # new permissions reach the built-in roles of an existing database
    if settings.is_production:
        return
    seed_demo()
    print_logins()


COMMANDS: dict[str, Callable[[], None]] = {
    "migrate": migrate,
    "seed-demo": seed_demo,
    "prepare": prepare,
    "logins": print_logins,
    "check-settings": lambda: print(get_settings()),
}


def main(argv: list[str] | None = None) -> int:
    from app.backup import cli as backup_cli
    from app.backup.services.backup import BackupError
    from app.core.config import SettingsError

    log_masking.install()
    parser = argparse.ArgumentParser(
        prog="python -m app.cli", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name in sorted(COMMANDS):
        commands.add_parser(name)
    with_args = backup_cli.add_commands(commands)
    args = parser.parse_args(argv)
    if args.command in COMMANDS:
        COMMANDS[args.command]()
        return 0
    try:
        return with_args[args.command](args)
    except (BackupError, SettingsError) as refused:
        print(f"{args.command}: {refused}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
