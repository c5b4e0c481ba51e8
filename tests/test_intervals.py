"""Per-feature ``[from, to)`` intervals agree with the day-by-day rule (explorer.intervals)."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import types

import pandas as pd
import pytest

from explorer import intervals, style

D = dt.date
ONE = dt.timedelta(days=1)
FIRST, LAST = D(1997, 1, 1), D(2028, 12, 31)
LAYERS = [layer for layer in style.DATA_LAYERS if layer != "borders"]


def state_from(runs: list[intervals.Interval], day: dt.date) -> intervals.State:
    """The state the intervals give on ``day`` (None when no interval holds it)."""
    held = [run for run in runs if run.holds(day)]
    assert len(held) <= 1, (day, held)
    return held[0].state if held else None


def check_order(runs: list[intervals.Interval]) -> None:
    """Intervals are non-empty, in date order and never overlap; neighbours differ."""
    for run in runs:
        assert run.start is None or run.end is None or run.start < run.end, run
    for before, after in itertools.pairwise(runs):
        assert before.end is not None and after.start is not None, (before, after)
        assert before.end <= after.start, (before, after)
        if before.end == after.start:
            assert before.state != after.state, (before, after)


def days_to_check(ds, layer: str) -> list[dt.date]:
    """Every day of the range for the treaty layer (cheap); for a programme, every day within
    three days of a change plus 500 random days (a fixed seed): state_at costs ~6 ms a day."""
    if layer == "treaty":
        return [FIRST + i * ONE for i in range((LAST - FIRST).days + 1)]
    days = {c + k * ONE for c in intervals.change_dates(ds, layer) for k in range(-3, 4)}
    rng = random.Random(f"intervals-{layer}")
    days |= {FIRST + rng.randrange((LAST - FIRST).days + 1) * ONE for _ in range(500)}
    return sorted(d for d in days if FIRST <= d <= LAST)


@pytest.mark.slow
@pytest.mark.parametrize("layer", LAYERS)
def test_intervals_agree_with_state_at_on_every_day(dataset, layer):
    timelines = intervals.layer_intervals(dataset, layer)
    assert timelines
    for runs in timelines.values():
        check_order(runs)
    days = days_to_check(dataset, layer)
    assert len(days) > 500
    for day in days:
        expected = intervals.state_at(dataset, layer, day)
        assert set(expected) == set(timelines), day
        for fid, state in expected.items():
            assert state_from(timelines[fid], day) == state, (layer, fid, day)


def test_poland_withdrawal_is_pending_until_the_day_before_it_takes_effect(dataset):
    runs = intervals.layer_intervals(dataset, "treaty")["POL"]
    pending = [run for run in runs if run.state[0] == "withdrawal-pending"]
    assert [(run.start, run.end) for run in pending] == [(D(2025, 8, 20), D(2026, 2, 20))]
    assert runs[-1].state[0] == "withdrawn" and runs[-1].end is None
    assert runs[0].start is None and runs[0].state == ("non-party", None)


# --- A synthetic dataset: same-day events, a pending withdrawal, works in every stage --------


def tiny_dataset() -> types.SimpleNamespace:
    """Three countries and four works, small enough to spell every interval out."""
    ev = [
        # AAA: signature and entry into force on the same day (party wins), a ratification
        # deposit (a milestone: changes nothing), then a withdrawal deposited and effective.
        ("a-sig", "AAA", "APMBC", "signature", D(2000, 1, 1), True),
        ("a-eif", "AAA", "APMBC", "entry-into-force", D(2000, 1, 1), True),
        ("a-rat", "AAA", "APMBC", "ratification", D(2001, 1, 1), True),
        ("a-dep", "AAA", "APMBC", "withdrawal-deposited", D(2025, 1, 1), True),
        ("a-eff", "AAA", "APMBC", "withdrawal-effective", D(2025, 7, 1), True),
        ("a-ccm", "AAA", "CCM", "signature", D(2010, 1, 1), True),  # another treaty
        # BBB: a signature, and a non-preferred (disputed) earlier date that must not count.
        ("b-sig", "BBB", "APMBC", "signature", D(1999, 3, 1), True),
        ("b-alt", "BBB", "APMBC", "signature", D(1998, 3, 1), False),
        # CCC: only an announcement (no status change).
        ("c-ann", "CCC", "APMBC", "withdrawal-announced", D(2024, 5, 5), True),
    ]
    events = pd.DataFrame(
        [
            {"id": i, "country": c, "treaty": t, "event": e, "date": d, "preferred": p,
             "sources": ["s"], "label_en": i, "label_pl": i}
            for i, c, t, e, d, p in ev
        ]
    )  # fmt: skip
    forts = pd.DataFrame(
        [
            # announced, started and completed on three different days
            ("w-all", "prog", D(2020, 1, 1), D(2020, 6, 1), D(2021, 1, 1)),
            # announced and started on the same day, never completed
            ("w-same", "prog", D(2022, 3, 3), D(2022, 3, 3), None),
            # no announcement: appears when work starts
            ("w-start", "prog", None, D(2023, 1, 1), D(2023, 1, 1)),
            # announced only
            ("w-ann", "prog", D(2024, 2, 2), None, None),
            # another programme: not in this layer
            ("x-other", "other", D(2019, 1, 1), None, None),
        ],
        columns=["id", "programme", "announced_date", "start_date", "completed_date"],
        dtype=object,
    )
    shapes = pd.DataFrame({"iso3": ["AAA", "BBB", "CCC"]})
    return types.SimpleNamespace(treaty_events=events, fortifications=forts, country_shapes=shapes)


def spans(runs: list[intervals.Interval]) -> list[tuple]:
    return [(run.start, run.end, *run.state) for run in runs]


def test_synthetic_treaty_intervals():
    tiny = tiny_dataset()
    got = intervals.layer_intervals(tiny, "treaty")
    assert spans(got["AAA"]) == [
        (None, D(2000, 1, 1), "non-party", None),
        (D(2000, 1, 1), D(2025, 1, 1), "party", "a-eif"),  # same day: the later step wins
        (D(2025, 1, 1), D(2025, 7, 1), "withdrawal-pending", "a-dep"),  # to the day before
        (D(2025, 7, 1), None, "withdrawn", "a-eff"),
    ]
    assert spans(got["BBB"]) == [
        (None, D(1999, 3, 1), "non-party", None),
        (D(1999, 3, 1), None, "signatory", "b-sig"),
    ]
    assert spans(got["CCC"]) == [(None, None, "non-party", None)]
    # The other treaty shades from its own events only.
    ccm = intervals.layer_intervals(tiny, "treaty", treaty="CCM")
    assert spans(ccm["AAA"]) == [
        (None, D(2010, 1, 1), "non-party", None),
        (D(2010, 1, 1), None, "signatory", "a-ccm"),
    ]
    assert spans(ccm["BBB"]) == [(None, None, "non-party", None)]


def test_synthetic_fortification_intervals():
    got = intervals.layer_intervals(tiny_dataset(), "prog")
    assert set(got) == {"w-all", "w-same", "w-start", "w-ann"}
    assert spans(got["w-all"]) == [
        (D(2020, 1, 1), D(2020, 6, 1), "announced", None),
        (D(2020, 6, 1), D(2021, 1, 1), "under-construction", None),
        (D(2021, 1, 1), None, "complete", None),
    ]
    assert spans(got["w-same"]) == [(D(2022, 3, 3), None, "under-construction", None)]
    assert spans(got["w-start"]) == [(D(2023, 1, 1), None, "complete", None)]
    assert spans(got["w-ann"]) == [(D(2024, 2, 2), None, "announced", None)]


@pytest.mark.parametrize(
    ("layer", "treaty", "first", "last"),
    [
        ("treaty", "APMBC", D(1997, 1, 1), D(2026, 12, 31)),
        ("treaty", "CCM", D(1997, 1, 1), D(2026, 12, 31)),
        ("prog", "APMBC", D(2018, 12, 1), D(2024, 12, 31)),  # around every change (slower)
    ],
)
def test_synthetic_intervals_agree_with_state_at_every_day(layer, treaty, first, last):
    tiny = tiny_dataset()
    got = intervals.layer_intervals(tiny, layer, treaty=treaty)
    for runs in got.values():
        check_order(runs)
    day = first
    while day <= last:
        for fid, state in intervals.state_at(tiny, layer, day, treaty=treaty).items():
            assert state_from(got[fid], day) == state, (fid, day)
        day += ONE
