"""What changed between two dates A and B: treaty statuses, works and dated events (issue 16).

Pure (no Streamlit, folium or matplotlib) and language-neutral; :func:`render_changes` words the
rows in a language for the app's panel, markdown and the command line.

**The period is half-open, (A, B]**, the same rule as the maps: a map on a day shows every step
dated on or before that day (:func:`explorer.timeline.status_on`,
:func:`explorer.timeline.fortification_state`), so a change dated on day A is already in A's map
and is not listed, and one dated on day B is in B's map and is listed. ``start == end`` lists
nothing.

**Partial dates keep their precision.** A work's step dated ``2025-02`` or ``2025`` happened on
some day of that month or year; the maps draw it from the first day. A row is listed when the
change *may* fall in (A, B] (its month or year overlaps the period), and ``inside`` says when it
may also fall outside: ``"start"`` when A falls inside that month or year (the change may be on or
before A), ``"end"`` when B does (it may be after B), ``"both"`` when both do, ``""`` when the
change certainly falls in the period. Treaty events are always dated to the day.

**Nothing is invented**: every row is a dated record of the data with its source ids; a work with
no completion date has no completion row, and only ``preferred`` treaty rows count (the others
are the same event as another source dates it).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from explorer import config, lengths, style, timeline
from explorer.i18n import t
from explorer.schema import STATUS_EVENTS
from explorer.text import fmt_km, is_missing

if TYPE_CHECKING:
    from explorer.data import Dataset

__all__ = [
    "CHANGE_COLUMNS",
    "KINDS",
    "RENDERED_COLUMNS",
    "WORK_STEPS",
    "changes_between",
    "check_period",
    "column_titles",
    "date_span",
    "km_added",
    "render_changes",
    "to_csv",
]

#: Columns of :func:`changes_between`, in order.
CHANGE_COLUMNS: tuple[str, ...] = (
    "kind", "country", "segment", "id", "what", "from_state", "to_state", "date", "precision",
    "km", "km_about", "sources", "inside",
)  # fmt: skip

#: Kinds of change, in the order rows of one day are listed: a treaty status change, a work's
#: dated step, a treaty event that changes no status (announcement, vote, recommendation, ...).
KINDS: Final[tuple[str, ...]] = ("treaty", "work", "event")

#: A work's date field -> the ``what`` of its row, in the order the steps happen.
WORK_STEPS: Final[dict[str, str]] = {"announced": "announced", "start": "started",
                                     "completed": "completed"}  # fmt: skip

#: Columns of :func:`render_changes`: :data:`CHANGE_COLUMNS`' readable ones, plus ``name``.
RENDERED_COLUMNS: Final[tuple[str, ...]] = (
    "kind", "country", "segment", "id", "name", "what", "from_state", "to_state", "date", "km",
    "sources",
)  # fmt: skip

#: Treaty records that are not events: a source saying a country is not party (cited by
#: ``non-party`` statuses), never a change.
_NOT_EVENTS: Final[frozenset[str]] = frozenset({"not-party"})


def check_period(start: dt.date, end: dt.date, treaty: str | None = None) -> None:
    """Raise ``ValueError`` (one line) unless A <= B, both in the explorer's range, treaty known.

    Examples
    --------
    >>> check_period(dt.date(2026, 3, 1), dt.date(2025, 1, 1))
    Traceback (most recent call last):
    ...
    ValueError: start 2026-03-01 is after end 2025-01-01: give the earlier date first
    >>> check_period(dt.date(2025, 1, 1), dt.date(2025, 1, 1), "NPT")
    Traceback (most recent call last):
    ...
    ValueError: unknown treaty 'NPT': expected one of APMBC, CCM
    """
    for name, day in (("start", start), ("end", end)):
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise ValueError(f"{name} must be a datetime.date, got {day!r}")
        if not config.DATE_MIN <= day <= config.DATE_MAX:
            raise ValueError(
                f"{name} {day.isoformat()} is outside "
                f"{config.DATE_MIN.isoformat()}..{config.DATE_MAX.isoformat()}"
            )
    if start > end:
        raise ValueError(
            f"start {start.isoformat()} is after end {end.isoformat()}: give the earlier date first"
        )
    if treaty is not None and treaty not in config.TREATIES:
        raise ValueError(f"unknown treaty {treaty!r}: expected one of {', '.join(config.TREATIES)}")


def date_span(value: str) -> tuple[dt.date, dt.date, str]:
    """Return the first and last day a ``YYYY[-MM[-DD]]`` date can mean, and its precision.

    Examples
    --------
    >>> date_span("2024-02")
    (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29), 'month')
    >>> date_span("2025")[1:], date_span("2026-02-20")[2]
    ((datetime.date(2025, 12, 31), 'year'), 'day')
    """
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day, "day"
    if len(parts) == 2:
        year, month = parts
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, 1), dt.date(year, month, last), "month"
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31), "year"


def _inside(first: dt.date, last: dt.date, start: dt.date, end: dt.date) -> str | None:
    """``None`` when no day of [first, last] is in (start, end]; else the ``inside`` note.

    >>> d = dt.date
    >>> _inside(d(2025, 2, 1), d(2025, 2, 28), d(2025, 2, 10), d(2025, 6, 1))
    'start'
    >>> _inside(d(2025, 2, 1), d(2025, 2, 1), d(2025, 2, 1), d(2025, 6, 1)) is None
    True
    """
    if start >= end or first > end or last <= start:
        return None
    notes = [name for name, hit in (("start", first <= start), ("end", last > end)) if hit]
    return "both" if len(notes) == 2 else "".join(notes)


def _row(kind: str, rec: Mapping[str, Any], what: str, date: str, key: tuple, **extra: Any) -> dict:
    """Return a row of :data:`CHANGE_COLUMNS` with its sort key (first day, kind, group, step)."""
    row = {"kind": kind, "country": rec["country"], "segment": "", "id": rec["id"], "what": what}
    row |= {"from_state": "", "to_state": "", "date": date, "precision": "day", "km": None}
    row |= {"km_about": False, "sources": tuple(rec["sources"]), "inside": "", **extra}
    return {**row, "_key": (key[0], KINDS.index(kind), *key[1:], rec["id"])}


def _event_row(rec: Mapping[str, Any]) -> dict:
    return _row("event", rec, rec["event"], rec["date"].isoformat(), (rec["date"], rec["id"], 0))


def _treaty_rows(events: pd.DataFrame, treaty: str, start: dt.date, end: dt.date) -> list[dict]:
    """Status changes and status-neutral events of ``treaty`` dated in (start, end]."""
    if events.empty:
        return []
    chosen = events[(events["treaty"] == treaty) & events["preferred"].astype(bool)]
    rank = {name: i for i, name in enumerate(STATUS_EVENTS)}
    days: dict[tuple[str, dt.date], list[dict]] = {}
    rows = []
    for rec in chosen.to_dict("records"):
        if not start < rec["date"] <= end or rec["event"] in _NOT_EVENTS:
            continue
        if rec["event"] in STATUS_EVENTS:
            days.setdefault((rec["country"], rec["date"]), []).append(rec)
        else:
            rows.append(_event_row(rec))
    for (country, day), recs in sorted(days.items()):
        # Same-day steps in the timeline's order; each starts from the status the one before
        # left, so the day's last row ends on status_on(day).
        recs.sort(key=lambda r: (rank[r["event"]], r["id"]))
        before = timeline.status_on(events, country, treaty, day - dt.timedelta(days=1)).status
        group = min(r["id"] for r in recs)
        for seq, rec in enumerate(recs):
            after = STATUS_EVENTS[rec["event"]]
            if after == before:  # e.g. a second signature: dated, but no status changes
                rows.append(_event_row(rec))
                continue
            what, key = f"{before} → {after}", (day, group, seq)
            row = _row("treaty", rec, what, day.isoformat(), key, from_state=before, to_state=after)
            rows.append(row)
            before = after
    return rows


def _work_rows(forts: pd.DataFrame, start: dt.date, end: dt.date) -> list[dict]:
    """Return a row per dated step of a work that may fall in the period.

    Its from/to are the work's states before and after that step; steps later in the order on
    the same day are not taken yet (same-day steps chain, as for treaties).
    """
    rows = []
    fields = list(WORK_STEPS)
    for rec in forts.to_dict("records"):
        dates = {f: rec[f"{f}_date"] for f in fields}
        for i, field in enumerate(fields):
            if is_missing(rec.get(field)):
                continue  # no date, no row: e.g. a work not (yet) reported complete
            raw = str(rec[field])
            first, last, precision = date_span(raw)
            inside = _inside(first, last, start, end)
            if inside is None:
                continue
            later = {f for f in fields[i + 1 :] if dates[f] == first}
            before = _state({f: d for f, d in dates.items() if f not in later | {field}}, first)
            after = _state({f: d for f, d in dates.items() if f not in later}, first)
            sized = field == "completed" and not is_missing(rec.get("length_km"))
            extra = {
                "segment": "; ".join(rec.get("derive_segments") or []),
                "from_state": before or "",
                "to_state": after or "",
                "precision": precision,
                "km": float(rec["length_km"]) if sized else None,
                "km_about": sized and lengths.length_is_about(rec),
                "inside": inside,
            }
            rows.append(_row("work", rec, WORK_STEPS[field], raw, (first, rec["id"], i), **extra))
    return rows


def _state(dates: Mapping[str, dt.date | None], day: dt.date) -> str | None:
    return timeline.fortification_state(
        dates.get("announced"), dates.get("start"), dates.get("completed"), day
    )


def changes_between(
    ds: Dataset, start: dt.date, end: dt.date, *, treaty: str = config.DEFAULT_TREATY
) -> pd.DataFrame:
    """Return every sourced change between dates A (``start``) and B (``end``), one per row.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    start, end : datetime.date
        A and B, ``start <= end``, both within ``config.DATE_MIN..config.DATE_MAX``. The
        period is (A, B]: see the module's notes for partial dates.
    treaty : {"APMBC", "CCM"}, default "APMBC"
        The treaty whose status changes and events are listed.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CHANGE_COLUMNS`, language-neutral, sorted by date (a partial date by its
        first day), then kind (:data:`KINDS` order), then id; a country's or a work's steps on
        one day stay in the order the timeline applies them. ``kind`` is ``treaty`` (``what``
        ``"party → withdrawal-pending"``, from/to the statuses), ``work`` (``what``
        ``announced``/``started``/``completed``, from/to its build states, "" before it was
        announced) or ``event`` (``what`` the event type, from/to ""). ``date`` is as written
        (``2025-02``), ``precision`` ``day``/``month``/``year``, ``inside`` as in the module's
        notes. ``segment``: a work's border segments joined with "; ". ``km``: a ``completed``
        row's sourced ``length_km`` (None otherwise), ``km_about``:
        :func:`explorer.lengths.length_is_about`. ``sources``: tuple of source ids.

    Raises
    ------
    ValueError
        For ``start > end``, a date outside the range, or an unknown treaty (one line).

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> ch = changes_between(load_dataset(), dt.date(2026, 2, 19), dt.date(2026, 2, 20))
    >>> ch[["kind", "country", "what", "date"]].values.tolist()
    [['treaty', 'POL', 'withdrawal-pending → withdrawn', '2026-02-20']]
    """
    check_period(start, end, treaty)
    rows = [
        *_treaty_rows(ds.treaty_events, treaty, start, end),
        *_work_rows(ds.fortifications, start, end),
    ]
    rows.sort(key=lambda r: r["_key"])
    frame = pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype=object) for c in CHANGE_COLUMNS})
    frame["km_about"] = frame["km_about"].astype(bool)
    return frame


def km_added(ds: Dataset, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Return the km of barrier completed between A and B per border segment.

    The sourced lengths of the linear works complete on B (:func:`explorer.lengths.fortified_km`:
    fences and barriers along one segment alone) minus those complete on A, as the two maps
    show them (a partial completion date counts from its first day). Each work counts with its
    own length: a fence and an electronic barrier on the same stretch are two barriers, so the
    ``works`` column lists what makes the figure.

    Returns
    -------
    pandas.DataFrame
        ``segment``, ``km``, ``about`` (True when any part is not exact:
        :func:`explorer.lengths.length_is_about`), ``works`` (tuple of ids); segments with
        nothing added are left out, the others in the segments table's order.

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> added = km_added(load_dataset(), dt.date(2025, 1, 1), dt.date(2026, 3, 1))
    >>> for row in added.itertuples(index=False):
    ...     print(row.segment, row.km, row.about, row.works)
    POL-BLR 47.0 True ('pl-by-river-electronic-barrier',)
    LVA-RUS 280.0 True ('lv-ru-fence',)
    LVA-BLR 145.0 True ('lv-by-fence',)
    """
    check_period(start, end)
    records = ds.fortifications.to_dict("records")
    by_id = {rec["id"]: rec for rec in records}
    states = {
        day: {r["id"]: _state({f: r[f"{f}_date"] for f in WORK_STEPS}, day) for r in records}
        for day in (start, end)
    }

    def complete(segment: str, day: dt.date) -> dict[str, float]:
        works = lengths.fortified_km(records, segment, states[day])
        return {w["id"]: w["km"] for w in works if w["state"] == "complete"}

    rows = []
    for segment in ds.segments["id"]:
        before, after = complete(segment, start), complete(segment, end)
        added = tuple(w for w in after if w not in before)
        km = round(sum(after.values()) - sum(before.values()), 1)
        if added or km:
            about = any(lengths.length_is_about(by_id[w]) for w in added)
            rows.append({"segment": segment, "km": km, "about": about, "works": added})
    return pd.DataFrame(rows, columns=["segment", "km", "about", "works"])


def column_titles(lang: str = "en") -> dict[str, str]:
    """Return the column headers of :data:`RENDERED_COLUMNS` in ``lang``.

    Examples
    --------
    >>> column_titles("pl")["what"]
    'Zmiana'
    """
    return {c: t(f"changes.col.{c}", lang) for c in RENDERED_COLUMNS}


def render_changes(df: pd.DataFrame, ds: Dataset, lang: str = "en") -> pd.DataFrame:
    """Return the rows of :func:`changes_between` as readable text in ``lang``.

    Columns :data:`RENDERED_COLUMNS` (headers: :func:`column_titles`): country and segment
    names, ``name`` (the work's name or the event's label), ``what`` translated (``party →
    withdrawal pending``, ``completed``, ``withdrawal recommended``), the states in words,
    ``date`` with the note of a date that A or B falls inside ("2025-02 (A falls inside
    2025-02)"), ``km`` formatted ("about 47.0 km"), ``sources`` joined with ", ".

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> ds = load_dataset()
    >>> ch = changes_between(ds, dt.date(2025, 8, 19), dt.date(2025, 8, 20))
    >>> render_changes(ch[ch.kind == "treaty"], ds, "pl")[["country", "what"]].values.tolist()
    [['Polska', 'strona → wystąpienie w toku']]
    """
    if lang not in config.LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {list(config.LANGUAGES)}")
    countries = ds.countries[f"name_{lang}"].to_dict()
    segments = dict(zip(ds.segments["id"], ds.segments[f"name_{lang}"], strict=True))
    works = {r["id"]: r for r in ds.fortifications.to_dict("records")}
    rows = []
    for rec in df.to_dict("records"):
        kind, what, from_to = rec["kind"], rec["what"], (rec["from_state"], rec["to_state"])
        if kind == "work":
            work = works.get(rec["id"], {})
            name = str(work.get(f"name_{lang}") or work.get("name_en") or rec["id"])
            states = [style.state_label(s, lang) if s else "—" for s in from_to]
            what = t(f"changes.step.{what}", lang)
        else:
            name = timeline.event_label(ds.treaty_events, rec["id"], lang)
            states = [style.status_label(s, lang) if s else "" for s in from_to]
            what = " → ".join(states) if kind == "treaty" else t(f"changes.event.{what}", lang)
        date = rec["date"]
        if rec["inside"]:
            date += " " + t(f"changes.inside.{rec['inside']}", lang, period=rec["date"])
        km = ""
        if not is_missing(rec["km"]):
            km = fmt_km(rec["km"], lang)
            km = t("changes.about_km", lang, km=km) if rec["km_about"] else km
        segment = "; ".join(segments.get(s, s) for s in str(rec["segment"]).split("; ") if s)
        country = countries.get(rec["country"], rec["country"])
        values = (t(f"changes.kind.{kind}", lang), country, segment, rec["id"], name, what,
                  *states, date, km, ", ".join(rec["sources"]))  # fmt: skip
        rows.append(dict(zip(RENDERED_COLUMNS, values, strict=True)))
    return pd.DataFrame(rows, columns=list(RENDERED_COLUMNS))


def to_csv(frame: pd.DataFrame) -> str:
    """Return :func:`changes_between`'s rows as CSV text (the one serialisation of changes).

    The language-neutral columns, ids joined with ``;``, ``km_about`` as ``true``/``false``: the
    CLI's ``--format csv``, the file beside a data export and the app's download are this text.

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> text = to_csv(changes_between(load_dataset(), dt.date(2026, 2, 1), dt.date(2026, 3, 1)))
    >>> text.splitlines()[0].startswith("kind,country,segment,id,what")
    True
    """
    import csv  # local: only files need it
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CHANGE_COLUMNS)
    for rec in frame.to_dict("records"):
        rec["sources"] = config.LIST_SEPARATOR.join(rec["sources"])
        rec["km_about"] = "true" if rec["km_about"] else "false"
        rec["km"] = "" if rec["km"] is None else rec["km"]
        writer.writerow([rec[c] for c in CHANGE_COLUMNS])
    return out.getvalue()
