"""Tables as cards on a phone: below PHONE_MAX_PX every row of a console table is a card whose
cells show their column's name beside the value (assets/table-cards.js labels the cells). A
table that must stay a grid (the role matrix) carries `data-no-cards`."""

from __future__ import annotations

import reflex as rx

PHONE_MAX_PX = 767
_T = '#console-main table[data-cards="on"]'
CARDS_CSS = f"""
@media (max-width: {PHONE_MAX_PX}px) {{
  {_T} thead {{ display: none; }}
  /* Radix gives tables and cells height 0 / a min height (table tricks): not for blocks */
  {_T}, {_T} tbody {{ display: block; width: 100%; height: auto; }}
  {_T} tr {{
    display: block; margin-bottom: 0.75rem; padding: 0.5rem 0.75rem;
    border: 1px solid var(--gray-5); border-radius: 8px; background: var(--color-panel-solid);
  }}
  {_T} td {{
    display: flex; justify-content: space-between; align-items: center; gap: 1rem;
    padding: 0.3rem 0; border: none; box-shadow: none; text-align: right; height: auto;
    overflow-wrap: anywhere;
  }}
  {_T} td::before {{
    content: attr(data-label); color: var(--gray-11); font-size: 0.8rem;
    text-align: left; flex-shrink: 0; max-width: 40%;
  }}
  {_T} td[data-label=""]::before {{ content: none; }}
  {_T} td[data-label=""] {{ justify-content: flex-start; }}
}}
"""


def phone_cards() -> rx.Component:
    return rx.fragment(rx.el.style(CARDS_CSS), rx.script(src="/table-cards.js", async_=True))
