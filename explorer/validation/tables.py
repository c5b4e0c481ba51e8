"""Read one table's file and check each of its records against :mod:`explorer.schema`.

:func:`read_records` turns a CSV or GeoJSON file into raw records (an unreadable file is a
problem, never an exception); :func:`check_table` checks field presence, types, allowed values,
geometry and id uniqueness, and coerces the values (numbers, booleans, dates, lists, shapely
geometries). Rules across fields and tables are in :mod:`explorer.validation.rules`.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter
from pathlib import Path

import shapely
from shapely.geometry import shape

from explorer import schema
from explorer.config import LIST_SEPARATOR
from explorer.validation.dates import parse_date, parse_partial_date
from explorer.validation.problems import Problem, Record

__all__ = ["check_geometry", "check_table", "read_records", "record_id"]


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


def record_id(spec: schema.TableSpec, rec: Record, index: int) -> str:
    """Return how problems name a record: its id, or ``record <index>`` when it has none."""
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
        rid = record_id(spec, rec, index)
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
