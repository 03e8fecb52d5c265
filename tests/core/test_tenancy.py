"""The tenant-scoped helper: rows of other tenants are invisible and unreachable."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app.cabinets.models import Cabinet
from app.core.errors import NotFoundError, PermissionDeniedError
from app.core.tenancy import (
    TenantScope,
    get_scoped,
    get_scoped_or_raise,
    scoped_count,
    scoped_select,
)
from tests.factories import make_cabinet, make_tenant


def test_scoped_queries_see_only_the_callers_tenants(session: Session) -> None:
    a, b, c = make_tenant(session), make_tenant(session), make_tenant(session)
    cab_a, cab_b, cab_c = (
        make_cabinet(session, a),
        make_cabinet(session, b),
        make_cabinet(session, c),
    )

    only_a = TenantScope.single(a.id)
    assert [x.id for x in session.exec(scoped_select(Cabinet, only_a))] == [cab_a.id]
    assert scoped_count(session, Cabinet, only_a) == 1
    provider = TenantScope.of({a.id, b.id})
    assert {x.id for x in session.exec(scoped_select(Cabinet, provider))} == {cab_a.id, cab_b.id}
    assert scoped_count(session, Cabinet, TenantScope.platform()) == 3

    assert get_scoped(session, Cabinet, cab_c.id, only_a) is None
    with pytest.raises(NotFoundError):
        get_scoped_or_raise(session, Cabinet, cab_b.id, only_a)
    assert get_scoped_or_raise(session, Cabinet, cab_c.id, TenantScope.platform()).id == cab_c.id


def test_narrowing_to_a_tenant_outside_the_scope_is_refused() -> None:
    provider = TenantScope.of({1, 2})
    assert provider.narrow(2) == TenantScope.single(2)
    assert provider.narrow(None) == provider
    with pytest.raises(PermissionDeniedError):
        provider.narrow(3)
    assert TenantScope.platform().narrow(3) == TenantScope.single(3)


def test_an_empty_scope_sees_nothing(session: Session) -> None:
    make_cabinet(session, make_tenant(session))
    assert scoped_count(session, Cabinet, TenantScope.of(set())) == 0


def test_scoping_a_shared_table_is_a_programming_error() -> None:
    from app.tenants.models import Tenant

    with pytest.raises(TypeError):
        scoped_select(Tenant, TenantScope.platform())
