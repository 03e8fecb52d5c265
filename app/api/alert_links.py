"""/api/alerts/ack/<token>: the link in a routed alert message (app/notify/services/links.py). GET
shows the alert and an Acknowledge button, changing nothing (chat apps and mail scanners open links
by themselves); the button POSTs to the same address, which acknowledges it. Pages in the reader's
language; a forged or expired token is refused (403) and changes nothing."""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from app.api.guard import request_locale
from app.core.db import run_in_session
from app.core.i18n import t
from app.notify.services.acks import acknowledge_by_token, alert_for_token

STATUS = {
    "open": 200,
    "acknowledged": 200,
    "already": 200,
    "resolved": 200,
    "refused": 403,
    "missing": 404,
}


def _locale(request: Request) -> str:
    if "locale" in request.cookies:
        return request_locale(request)
    return "en" if request.headers.get("accept-language", "").startswith("en") else "zh-CN"


def _page(locale: str, outcome: str, alert, *, ask: bool) -> HTMLResponse:
    if alert is None:
        body = t("routing.ack.refused", locale)
    else:
        text = t(alert.message_key, locale, **(alert.params or {}))
        key = {"acknowledged": "done", "open": "ask"}.get(outcome, outcome)
        body = t(f"routing.ack.{key}", locale, text=text)
    title = t("routing.ack.title", locale)
    button = (
        '<form method="post"><button id="ack-confirm" type="submit" style="font-size:1.1rem;'
        f'padding:0.6rem 1.4rem">{escape(t("routing.ack.button", locale))}</button></form>'
        if ask
        else ""
    )
    html = (
        f'<!doctype html><html lang="{locale}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{escape(title)}</title></head>"
        '<body style="font-family:sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem">'
        f'<h1>{escape(title)}</h1><p id="ack-outcome" data-outcome="{outcome}">{escape(body)}'
        f"</p>{button}</body></html>"
    )
    return HTMLResponse(html, status_code=STATUS[outcome], headers={"Cache-Control": "no-store"})


async def show(request: Request) -> Response:
    outcome, alert = await run_in_session(alert_for_token, token=request.path_params["token"])
    return _page(_locale(request), outcome, alert, ask=outcome == "open")


async def acknowledge(request: Request) -> Response:
    outcome, alert = await run_in_session(
        acknowledge_by_token,
        token=request.path_params["token"],
        ip=request.client.host if request.client else None,
    )
    return _page(_locale(request), outcome, alert, ask=False)


routes = [
    Route("/api/alerts/ack/{token:str}", show, methods=["GET"]),
    Route("/api/alerts/ack/{token:str}", acknowledge, methods=["POST"]),
]
