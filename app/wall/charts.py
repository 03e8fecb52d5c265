"""The wall's two charts (plotly), drawn for a dark screen read from across the room."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from app.core.i18n import t
from app.wall.service import WallSnapshot

INK = "#e6edf7"
GRID = "rgba(230, 237, 247, 0.12)"
ACCENT = "#2dd4bf"


def _layout(figure: go.Figure, title: str) -> go.Figure:
    figure.update_layout(
        title={"text": title, "font": {"size": 26, "color": INK}, "x": 0.01},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"size": 18, "color": INK, "family": "Noto Sans CJK SC, sans-serif"},
        margin={"l": 16, "r": 16, "t": 56, "b": 16},
        showlegend=False,
        autosize=True,
    )
    figure.update_xaxes(gridcolor=GRID, zeroline=False, automargin=True)
    figure.update_yaxes(gridcolor=GRID, zeroline=False, automargin=True)
    return figure


def _whole_steps(largest: int) -> int:
    """Counts are whole: ticks every n, about five of them."""
    return max(1, math.ceil(largest / 5))


def trend_figure(snapshot: WallSnapshot) -> go.Figure:
    """Today's withdrawals per local hour, up to now."""
    hours = [f"{h:02d}" for h in range(24)]
    figure = go.Figure(go.Bar(x=hours, y=snapshot.hourly, marker_color=ACCENT))
    figure.update_xaxes(type="category", tickangle=0, dtick=2)
    figure.update_yaxes(dtick=_whole_steps(max(snapshot.hourly, default=0)), rangemode="tozero")
    return _layout(figure, t("wall.trend", snapshot.locale))


def top_items_figure(snapshot: WallSnapshot) -> go.Figure:
    """Today's ten most taken items, the first on top."""
    names = [name for name, _ in reversed(snapshot.top_items)]
    counts = [qty for _, qty in reversed(snapshot.top_items)]
    figure = go.Figure(go.Bar(x=counts, y=names, orientation="h", marker_color=ACCENT, text=counts))
    figure.update_traces(textposition="outside", cliponaxis=False)
    figure.update_xaxes(dtick=_whole_steps(max(counts, default=0)), rangemode="tozero")
    return _layout(figure, t("wall.top_items", snapshot.locale))
