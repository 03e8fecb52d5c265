"""Run benchmark groups and merge their figures into bench-results.json."""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="cabinet-bench-"))

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench-results.json"


def groups() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in Path(__file__).parent.glob("bench_*.py"))


def merge(figures: dict[str, float]) -> dict[str, float]:
    current = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    current.update(figures)
    RESULTS.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    return current


def main(argv: list[str]) -> int:
    wanted = argv or groups()
    unknown = sorted(set(wanted) - set(groups()))
    if unknown:
        print(f"unknown benchmark group(s): {', '.join(unknown)}; known: {', '.join(groups())}")
        return 2
    for group in wanted:
        started = time.monotonic()
        figures = importlib.import_module(f"tests.bench.bench_{group}").run()
        merge(figures)
        print(f"[{group}] {time.monotonic() - started:.1f}s")
        for name, value in sorted(figures.items()):
            print(f"  {name} = {value}")
    print(f"merged into {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
