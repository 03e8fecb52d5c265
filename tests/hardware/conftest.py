from __future__ import annotations

import pytest
from sqlmodel import Session

from app.audit.services.records import Actor
from app.cabinets.services.credentials import provision
from app.core import migrations
from app.core.config import get_settings
from app.core.tenancy import TenantScope
from tests.factories import make_cabinet, make_tenant


@pytest.fixture(autouse=True)
def _settings_database() -> None:
    """The embedded broker checks cabinet credentials in the app's own (test) database."""
    migrations.upgrade(get_settings().database_url)


@pytest.fixture
def cabinet(session: Session):
    """A provisioned cabinet of a new tenant: (tenant, cabinet, its secret)."""
    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    creds = provision(
        session=session,
        scope=TenantScope.single(tenant.id),
        cabinet_id=cabinet.id,
        actor=Actor(account_id=None, name="test"),
    )
    return tenant, cabinet, bytes.fromhex(creds.secret_hex)
