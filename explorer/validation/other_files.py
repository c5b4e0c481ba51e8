"""Checks for the files in ``geodata/`` that are not schema tables.

:func:`explorer.validation.folder.validate_dir` checks the tables of
:data:`explorer.schema.TABLES`. This module covers everything else in the folder, so that
``python -m explorer validate`` rejects a broken copy of any file by name: the two manifests, the
display-only basemap layers, the translations in ``i18n/`` and the Markdown notes. Generated
files (those a manifest lists) are also compared with the checksum and feature count the manifest
records; authored files get structural checks only, so a legitimate edit of a copy still
validates.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

from shapely.geometry import shape

from explorer import schema
from explorer.validation.problems import Problem

#: Manifests of generated files and the script that rebuilds what each lists.
MANIFESTS: dict[str, str] = {
    "manifest.json": "scripts/build_geodata.py",
    "basemap_manifest.json": "scripts/build_basemap.py",
}

#: Display-only GeoJSON layers (not schema tables) and their allowed geometry types.
BASEMAP_LAYERS: dict[str, frozenset[str]] = {
    "basemap_countries.geojson": frozenset({"Polygon", "MultiPolygon"}),
    "basemap_lakes.geojson": frozenset({"Polygon", "MultiPolygon"}),
}

#: Header of every translation file in ``i18n/``.
I18N_HEADER: tuple[str, ...] = ("key", "en", "pl")


def _read_text(path: Path, name: str) -> tuple[str | None, list[Problem]]:
    """Read a file as UTF-8 text; a problem instead of an exception."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(name, "-", "-", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return None, [Problem(name, "-", "-", f"unreadable ({exc.strerror})")]
    if not text.strip():
        return None, [Problem(name, "-", "-", "empty file")]
    return text, []


def _read_json(path: Path, name: str) -> tuple[Any, list[Problem]]:
    text, problems = _read_text(path, name)
    if text is None:
        return None, problems
    try:
        return json.loads(text), []
    except json.JSONDecodeError as exc:
        return None, [Problem(name, "-", "-", f"invalid JSON: {exc.msg} (line {exc.lineno})")]


def check_manifest(data_dir: Path, name: str) -> tuple[dict[str, dict], list[Problem]]:
    """Check a manifest and the generated files it lists (checksum, size, feature count).

    Parameters
    ----------
    data_dir : pathlib.Path
        The data folder.
    name : str
        File name of the manifest (a key of :data:`MANIFESTS`).

    Returns
    -------
    entries : dict
        The manifest's ``files`` entries (empty when unreadable).
    problems : list of Problem
        Everything wrong with the manifest or the files it lists.
    """
    doc, problems = _read_json(data_dir / name, name)
    if doc is None:
        return {}, problems
    files = doc.get("files") if isinstance(doc, dict) else None
    if not isinstance(files, dict) or not files:
        return {}, [Problem(name, "-", "files", "no 'files' object listing the generated files")]
    rebuild = MANIFESTS.get(name, "the build script")
    for fname, entry in files.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
            problems.append(Problem(name, fname, "sha256", "entry has no sha256 checksum"))
            continue
        path = data_dir / fname
        if not path.exists():
            problems.append(Problem(fname, "-", "-", f"file is missing (listed in {name})"))
            continue
        raw = path.read_bytes()
        if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
            problems.append(
                Problem(
                    fname,
                    "-",
                    "-",
                    f"does not match the checksum in {name} (generated file: rebuild with "
                    f"{rebuild}, do not edit)",
                )
            )
        try:
            features = json.loads(raw.decode("utf-8")).get("features")
        except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
            continue  # reported by the structural checks of the file itself
        expected = entry.get("features")
        if isinstance(features, list) and isinstance(expected, int) and len(features) != expected:
            problems.append(
                Problem(
                    fname,
                    "-",
                    "features",
                    f"{len(features)} features, but {name} records {expected}",
                )
            )
    return files, problems


def _window(data_dir: Path, manifest: str) -> tuple[float, float, float, float] | None:
    """Return the lon/lat window a manifest's generated layers must lie in, if recorded."""
    try:
        doc = json.loads((data_dir / manifest).read_text(encoding="utf-8"))
        west, south, east, north = (float(v) for v in doc["parameters"]["window_lonlat"])
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    return west, south, east, north


def check_basemap_layer(data_dir: Path, name: str) -> list[Problem]:
    """Structural checks of a display-only GeoJSON layer.

    A FeatureCollection of valid geometries of the allowed types inside the basemap window, and
    no feature twice (same geometry and properties).

    Parameters
    ----------
    data_dir : pathlib.Path
        The data folder.
    name : str
        A key of :data:`BASEMAP_LAYERS`.

    Returns
    -------
    list of Problem
    """
    doc, problems = _read_json(data_dir / name, name)
    if doc is None:
        return problems
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        return [Problem(name, "-", "-", "not a GeoJSON FeatureCollection")]
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        return [Problem(name, "-", "-", "'features' is not a non-empty list")]
    window = _window(data_dir, "basemap_manifest.json")
    seen: Counter[str] = Counter()
    for i, feat in enumerate(features, start=1):
        rid = f"feature {i}"
        if not isinstance(feat, dict) or not isinstance(feat.get("geometry"), dict):
            problems.append(Problem(name, rid, "geometry", "not a Feature with a geometry"))
            continue
        seen[json.dumps(feat, sort_keys=True)] += 1
        gtype = feat["geometry"].get("type")
        if gtype not in BASEMAP_LAYERS[name]:
            problems.append(Problem(name, rid, "geometry", f"geometry type {gtype!r} not allowed"))
            continue
        try:
            geom = shape(feat["geometry"])
        except Exception as exc:  # shapely raises several types for malformed input
            problems.append(Problem(name, rid, "geometry", f"unreadable geometry ({exc})"))
            continue
        if geom.is_empty or not geom.is_valid:
            problems.append(Problem(name, rid, "geometry", "empty or invalid geometry"))
            continue
        if window is not None:
            minx, miny, maxx, maxy = geom.bounds
            west, south, east, north = window
            tol = 1e-6
            if minx < west - tol or miny < south - tol or maxx > east + tol or maxy > north + tol:
                problems.append(
                    Problem(name, rid, "geometry", f"outside the basemap window {list(window)}")
                )
    for key, n in seen.items():
        if n > 1:
            props = json.loads(key).get("properties")
            problems.append(Problem(name, "-", "features", f"feature {props} appears {n} times"))
    return problems


def check_translations(path: Path, name: str) -> list[Problem]:
    """Check a translation table: header ``key,en,pl``, unique keys, every cell filled.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file.
    name : str
        Its name in messages (``i18n/ui.csv``).

    Returns
    -------
    list of Problem
    """
    text, problems = _read_text(path, name)
    if text is None:
        return problems
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = list(reader)
    if tuple(rows[0]) != I18N_HEADER:
        return [Problem(name, "-", "-", f"header must be {','.join(I18N_HEADER)}")]
    keys: Counter[str] = Counter()
    for line, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(I18N_HEADER):
            problems.append(Problem(name, f"line {line}", "-", f"{len(row)} cells, expected 3"))
            continue
        key, en, pl = row
        keys[key] += 1
        for col, value in (("key", key), ("en", en), ("pl", pl)):
            if not value.strip():
                problems.append(Problem(name, key or f"line {line}", col, "empty"))
    problems += [
        Problem(name, key, "key", f"appears {n} times") for key, n in keys.items() if n > 1
    ]
    if not text.endswith("\n"):
        problems.append(Problem(name, "-", "-", "does not end with a newline (truncated?)"))
    return problems


def check_text(path: Path, name: str) -> list[Problem]:
    """Check a Markdown note: UTF-8, not empty, ending with a newline (a cut file does not)."""
    text, problems = _read_text(path, name)
    if text is not None and not text.endswith("\n"):
        problems.append(Problem(name, "-", "-", "does not end with a newline (truncated?)"))
    return problems


def check_other_files(data_dir: Path) -> tuple[int, list[Problem]]:
    """Check every file in ``data_dir`` that is not a schema table.

    Parameters
    ----------
    data_dir : pathlib.Path
        The data folder.

    Returns
    -------
    checked : int
        How many files were checked here.
    problems : list of Problem
        Everything wrong, sorted; a file of an unknown kind is a problem too.

    Examples
    --------
    >>> from explorer import config
    >>> n, problems = check_other_files(config.GEODATA_DIR)
    >>> problems
    []
    """
    data_dir = Path(data_dir)
    tables = {spec.filename for spec in schema.TABLES}
    problems: list[Problem] = []
    checked = 0
    for name in MANIFESTS:
        if (data_dir / name).exists():
            checked += 1
            problems += check_manifest(data_dir, name)[1]
        else:
            problems.append(Problem(name, "-", "-", "file is missing"))
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        name = path.relative_to(data_dir).as_posix()
        if name in tables or name in MANIFESTS or path.name.startswith("."):
            continue
        checked += 1
        if name in BASEMAP_LAYERS:
            problems += check_basemap_layer(data_dir, name)
        elif name.startswith("i18n/") and name.endswith(".csv"):
            problems += check_translations(path, name)
        elif name.endswith(".md"):
            problems += check_text(path, name)
        else:
            problems.append(Problem(name, "-", "-", "unknown file: not a known data file"))
    for name in sorted(tables):
        # A table cut at a cell boundary can still parse; a complete CSV ends with a newline.
        path = data_dir / name
        if name.endswith(".csv") and path.exists():
            raw = path.read_bytes()
            if raw and not raw.endswith(b"\n"):
                problems.append(Problem(name, "-", "-", "does not end with a newline (truncated?)"))
    for name in BASEMAP_LAYERS:
        if not (data_dir / name).exists():
            problems.append(Problem(name, "-", "-", "file is missing"))
    return checked, sorted(set(problems))
