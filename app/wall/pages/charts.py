"""The wall's two charts (plotly), drawn for a dark screen read from across the room.

The figures carry no words of their own (their titles are the page's, in the display's
language): one figure serves every screen of a tenant, whatever language each speaks."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from app.wall.service import WallSnapshot

INK = "#e6edf7"
GRID = "rgba(230, 237, 247, 0.12)"
ACCENT = "#2dd4bf"
# Read from 3–5 m at 1920×1080 (docs in app/wall/pages/wall.py): axis text and bar values ≥ 20 px.
AXIS_PX = 22
VALUE_PX = 24


def _layout(figure: go.Figure) -> go.Figure:
    figure.update_layout(
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"size": AXIS_PX, "color": INK, "family": "Noto Sans CJK SC, sans-serif"},
        margin={"l": 8, "r": 16, "t": 8, "b": 8},
        showlegend=False,
        autosize=True,
    )
    figure.update_xaxes(gridcolor=GRID, zeroline=False, automargin=True, tickfont={"size": AXIS_PX})
    figure.update_yaxes(gridcolor=GRID, zeroline=False, automargin=True, tickfont={"size": AXIS_PX})
    return figure


def _whole_steps(largest: int) -> int:
    """Counts are whole: ticks every n, about five of them."""
    return max(1, math.ceil(largest / 5))


def trend_figure(snapshot: WallSnapshot) -> go.Figure:
    """Today's withdrawals per local hour, up to now."""
    hours = [f"{h:02d}" for h in range(24)]
    figure = go.Figure(go.Bar(x=hours, y=snapshot.hourly, marker_color=ACCENT))
    figure.update_xaxes(type="category", tickangle=0, dtick=3)
    figure.update_yaxes(dtick=_whole_steps(max(snapshot.hourly, default=0)), rangemode="tozero")
    return _layout(figure)


def top_items_figure(snapshot: WallSnapshot) -> go.Figure:
    """Today's most taken items (up to ten), the first on top: one bar and one label each."""
    names = [name for name, _ in reversed(snapshot.top_items)]
    counts = [qty for _, qty in reversed(snapshot.top_items)]
    figure = go.Figure(go.Bar(x=counts, y=names, orientation="h", marker_color=ACCENT, text=counts))
    figure.update_traces(  # plotly shrinks outside labels that crowd unless told not to
        textposition="outside",
        cliponaxis=False,
        constraintext="none",
        textfont={"size": VALUE_PX, "color": INK},
    )
    figure.update_xaxes(dtick=_whole_steps(max(counts, default=0)), rangemode="tozero")
    # every item named, however short the panel (plotly skips category labels that crowd)
    figure.update_yaxes(type="category", dtick=1, tickmode="linear")
    return _layout(figure)
