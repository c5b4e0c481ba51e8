"""Stepping through time: the steps an animation moves by and the dates of its frames.

``python -m explorer animate`` (and the export panel, through it) draws one frame per date of
:func:`frame_dates`: the start, then one step after another, the end always last. Pure: no
matplotlib, no Streamlit.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Final

__all__ = ["DEFAULT_STEP", "MAX_FRAMES", "STEPS", "frame_dates"]

#: What one frame moves the date by (a quarter is three months).
STEPS: Final[tuple[str, ...]] = ("week", "month", "quarter", "year")
#: The step when none is given (the app's Play control moves by a month too).
DEFAULT_STEP: Final[str] = "month"
#: Most dated frames one animation may have: weekly over 19 years. At about 0.2-0.5 s of drawing
#: each, 1,000 frames is several minutes of work; more would tie up a core for too long.
MAX_FRAMES: Final[int] = 1000

#: Months per step (weeks step by days).
_MONTHS: Final[dict[str, int]] = {"month": 1, "quarter": 3, "year": 12}


def _add_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` moved by whole months, on the same day of the month or the month's last.

    Examples
    --------
    >>> _add_months(dt.date(2024, 1, 31), 1), _add_months(dt.date(2023, 11, 30), 3)
    (datetime.date(2024, 2, 29), datetime.date(2024, 2, 29))
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def frame_dates(
    start: dt.date, end: dt.date, step: str = DEFAULT_STEP, *, limit: int | None = None
) -> list[dt.date]:
    """Return the dates of an animation's frames: ``start``, each step after it, ``end`` last.

    Steps count from ``start`` (the 31st stays the 31st where a month has one, else the month's
    last day), so they never drift. When the last step does not land on ``end``, ``end`` is added
    as the last frame (the animation always ends on the date asked for).

    Parameters
    ----------
    start, end : datetime.date
        First and last dates; ``start`` <= ``end`` (equal: one frame).
    step : {"week", "month", "quarter", "year"}, default "month"
        What one frame moves the date by.
    limit : int, optional
        Stop counting after this many dates (so a huge range costs nothing to refuse): the
        result then has ``limit + 1`` dates and does not end on ``end``.

    Returns
    -------
    list of datetime.date
        Strictly increasing.

    Raises
    ------
    ValueError
        For an unknown step, or ``start`` after ``end``.

    Examples
    --------
    >>> [d.isoformat() for d in frame_dates(dt.date(2024, 1, 31), dt.date(2024, 4, 15))]
    ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-15']
    >>> len(frame_dates(dt.date(2022, 1, 1), dt.date(2026, 1, 1), "quarter"))
    17
    >>> frame_dates(dt.date(2025, 1, 1), dt.date(2025, 1, 1), "year")
    [datetime.date(2025, 1, 1)]
    >>> frame_dates(dt.date(2025, 1, 2), dt.date(2025, 1, 1))
    Traceback (most recent call last):
    ...
    ValueError: the start 2025-01-02 is after the end 2025-01-01
    """
    if step not in STEPS:
        raise ValueError(f"unknown step {step!r}; expected one of {', '.join(STEPS)}")
    if start > end:
        raise ValueError(f"the start {start.isoformat()} is after the end {end.isoformat()}")
    dates = [start]
    k = 1
    while limit is None or len(dates) <= limit:
        if step == "week":
            day = start + dt.timedelta(weeks=k)
        else:
            day = _add_months(start, _MONTHS[step] * k)
        if day >= end:
            break
        dates.append(day)
        k += 1
    if dates[-1] != end and (limit is None or len(dates) <= limit):
        dates.append(end)
    return dates
