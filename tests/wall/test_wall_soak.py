"""Ten minutes of wall traffic on the production server (Redis state, PostgreSQL, Mosquitto, the
real door-close path): the server's memory must not grow with time or with screens that came
and went. Marked `soak`: `make test` runs it beside the other tests when CI=true (or SOAK=1),
because it takes its ten minutes whatever the machine; `make soak` runs it alone."""

from __future__ import annotations

import os

import pytest

from tests.bench.bench_wall_soak import Soak, soak
from tests.services import require_postgres, require_redis

MINUTES = float(os.environ.get("WALL_SOAK_MINUTES", "10"))
SCREENS, CHURN = 20, 5  # 5 screens drop off and 5 new ones open every minute
# Measured here (docs/console.md "Wall dashboard"): after the warm-up minute 20 screens grew 5.2,
# 7.4 and 7.6 MB in nine minutes, 2.2–3.5 MB of it in the second half, and a 45-minute run levelled
# off after 20 minutes. A leak of each screen's state (tens of KB of plotly JSON) or of a snapshot
# per update grows several times that.
MAX_GROWTH_MB = 16.0
# Each of the 5 web workers loads the app (+20–80 MB) when it gets its first screen: 100 screens
# open and close first so that all have, and the start is sampled after three minutes. Without
# that, clean-clone CI runs saw a worker load at minute 2 (997 → 1083 MB) or at minute 4
# (1059 → 1082), then +6 MB to the end.
WARM_UP_S = 180.0
MAX_SECOND_HALF_GROWTH_MB = 6.0


@pytest.mark.soak
@pytest.mark.timeout(int(MINUTES * 60) + 600)  # the soak, plus building its world and server
def test_wall_server_memory_stays_bounded_under_traffic_and_churn() -> None:
    require_postgres()
    require_redis()
    if os.environ.get("CI") == "true":
        assert MINUTES >= 10, "CI runs the whole ten minutes"
    plan = Soak(
        minutes=MINUTES, screens=SCREENS, churn=CHURN, warm_up_s=WARM_UP_S, warm_screens=100
    )
    figures = soak(plan, backend_only=True)
    print(figures)
    assert figures["wall_soak_updates"] >= figures["wall_soak_closes"] * SCREENS // 2
    growth = figures["wall_soak_rss_mb_end"] - figures["wall_soak_rss_mb_start"]
    assert growth < MAX_GROWTH_MB, figures
    assert figures["wall_soak_growth_mb_second_half"] < MAX_SECOND_HALF_GROWTH_MB, figures
