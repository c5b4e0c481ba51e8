"""Rules across fields and tables, on the records :mod:`explorer.validation.tables` coerced.

References between tables resolve; a fortification's dates, status and derivation agree; each
``status_as_of`` is its source's publication date; treaty steps have one preferred date each and
come in order; each border segment has one preferred length; the story can be presented; no
audit date lies in the future.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from explorer import config, schema
from explorer.layers import LAYER_IDS
from explorer.validation.dates import parse_partial_date
from explorer.validation.problems import Problem, Record
from explorer.validation.tables import record_id

__all__ = ["check_references", "check_rules", "story_rules", "verified_rules"]


def check_references(
    tables: Mapping[str, list[Record]], specs: Iterable[schema.TableSpec] = schema.TABLES
) -> list[Problem]:
    """Check every ``ref`` field resolves to an id of the referenced table."""
    ids = {
        spec.name: {r.get(spec.id_field) for r in tables.get(spec.name, [])}
        for spec in schema.TABLES
        if spec.id_field
    }
    problems = []
    for spec in specs:
        for index, rec in enumerate(tables.get(spec.name, []), start=1):
            rid = record_id(spec, rec, index)
            for fld in spec.fields:
                if not fld.ref or rec.get(fld.name) is None:
                    continue
                values = rec[fld.name] if isinstance(rec[fld.name], list) else [rec[fld.name]]
                for value in values:
                    if value not in ids.get(fld.ref, set()):
                        problems.append(
                            Problem(spec.filename, rid, fld.name, f"unknown {fld.ref} id {value!r}")
                        )
    return problems


def _fortification_rules(records: list[Record]) -> list[Problem]:
    """Dates in order, status consistent with dates, geometry derivable."""
    fname = schema.FORTIFICATIONS.filename
    problems = []
    for index, rec in enumerate(records, start=1):
        rid = record_id(schema.FORTIFICATIONS, rec, index)

        def date_of(key: str, rec: Record = rec) -> dt.date | None:
            try:
                return parse_partial_date(rec[key]) if rec.get(key) else None
            except ValueError:
                return None  # already reported by check_table

        announced, start, completed = date_of("announced"), date_of("start"), date_of("completed")
        target = date_of("target")
        order = [("announced", announced), ("start", start), ("completed", completed)]
        present = [(k, d) for k, d in order if d is not None]
        for (k1, d1), (k2, d2) in itertools.pairwise(present):
            if d1 > d2:
                problems.append(Problem(fname, rid, k2, f"{k2} {d2} is before {k1} {d1}"))
        if target and announced and target < announced:
            problems.append(Problem(fname, rid, "target", f"target {target} before announced"))
        status = rec.get("status")
        if status == "complete" and completed is None:
            problems.append(Problem(fname, rid, "status", "'complete' needs a completed date"))
        if status == "under-construction" and (start is None or completed is not None):
            problems.append(
                Problem(fname, rid, "status", "'under-construction' needs a start and no completed")
            )
        if status == "planned" and (start is not None or completed is not None):
            problems.append(Problem(fname, rid, "status", "'planned' must have no start/completed"))
        method = rec.get("derive_method")
        has_geom = rec.get("geometry") is not None
        if method == "none" and not has_geom and "geometry" in rec:
            problems.append(Problem(fname, rid, "geometry", "no geometry and derive_method 'none'"))
        if method in ("segment", "corridor", "not-drawn"):
            if has_geom:
                problems.append(
                    Problem(
                        fname, rid, "geometry", f"stored geometry with derive_method {method!r}"
                    )
                )
            if not rec.get("derive_segments"):
                problems.append(Problem(fname, rid, "derive_segments", f"needed for {method!r}"))
        if method == "corridor":
            width = rec.get("derive_width_km")
            if not isinstance(width, float) or width <= 0:
                problems.append(
                    Problem(fname, rid, "derive_width_km", "a positive width is needed")
                )
            if rec.get("precision") != "corridor":
                problems.append(
                    Problem(fname, rid, "precision", "a corridor has precision 'corridor'")
                )
        if method == "segment" and not rec.get("length_km"):
            problems.append(
                Problem(fname, rid, "length_km", f"a sourced length is needed for {method!r}")
            )
        sources = rec.get("sources") or []
        if rec.get("status_source") and rec.get("status_source") not in sources:
            problems.append(
                Problem(fname, rid, "status_source", "must also be listed in 'sources'")
            )
        if method == "segment" and rec.get("precision") == "exact":
            problems.append(
                Problem(fname, rid, "precision", "a line derived from the border is not 'exact'")
            )
    return problems


def verified_rules(
    tables: Mapping[str, list[Record]], today: dt.date | None = None
) -> list[Problem]:
    """Report every audit date (``verified``) in the future, in any table that carries one.

    Its form (``YYYY-MM-DD`` or empty) is checked by :func:`check_table`; whether the audit table
    ``AUDIT.md`` lists the record and its sources is checked by the tests.

    Parameters
    ----------
    tables : mapping of str to list of Record
        Coerced records per table name (:data:`explorer.schema.VERIFIED_TABLES` are read).
    today : datetime.date, optional
        The day to compare with; defaults to the current date.

    Returns
    -------
    list of Problem
        One per record verified after ``today``.

    Examples
    --------
    >>> import datetime as dt
    >>> rows = {"story": [{"id": "a", "verified": dt.date(2030, 1, 1)}]}
    >>> [p.message for p in verified_rules(rows, today=dt.date(2026, 1, 1))]
    ['2030-01-01 is in the future']
    """
    today = today or dt.date.today()
    problems = []
    for spec in schema.VERIFIED_TABLES:
        for index, rec in enumerate(tables.get(spec.name, []), start=1):
            verified = rec.get(schema.VERIFIED_FIELD.name)
            if isinstance(verified, dt.date) and verified > today:
                rid = record_id(spec, rec, index)
                msg = f"{verified} is in the future"
                problems.append(Problem(spec.filename, rid, schema.VERIFIED_FIELD.name, msg))
    return problems


def _status_date_rules(forts: list[Record], sources: list[Record]) -> list[Problem]:
    """``status_as_of`` is the publication date of ``status_source``, written the same way.

    Skipped for a source whose date is unknown (empty in ``sources.csv``).

    Parameters
    ----------
    forts : list of Record
        Coerced records of ``fortifications.geojson``.
    sources : list of Record
        Coerced records of ``sources.csv``.

    Returns
    -------
    list of Problem
        One per record whose ``status_as_of`` differs from its source's date.
    """
    fname = schema.FORTIFICATIONS.filename
    dates = {r.get("id"): r.get("date") for r in sources}
    problems = []
    for index, rec in enumerate(forts, start=1):
        rid = record_id(schema.FORTIFICATIONS, rec, index)
        as_of, src = rec.get("status_as_of"), rec.get("status_source")
        published = dates.get(src)
        if not isinstance(as_of, str) or not isinstance(published, str) or not published:
            continue
        if as_of != published:
            problems.append(
                Problem(
                    fname,
                    rid,
                    "status_as_of",
                    f"{as_of} is not the publication date {published} of source {src!r}",
                )
            )
    return problems


def _treaty_rules(records: list[Record]) -> list[Problem]:
    """One preferred date per status-changing step; status steps in a sensible order."""
    fname = schema.TREATY_EVENTS_TABLE.filename
    problems = []
    preferred = defaultdict(list)
    for rec in records:
        if rec.get("event") in schema.STATUS_EVENTS or rec.get("event") in (
            "ratification",
            "accession",
        ):
            preferred[(rec.get("country"), rec.get("treaty"), rec.get("event"))].append(rec)
    for (country, treaty, event), recs in sorted(preferred.items(), key=str):
        n = sum(1 for r in recs if r.get("preferred") is True)
        if n != 1:
            problems.append(
                Problem(
                    fname,
                    ",".join(str(r.get("id")) for r in recs),
                    "preferred",
                    f"{country} {treaty} {event}: {n} preferred rows, expected exactly 1",
                )
            )
    order = ["signature", "entry-into-force", "withdrawal-deposited", "withdrawal-effective"]
    for (country, treaty, event), recs in preferred.items():
        if event not in order:
            continue
        mine = [
            r for r in recs if r.get("preferred") is True and isinstance(r.get("date"), dt.date)
        ]
        for later in order[order.index(event) + 1 :]:
            others = [
                r
                for r in preferred.get((country, treaty, later), [])
                if r.get("preferred") is True and isinstance(r.get("date"), dt.date)
            ]
            for a in mine:
                for b in others:
                    if b["date"] < a["date"]:
                        problems.append(
                            Problem(
                                fname,
                                b["id"],
                                "date",
                                f"{later} {b['date']} before {event} {a['date']}",
                            )
                        )
    return problems


def _border_length_rules(records: list[Record]) -> list[Problem]:
    fname = schema.BORDER_LENGTHS.filename
    counts = Counter(r.get("segment_id") for r in records if r.get("preferred") is True)
    segments = {r.get("segment_id") for r in records}
    return [
        Problem(fname, str(seg), "preferred", f"{counts.get(seg, 0)} preferred lengths, expected 1")
        for seg in sorted(segments, key=str)
        if counts.get(seg, 0) != 1
    ]


def story_rules(records: list[Record]) -> list[Problem]:
    """Check the story: chapters numbered 1..N in file order, known layers, a sane view and date.

    Field types and source ids are checked by :func:`check_table` and :func:`check_references`;
    this adds what the presenter relies on.

    Parameters
    ----------
    records : list of dict
        Coerced rows of ``story.csv`` (from :func:`check_table`).

    Returns
    -------
    list of Problem
        Empty when the story can be presented.

    Examples
    --------
    >>> row = {"id": "a", "chapter": 2, "west": 30.0, "south": 50.0, "east": 20.0, "north": 55.0,
    ...        "layers": ["borders", "moat"], "date": dt.date(2026, 1, 1)}
    >>> for p in sorted(story_rules([row])):
    ...     print(p.field, "|", p.message)
    chapter | chapter 2 is out of order: expected 1 (chapters run 1..N in file order)
    east | west 30.0 must be less than east 20.0
    layers | unknown layer 'moat' (see `python -m explorer layers`)
    """
    fname = schema.STORY.filename
    problems = []
    for index, rec in enumerate(records, start=1):
        rid = record_id(schema.STORY, rec, index)
        number = rec.get("chapter")
        if isinstance(number, int) and number != index:
            message = f"chapter {number} is out of order: expected {index} (chapters run 1..N"
            problems.append(Problem(fname, rid, "chapter", message + " in file order)"))
        for layer in rec.get("layers") or []:
            if layer not in LAYER_IDS:
                message = f"unknown layer {layer!r} (see `python -m explorer layers`)"
                problems.append(Problem(fname, rid, "layers", message))
        bounds = {k: rec.get(k) for k in ("west", "south", "east", "north")}
        for key, value in bounds.items():
            limit = 90.0 if key in ("south", "north") else 180.0
            if isinstance(value, float) and not -limit <= value <= limit:
                message = f"{value} is outside -{limit:g}..{limit:g} degrees"
                problems.append(Problem(fname, rid, key, message))
        for low, high in (("west", "east"), ("south", "north")):
            a, b = bounds[low], bounds[high]
            if isinstance(a, float) and isinstance(b, float) and not a < b:
                message = f"{low} {a} must be less than {high} {b}"
                problems.append(Problem(fname, rid, high, message))
        day = rec.get("date")
        if isinstance(day, dt.date) and not config.DATE_MIN <= day <= config.DATE_MAX:
            span = f"{config.DATE_MIN}..{config.DATE_MAX}"
            problems.append(Problem(fname, rid, "date", f"{day} is outside the map's {span}"))
        compare = rec.get("compare")
        if isinstance(compare, dt.date) and isinstance(day, dt.date) and not compare < day:
            message = f"compare date {compare} must be before the chapter's date {day}"
            problems.append(Problem(fname, rid, "compare", message))
        elif isinstance(compare, dt.date) and not config.DATE_MIN <= compare <= config.DATE_MAX:
            span = f"{config.DATE_MIN}..{config.DATE_MAX}"
            problems.append(
                Problem(fname, rid, "compare", f"{compare} is outside the map's {span}")
            )
        play_to = rec.get("play_to")
        if isinstance(play_to, dt.date):
            if isinstance(compare, dt.date):
                message = "a chapter either compares two dates or plays a range, not both"
                problems.append(Problem(fname, rid, "play_to", message))
            if isinstance(day, dt.date) and not play_to > day:
                message = f"play_to {play_to} must be after the chapter's date {day}"
                problems.append(Problem(fname, rid, "play_to", message))
            elif play_to > config.DATE_MAX:
                span = f"{config.DATE_MIN}..{config.DATE_MAX}"
                problems.append(
                    Problem(fname, rid, "play_to", f"{play_to} is outside the map's {span}")
                )
    return problems


def check_rules(tables: Mapping[str, list[Record]]) -> list[Problem]:
    """Run every rule across fields and tables on the coerced records of a whole data folder.

    Parameters
    ----------
    tables : mapping of str to list of Record
        Coerced records per table name, one entry for every table of
        :data:`explorer.schema.TABLES` (from :func:`~explorer.validation.tables.check_table`).

    Returns
    -------
    list of Problem
        Everything the rules find, unsorted (possibly with repeats).
    """
    problems = check_references(tables)
    problems += _fortification_rules(tables[schema.FORTIFICATIONS.name])
    problems += _status_date_rules(tables[schema.FORTIFICATIONS.name], tables[schema.SOURCES.name])
    problems += _treaty_rules(tables[schema.TREATY_EVENTS_TABLE.name])
    problems += _border_length_rules(tables[schema.BORDER_LENGTHS.name])
    problems += story_rules(tables[schema.STORY.name])
    problems += verified_rules(tables)
    return problems
