"""The reports page's chart: consumption per local day of the period (plotly, light theme)."""

from __future__ import annotations

import json
from datetime import date

import plotly.graph_objects as go
import plotly.io

from app.core.i18n import t
from app.reports.consumption import Figures

ACCENT = "#0d9488"
INK = "#334155"


def daily_figure(days: dict[date, Figures], locale: str) -> dict:
    """Cost (yuan, bars) and units (line) per day, as plotly's JSON for the page's state."""
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
        xaxis={"type": "date", "tickformat": "%m-%d"},
        yaxis={"title": "¥", "gridcolor": "rgba(51,65,85,0.12)", "rangemode": "tozero"},
        yaxis2={"overlaying": "y", "side": "right", "showgrid": False, "rangemode": "tozero"},
        autosize=True,
        height=300,
    )
    return json.loads(plotly.io.to_json(figure))
