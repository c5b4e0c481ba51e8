"""The date forms of the data: full ``YYYY-MM-DD`` dates and partial ``YYYY[-MM[-DD]]`` ones.

Used by the per-table checks (:mod:`explorer.validation.tables`), the rules across fields
(:mod:`explorer.validation.rules`), the loader (:mod:`explorer.data`) and the command line's
``--date`` arguments.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["parse_date", "parse_partial_date"]

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PARTIAL_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def parse_partial_date(value: str) -> dt.date:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` to the first day it can mean.

    Examples
    --------
    >>> parse_partial_date("2028")
    datetime.date(2028, 1, 1)
    >>> parse_partial_date("2024-11")
    datetime.date(2024, 11, 1)
    >>> parse_partial_date("2025-02-30")
    Traceback (most recent call last):
    ...
    ValueError: day is out of range for month
    """
    if not _PARTIAL_RE.match(value):
        raise ValueError(f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    parts = [int(p) for p in value.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def parse_date(value: str) -> dt.date:
    """Parse a full ``YYYY-MM-DD`` date (no partial dates).

    Examples
    --------
    >>> parse_date("2026-02-20")
    datetime.date(2026, 2, 20)
    >>> parse_date("2026-02")
    Traceback (most recent call last):
    ...
    ValueError: expected YYYY-MM-DD, got '2026-02'
    """
    if not _DATE_RE.match(value):
        raise ValueError(f"expected YYYY-MM-DD, got {value!r}")
    return dt.date.fromisoformat(value)
