"""The reports page's chart: consumption per local day of the period so far (plotly, light
theme), on an axis that spans the whole period."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import plotly.graph_objects as go
import plotly.io

from app.core.i18n import t
from app.reports.queries.consumption import Figures

ACCENT = "#0d9488"
INK = "#334155"


def daily_figure(
    days: dict[date, Figures], locale: str, span: tuple[date, date] | None = None
) -> dict:
    """Cost (yuan, bars) and units (line) per day given, as plotly's JSON for the page's state;
    `span`: the period's first and last day, the axis's extent (days to come stay blank)."""
    labels = [d.isoformat() for d in days]
    figure = go.Figure(
        [
            go.Bar(
                x=labels,
                y=[f.cost_cents / 100 for f in days.values()],
                name=t("reports.cost", locale),
                marker_color=ACCENT,
            ),
            go.Scatter(
                x=labels,
                y=[f.quantity for f in days.values()],
                name=t("reports.quantity", locale),
                yaxis="y2",
                mode="lines+markers",
                line={"color": "#f59e0b"},
            ),
        ]
    )
    figure.update_layout(
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"color": INK, "family": "Noto Sans CJK SC, sans-serif"},
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        legend={"orientation": "h", "y": -0.15},
        xaxis={"type": "date", "tickformat": "%m-%d", **_extent(span)},
        yaxis={"title": "¥", "gridcolor": "rgba(51,65,85,0.12)", "rangemode": "tozero"},
        yaxis2={"overlaying": "y", "side": "right", "showgrid": False, "rangemode": "tozero"},
        autosize=True,
        height=300,
    )
    return json.loads(plotly.io.to_json(figure))


def _extent(span: tuple[date, date] | None) -> dict:
    if span is None:
        return {}
    first, last = span
    # half a day either side: the first and last bars whole
    half = timedelta(hours=12)
    edges = (datetime.combine(first, time()) - half, datetime.combine(last, time()) + half)
    return {"range": [e.strftime("%Y-%m-%d %H:%M") for e in edges], "autorange": False}
