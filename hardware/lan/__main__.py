"""python -m hardware.lan — drive this site's cabinets that have no controller of their own.

python -m hardware.lan                       # every LAN cabinet registered in the database
python -m hardware.lan --site "HQ floor 3"   # those of one site (its name or number)
python -m hardware.lan --broker mqtt://broker.example:1883 --outbox-dir /var/lib/cc-lan

Each cabinet connects to the broker with its own credentials, as its firmware would; its outbox
(SQLite, one file per cabinet) keeps what it could not send yet across restarts.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from app.cabinets.services.lan import lan_cabinets
from app.core.config import get_settings
from app.core.db import session_scope
from hardware.lan.driver import LanCabinet
from hardware.lan.supervisor import build
from hardware.net import broker_address

logger = logging.getLogger(__name__)


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m hardware.lan",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--site", help="only the cabinets of this site (name or number)")
    parser.add_argument("--broker", help="mqtt://host:port (default: MQTT_URL or embedded)")
    parser.add_argument("--outbox-dir", type=Path, help="where the SQLite outboxes live")
    parser.add_argument("--poll-s", type=float, default=0.2, help="door sensor polling period")
    parser.add_argument("--heartbeat-s", type=float, default=30.0)
    return parser.parse_args(argv)


async def run_site(cabinets: list[LanCabinet], stop: asyncio.Event) -> None:
    """Every cabinet until `stop` is set; one failing never takes the others down."""
    async with asyncio.TaskGroup() as group:
        for cabinet in cabinets:
            group.create_task(cabinet.run(stop))


def main(argv: list[str]) -> int:
    from app.core import log_masking

    log_masking.install()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    args = _arguments(argv)
    with session_scope() as session:
        specs = lan_cabinets(session=session, site=args.site)
    if not specs:
        print("no LAN cabinet registered (for this site)", file=sys.stderr)
        return 1
    broker = broker_address(args.broker)
    outbox_dir = args.outbox_dir or get_settings().data_dir / "lan"
    cabinets = [
        build(
            s,
            broker=broker,
            outbox_dir=outbox_dir,
            poll_s=args.poll_s,
            heartbeat_s=args.heartbeat_s,
        )
        for s in specs
    ]
    logger.info("driving %s LAN cabinets on %s:%s", len(cabinets), *broker)

    async def until_signalled() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await run_site(cabinets, stop)

    asyncio.run(until_signalled())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
