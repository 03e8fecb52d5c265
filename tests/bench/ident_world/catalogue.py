"""The office supplies of the world: nominal unit weight, manufacturing spread (1 σ) and
whether the tenant tags them with RFID, read from catalogue.csv (SOURCES column per item)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CATALOGUE = Path(__file__).with_name("catalogue.csv")


@dataclass(frozen=True)
class Supply:
    sku: str
    name: str
    unit_g: float
    spread_g: float  # 1 σ of one unit's real weight around unit_g
    rfid: bool
    source: str


def _supply(row: dict[str, str]) -> Supply:
    unit, spread = float(row["unit_g"]), float(row["spread_g"])
    if unit <= 0 or spread < 0:
        raise ValueError(f"catalogue row {row['sku']}: unit_g must be > 0 and spread_g ≥ 0")
    if not row["source"].strip():
        raise ValueError(f"catalogue row {row['sku']}: source is empty")
    return Supply(row["sku"], row["name"], unit, spread, row["rfid"] == "yes", row["source"])


@cache
def load() -> tuple[Supply, ...]:
    with CATALOGUE.open(newline="", encoding="utf-8") as handle:
        return tuple(_supply(row) for row in csv.DictReader(handle))
