"""Check geodata files against :mod:`explorer.schema` and report every problem at once."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape

from explorer import schema
from explorer.config import LIST_SEPARATOR

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PARTIAL_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file.

    Attributes
    ----------
    file : str
        File name relative to the data folder.
    record : str
        Id of the feature or row (``row 3`` when it has no usable id; ``-`` for the whole file).
    field : str
        Field name (``-`` for the whole record or file).
    message : str
        What is wrong, showing the bad value.
    """

    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: {self.field}: {self.message}"


class DataError(ValueError):
    """Raised when geodata fails validation; carries every :class:`Problem` found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in geodata:\n{lines}")


Record = dict[str, Any]


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


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "") or value == []


def _check_value(fld: schema.Field, value: object) -> tuple[object, str | None]:
    """Coerce one value to its kind; return (value, problem message or None)."""
    kind = fld.kind
    if kind in ("str", "enum"):
        if not isinstance(value, str):
            return value, f"expected text, got {type(value).__name__} {value!r}"
        if kind == "enum" and fld.allowed is not None and value not in fld.allowed:
            return value, f"{value!r} is not one of {sorted(fld.allowed)}"
        return value, None
    if kind in ("int", "float", "signed"):
        if isinstance(value, bool):
            return value, f"expected a number, got {value!r}"
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                return value, f"expected a number, got {value!r}"
        if not isinstance(value, int | float) or not math.isfinite(value):
            return value, f"expected a finite number, got {value!r}"
        if value < 0 and kind != "signed":
            return value, f"must not be negative, got {value!r}"
        if kind == "int" and not float(value).is_integer():
            return value, f"expected a whole number, got {value!r}"
        return (int(value) if kind == "int" else float(value)), None
    if kind == "bool":
        if isinstance(value, bool):
            return value, None
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true", None
        return value, f"expected true or false, got {value!r}"
    if kind in ("date", "partial_date"):
        if not isinstance(value, str):
            return value, f"expected a date string, got {value!r}"
        try:
            parsed = parse_date(value) if kind == "date" else parse_partial_date(value)
        except ValueError as exc:
            return value, f"unparseable date {value!r} ({exc})"
        return value if kind == "partial_date" else parsed, None
    if kind == "list":
        items = value.split(LIST_SEPARATOR) if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            return value, f"expected a list of ids, got {value!r}"
        items = [i.strip() for i in items]
        if fld.allowed is not None:
            bad = [i for i in items if i not in fld.allowed]
            if bad:
                return items, f"{bad!r} not in {sorted(fld.allowed)}"
        return items, None
    raise AssertionError(f"unknown field kind {kind}")  # pragma: no cover


def read_records(path: Path, spec: schema.TableSpec) -> tuple[list[Record], list[Problem]]:
    """Read a CSV or GeoJSON file into raw records (geometry under ``"geometry"``).

    Never raises for bad content: unreadable files come back as problems.
    """
    name = path.name
    if not path.exists():
        return [], [Problem(name, "-", "-", "file is missing")]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return [], [Problem(name, "-", "-", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    if spec.is_geojson:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            return [], [Problem(name, "-", "-", f"invalid JSON: {exc.msg} (line {exc.lineno})")]
        if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
            return [], [Problem(name, "-", "-", "not a GeoJSON FeatureCollection")]
        crs = doc.get("crs")
        if crs is not None:
            crs_name = (
                str((crs.get("properties") or {}).get("name", "")) if isinstance(crs, dict) else ""
            )
            if not crs_name.endswith(("CRS84", "EPSG::4326", "EPSG:4326")):
                return [], [Problem(name, "-", "crs", f"must be EPSG:4326 lon/lat, got {crs!r}")]
        features = doc.get("features")
        if not isinstance(features, list):
            return [], [Problem(name, "-", "-", "'features' is not a list")]
        records = []
        problems = []
        for i, feat in enumerate(features, start=1):
            if not isinstance(feat, dict) or not isinstance(feat.get("properties"), dict):
                problems.append(Problem(name, f"feature {i}", "-", "not a Feature with properties"))
                continue
            records.append({**feat["properties"], "geometry": feat.get("geometry")})
        return records, problems
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    rows = list(reader)
    if not header:
        return [], [Problem(name, "-", "-", "empty file (no header row)")]
    missing = [f.name for f in spec.fields if f.name not in header]
    problems = [Problem(name, "-", m, "column is missing") for m in missing]
    for i, row in enumerate(rows, start=2):
        if None in row:
            problems.append(Problem(name, f"line {i}", "-", "more cells than columns"))
    return rows, problems


def _record_id(spec: schema.TableSpec, rec: Record, index: int) -> str:
    value = rec.get(spec.id_field) if spec.id_field else None
    return value if isinstance(value, str) and value else f"record {index}"


def check_geometry(geom: object) -> tuple[shapely.Geometry | None, str | None]:
    """Parse a GeoJSON geometry and check it is valid, non-empty and in lon/lat range."""
    if not isinstance(geom, dict):
        return None, f"expected a GeoJSON geometry object, got {geom!r}"
    try:
        parsed = shape(geom)
    except Exception as exc:  # shapely raises several types for malformed input
        return None, f"unreadable geometry ({exc})"
    if parsed.is_empty:
        return None, "empty geometry"
    minx, miny, maxx, maxy = parsed.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        return None, f"coordinates outside EPSG:4326 lon/lat range (bounds {parsed.bounds})"
    if not parsed.is_valid:
        return None, f"invalid geometry ({shapely.is_valid_reason(parsed)})"
    return parsed, None


def check_table(
    spec: schema.TableSpec, records: list[Record]
) -> tuple[list[Record], list[Problem]]:
    """Check field presence, types, allowed values, geometry and id uniqueness.

    Returns the records with values coerced (numbers, booleans, dates, lists, shapely
    geometries) and the problems found. References are checked by :func:`check_references`.
    """
    problems: list[Problem] = []
    clean: list[Record] = []
    for index, rec in enumerate(records, start=1):
        rid = _record_id(spec, rec, index)
        out: Record = {}
        for fld in spec.fields:
            value = rec.get(fld.name)
            if _is_empty(value):
                if fld.required:
                    problems.append(Problem(spec.filename, rid, fld.name, "required value missing"))
                elif fld.required_with and not _is_empty(rec.get(fld.required_with)):
                    msg = f"required when {fld.required_with} is given"
                    problems.append(Problem(spec.filename, rid, fld.name, msg))
                out[fld.name] = None
                continue
            coerced, msg = _check_value(fld, value)
            if msg:
                problems.append(Problem(spec.filename, rid, fld.name, msg))
            out[fld.name] = coerced
        if spec.is_geojson:
            raw = rec.get("geometry")
            if raw is None and spec.geometry_optional:
                out["geometry"] = None
            else:
                geom, msg = check_geometry(raw)
                if msg:
                    problems.append(Problem(spec.filename, rid, "geometry", msg))
                elif spec.geometry_types and geom.geom_type not in spec.geometry_types:
                    allowed = sorted(spec.geometry_types)
                    msg = f"{geom.geom_type} not allowed (expected {allowed})"
                    problems.append(Problem(spec.filename, rid, "geometry", msg))
                out["geometry"] = geom
        clean.append(out)
    if spec.id_field:
        counts = Counter(r.get(spec.id_field) for r in clean if r.get(spec.id_field))
        for value, n in sorted(counts.items()):
            if n > 1:
                problems.append(
                    Problem(spec.filename, value, spec.id_field, f"id {value!r} used {n} times")
                )
    return clean, problems


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
            rid = _record_id(spec, rec, index)
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
        rid = _record_id(schema.FORTIFICATIONS, rec, index)

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
                rid = _record_id(spec, rec, index)
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
        rid = _record_id(schema.FORTIFICATIONS, rec, index)
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
    from explorer import permalink, style  # local: only the story needs layer ids and dates

    fname = schema.STORY.filename
    problems = []
    for index, rec in enumerate(records, start=1):
        rid = _record_id(schema.STORY, rec, index)
        number = rec.get("chapter")
        if isinstance(number, int) and number != index:
            message = f"chapter {number} is out of order: expected {index} (chapters run 1..N"
            problems.append(Problem(fname, rid, "chapter", message + " in file order)"))
        for layer in rec.get("layers") or []:
            if layer not in style.LAYER_IDS:
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
        if isinstance(day, dt.date) and not permalink.DATE_MIN <= day <= permalink.DATE_MAX:
            span = f"{permalink.DATE_MIN}..{permalink.DATE_MAX}"
            problems.append(Problem(fname, rid, "date", f"{day} is outside the map's {span}"))
    return problems


def validate_dir(data_dir: Path) -> tuple[dict[str, list[Record]], list[Problem]]:
    """Read and check every table in ``data_dir``.

    Parameters
    ----------
    data_dir : pathlib.Path
        Folder holding the files named in :data:`explorer.schema.TABLES`.

    Returns
    -------
    tables : dict
        Coerced records per table name (possibly partial where there were problems).
    problems : list of Problem
        Everything wrong, sorted by file, record and field; empty when valid.

    Examples
    --------
    >>> from pathlib import Path
    >>> tables, problems = validate_dir(Path("/nonexistent"))
    >>> problems[0].message
    'file is missing'
    """
    tables: dict[str, list[Record]] = {}
    problems: list[Problem] = []
    for spec in schema.TABLES:
        raw, read_problems = read_records(Path(data_dir) / spec.filename, spec)
        clean, table_problems = check_table(spec, raw)
        tables[spec.name] = clean
        problems += read_problems + table_problems
    problems += check_references(tables)
    problems += _fortification_rules(tables[schema.FORTIFICATIONS.name])
    problems += _status_date_rules(tables[schema.FORTIFICATIONS.name], tables[schema.SOURCES.name])
    problems += _treaty_rules(tables[schema.TREATY_EVENTS_TABLE.name])
    problems += _border_length_rules(tables[schema.BORDER_LENGTHS.name])
    problems += story_rules(tables[schema.STORY.name])
    problems += verified_rules(tables)
    return tables, sorted(set(problems))
