"""A browser tab's client token is not a credential (issue 14, finding 1).

The token travels in the websocket URL and in each upload's headers; whoever learns it (a log, a
proxy, a shared screen) must get nothing by it. Against the product as `make run` serves it:
uploads made with a closed tab's token and no cookie, or another tenant's cookie; sockets opened
with the token of a signed-in tab, and after its person signed out; credentials shown once; the
server's log.
"""

from __future__ import annotations

import re
import time

import httpx
import pytest
import socketio
from sqlalchemy import text

from app.core.db import make_engine
from tests.browser.conftest import RunningApp
from tests.browser.sockets import Caller, cookie_for, event_name

PHONE = re.compile(r"1[3-9]\d{9}")
ATTACKER_PHONE = "13987650001"
OWN_PHONE = "13987650002"


def _engine(app: RunningApp):
    return make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")


def _listed(app: RunningApp, phone: str) -> bool:
    engine = _engine(app)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT count(*) FROM phone_whitelist WHERE phone = :p"), {"p": phone}
            ).scalar_one()
    finally:
        engine.dispose()
    return found > 0


def _whitelist_tab(app: RunningApp) -> Caller:
    """xy_admin's whitelist page, open: its state holds the tenant's phones."""
    admin = Caller("xy_admin", cookie_for(app, "xy_admin"), socketio.Client(reconnection=False))
    admin.connect(app.url)
    admin.call(event_name("State.hydrate"), {})
    shown = admin.call(event_name("WhitelistState.load"), {})
    assert len(set(PHONE.findall(shown))) >= 5, shown[:500]  # the page really shows phones
    return admin


def _upload(app: RunningApp, token: str, cookie: str = "", **headers: str) -> httpx.Response:
    csv = f"phone,name\n{ATTACKER_PHONE},攻击者\n{OWN_PHONE},自己人\n".encode()
    return httpx.post(
        f"{app.url}/_upload",
        files={"files": ("phones.csv", csv, "text/csv")},
        headers={
            "reflex-client-token": token,
            "reflex-event-handler": event_name("WhitelistState.upload"),
            **({"Cookie": cookie} if cookie else {}),
            **headers,
        },
        timeout=30,
    )


def test_an_upload_with_someone_elses_token_is_refused(running_app: RunningApp) -> None:
    admin = _whitelist_tab(running_app)
    admin.client.disconnect()  # the tab is closed; its sign-in is still valid

    anonymous = _upload(running_app, admin.token)
    assert anonymous.status_code == 401, anonymous.text
    foreign_site = _upload(running_app, admin.token, Origin="http://evil.example")
    assert foreign_site.status_code == 403, foreign_site.text
    other_tenant = _upload(running_app, admin.token, cookie_for(running_app, "ht_admin"))
    assert other_tenant.status_code == 200  # received, then refused by the event gate
    assert not _listed(running_app, ATTACKER_PHONE) and not _listed(running_app, OWN_PHONE)
    employee = _upload(running_app, admin.token, cookie_for(running_app, "xy_employee"))
    assert employee.status_code == 403  # may not upload phones at all: refused unread

    # the owner of the tab, from the tab: the same request goes through (the test can fail)
    own = _upload(running_app, admin.token, admin.cookie)
    assert own.status_code == 200, own.text[:300]
    assert _listed(running_app, OWN_PHONE) and _listed(running_app, ATTACKER_PHONE)


def test_a_socket_with_someone_elses_token_sees_nothing_of_theirs(
    running_app: RunningApp,
) -> None:
    admin = _whitelist_tab(running_app)
    admin.call(
        event_name("CabinetsState.choose"), {"cabinet_id": _a_cabinet_of_tenant_a(running_app)}
    )
    made = admin.call(event_name("CabinetsState.new_credentials"), {})
    secret = re.search(r'"secret": "([0-9a-f]{64})"', made)
    assert secret, made[:500]
    shown = admin.call(event_name("State.hydrate"), {})
    phones = set(PHONE.findall(shown))
    assert phones and secret.group(1) in shown
    admin.client.disconnect()  # the tab is closed; its sign-in is still valid

    # another tenant's admin, then a visitor, reuse the closed tab's token
    for intruder in (cookie_for(running_app, "ht_admin"), ""):
        tab = Caller("intruder", intruder, socketio.Client(reconnection=False), token=admin.token)
        tab.connect(running_app.url)
        seen = tab.call(event_name("State.hydrate"), {})
        tab.client.disconnect()
        assert f'"client_token": "{admin.token}"' in seen  # it really is the admin's tab
        assert secret.group(1) not in seen
        assert not phones & set(PHONE.findall(seen)), "the admin's phones reached an intruder"


def test_shown_once_credentials_leave_the_state(running_app: RunningApp) -> None:
    admin = Caller("xy_admin", cookie_for(running_app, "xy_admin"))
    admin.connect(running_app.url)
    try:
        admin.call(event_name("State.hydrate"), {})
        chosen = _a_cabinet_of_tenant_a(running_app)
        admin.call(event_name("CabinetsState.choose"), {"cabinet_id": chosen})
        made = admin.call(event_name("CabinetsState.new_credentials"), {})
        secret = re.search(r'"secret": "([0-9a-f]{64})"', made).group(1)
        admin.call(event_name("CabinetsState.forget_credentials"), {})
        assert secret not in admin.call(event_name("State.hydrate"), {})
    finally:
        admin.client.disconnect()


def test_signing_out_empties_and_closes_the_sessions_tabs(running_app: RunningApp) -> None:
    admin = _whitelist_tab(running_app)
    phones = set(PHONE.findall(admin.call(event_name("State.hydrate"), {})))
    signed_out = httpx.post(
        f"{running_app.url}/api/auth/logout",
        headers={"Cookie": admin.cookie, "Accept": "application/json"},
    )
    assert signed_out.status_code == 200
    assert admin.disconnected.wait(10), "the signed-out session's socket stayed open"

    for intruder in ("", cookie_for(running_app, "ht_admin")):
        tab = Caller("after", intruder, socketio.Client(reconnection=False), token=admin.token)
        tab.connect(running_app.url)
        seen = tab.call(event_name("State.hydrate"), {})
        tab.client.disconnect()
        assert not phones & set(PHONE.findall(seen)), "phones left in a signed-out tab's state"


def test_client_tokens_are_not_written_to_the_log(running_app: RunningApp) -> None:
    """Reflex logs a token when it has a delta for a tab whose socket is gone: here, a PDF
    export's progress (and its end) for a tab closed once the export had started."""
    logged = "send delta to disconnected client"
    before = running_app.log().count(logged)
    admin = Caller(
        "xy_admin", cookie_for(running_app, "xy_admin"), socketio.Client(reconnection=False)
    )
    admin.connect(running_app.url)
    admin.call(event_name("State.hydrate"), {})
    admin.call(event_name("ReportsState.load"), {})
    admin.received.clear()
    admin.send(event_name("ReportsState.export"), {"fmt": "pdf"})  # a few seconds' work
    while not admin.received:  # the export has started: its progress follows from now on
        time.sleep(0.01)
    admin.client.disconnect()
    deadline = time.monotonic() + 30
    while running_app.log().count(logged) == before:
        assert time.monotonic() < deadline, "the scenario did not happen"
        time.sleep(0.5)
    assert admin.token not in running_app.log()
    assert admin.token[:13] not in running_app.log()


def _a_cabinet_of_tenant_a(app: RunningApp) -> int:
    engine = _engine(app)
    try:
        with engine.connect() as conn:
            return conn.execute(
                text(
                    "SELECT c.id FROM cabinet c JOIN tenant t ON t.id = c.tenant_id"
                    " WHERE t.code = 'TN-XY' AND c.status <> 'retired'"  # one it may re-provision
                    " ORDER BY c.id DESC LIMIT 1"
                )
            ).scalar_one()
    finally:
        engine.dispose()


@pytest.fixture(autouse=True)
def _no_tracebacks_added(running_app: RunningApp):
    before = running_app.log().count("Traceback")
    yield
    assert running_app.log().count("Traceback") == before, running_app.log()[-3000:]
