"""A withdrawal's totals are the sums of its lines (commit and every correction restate both in
one transaction): the check that proves it, e.g. on a restored backup."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.core.tenancy import TenantScope, scope_filter
from app.withdrawals.models import Withdrawal, WithdrawalLine


@dataclass(frozen=True)
class TotalsMismatch:
    withdrawal_id: int
    tenant_id: int
    total_qty: int
    lines_qty: int
    total_cost_cents: int
    lines_cost_cents: int


def totals_mismatches(
    *, session: Session, scope: TenantScope, limit: int = 100
) -> list[TotalsMismatch]:
    """Withdrawals whose quantity or cost differs from their lines' sums (the first `limit`)."""
    lines = (
        select(
            WithdrawalLine.withdrawal_id,
            func.sum(WithdrawalLine.quantity).label("qty"),
            func.sum(WithdrawalLine.line_cost_cents).label("cost"),
        )
        .group_by(col(WithdrawalLine.withdrawal_id))
        .subquery()
    )
    qty, cost = func.coalesce(lines.c.qty, 0), func.coalesce(lines.c.cost, 0)
    statement = (
        select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
            Withdrawal.id,
            Withdrawal.tenant_id,
            Withdrawal.total_qty,
            qty,
            Withdrawal.total_cost_cents,
            cost,
        )
        .outerjoin(lines, lines.c.withdrawal_id == Withdrawal.id)
        .where(scope_filter(Withdrawal, scope))
        .where(or_(col(Withdrawal.total_qty) != qty, col(Withdrawal.total_cost_cents) != cost))
        .order_by(Withdrawal.id)
        .limit(limit)
    )
    return [TotalsMismatch(*(int(v) for v in row)) for row in session.execute(statement)]
