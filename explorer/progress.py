"""Km of fortified border per country over time, from sourced lengths and dates (issue 16).

One function makes the series, :func:`progress_series`; the app and the static exports draw it
(matplotlib: :func:`explorer.printmap.chart.draw_progress`). Pure: no Streamlit, folium or
matplotlib.

The choices, so that the chart never claims more than the sources say:

* **Which works count**: those whose ``element`` is a line along the border, a fence, barrier
  or electronic barrier (:data:`explorer.lengths.LINEAR_ELEMENTS`) or a ditch
  (:data:`PROGRESS_ELEMENTS`), with a sourced ``length_km``. Left out: defence lines (their
  length is the border a programme is to cover, not what is built), anti-tank obstacles, bunkers,
  storage, mine capability, and every work without a sourced length.
* **Overlapping works are not added up**: works on the same border often run along the same
  stretch (a steel barrier and an electronic barrier on Poland–Belarus), so per border (a work's
  ``derive_segments``) the longest work counts, and a country's km are the sum over its borders:
  a lower bound of the fortified border, never a sum of overlapping works.
* ``km_complete``: per border, the longest work complete on the date. ``km_building``: how much
  longer the longest work that is complete *or under construction* is: the uncertain part. A work
  under construction counts at its sourced length (often the planned one); how much of it stands
  on the date is not known.
* Dates count from their first day, as on the maps (a completion in ``2025-12`` counts from
  1 December 2025); the country is the work's (the state building it).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final

import pandas as pd

from explorer import config, lengths, timeline
from explorer.changes import check_period
from explorer.text import is_missing

if TYPE_CHECKING:
    from explorer.data import Dataset

__all__ = ["PROGRESS_COLUMNS", "PROGRESS_ELEMENTS", "STEPS", "progress_series", "step_dates"]

#: Elements whose sourced length counts as fortified border.
PROGRESS_ELEMENTS: Final[frozenset[str]] = lengths.LINEAR_ELEMENTS | {"ditch"}

#: Columns of :func:`progress_series`: ``works`` lists the ids the figures come from.
PROGRESS_COLUMNS: Final[tuple[str, ...]] = (
    "date", "country", "km_complete", "km_building", "sources", "works",
)  # fmt: skip

#: Steps of the series.
STEPS: Final[tuple[str, ...]] = ("day", "month", "year")


def _floor(day: dt.date, step: str) -> dt.date:
    if step == "year":
        return dt.date(day.year, 1, 1)
    return day.replace(day=1) if step == "month" else day


def _next(day: dt.date, step: str) -> dt.date:
    if step == "day":
        return day + dt.timedelta(days=1)
    if step == "year":
        return dt.date(day.year + 1, 1, 1)
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def step_dates(start: dt.date, end: dt.date, step: str = "month") -> list[dt.date]:
    """Return ``start``, every first day of a step after it up to ``end``, and ``end``.

    Examples
    --------
    >>> [d.isoformat() for d in step_dates(dt.date(2025, 11, 15), dt.date(2026, 2, 1))]
    ['2025-11-15', '2025-12-01', '2026-01-01', '2026-02-01']
    >>> [d.isoformat() for d in step_dates(dt.date(2024, 1, 1), dt.date(2025, 6, 30), "year")]
    ['2024-01-01', '2025-01-01', '2025-06-30']
    """
    if step not in STEPS:
        raise ValueError(f"unknown step {step!r}: expected one of {', '.join(STEPS)}")
    days = [start]
    day = _next(_floor(start, step), step)
    while day <= end:
        days.append(day)
        day = _next(day, step)
    if days[-1] != end:
        days.append(end)
    return days


def _counted(ds: Dataset) -> list[dict]:
    return [
        rec
        for rec in ds.fortifications.to_dict("records")
        if rec["element"] in PROGRESS_ELEMENTS and not is_missing(rec.get("length_km"))
    ]


def progress_series(
    ds: Dataset, start: dt.date | None = None, end: dt.date | None = None, *, step: str = "month"
) -> pd.DataFrame:
    """Return the km of fortified border per country over time (see the module's choices).

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    start : datetime.date, optional
        First date; default: the first day of the step in which the first counted work started
        (or was completed).
    end : datetime.date, optional
        Last date; default: the day the facts were compiled (:data:`explorer.config.DATA_AS_OF`):
        the series says nothing beyond what the sources knew.
    step : {"month", "year", "day"}, default "month"
        Dates of the series: ``start``, the first day of every step after it, and ``end``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PROGRESS_COLUMNS`: one row per date and country (every country with a
        counted work, zeros before its first): ``date`` (``datetime.date``), ``country``
        (ISO3), ``km_complete``, ``km_building`` (km, one decimal), ``sources`` and ``works``
        (tuples of ids of the works counted on that date, complete or under construction).

    Raises
    ------
    ValueError
        For ``start > end``, a date outside ``config.DATE_MIN..config.DATE_MAX`` or an unknown
        step.

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> s = progress_series(load_dataset(), dt.date(2025, 11, 1), dt.date(2026, 1, 1))
    >>> for row in s[s.country == "LVA"].itertuples():
    ...     print(row.date, row.km_complete, row.km_building, row.works)
    2025-11-01 0.0 425.0 ('lv-by-fence', 'lv-ru-fence')
    2025-12-01 425.0 0.0 ('lv-by-fence', 'lv-ru-fence')
    2026-01-01 425.0 0.0 ('lv-by-fence', 'lv-ru-fence')
    """
    works = _counted(ds)
    if start is None:
        firsts = [d for w in works for d in (w["start_date"], w["completed_date"]) if d]
        start = _floor(min(firsts), step if step in STEPS else "day") if firsts else None
        start = max(start or config.DATE_MIN, config.DATE_MIN)
    if end is None:
        end = min(max(dt.date.fromisoformat(config.DATA_AS_OF), start), config.DATE_MAX)
    check_period(start, end)
    days = step_dates(start, end, step)
    countries = sorted({str(w["country"]) for w in works})
    rows = []
    for day in days:
        for country in countries:
            rows.append({"date": day, "country": country, **_on(works, country, day)})
    return pd.DataFrame(rows, columns=list(PROGRESS_COLUMNS))


def _on(works: list[dict], country: str, day: dt.date) -> dict:
    """One country's figures on one day: longest complete and longest existing work per border."""
    complete: dict[tuple, float] = {}
    existing: dict[tuple, float] = {}
    counted = []
    for work in works:
        if work["country"] != country:
            continue
        state = timeline.fortification_state(
            work["announced_date"], work["start_date"], work["completed_date"], day
        )
        if state not in ("complete", "under-construction"):
            continue
        border = tuple(work.get("derive_segments") or ()) or (f"work:{work['id']}",)
        km = float(work["length_km"])
        existing[border] = max(existing.get(border, 0.0), km)
        if state == "complete":
            complete[border] = max(complete.get(border, 0.0), km)
        counted.append(work)
    km_complete = sum(complete.values())
    counted.sort(key=lambda w: w["id"])
    return {
        "km_complete": round(km_complete, 1),
        "km_building": round(sum(existing.values()) - km_complete, 1),
        "sources": tuple(dict.fromkeys(s for w in counted for s in w["sources"])),
        "works": tuple(w["id"] for w in counted),
    }
