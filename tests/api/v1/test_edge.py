"""The edge and the API: a cookie-less bearer call passes whatever its Origin (nothing ambient
for a foreign page to ride on); with a cookie, a foreign Origin is still refused."""

from __future__ import annotations

from tests.api.v1.conftest import bearer

FOREIGN = {"Origin": "https://elsewhere.example"}


async def test_a_bearer_call_without_cookie_passes_the_origin_check(client, world) -> None:
    a, _ = world
    response = await client.get("/items", headers={**bearer(a.key), **FOREIGN})
    assert response.status_code == 200, response.text


async def test_a_foreign_origin_with_a_cookie_is_refused(client, world) -> None:
    a, _ = world
    headers = {**bearer(a.key), **FOREIGN, "Cookie": "cc_access=x"}
    response = await client.get("/items", headers=headers)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "api.origin_refused"  # problem details, as every refusal
    english = await client.get("/items", headers={**headers, "Accept-Language": "en-GB,en"})
    assert english.json()["detail"].startswith("Refused: a cookie")


async def test_a_foreign_origin_without_a_key_is_refused(client, world) -> None:
    response = await client.get("/items", headers=FOREIGN)
    assert response.status_code == 403
