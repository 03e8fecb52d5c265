"""A REST API call's log lines name the tenant of its key, for that request only."""

from __future__ import annotations

import httpx
import pytest

from app.api.observe import RequestContext
from app.api.v1 import items
from app.core import logs
from tests.api.v1.conftest import bearer, edge_app
from tests.api.v1.conftest import settings as settings
from tests.api.v1.conftest import world as world


async def test_the_keys_tenant_is_bound_while_its_request_is_served(
    world,
    settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, _ = world
    seen: list[tuple] = []
    real = items.list_items

    def listing(**kwargs):
        seen.append((logs.current("tenant_id"), logs.current("request_id")))
        return real(**kwargs)

    monkeypatch.setattr(items, "list_items", listing)
    transport = httpx.ASGITransport(app=RequestContext(edge_app(settings)))
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as http:
        response = await http.get(
            "/api/v1/items", headers={**bearer(a.key), "X-Request-ID": "erp-sync-0042"}
        )
    assert response.status_code == 200
    assert seen == [(a.tenant_id, "erp-sync-0042")]
    assert logs.current("tenant_id") is None and logs.current("request_id") is None
