"""The evaluation world of tests/bench/ident_world/ is itself trustworthy: seeded, its rates as
stated, its truth what physically happened; and the runner scores a small run end to end."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter

import pytest

from tests.bench.ident_world import engine, runner
from tests.bench.ident_world.catalogue import load
from tests.bench.ident_world.scales import TAIL_RATE, PhysicalScale, door_closed_series
from tests.bench.ident_world.sessions import (
    KINDS,
    Cabinet,
    draw_cabinet,
    draw_kind,
    draw_session,
)


def _accept_all(_layout) -> bool:
    return True


def _world(seed: int, sessions: int = 50):
    rng = random.Random(seed)
    cabinet, _, _ = draw_cabinet(rng, _accept_all)
    return cabinet, [draw_session(rng, cabinet) for _ in range(sessions)]


def _exact(cabinet: Cabinet) -> Cabinet:
    """The same cabinet on perfect scales: no noise, no drift, a 1 mg division."""
    perfect = PhysicalScale("laumas_tlu", 0.0, 0.001, 0.0)
    scales = tuple(dataclasses.replace(lay, scale=perfect) for lay in cabinet.scales)
    return dataclasses.replace(cabinet, scales=scales, miss_rate=0.0)


def test_catalogue_has_forty_real_supplies_each_with_a_source():
    supplies = load()
    assert len(supplies) >= 40
    assert len({s.sku for s in supplies}) == len(supplies)
    assert all(s.source.strip() and s.unit_g > 0 and s.spread_g >= 0 for s in supplies)
    assert min(s.unit_g for s in supplies) < 10 and max(s.unit_g for s in supplies) > 2000


def test_same_seed_same_sessions_other_seed_others():
    assert _world(7) == _world(7)
    assert _world(7) != _world(8)


def test_session_kinds_come_at_the_stated_rates():
    rng = random.Random(3)
    kinds = Counter(draw_kind(rng) for _ in range(40_000))
    for kind, rate in KINDS:
        assert kinds[kind] / 40_000 == pytest.approx(rate, abs=0.004), kind


def test_settling_tails_flagged_stable_on_two_percent_and_visible_in_the_series():
    rng = random.Random(5)
    scale = PhysicalScale("laumas_tlu", 0.0, 0.001, 0.0)
    draws = [door_closed_series(rng, scale, 100.0) for _ in range(20_000)]
    tails = [(series, tail) for series, tail in draws if tail]
    assert len(tails) / len(draws) == pytest.approx(TAIL_RATE, abs=0.004)
    assert all(abs(s[0] - 100.0) > abs(s[-1] - 100.0) for s, _ in tails)
    assert all(len(set(s)) == 1 for s, tail in draws if not tail)


def test_rfid_rounds_miss_one_to_two_percent_of_present_tags():
    rng = random.Random(11)
    seen = present = 0
    for _ in range(60):
        cabinet, _, _ = draw_cabinet(rng, _accept_all)
        for session in (draw_session(rng, cabinet) for _ in range(20)):
            for round_tags in session.rfid_before:
                present += len(
                    set(session.sku_of_tag) - {t for t in session.sku_of_tag if t.endswith(":back")}
                )
                seen += len(round_tags)
    assert present > 5_000
    assert 0.01 - 0.003 <= 1 - seen / present <= 0.02 + 0.003


@pytest.mark.parametrize("seed", range(6))
def test_truth_is_what_the_perfect_scales_and_reader_see(seed):
    cabinet, _ = _world(seed, 0)
    cabinet = _exact(cabinet)
    rng = random.Random(seed)
    unit = {s.sku: s.unit_g for lay in cabinet.scales for s in lay.supplies}
    spread = {s.sku: s.spread_g for lay in cabinet.scales for s in lay.supplies}
    for session in (draw_session(rng, cabinet) for _ in range(200)):
        if any(e.tail_g for e in session.scales):
            continue
        change = sum(e.before_g - e.after_g for e in session.scales)
        expected = sum(unit[k] * n for k, n in session.truth.items())
        allowed = 6 * sum(abs(n) * spread[k] for k, n in session.truth.items()) + 0.01
        if session.kind in ("take", "putback"):
            assert change == pytest.approx(expected, abs=allowed)
        if session.kind == "moved":
            assert session.truth == {} and change == pytest.approx(0.0, abs=0.01)
        if session.kind == "putback":
            assert list(session.truth.values()) == [-1] and change < 0
        if session.sku_of_tag:
            gone = set(session.rfid_before[0]) - set(session.rfid_after[0])
            tagged_taken = {k: n for k, n in session.truth.items() if k in cabinet.tagged}
            assert Counter(session.sku_of_tag[t] for t in gone) == Counter(
                {k: n for k, n in tagged_taken.items() if n > 0}
            )


def test_idle_readings_let_a_scale_model_recover_its_noise_and_drift():
    cabinet, _ = _world(2, 0)
    for layout in cabinet.scales:
        sigma, drift = engine._idle_stats(layout)
        assert sigma == pytest.approx(layout.scale.sigma_g, rel=0.15)
        assert drift == pytest.approx(layout.scale.drift_g_per_min, abs=0.15)


def test_runner_scores_a_small_run_end_to_end():
    tally = runner.run(300, (20261205,))
    figures = tally.figures()
    assert figures["ident_field_sessions"] == 300
    assert tally.layouts >= runner.CABINETS_PER_SEED * 2
    assert 0 <= figures["ident_field_refused_rate"] < 1
    assert tally.errors == 0, tally.wrong_examples  # device input never crashes the engine
    outcomes: Counter[str] = Counter()
    for (_kind, outcome), n in tally.by_kind.items():
        outcomes[outcome] += n
    assert sum(outcomes.values()) == 300
    assert outcomes["right"] + outcomes["exception_expected"] == tally.right
    assert outcomes["wrong"] == tally.wrong
    assert figures["ident_ms_p99"] > 0
