"""Treaty status on every event boundary, and fortification state by date."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from explorer import schema, timeline

D = dt.date
ONE = dt.timedelta(days=1)

# (country, treaty, date, expected status) — from FACTS.md, day before and day of each step.
EXPECTED = [
    ("POL", "APMBC", D(1997, 12, 3), "non-party"),
    ("POL", "APMBC", D(1997, 12, 4), "signatory"),
    ("POL", "APMBC", D(2012, 12, 27), "signatory"),  # ratification deposit changes nothing
    ("POL", "APMBC", D(2013, 5, 31), "signatory"),
    ("POL", "APMBC", D(2013, 6, 1), "party"),
    ("POL", "APMBC", D(2025, 3, 18), "party"),  # announcement changes nothing
    ("POL", "APMBC", D(2025, 8, 19), "party"),
    ("POL", "APMBC", D(2025, 8, 20), "withdrawal-pending"),
    ("POL", "APMBC", D(2026, 2, 19), "withdrawal-pending"),
    ("POL", "APMBC", D(2026, 2, 20), "withdrawn"),
    ("LTU", "APMBC", D(1999, 2, 21), "non-party"),
    ("LTU", "APMBC", D(1999, 2, 22), "signatory"),
    ("LTU", "APMBC", D(2003, 10, 31), "signatory"),
    ("LTU", "APMBC", D(2003, 11, 1), "party"),
    ("LTU", "APMBC", D(2025, 6, 26), "party"),
    ("LTU", "APMBC", D(2025, 6, 27), "withdrawal-pending"),
    ("LTU", "APMBC", D(2025, 12, 26), "withdrawal-pending"),
    ("LTU", "APMBC", D(2025, 12, 27), "withdrawn"),
    ("LVA", "APMBC", D(2005, 12, 31), "non-party"),
    ("LVA", "APMBC", D(2006, 1, 1), "party"),
    ("LVA", "APMBC", D(2025, 6, 27), "withdrawal-pending"),
    ("LVA", "APMBC", D(2025, 12, 27), "withdrawn"),
    ("EST", "APMBC", D(2004, 10, 31), "non-party"),
    ("EST", "APMBC", D(2004, 11, 1), "party"),
    ("EST", "APMBC", D(2025, 12, 26), "withdrawal-pending"),
    ("EST", "APMBC", D(2025, 12, 27), "withdrawn"),
    ("FIN", "APMBC", D(2012, 6, 30), "non-party"),
    ("FIN", "APMBC", D(2012, 7, 1), "party"),
    ("FIN", "APMBC", D(2025, 4, 1), "party"),
    ("FIN", "APMBC", D(2025, 7, 9), "party"),
    ("FIN", "APMBC", D(2025, 7, 10), "withdrawal-pending"),
    ("FIN", "APMBC", D(2026, 1, 9), "withdrawal-pending"),
    ("FIN", "APMBC", D(2026, 1, 10), "withdrawn"),
    ("UKR", "APMBC", D(1999, 2, 23), "non-party"),
    ("UKR", "APMBC", D(1999, 2, 24), "signatory"),
    ("UKR", "APMBC", D(2006, 5, 31), "signatory"),
    ("UKR", "APMBC", D(2006, 6, 1), "party"),
    ("UKR", "APMBC", D(2025, 7, 17), "party"),
    ("UKR", "APMBC", D(2025, 7, 18), "disputed"),
    ("UKR", "APMBC", D(2026, 11, 22), "disputed"),
    ("BLR", "APMBC", D(2004, 2, 29), "non-party"),
    ("BLR", "APMBC", D(2004, 3, 1), "party"),
    ("RUS", "APMBC", D(2026, 11, 22), "non-party"),
    ("USA", "APMBC", D(2026, 11, 22), "non-party"),
    ("NOR", "APMBC", D(1997, 12, 2), "non-party"),
    ("NOR", "APMBC", D(1997, 12, 3), "signatory"),
    ("NOR", "APMBC", D(1999, 2, 28), "signatory"),
    ("NOR", "APMBC", D(1999, 3, 1), "party"),
    ("NOR", "APMBC", D(2026, 11, 22), "party"),
    ("SWE", "APMBC", D(1997, 12, 3), "signatory"),
    ("SWE", "APMBC", D(1999, 4, 30), "signatory"),
    ("SWE", "APMBC", D(1999, 5, 1), "party"),
    ("DEU", "APMBC", D(1999, 2, 28), "signatory"),
    ("DEU", "APMBC", D(1999, 3, 1), "party"),
    ("LTU", "CCM", D(2008, 12, 2), "non-party"),
    ("LTU", "CCM", D(2008, 12, 3), "signatory"),
    ("LTU", "CCM", D(2011, 8, 31), "signatory"),
    ("LTU", "CCM", D(2011, 9, 1), "party"),
    ("LTU", "CCM", D(2024, 9, 5), "party"),
    ("LTU", "CCM", D(2024, 9, 6), "withdrawal-pending"),
    ("LTU", "CCM", D(2025, 3, 5), "withdrawal-pending"),
    ("LTU", "CCM", D(2025, 3, 6), "withdrawn"),
    ("POL", "CCM", D(2026, 11, 22), "non-party"),
    ("NOR", "CCM", D(2010, 7, 31), "signatory"),
    ("NOR", "CCM", D(2010, 8, 1), "party"),
]


@pytest.mark.parametrize(("country", "treaty", "day", "expected"), EXPECTED)
def test_status_on_known_dates(dataset, country, treaty, day, expected):
    assert timeline.status_on(dataset.treaty_events, country, treaty, day).status == expected


def _status_events(events: pd.DataFrame) -> pd.DataFrame:
    mask = events["event"].isin(list(schema.STATUS_EVENTS)) & events["preferred"]
    return events[mask]


def test_every_status_event_takes_effect_on_its_day_not_before(dataset):
    events = dataset.treaty_events
    checked = 0
    for ev in _status_events(events).to_dict("records"):
        day = ev["date"]
        same_day = _status_events(events)
        same_day = same_day[
            (same_day["country"] == ev["country"])
            & (same_day["treaty"] == ev["treaty"])
            & (same_day["date"] == day)
        ]
        later_rank = max(list(schema.STATUS_EVENTS).index(e) for e in same_day["event"])
        on_day = timeline.status_on(events, ev["country"], ev["treaty"], day)
        before = timeline.status_on(events, ev["country"], ev["treaty"], day - ONE)
        assert on_day.status == list(schema.STATUS_EVENTS.values())[later_rank]
        assert on_day.since == day
        assert before.since is None or before.since < day
        assert before.status != on_day.status or before.since != on_day.since
        checked += 1
    assert checked >= 30


def test_since_and_sources_point_at_the_event(dataset):
    st = timeline.status_on(dataset.treaty_events, "POL", "APMBC", D(2026, 3, 1))
    row = dataset.treaty_events.set_index("id").loc[st.event_id]
    assert row["event"] == "withdrawal-effective"
    assert st.since == D(2026, 2, 20)
    assert st.sources and set(st.sources) <= set(dataset.sources.index)


def _events(*rows):
    return pd.DataFrame(
        [
            {
                "id": f"e{i}",
                "country": "X",
                "treaty": "T",
                "event": ev,
                "date": d,
                "preferred": pref,
                "sources": ["s"],
            }
            for i, (ev, d, pref) in enumerate(rows)
        ]
    )


def test_non_preferred_dates_are_ignored():
    ev = _events(
        ("entry-into-force", D(2000, 1, 1), True), ("entry-into-force", D(1999, 1, 1), False)
    )
    assert timeline.status_on(ev, "X", "T", D(1999, 6, 1)).status == "non-party"
    assert timeline.status_on(ev, "X", "T", D(2000, 1, 1)).status == "party"


def test_same_day_signature_and_entry_into_force_is_party():
    ev = _events(("entry-into-force", D(2000, 1, 1), True), ("signature", D(2000, 1, 1), True))
    assert timeline.status_on(ev, "X", "T", D(2000, 1, 1)).status == "party"


def test_milestones_and_announcements_change_nothing():
    ev = _events(
        ("entry-into-force", D(2000, 1, 1), True),
        ("withdrawal-announced", D(2020, 1, 1), True),
        ("withdrawal-approved", D(2020, 2, 1), True),
        ("milestone", D(2020, 3, 1), True),
    )
    st = timeline.status_on(ev, "X", "T", D(2021, 1, 1))
    assert (st.status, st.since) == ("party", D(2000, 1, 1))


def test_empty_events_give_non_party():
    assert timeline.status_on(pd.DataFrame(), "X", "T", D(2000, 1, 1)) == timeline.NON_PARTY


def test_statuses_on_lists_every_country(dataset):
    countries = list(dataset.countries.index)
    table = timeline.statuses_on(dataset.treaty_events, countries, "APMBC", D(2026, 2, 20))
    assert list(table["country"]) == countries
    assert set(table["status"]) <= set(schema.TREATY_STATUSES)
    assert table.set_index("country").loc["POL", "since"] == "2026-02-20"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2024, 5, 17), None),
        (D(2024, 5, 18), "announced"),
        (D(2024, 10, 30), "announced"),
        (D(2024, 10, 31), "under-construction"),
        (D(2030, 1, 1), "under-construction"),
    ],
)
def test_fortification_state_east_shield(dataset, day, expected):
    row = dataset.fortifications.set_index("id").loc["pl-east-shield"]
    got = timeline.fortification_state(
        row["announced_date"], row["start_date"], row["completed_date"], day
    )
    assert got == expected
