"""Every feature's states over time as ``[from, to) -> state`` intervals (one derivation of time).

The map in the browser never re-implements the timeline's rules (withdrawal pending until the day
before it takes effect, announcements that change nothing, same-day steps): Python derives, once
per data version, the intervals in which each feature's state is constant, and the browser only
looks up the interval that holds the date it shows. Everything here follows from
:func:`explorer.timeline.status_on` and :func:`explorer.timeline.fortification_state`, evaluated
at the days on which a state can change.

A state is a tuple ``(state, event_id)``: a treaty status and the event that set it, or a
fortification state (``announced``, ``under-construction``, ``complete``) and ``None``. A feature
with no state on a day (a work not yet announced) has no interval covering that day.
"""

from __future__ import annotations

import bisect
import datetime as dt
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from explorer import timeline

if TYPE_CHECKING:
    from explorer.data import Dataset

__all__ = ["Interval", "State", "change_dates", "layer_intervals", "signature", "state_at"]

#: ``(state, event_id)``; ``None`` when the feature is not shown on that day.
State = tuple[str, str | None] | None


@dataclass(frozen=True)
class Interval:
    """A half-open date range ``[start, end)`` in which a feature's state is constant.

    Attributes
    ----------
    start : datetime.date or None
        First day (None: since always).
    end : datetime.date or None
        First day after the range (None: for ever).
    state : tuple of (str, str or None)
        The state and the id of the event that set it (treaties) or None (fortifications).
    """

    start: dt.date | None
    end: dt.date | None
    state: tuple[str, str | None]

    def holds(self, day: dt.date) -> bool:
        """Tell whether ``day`` falls in ``[start, end)``.

        Examples
        --------
        >>> iv = Interval(dt.date(2025, 1, 1), dt.date(2025, 7, 1), ("withdrawal-pending", "e"))
        >>> iv.holds(dt.date(2025, 6, 30)), iv.holds(dt.date(2025, 7, 1))
        (True, False)
        """
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


def _feature_ids(ds: Dataset, layer: str) -> list[str]:
    if layer == "treaty":
        return [str(i) for i in ds.country_shapes["iso3"]]
    forts = ds.fortifications[ds.fortifications["programme"] == layer]
    return [str(i) for i in forts["id"]]


def state_at(ds: Dataset, layer: str, day: dt.date, *, treaty: str = "APMBC") -> dict[str, State]:
    """Return each feature's state on ``day`` (the rule the intervals are built from).

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    layer : str
        ``treaty`` or a fortification programme id.
    day : datetime.date
        The day asked about.
    treaty : {"APMBC", "CCM"}, default "APMBC"
        The treaty the ``treaty`` layer shades.

    Returns
    -------
    dict of str to State
        Feature id (ISO3 code for ``treaty``, work id otherwise) -> state or None.
    """
    if layer == "treaty":
        out: dict[str, State] = {}
        for iso3 in _feature_ids(ds, layer):
            status = timeline.status_on(ds.treaty_events, iso3, treaty, day)
            out[iso3] = (status.status, status.event_id)
        return out
    result: dict[str, State] = {}
    for fid, announced, start, completed in _works(ds.fortifications).get(layer, ()):
        state = timeline.fortification_state(announced, start, completed, day)
        result[fid] = None if state is None else (state, None)
    return result


#: Works per programme as plain tuples, built once per table (checked by weak reference):
#: a rerun asks for the states of every programme, and ``to_dict`` cost ~3 ms each time.
_WORKS: dict[int, tuple[weakref.ref, dict]] = {}


def _works(forts: pd.DataFrame) -> dict[str, list[tuple]]:
    hit = _WORKS.get(id(forts))
    if hit is not None and hit[0]() is forts:
        return hit[1]
    out: dict[str, list[tuple]] = {}
    for rec in forts.to_dict("records"):
        out.setdefault(str(rec["programme"]), []).append(
            (str(rec["id"]), rec["announced_date"], rec["start_date"], rec["completed_date"])
        )
    for stale in [k for k, (ref, _) in _WORKS.items() if ref() is None]:
        del _WORKS[stale]
    _WORKS[id(forts)] = (weakref.ref(forts), out)
    return out


def change_dates(ds: Dataset, layer: str, *, treaty: str = "APMBC") -> list[dt.date]:
    """Return the sorted days on which a feature of ``layer`` can change state.

    Treaty statuses change only on the days of status-changing events; fortification states only
    on their announcement, start and completion days. (Extra days are harmless: the intervals
    merge equal neighbours; a missing day would be a bug, which the tests look for by comparing
    every day of the range with :func:`state_at`.)
    """
    days: set[dt.date] = set()
    if layer == "treaty":
        events = ds.treaty_events
        if not events.empty:
            days.update(d for d in events.loc[events["treaty"] == treaty, "date"] if d is not None)
    else:
        forts = ds.fortifications[ds.fortifications["programme"] == layer]
        for column in ("announced_date", "start_date", "completed_date"):
            days.update(d for d in forts[column] if isinstance(d, dt.date))
    return sorted(days)


def _runs(
    ids: Iterable[str], samples: list[tuple[dt.date | None, dict[str, State]]]
) -> dict[str, list[Interval]]:
    out: dict[str, list[Interval]] = {}
    for fid in ids:
        runs: list[Interval] = []
        current: State = None
        since: dt.date | None = None
        for day, states in samples:
            state = states.get(fid)
            if state == current:
                continue
            if current is not None:
                runs.append(Interval(since, day, current))
            current, since = state, day
        if current is not None:
            runs.append(Interval(since, None, current))
        out[fid] = runs
    return out


def layer_intervals(ds: Dataset, layer: str, *, treaty: str = "APMBC") -> dict[str, list[Interval]]:
    """Return, for every feature of ``layer``, the intervals in which its state is constant.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    layer : str
        ``treaty`` or a fortification programme id (borders have no states over time).
    treaty : {"APMBC", "CCM"}, default "APMBC"
        The treaty the ``treaty`` layer shades.

    Returns
    -------
    dict of str to list of Interval
        Feature id -> intervals in date order, never overlapping; days covered by none have no
        state (the feature is not drawn).
    """
    ids = _feature_ids(ds, layer)
    # Before the first change every feature has its "since always" state (non-party, or none).
    first = change_dates(ds, layer, treaty=treaty)
    samples: list[tuple[dt.date | None, dict[str, State]]] = [
        (None, state_at(ds, layer, dt.date.min, treaty=treaty))
    ]
    samples += [(day, state_at(ds, layer, day, treaty=treaty)) for day in first]
    return _runs(ids, samples)


def signature(ds: Dataset, layers: Iterable[str], day: dt.date, *, treaty: str = "APMBC") -> tuple:
    """Return what the ``layers`` show on ``day``, as a small hashable key.

    Two days with the same signature show the same (every feature in the same state): a cache
    keyed by it instead of by the date serves a whole class dragging the date. The key is one
    number per layer, the first change step with the same states, found by bisection in a table
    built once per data version (the states themselves were a few hundred items to hash on
    every run).

    Examples
    --------
    >>> from explorer import data
    >>> ds = data.load_dataset()
    >>> a = signature(ds, ["treaty"], dt.date(2026, 2, 20))
    >>> a == signature(ds, ["treaty"], dt.date(2026, 3, 1)), a == signature(
    ...     ds, ["treaty"], dt.date(2026, 2, 19))
    (True, False)
    """
    out = []
    for layer in layers:
        days, classes = _state_classes(ds, layer, treaty)
        out.append((layer, classes[bisect.bisect_right(days, day)]))
    return tuple(out)


#: Per data version (checked by weak reference), layer and treaty: the change days and, for each
#: step between them, the number of the first step showing the same states.
_CLASSES: dict[tuple[int, str, str], tuple[weakref.ref, tuple[list[dt.date], list[int]]]] = {}


def _state_classes(ds: Dataset, layer: str, treaty: str) -> tuple[list[dt.date], list[int]]:
    key = (id(ds), layer, treaty)
    hit = _CLASSES.get(key)
    if hit is not None and hit[0]() is ds:
        return hit[1]
    days = change_dates(ds, layer, treaty=treaty)
    steps = [dt.date.min, *days]  # step k holds the days in [steps[k], steps[k + 1])
    seen: dict[tuple, int] = {}
    classes = []
    for k, day in enumerate(steps):
        states = tuple(sorted(state_at(ds, layer, day, treaty=treaty).items()))
        classes.append(seen.setdefault(states, k))
    for stale in [k for k, (ref, _) in _CLASSES.items() if ref() is None]:
        del _CLASSES[stale]
    _CLASSES[key] = (weakref.ref(ds), (days, classes))
    return days, classes
