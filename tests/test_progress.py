"""Km of fortified border per country over time (issue 16): the series and its chart."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from explorer import config, timeline
from explorer.progress import PROGRESS_COLUMNS, progress_series, step_dates
from explorer.validation import parse_partial_date

D = dt.date


def _work(wid: str, country: str = "POL", **extra) -> dict:
    rec = {
        "id": wid, "country": country, "element": "fence", "announced": None, "start": None,
        "completed": None, "derive_segments": ["POL-BLR"], "length_km": None,
        "sources": [f"src-{wid}"],
    }  # fmt: skip
    rec.update(extra)
    for key in ("announced", "start", "completed"):
        rec[f"{key}_date"] = parse_partial_date(rec[key]) if rec[key] else None
    return rec


def _with(dataset, works: list[dict]):
    return dataclasses.replace(dataset, fortifications=pd.DataFrame(works))


WORKS = [
    # Two works on one border overlap: the longest counts, not their sum.
    _work("steel", start="2022-01-25", completed="2022-06-30", length_km=186.0),
    _work("electronic", element="electronic-barrier", start="2022-06", completed="2023-06",
          length_km=206.0),
    # Another border of the same country adds up.
    _work("ru", start="2022-11-02", length_km=200.0, derive_segments=["POL-RUS"]),
    _work("ditch", element="ditch", start="2025", length_km=5.0, derive_segments=["POL-RUS"]),
    # Not counted: a defence line (the border a programme covers), no length, announced only.
    _work("line", element="defence-line", start="2024-10-31", length_km=700.0),
    _work("obstacles", element="anti-tank-obstacles", start="2024-10", completed="2024-11"),
    _work("plan", announced="2026-02-19", length_km=50.0, derive_segments=["POL-LTU"]),
    _work("fin", country="FIN", start="2023-02-28", length_km=200.0,
          derive_segments=["FIN-RUS"]),
]  # fmt: skip


def test_overlapping_works_count_once_and_borders_add_up(dataset):
    s = progress_series(_with(dataset, WORKS), D(2022, 1, 1), D(2025, 6, 1), step="month")
    assert list(s.columns) == list(PROGRESS_COLUMNS)
    pol = s[s["country"] == "POL"].set_index("date")
    assert sorted(set(s["country"])) == ["FIN", "POL"]
    assert (pol.loc[D(2022, 1, 1), "km_complete"], pol.loc[D(2022, 1, 1), "km_building"]) == (0, 0)
    # Steel barrier building from 25 Jan 2022.
    assert pol.loc[D(2022, 2, 1), ["km_complete", "km_building"]].tolist() == [0.0, 186.0]
    # Steel complete (186), electronic building (206, longer): 20 km uncertain.
    assert pol.loc[D(2022, 7, 1), ["km_complete", "km_building"]].tolist() == [186.0, 20.0]
    # Plus the Russia border's 200 km under construction.
    assert pol.loc[D(2022, 12, 1), ["km_complete", "km_building"]].tolist() == [186.0, 220.0]
    # Electronic barrier complete: 206, never 186 + 206.
    assert pol.loc[D(2023, 6, 1), ["km_complete", "km_building"]].tolist() == [206.0, 200.0]
    assert pol.loc[D(2023, 6, 1), "works"] == ("electronic", "ru", "steel")
    assert pol.loc[D(2023, 6, 1), "sources"] == ("src-electronic", "src-ru", "src-steel")
    # The ditch (5 km) is shorter than the work on its border: nothing added.
    assert pol.loc[D(2025, 6, 1), "km_building"] == 200.0
    assert "ditch" in pol.loc[D(2025, 6, 1), "works"]
    assert not any({"line", "obstacles", "plan"} & set(w) for w in s["works"])
    fin = s[s["country"] == "FIN"].set_index("date")
    assert fin.loc[D(2023, 2, 1), "km_building"] == 0
    assert fin.loc[D(2023, 3, 1), "km_building"] == 200


def test_one_row_per_country_and_step_with_the_default_range(dataset):
    s = progress_series(_with(dataset, WORKS))
    assert s["date"].iloc[0] == D(2022, 1, 1)  # the month of the first start
    assert s["date"].iloc[-1] == D.fromisoformat(config.DATA_AS_OF)
    assert s.groupby("date").size().eq(2).all()
    yearly = progress_series(_with(dataset, WORKS), D(2022, 3, 15), D(2024, 2, 1), step="year")
    assert sorted(set(yearly["date"])) == [D(2022, 3, 15), D(2023, 1, 1), D(2024, 1, 1),
                                           D(2024, 2, 1)]  # fmt: skip


def test_steps_and_bad_arguments(dataset):
    assert step_dates(D(2025, 12, 31), D(2026, 1, 2), "day") == [
        D(2025, 12, 31), D(2026, 1, 1), D(2026, 1, 2),
    ]  # fmt: skip
    assert step_dates(D(2025, 11, 1), D(2026, 1, 1)) == [D(2025, 11, 1), D(2025, 12, 1),
                                                          D(2026, 1, 1)]  # fmt: skip
    with pytest.raises(ValueError, match="unknown step 'week'"):
        progress_series(dataset, D(2025, 1, 1), D(2025, 2, 1), step="week")
    with pytest.raises(ValueError, match="is after end"):
        progress_series(dataset, D(2026, 1, 1), D(2025, 1, 1))
    with pytest.raises(ValueError, match="outside"):
        progress_series(dataset, D(1990, 1, 1), D(2025, 1, 1))


def test_no_counted_work_gives_an_empty_series(dataset):
    s = progress_series(_with(dataset, WORKS[4:6]), D(2025, 1, 1), D(2025, 3, 1))
    assert s.empty and list(s.columns) == list(PROGRESS_COLUMNS)


def test_the_real_series(dataset):
    s = progress_series(dataset)
    assert set(s["country"]) == {"POL", "LTU", "LVA", "EST", "FIN"}
    for _country, part in s.groupby("country"):
        # Complete stays complete: the complete km never go down.
        assert part["km_complete"].is_monotonic_increasing
    assert (s["km_building"] >= 0).all()
    at = s.set_index(["country", "date"])
    assert at.loc[("LVA", D(2025, 11, 1)), ["km_complete", "km_building"]].tolist() == [0, 425]
    assert at.loc[("LVA", D(2025, 12, 1)), ["km_complete", "km_building"]].tolist() == [425, 0]
    # Poland–Belarus: the 206 km electronic barrier, not 186 + 206 + 47.
    assert at.loc[("POL", D(2025, 3, 1)), "km_complete"] == 206.0
    assert at.loc[("FIN", D(2026, 3, 1)), ["km_complete", "km_building"]].tolist() == [0, 200]
    # Every figure follows from works that exist on that date, with their sources.
    forts = dataset.fortifications.set_index("id")
    for rec in s.sample(40, random_state=1).to_dict("records"):
        for wid in rec["works"]:
            w = forts.loc[wid]
            state = timeline.fortification_state(
                w["announced_date"], w["start_date"], w["completed_date"], rec["date"]
            )
            assert state in ("complete", "under-construction")
            assert set(w["sources"]) <= set(rec["sources"])


def test_the_chart_draws_each_country_and_the_two_dates(dataset):
    from matplotlib.figure import Figure  # no pyplot: no global backend or figure state

    from explorer.printmap.chart import draw_progress

    s = progress_series(dataset, D(2024, 1, 1), D(2026, 6, 1))
    ax = Figure().add_subplot()
    draw_progress(ax, s, "pl", marks=(D(2025, 1, 1), D(2026, 3, 1)), names={"POL": "Polska"})
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels[:5] == ["EST", "FIN", "LTU", "LVA", "Polska"]
    assert "ukończone" in labels and any("w budowie" in x for x in labels)
    notes = [c.get_text() for c in ax.texts]
    assert "A 2025-01-01" in notes and "B 2026-03-01" in notes
    assert ax.get_title().startswith("Umocniona granica")
    assert len(ax.lines) == 5 * 2 + 2  # complete and ceiling per country, two marks
    ax.figure.canvas.draw()  # and it renders
