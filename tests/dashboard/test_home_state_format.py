"""The home page's recent withdrawals without a browser: amounts in yuan, moments in the
tenant's zone."""

from __future__ import annotations

from datetime import UTC, datetime

from app.dashboard.service import HomeFigures, RecentWithdrawal
from app.dashboard.state.home import _recent_rows


def test_a_recent_withdrawal_shows_its_amount_in_yuan_at_the_tenants_time() -> None:
    taken = datetime(2026, 12, 31, 16, 1, tzinfo=UTC)  # 00:01 on 1 January in Shanghai
    figures = HomeFigures(
        *(0,) * 11, recent=[RecentWithdrawal(9, taken, "Li Lei", "Sales", "Lobby", 4, 99999)]
    )
    assert _recent_rows(figures, "Asia/Shanghai") == [
        {
            "id": 9,
            "time": "01-01 00:01",
            "person": "Li Lei",
            "department": "Sales",
            "cabinet": "Lobby",
            "qty": 4,
            "amount": "999.99",
        }
    ]
    assert _recent_rows(figures, "UTC")[0]["time"] == "12-31 16:01"
