"""Treaty status over time and fortification state on a date: pure functions over event tables."""

from __future__ import annotations

import bisect
import datetime as dt
import weakref
from dataclasses import dataclass

import pandas as pd

from explorer.config import LANGUAGES
from explorer.i18n import t
from explorer.schema import STATUS_EVENTS


@dataclass(frozen=True)
class Status:
    """A country's status under a treaty on a date.

    Attributes
    ----------
    status : str
        One of :data:`explorer.schema.TREATY_STATUSES`.
    since : datetime.date or None
        Date of the event the status follows from (None for ``non-party`` with no event).
    event_id : str or None
        Id of that event in ``treaty_events.csv``.
    sources : tuple of str
        Source ids of that event; for ``non-party``, the sources that say the country is not
        party (see :func:`status_on`).
    """

    status: str
    since: dt.date | None
    event_id: str | None
    sources: tuple[str, ...]


NON_PARTY = Status("non-party", None, None, ())


def status_on(events: pd.DataFrame, country: str, treaty: str, date: dt.date) -> Status:
    """Return a country's status under a treaty on ``date``.

    The status is set by the latest status-changing event on or before ``date``:
    ``signature`` → ``signatory``; ``entry-into-force`` → ``party``;
    ``withdrawal-deposited`` → ``withdrawal-pending`` (from the day of deposit to the day
    before the withdrawal takes effect); ``withdrawal-effective`` → ``withdrawn``;
    ``suspension-notified`` → ``disputed``. Recommendations, announcements, votes, ratification
    and accession deposits are milestones and change nothing. Only ``preferred`` rows count. On
    the same day, the later step in that order wins (e.g. signature and entry into force together
    → party).

    Parameters
    ----------
    events : pandas.DataFrame
        Rows of ``treaty_events.csv`` with columns ``id``, ``country``, ``treaty``, ``event``,
        ``date`` (``datetime.date``), ``preferred`` (bool) and ``sources`` (list of ids).
    country : str
        ISO 3166-1 alpha-3 code.
    treaty : str
        ``APMBC`` or ``CCM``.
    date : datetime.date
        The day asked about.

    Returns
    -------
    Status

    Examples
    --------
    >>> ev = pd.DataFrame({
    ...     "id": ["s", "f", "d", "w"], "country": ["X"] * 4, "treaty": ["T"] * 4,
    ...     "event": ["signature", "entry-into-force", "withdrawal-deposited",
    ...               "withdrawal-effective"],
    ...     "date": [dt.date(2000, 1, 1), dt.date(2001, 1, 1), dt.date(2025, 1, 1),
    ...              dt.date(2025, 7, 1)],
    ...     "preferred": [True] * 4, "sources": [["a"]] * 4})
    >>> status_on(ev, "X", "T", dt.date(1999, 12, 31)).status
    'non-party'
    >>> status_on(ev, "X", "T", dt.date(2025, 6, 30)).status
    'withdrawal-pending'
    >>> status_on(ev, "X", "T", dt.date(2025, 7, 1)).status
    'withdrawn'
    >>> status_on(ev, "Y", "T", dt.date(2025, 7, 1)).status
    'non-party'
    """
    steps = _status_index(events).get((country, treaty))
    if not steps:
        return _non_party(events, country, treaty)
    # steps are sorted by (date, rank): the last one on or before ``date`` sets the status.
    i = bisect.bisect_right(steps, (date, _LAST_RANK)) - 1
    if i < 0:
        return _non_party(events, country, treaty)
    _day, _rank, status, event_id, sources = steps[i]
    return Status(status=status, since=_day, event_id=event_id, sources=sources)


def _non_party(events: pd.DataFrame, country: str, treaty: str) -> Status:
    """``non-party`` with the sources that say so.

    Those are the ``not-party`` records of the country (a profile or the list of States
    Parties); failing that, the sources of its first status-changing event, which date when it
    joined and so show it was not party before.
    """
    sources = _non_party_sources(events).get((country, treaty), ())
    return Status("non-party", None, None, sources)


def _non_party_sources(events: pd.DataFrame) -> dict[tuple[str, str], tuple[str, ...]]:
    """Source ids backing a ``non-party`` status, per (country, treaty); cached per table."""
    key = id(events)
    hit = _NON_PARTY_INDEXES.get(key)
    if hit is not None and hit[0]() is events:
        return hit[1]
    index: dict[tuple[str, str], tuple[str, ...]] = {}
    if not events.empty:
        for rec in events.loc[events["event"] == "not-party"].to_dict("records"):
            k = (rec["country"], rec["treaty"])
            index[k] = tuple(dict.fromkeys([*index.get(k, ()), *rec["sources"]]))
        for k, steps in _status_index(events).items():
            if k not in index and steps:
                index[k] = steps[0][4]
    for stale in [k for k, (ref, _) in _NON_PARTY_INDEXES.items() if ref() is None]:
        del _NON_PARTY_INDEXES[stale]
    _NON_PARTY_INDEXES[key] = (weakref.ref(events), index)
    return index


#: Higher than any step's rank: bisecting with it finds the last step on a day.
_LAST_RANK = len(STATUS_EVENTS)

#: One index per events table object (by identity, checked by weak reference): a rerun asks for
#: dozens of statuses, and filtering the DataFrame each time cost ~1 ms per call.
_INDEXES: dict[int, tuple[weakref.ref, dict]] = {}
_NON_PARTY_INDEXES: dict[int, tuple[weakref.ref, dict]] = {}


def _status_index(
    events: pd.DataFrame,
) -> dict[tuple[str, str], list[tuple[dt.date, int, str, str, tuple[str, ...]]]]:
    """Status-changing steps per (country, treaty), sorted by (date, rank), built once per table.

    The table is treated as read-only (as the loaded dataset is): an index is rebuilt only for a
    different table object.
    """
    key = id(events)
    hit = _INDEXES.get(key)
    if hit is not None and hit[0]() is events:
        return hit[1]
    rank = {name: i for i, name in enumerate(STATUS_EVENTS)}
    index: dict[tuple[str, str], list] = {}
    if not events.empty:
        mask = events["preferred"].astype(bool) & events["event"].isin(list(STATUS_EVENTS))
        for rec in events.loc[mask].to_dict("records"):
            step = (
                rec["date"],
                rank[rec["event"]],
                STATUS_EVENTS[rec["event"]],
                rec["id"],
                tuple(rec["sources"]),
            )
            index.setdefault((rec["country"], rec["treaty"]), []).append(step)
        for steps in index.values():
            steps.sort(key=lambda step: (step[0], step[1]))
    for stale in [k for k, (ref, _) in _INDEXES.items() if ref() is None]:
        del _INDEXES[stale]
    _INDEXES[key] = (weakref.ref(events), index)
    return index


def statuses_on(
    events: pd.DataFrame, countries: list[str], treaty: str, date: dt.date
) -> pd.DataFrame:
    """Return one row per country with ``country``, ``treaty``, ``status``, ``since``, ``sources``.

    Examples
    --------
    >>> empty = pd.DataFrame(columns=["id", "country", "treaty", "event", "date", "preferred",
    ...                               "sources"])
    >>> statuses_on(empty, ["RUS"], "APMBC", dt.date(2020, 1, 1))["status"].tolist()
    ['non-party']
    """
    rows = []
    for country in countries:
        st = status_on(events, country, treaty, date)
        rows.append(
            {
                "country": country,
                "treaty": treaty,
                "status": st.status,
                "since": st.since.isoformat() if st.since else None,
                "sources": list(st.sources),
            }
        )
    return pd.DataFrame(rows, columns=["country", "treaty", "status", "since", "sources"])


def event_label(events: pd.DataFrame, event_id: str | None, lang: str = "en") -> str:
    """Return the label of a treaty event in ``lang`` ("" for no event or an unknown id).

    Parameters
    ----------
    events : pandas.DataFrame
        Rows of ``treaty_events.csv`` with ``id``, ``label_en`` and ``label_pl``.
    event_id : str or None
        E.g. :attr:`Status.event_id`.
    lang : {"en", "pl"}, default "en"
        Language; a Polish label missing from the data falls back to the English one.

    Examples
    --------
    >>> ev = pd.DataFrame({"id": ["s"], "label_en": ["Signed"], "label_pl": ["Podpisano"]})
    >>> event_label(ev, "s", "pl"), event_label(ev, "s"), event_label(ev, None, "pl")
    ('Podpisano', 'Signed', '')
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {list(LANGUAGES)}")
    if event_id is None or events.empty:
        return ""
    rows = events[events["id"] == event_id]
    if rows.empty:
        return ""
    rec = rows.iloc[0].to_dict()
    return _text(rec, f"label_{lang}", rec.get("label_en") or "")


def fortification_state(
    announced: dt.date | None,
    start: dt.date | None,
    completed: dt.date | None,
    date: dt.date,
) -> str | None:
    """Return what a fortification was on ``date``: announced, under construction, complete.

    Returns None before it was announced (or, with no announcement date, before it started).

    Examples
    --------
    >>> d = dt.date
    >>> fortification_state(d(2024, 5, 18), d(2024, 10, 31), None, d(2024, 6, 1))
    'announced'
    >>> fortification_state(d(2024, 5, 18), d(2024, 10, 31), None, d(2024, 10, 31))
    'under-construction'
    >>> fortification_state(None, d(2022, 1, 1), d(2022, 6, 30), d(2022, 6, 30))
    'complete'
    >>> fortification_state(d(2024, 5, 18), None, None, d(2024, 5, 17)) is None
    True
    """
    if completed is not None and date >= completed:
        return "complete"
    if start is not None and date >= start:
        return "under-construction"
    if announced is not None and date >= announced:
        return "announced"
    return None


#: Treaty events worth a place in the "jump to" list (status changes, recommendations and
#: announcements).
KEY_TREATY_EVENTS = (
    "signature",
    "entry-into-force",
    "withdrawal-recommended",
    "withdrawal-announced",
    "withdrawal-deposited",
    "withdrawal-effective",
    "suspension-notified",
)


#: What a fortification date means in the key-events list (translation keys by date field).
_FORT_EVENT_KEYS = {
    "announced": "events.fort_announced",
    "start": "events.fort_start",
    "completed": "events.fort_completed",
}


def key_events(events: pd.DataFrame, forts: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Return the dated events the time control can jump to, oldest first.

    Treaty status changes and announcements (APMBC and CCM, preferred dates only) and the
    day-precise announcement, start and completion dates of fortifications. Events on the
    same day with the same kind are merged into one line.

    Parameters
    ----------
    events : pandas.DataFrame
        Rows of ``treaty_events.csv`` (``label_en`` and ``label_pl``).
    forts : pandas.DataFrame
        Rows of ``fortifications.geojson`` (``name_en`` and ``name_pl``).
    lang : {"en", "pl"}, default "en"
        Language of the ``label`` column.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (``datetime.date``), ``label`` (in ``lang``), ``label_en``,
        ``label_pl`` and ``sources`` (list of ids). A Polish label missing from the data
        falls back to the English one.

    Examples
    --------
    >>> empty_events = pd.DataFrame(columns=["date", "event", "preferred", "label_en",
    ...                                      "label_pl", "sources", "country", "treaty"])
    >>> empty_forts = pd.DataFrame(
    ...     columns=["name_en", "name_pl", "announced", "start", "completed", "sources"])
    >>> key_events(empty_events, empty_forts, "pl").empty
    True
    >>> forts = pd.DataFrame({"name_en": ["Fence"], "name_pl": ["Płot"], "announced": [None],
    ...                       "start": ["2022-01-25"], "completed": ["2022"], "sources": [["s"]]})
    >>> key_events(empty_events, forts, "pl")[["label", "label_en"]].values.tolist()
    [['Płot: początek prac', 'Fence: work starts']]
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {list(LANGUAGES)}")
    columns = ["date", "label", "label_en", "label_pl", "sources"]
    rows = []
    chosen = events[events["event"].isin(KEY_TREATY_EVENTS) & events["preferred"].astype(bool)]
    for rec in chosen.to_dict("records"):
        labels = {code: _text(rec, f"label_{code}", rec["label_en"]) for code in LANGUAGES}
        rows.append({"date": rec["date"], **_labels(labels), "sources": list(rec["sources"])})
    for rec in forts.to_dict("records"):
        for key, text_key in _FORT_EVENT_KEYS.items():
            value = rec.get(key)
            if isinstance(value, str) and len(value) == 10:
                labels = {
                    code: f"{_text(rec, f'name_{code}', rec['name_en'])}: {t(text_key, code)}"
                    for code in LANGUAGES
                }
                rows.append(
                    {
                        "date": dt.date.fromisoformat(value),
                        **_labels(labels),
                        "sources": list(rec["sources"]),
                    }
                )
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows)
    merged = (
        frame.groupby(["date", "label_en", "label_pl"], as_index=False)
        .agg(sources=("sources", lambda s: sorted({i for ids in s for i in ids})))
        .sort_values(["date", "label_en"])
        .reset_index(drop=True)
    )
    merged["label"] = merged[f"label_{lang}"]
    return merged[columns]


def _text(rec: dict, field: str, fallback: object) -> str:
    """Return a record's text in one language, or ``fallback`` where it is missing."""
    value = rec.get(field)
    return value if isinstance(value, str) and value.strip() else str(fallback)


def _labels(labels: dict[str, str]) -> dict[str, str]:
    return {f"label_{code}": text for code, text in labels.items()}
