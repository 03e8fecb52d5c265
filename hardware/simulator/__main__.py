"""python -m hardware.simulator — simulated cabinets talking protocol v1 to a broker.

python -m hardware.simulator --cabinets 3                 # from this machine's database
python -m hardware.simulator --fleet fleet.json --broker mqtt://host:1883
python -m hardware.simulator --cabinets 1 --misbehave bad_signature,replay --rate 5
python -m hardware.simulator --bundle CAB-SH-009-provisioning-v1.json   # its bundle alone
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path

from app.core.config import get_settings
from app.core.db import session_scope
from hardware.net import broker_address
from hardware.simulator.fleet import fleet_from_database, fleet_from_file, spec_from_bundle
from hardware.simulator.mischief import KINDS
from hardware.simulator.run import FleetOptions, run_fleet


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m hardware.simulator",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--cabinets", type=int, default=3, help="how many (from the database)")
    parser.add_argument("--fleet", type=Path, help="JSON file of provisioned credentials")
    parser.add_argument(
        "--bundle",
        type=Path,
        action="append",
        help="a cabinet's provisioning bundle from the console (repeatable); its broker too",
    )
    parser.add_argument("--broker", help="mqtt://host:port (default: MQTT_URL or embedded)")
    parser.add_argument("--rate", type=float, default=0.5, help="visits per minute per cabinet")
    parser.add_argument("--heartbeat-s", type=float, default=30.0)
    parser.add_argument("--skew-s", type=float, default=0.0, help="cabinet clock skew")
    parser.add_argument("--misbehave", default="", help=f"comma list of: {', '.join(KINDS)}")
    parser.add_argument("--misbehave-rate", type=float, default=0.05)
    parser.add_argument("--outbox-dir", type=Path, help="where the SQLite outboxes live")
    return parser.parse_args(argv)


def _broker(raw: str | None) -> tuple[str, int]:
    return broker_address(raw)


def main(argv: list[str]) -> int:
    args = _arguments(argv)
    kinds = frozenset(k for k in args.misbehave.split(",") if k)
    if kinds - set(KINDS):
        print(f"unknown --misbehave: {', '.join(sorted(kinds - set(KINDS)))}", file=sys.stderr)
        return 2
    broker = _broker(args.broker)
    if args.bundle:
        try:
            from_bundles = [spec_from_bundle(path) for path in args.bundle]
        except (OSError, ValueError, KeyError) as unusable:
            print(f"unusable bundle: {unusable}", file=sys.stderr)
            return 2
        specs = [spec for spec, _ in from_bundles]
        broker = _broker(args.broker) if args.broker else from_bundles[0][1]
    elif args.fleet:
        specs = fleet_from_file(args.fleet)
    else:
        with session_scope() as session:
            specs = fleet_from_database(session, args.cabinets)
    if not specs:
        print("no cabinet to simulate (run `make prepare` for the demo data)", file=sys.stderr)
        return 1
    options = FleetOptions(
        broker=broker,
        outbox_dir=args.outbox_dir or get_settings().data_dir / "simulator",
        visits_per_min=args.rate,
        heartbeat_s=args.heartbeat_s,
        clock_skew_ms=int(args.skew_s * 1000),
        misbehave=kinds,
        misbehave_rate=args.misbehave_rate,
    )

    async def until_signalled() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await run_fleet(specs, options, stop)

    asyncio.run(until_signalled())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
