"""Camera snapshots over HTTP (issue 17 item 3, docs/protocol.md § 13): a cabinet posts the image
with the signed envelope in a header; the route checks who sends before reading the body, the
body against what was signed, the bytes for an image; stores it once; the tenant's retention
sweeps it away. The route runs on the app's own database, the sweep on both dialects."""

from __future__ import annotations

import hashlib
import io
import random
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlmodel import Session, select
from starlette.testclient import TestClient

from app import jobs
from app.api import build_api
from app.audit.services.records import Actor
from app.cabinets.models import Cabinet, CabinetSnapshot
from app.cabinets.services import provisioning
from app.cabinets.services.credentials import encrypt_secret, provision
from app.cabinets.services.snapshots import (
    MAX_BYTES,
    Admitted,
    admit,
    read_snapshot_bytes,
    set_snapshot_retention,
    snapshots_of_session,
    store_snapshot,
    sweep_snapshots,
)
from app.core import migrations
from app.core.config import get_settings
from app.core.db import session_scope
from app.core.errors import NotFoundError
from app.core.tenancy import TenantScope
from app.tenants.models import Tenant
from hardware.protocol import examples
from hardware.protocol.messages import NonceGuard, now_ms, schema_problem
from hardware.snapshots import ROUTE, build_snapshot_request, upload_snapshot
from tests.factories import make_cabinet, make_tenant

ADMIN = Actor(account_id=None, name="admin")
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Cab:
    tenant_id: int
    tenant_code: str
    cabinet_id: int
    code: str
    secret: bytes


@pytest.fixture(scope="module")
def client() -> TestClient:
    migrations.upgrade(get_settings().database_url)
    return TestClient(build_api(), base_url="http://testserver")


def _cabinet() -> Cab:
    """A provisioned cabinet of a new tenant in the app's database, and its secret."""
    with session_scope() as session:
        tenant = make_tenant(session)
        cabinet = make_cabinet(session, tenant)
        made = provision(
            session=session, scope=TenantScope.single(tenant.id), cabinet_id=cabinet.id, actor=ADMIN
        )
        return Cab(tenant.id, tenant.code, cabinet.id, cabinet.code, bytes.fromhex(made.secret_hex))


def _image(kind: str = "JPEG", size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 30, 200)).save(buffer, kind)
    return buffer.getvalue()


def _request(cab: Cab, image: bytes, **fields) -> tuple[dict[str, str], bytes]:
    fields = {
        "snapshot_id": f"snap-{uuid.uuid4().hex[:16]}",
        "phase": "after",
        "session": "ds-20261205-0001",
        "camera": "cam0",
        "taken_at": now_ms(),
    } | fields
    return build_snapshot_request(
        cab.code, cab.tenant_code, cab.secret, "boot0001", 3, image, **fields
    )


def _post(client: TestClient, headers: dict[str, str], content: bytes) -> httpx.Response:
    return client.post(ROUTE, headers=headers, content=content)


def _refused(response: httpx.Response, status: int, code: str) -> None:
    assert (response.status_code, response.json()["error"]) == (status, code), response.text


def _rows(cab: Cab) -> list[CabinetSnapshot]:
    with session_scope() as session:
        return list(
            session.exec(
                select(CabinetSnapshot).where(CabinetSnapshot.cabinet_id == cab.cabinet_id)
            )
        )


async def test_a_signed_jpeg_is_stored_once_and_read_back(client: TestClient) -> None:
    cab, image = _cabinet(), _image()
    response = await upload_snapshot(
        "http://testserver",
        cab.code,
        cab.tenant_code,
        cab.secret,
        "boot0001",
        3,
        image,
        transport=httpx.ASGITransport(app=build_api()),
        snapshot_id="snap-0001-after-cam0",
        phase="after",
        session="ds-20261205-0001",
        camera="cam0",
        taken_at=now_ms(),
    )
    assert response.status_code == 201, response.text
    assert response.json() == {"snapshot": "snap-0001-after-cam0", "result": "stored"}
    [row] = _rows(cab)
    assert (row.tenant_id, row.session, row.phase, row.camera) == (
        cab.tenant_id,
        "ds-20261205-0001",
        "after",
        "cam0",
    )
    assert (row.content_type, row.bytes) == ("image/jpeg", len(image))
    prefix = f"snapshots/{cab.tenant_id}/{cab.cabinet_id}/"
    assert row.path.startswith(prefix) and row.path.endswith("/snap-0001-after-cam0.jpg")
    assert (get_settings().data_dir / row.path).read_bytes() == image
    with session_scope() as session:
        own = TenantScope.single(cab.tenant_id)
        read = read_snapshot_bytes(
            session=session, scope=own, cabinet_id=cab.cabinet_id, snapshot_id=row.snapshot_id
        )
        assert read == image
        found = snapshots_of_session(
            session=session, cabinet_id=cab.cabinet_id, door_session="ds-20261205-0001"
        )
        assert [s.snapshot_id for s in found] == ["snap-0001-after-cam0"]
        with pytest.raises(NotFoundError):  # another tenant's people never read it
            read_snapshot_bytes(
                session=session,
                scope=TenantScope.single(cab.tenant_id + 10_000),
                cabinet_id=cab.cabinet_id,
                snapshot_id=row.snapshot_id,
            )
        (get_settings().data_dir / row.path).write_bytes(_image(size=(8, 8)))
        with pytest.raises(NotFoundError):  # a file that is no longer what was signed
            read_snapshot_bytes(
                session=session, scope=own, cabinet_id=cab.cabinet_id, snapshot_id=row.snapshot_id
            )


def test_unsigned_badly_signed_and_unknown_cabinets_are_401(client: TestClient) -> None:
    cab, image = _cabinet(), _image()
    headers, content = _request(cab, image)
    _refused(client.post(ROUTE, content=content), 401, "unsigned")
    forged = dict(headers)
    forged["X-CC-Envelope"] = headers["X-CC-Envelope"].replace(
        '"phase":"after"', '"phase":"manual"'
    )
    assert forged != headers
    _refused(_post(client, forged, content), 401, "bad_signature")
    other = Cab(cab.tenant_id, cab.tenant_code, 0, f"CAB-NOPE-{uuid.uuid4().hex[:6]}", cab.secret)
    _refused(_post(client, *_request(other, image)), 401, "unknown_cabinet")
    stale = _request(cab, image, ts=now_ms() - 400_000)
    _refused(_post(client, *stale), 401, "stale_timestamp")
    assert _rows(cab) == []


def test_a_replayed_envelope_is_refused(client: TestClient) -> None:
    cab, image = _cabinet(), _image()
    headers, content = _request(cab, image)
    assert _post(client, headers, content).status_code == 201
    _refused(_post(client, headers, content), 401, "replayed_nonce")


def test_a_body_declared_over_the_limit_is_413(client: TestClient) -> None:
    cab = _cabinet()
    too_long = b"\xff\xd8\xff" + bytes(MAX_BYTES)
    _refused(_post(client, *_request(cab, too_long)), 413, "too_large")
    # judged by its length before anything else: not even the missing envelope is looked at
    _refused(client.post(ROUTE, content=too_long), 413, "too_large")


@pytest.mark.usefixtures("client")
async def test_a_streamed_body_is_cut_off_past_the_limit() -> None:
    """No Content-Length (chunked): the route stops reading once past the limit."""
    cab = _cabinet()
    headers, _ = _request(cab, _image())
    sent = 0
    chunk = bytes(64 * 1024)

    async def endless():
        nonlocal sent
        for _ in range(8 * MAX_BYTES // len(chunk)):
            sent += len(chunk)
            yield chunk

    transport = httpx.ASGITransport(app=build_api())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.post(ROUTE, headers=headers, content=endless())
    _refused(response, 413, "too_large")
    assert sent <= MAX_BYTES + len(chunk)


def test_bytes_that_are_no_image_are_415(client: TestClient) -> None:
    cab = _cabinet()
    text = b"not a picture at all\n" * 40
    _refused(_post(client, *_request(cab, text, content_type="image/jpeg")), 415, "not_an_image")
    noise = b"\xff\xd8\xff" + random.Random(7).randbytes(4000)
    _refused(_post(client, *_request(cab, noise)), 415, "bad_image")
    camera = Image.frombytes("RGB", (128, 96), random.Random(3).randbytes(128 * 96 * 3))
    frame = io.BytesIO()
    camera.save(frame, "JPEG")
    truncated = frame.getvalue()[: len(frame.getvalue()) // 2]  # opens, but will not decode
    _refused(_post(client, *_request(cab, truncated)), 415, "bad_image")
    wide = _image("PNG", (4097, 1))
    _refused(_post(client, *_request(cab, wide)), 415, "image_too_large")
    assert _rows(cab) == []


def test_what_was_signed_must_be_what_was_sent_400(client: TestClient) -> None:
    cab, image = _cabinet(), _image()
    headers, _ = _request(cab, image)
    _refused(_post(client, headers, image + b"\0"), 400, "bytes_mismatch")
    headers, _ = _request(cab, image)
    other = image[:-2] + bytes([image[-2] ^ 1]) + image[-1:]
    _refused(_post(client, headers, other), 400, "sha256_mismatch")
    png = _image("PNG")
    _refused(
        _post(client, *_request(cab, png, content_type="image/jpeg")), 400, "content_type_mismatch"
    )
    bad = _request(cab, png, phase="before", session=None)  # before/after name their session
    response = _post(client, *bad)
    _refused(response, 400, "schema")
    assert "session" in response.json()["detail"]
    assert _rows(cab) == []


def test_the_same_snapshot_again_is_stored_once_and_other_bytes_conflict(
    client: TestClient,
) -> None:
    cab, image = _cabinet(), _image()
    first = _post(client, *_request(cab, image, snapshot_id="snap-0002-before-cam0"))
    assert first.status_code == 201
    again = _post(client, *_request(cab, image, snapshot_id="snap-0002-before-cam0"))
    assert again.status_code == 200 and again.json()["result"] == "duplicate"
    other = _image(size=(32, 32))
    conflict = _post(client, *_request(cab, other, snapshot_id="snap-0002-before-cam0"))
    _refused(conflict, 409, "snapshot_conflict")
    [row] = _rows(cab)
    assert (get_settings().data_dir / row.path).read_bytes() == image


def test_a_decommissioned_cabinet_and_a_suspended_tenant_are_refused_403(
    client: TestClient,
) -> None:
    retired, suspended = _cabinet(), _cabinet()
    with session_scope() as session:
        provisioning.decommission(
            session=session,
            scope=TenantScope.single(retired.tenant_id),
            cabinet_id=retired.cabinet_id,
            actor=ADMIN,
        )
        session.get(Tenant, suspended.tenant_id).status = "suspended"
    _refused(_post(client, *_request(retired, _image())), 403, "cabinet_retired")
    _refused(_post(client, *_request(suspended, _image())), 403, "tenant_suspended")
    assert _rows(retired) == _rows(suspended) == []


def _stored(session: Session, cabinet: Cabinet, data_dir: Path, days_ago: int) -> CabinetSnapshot:
    image = _image(size=(8 + days_ago, 8))
    _, message = examples.snapshot_example()
    body = {
        **message["body"],
        "snapshot": f"snap-{cabinet.id}-{days_ago:04d}",
        "bytes": len(image),
        "sha256": hashlib.sha256(image).hexdigest(),
        "content_type": "image/jpeg",
    }
    admitted = Admitted(cabinet.tenant_id, cabinet.id, cabinet.code, body)
    received = NOW - timedelta(days=days_ago)
    return store_snapshot(
        session=session, admitted=admitted, image=image, now=received, data_dir=data_dir
    ).snapshot


def test_the_sweep_deletes_what_each_tenant_no_longer_keeps(
    session: Session, tmp_path: Path
) -> None:
    default, short = make_tenant(session), make_tenant(session)
    set_snapshot_retention(
        session=session, scope=TenantScope.single(short.id), tenant_id=short.id, days=7, actor=ADMIN
    )
    keeps_30, keeps_7 = make_cabinet(session, default), make_cabinet(session, short)
    rows = {
        (cabinet.id, days): _stored(session, cabinet, tmp_path, days)
        for cabinet, ages in ((keeps_30, (31, 29)), (keeps_7, (8, 6)))
        for days in ages
    }
    files = {key: tmp_path / row.path for key, row in rows.items()}
    assert all(f.is_file() for f in files.values())
    assert sweep_snapshots(session=session, now=NOW, data_dir=tmp_path) == 2
    left = session.exec(select(CabinetSnapshot.snapshot_id)).all()
    assert sorted(left) == [f"snap-{keeps_30.id}-0029", f"snap-{keeps_7.id}-0006"]
    gone = {k for k, f in files.items() if not f.exists()}
    assert gone == {(keeps_30.id, 31), (keeps_7.id, 8)}
    assert sweep_snapshots(session=session, now=NOW, data_dir=tmp_path) == 0
    every = {fn.__name__: seconds for fn, seconds in jobs.IN_PROCESS_SCHEDULE}
    assert every["sweep_snapshots"] == 3600
    assert "sweep_snapshots" in {c.coroutine.__name__ for c in jobs.WorkerSettings.cron_jobs}


def test_the_documents_example_passes_the_clouds_checks(session: Session, tmp_path: Path) -> None:
    tenant = Tenant(code=examples.TENANT, name="星月")
    session.add(tenant)
    session.flush()
    cabinet = make_cabinet(session, tenant)
    cabinet.code = examples.CABINET
    cabinet.secret_ciphertext = encrypt_secret(examples.EXAMPLE_SECRET)
    session.flush()
    headers = examples.render_snapshot().split("X-CC-Envelope: ", 1)[1].split("\n", 1)[0]
    _, message = examples.snapshot_example()
    admitted = admit(
        session=session, envelope=headers.encode(), guard=NonceGuard(), now_ms=message["ts"]
    )
    stored = store_snapshot(
        session=session,
        admitted=admitted,
        image=examples.SNAPSHOT_IMAGE,
        now=NOW,
        data_dir=tmp_path,
    )
    assert stored.created and stored.snapshot.snapshot_id == "snap-0042-after-cam0"


def test_door_closed_names_its_snapshots_by_phase() -> None:
    body = examples.BODIES["door.closed"]
    assert schema_problem("door.closed", body) is None
    ids = {"before": ["snap-0042-before-cam0"], "after": ["snap-a", "snap-0042-after-cam1"]}
    problem = schema_problem("door.closed", {**body, "snapshots": ids})
    assert problem is not None and "snapshots/after/0" in problem
    many = {"after": [f"snap-{n:04d}" for n in range(9)]}
    assert "snapshots/after" in schema_problem("door.closed", {**body, "snapshots": many})


def test_the_bundle_names_the_cloud_s_http_address() -> None:
    settings = get_settings()
    assert provisioning.api_url(settings) == f"http://localhost:{settings.port}"
    named = replace(settings, cabinet_api_url="https://cloud.example.com")
    assert provisioning.api_url(named) == "https://cloud.example.com"
