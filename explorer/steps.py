"""The days a timeline in motion shows: from a start, one step (week, month, ...) at a time.

Play in the app (``explorer/web/frontend/play.js``) and ``python -m explorer animate`` show the
same days for the same range and step: :func:`step_dates` here, and its twin in JavaScript
(``bfeStepDays``; a browser test compares the two).
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Final

from explorer.config import TIME_STEPS

__all__ = ["MONTHS_PER_STEP", "step_dates", "step_day"]

#: Calendar months in one step (a week is counted in days instead).
MONTHS_PER_STEP: Final[dict[str, int]] = {"week": 0, "month": 1, "quarter": 3, "year": 12}


def step_day(start: dt.date, k: int, step: str) -> dt.date:
    """Return ``start`` plus ``k`` steps, counted from ``start`` (not from the previous step).

    A month after 31 January is the last day of February, and two months after it is 31 March:
    a day that does not exist in a month becomes that month's last day, and later steps return
    to the start's day.

    Parameters
    ----------
    start : datetime.date
        The first day.
    k : int
        How many steps after it.
    step : {"week", "month", "quarter", "year"}
        The step.

    Returns
    -------
    datetime.date

    Raises
    ------
    ValueError
        For an unknown step.

    Examples
    --------
    >>> [step_day(dt.date(2024, 1, 31), k, "month").isoformat() for k in range(3)]
    ['2024-01-31', '2024-02-29', '2024-03-31']
    >>> step_day(dt.date(2024, 2, 29), 1, "year")
    datetime.date(2025, 2, 28)
    >>> step_day(dt.date(2025, 12, 29), 1, "week")
    datetime.date(2026, 1, 5)
    """
    if step not in MONTHS_PER_STEP or step not in TIME_STEPS:
        raise ValueError(f"unknown step {step!r}; expected one of {list(TIME_STEPS)}")
    if step == "week":
        return start + dt.timedelta(days=7 * k)
    months = start.month - 1 + k * MONTHS_PER_STEP[step]
    year, month = start.year + months // 12, months % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def step_dates(start: dt.date, end: dt.date, step: str = TIME_STEPS[0]) -> list[dt.date]:
    """Return the days from ``start`` to ``end``: each step, and ``end`` itself last.

    Parameters
    ----------
    start, end : datetime.date
        The range; ``end`` after ``start``.
    step : {"month", "week", "quarter", "year"}, default "month"
        The step between days.

    Returns
    -------
    list of datetime.date
        ``start``, then every step before ``end``, then ``end`` (the last step may be shorter).

    Raises
    ------
    ValueError
        If ``end`` is not after ``start`` or the step is unknown.

    Examples
    --------
    >>> [d.isoformat() for d in step_dates(dt.date(2025, 1, 15), dt.date(2025, 4, 1))]
    ['2025-01-15', '2025-02-15', '2025-03-15', '2025-04-01']
    >>> len(step_dates(dt.date(2022, 1, 1), dt.date(2026, 1, 1), "quarter"))
    17
    >>> step_dates(dt.date(2025, 1, 1), dt.date(2025, 1, 1))
    Traceback (most recent call last):
    ...
    ValueError: the end 2025-01-01 must be after the start 2025-01-01
    """
    if not end > start:
        raise ValueError(f"the end {end} must be after the start {start}")
    days = []
    k = 0
    while (day := step_day(start, k, step)) < end:
        days.append(day)
        k += 1
    return [*days, end]
