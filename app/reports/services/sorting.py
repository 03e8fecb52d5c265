"""Report tables sorted by a column a person clicked: the rows as the page shows them, compared by
what their cells mean (¥1,234.50 and 12.5% as numbers, names as text), "—" always last."""

from __future__ import annotations

import re
from collections.abc import Mapping

_NUMBER = re.compile(r"^[¥$]?\s*-?[\d,]*\.?\d+\s*%?$")


def cell_key(value: object) -> tuple[int, float | str]:
    """(0, number) for a number or a figure shown as text, (1, text) for a name, (2, "") for
    a missing value: numbers before names, blanks last, whichever the direction."""
    if isinstance(value, bool):
        return (0, float(value))
    if isinstance(value, int | float):
        return (0, float(value))
    text = str(value if value is not None else "").strip()
    if text in ("", "—", "-"):
        return (2, "")
    if _NUMBER.match(text):
        return (0, float(text.strip("¥$% ").replace(",", "")))
    return (1, text.casefold())


def sort_rows(
    rows: list[Mapping[str, object]], column: str, descending: bool
) -> list[Mapping[str, object]]:
    """`rows` by `column` (stable: equal cells keep their order); blanks stay at the end."""
    present = [r for r in rows if cell_key(r.get(column))[0] < 2]
    blank = [r for r in rows if cell_key(r.get(column))[0] == 2]
    return sorted(present, key=lambda r: cell_key(r.get(column)), reverse=descending) + blank


def parse_sort(value: str, columns: tuple[str, ...]) -> tuple[str, bool] | None:
    """ "cost" ascending, "-cost" descending; None for a column the table does not have."""
    descending = value.startswith("-")
    column = value[1:] if descending else value
    return (column, descending) if column in columns else None
