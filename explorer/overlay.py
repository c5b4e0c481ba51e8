"""Analysts' overlays: read an untrusted GeoJSON, GeoPackage, zipped Shapefile or CSV safely.

:func:`read_overlay` turns the bytes of an uploaded file into an :class:`Overlay`: a GeoDataFrame
in EPSG:4326 plus notes on what was done to it (CRS assumed or reprojected, geometries repaired,
features dropped). Anything it cannot use raises :class:`OverlayError`, a :class:`ValueError`
with one clear human message (translatable: :meth:`OverlayError.text`), never a traceback.

Safety: the size and feature count are checked against limits (:class:`OverlayLimits`, defaults
in :mod:`explorer.config`) before anything heavy; zip archives are checked for member count,
total uncompressed size and compression ratio *before* anything is unpacked, and member names
are never used as paths (the shapefile's parts are written under fixed names into a fresh
temporary folder). Text from the file (property names and values, the file name) stays plain
text here: escape it before it reaches HTML (:mod:`explorer.overlay_features` does).

Mixed geometry types are accepted: points, lines and polygons are drawn with separate styles
(see :meth:`Overlay.counts`); GeometryCollections are refused with a message saying so.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import tempfile
import warnings
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from explorer import config, i18n
from explorer.config import DISPLAY_CRS

__all__ = [
    "FORMATS",
    "KINDS",
    "Overlay",
    "OverlayError",
    "OverlayLimits",
    "read_overlay",
    "read_overlay_file",
]

#: File extension -> format read.
FORMATS: Final[dict[str, str]] = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".zip": "shapefile",
    ".csv": "csv",
}

#: Geometry kinds, each drawn with its own style: geometry type -> kind.
KINDS: Final[dict[str, str]] = {
    "Point": "point",
    "MultiPoint": "point",
    "LineString": "line",
    "MultiLineString": "line",
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
}

#: Geometry kinds in messages (GeoJSON's own type names, the same in every language).
KIND_NAMES: Final[dict[str, str]] = {
    "point": "Point",
    "line": "LineString",
    "polygon": "Polygon",
}

#: Nesting depth of a position inside each GeoJSON geometry type's ``coordinates``.
_DEPTH: Final[dict[str, int]] = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}

#: Leading bytes of binary formats someone might upload under a text name.
_MAGIC: Final[tuple[tuple[bytes, str], ...]] = (
    (b"PK\x03\x04", "a zip archive"),
    (b"SQLite format 3\x00", "an SQLite database or GeoPackage"),
    (b"\x89PNG", "a PNG image"),
    (b"%PDF", "a PDF document"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
)

#: CSV column names (lower case) for latitude and longitude, in order of preference.
LAT_NAMES: Final[tuple[str, ...]] = ("latitude", "lat", "y")
LON_NAMES: Final[tuple[str, ...]] = ("longitude", "lon", "lng", "long", "x")

#: How many feature numbers a note lists before "…".
_LIST_IDS: Final[int] = 8

_FORMAT_NAMES: Final[dict[str, str]] = {
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
    "shapefile": "Shapefile",
    "csv": "CSV",
}


# --- Messages ----------------------------------------------------------------------------------


def _clean(value: object, limit: int = 80) -> str:
    """Return ``value`` as one short line of text (control characters replaced, truncated)."""
    text = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", "?", str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _size(n_bytes: float) -> str:
    """Format a byte count for people.

    Examples
    --------
    >>> _size(50_000_000), _size(1_500), _size(12)
    ('50 MB', '1.5 kB', '12 bytes')
    """
    if n_bytes >= 1e6:
        return f"{n_bytes / 1e6:.3g} MB"
    if n_bytes >= 1e3:
        return f"{n_bytes / 1e3:.3g} kB"
    return f"{int(n_bytes)} bytes"


def _ids(numbers: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:_LIST_IDS])
    return shown + (f" … ({len(numbers)} in all)" if len(numbers) > _LIST_IDS else "")


@dataclass(frozen=True)
class Note:
    """One thing done to the data while reading it: a translation key and its values."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        """Return the note in ``lang`` (plain text)."""
        return i18n.t(self.key, lang, **self.values)


class OverlayError(ValueError):
    """An overlay file that cannot be used, with one clear message (``str(exc)``, English).

    ``key`` and ``values`` give the message in other languages through :meth:`text`.
    """

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = {k: _clean(v, 120) if isinstance(v, str) else v for k, v in values.items()}
        super().__init__(self.text("en"))

    def text(self, lang: str = "en") -> str:
        """Return the message in ``lang`` (plain text, one line)."""
        return i18n.t(self.key, lang, **self.values)


# --- Results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverlayLimits:
    """Limits on an overlay; defaults from :mod:`explorer.config` (``OVERLAY_*``)."""

    max_bytes: int = config.OVERLAY_MAX_BYTES
    max_features: int = config.OVERLAY_MAX_FEATURES
    zip_max_members: int = config.OVERLAY_ZIP_MAX_MEMBERS
    zip_max_uncompressed: int = config.OVERLAY_ZIP_MAX_UNCOMPRESSED
    zip_max_ratio: int = config.OVERLAY_ZIP_MAX_RATIO


@dataclass(frozen=True, eq=False)
class Overlay:
    """An overlay read from a file: features in EPSG:4326 and notes on what was done to them.

    Attributes
    ----------
    name : str
        The file's name as given (plain text: escape it before HTML or markdown).
    format : {"geojson", "gpkg", "shapefile", "csv"}
        What it was read as.
    gdf : geopandas.GeoDataFrame
        EPSG:4326; a ``geometry`` column (points, lines and polygons, valid, 2D) and one column
        per property of the file (values as given; nested JSON values as JSON text).
    notes : tuple of Note
        CRS assumed or reprojected, geometries repaired, features dropped, mixed types.
    digest : str
        SHA-256 of the file's bytes (to tell one upload from another).
    """

    name: str
    format: str
    gdf: gpd.GeoDataFrame
    notes: tuple[Note, ...]
    digest: str

    def counts(self) -> dict[str, int]:
        """Return how many features of each kind there are: ``point``, ``line``, ``polygon``."""
        kinds = self.gdf.geometry.geom_type.map(KINDS)
        return {kind: int((kinds == kind).sum()) for kind in ("point", "line", "polygon")}

    def counts_text(self, lang: str = "en") -> str:
        """Return the counts as text, e.g. ``"3 points, 1 polygon"`` (kinds present only)."""
        parts = [
            i18n.t(f"overlay.kind.{kind}.{'one' if n == 1 else 'many'}", lang, n=f"{n:,}")
            for kind, n in self.counts().items()
            if n
        ]
        return ", ".join(parts)

    def note_texts(self, lang: str = "en") -> list[str]:
        """Return the notes in ``lang``."""
        return [note.text(lang) for note in self.notes]


# --- Entry points ------------------------------------------------------------------------------


def _limits(limits: OverlayLimits | None, **overrides: int | None) -> OverlayLimits:
    base = limits or OverlayLimits()
    changes = {k: int(v) for k, v in overrides.items() if v is not None}
    return OverlayLimits(**{**base.__dict__, **changes})


def read_overlay_file(
    path: Path | str,
    *,
    limits: OverlayLimits | None = None,
    max_bytes: int | None = None,
    max_features: int | None = None,
) -> Overlay:
    """Read an overlay from a file on disk (the size is checked before the file is read).

    See :func:`read_overlay` for the parameters and what is checked.

    Raises
    ------
    OverlayError
        For a missing or unreadable file, and everything :func:`read_overlay` refuses.
    """
    lim = _limits(limits, max_bytes=max_bytes, max_features=max_features)
    target = Path(path)
    try:
        size = target.stat().st_size
        if target.is_dir():
            raise OverlayError("overlay.error.not_file", name=target.name)
        if size > lim.max_bytes:
            raise OverlayError(
                "overlay.error.too_big", size=_size(size), limit=_size(lim.max_bytes)
            )
        data = target.read_bytes()
    except OSError as exc:
        raise OverlayError("overlay.error.not_found", name=str(path), why=exc.strerror) from None
    return read_overlay(data, target.name, limits=lim)


def read_overlay(
    data: bytes,
    filename: str,
    *,
    limits: OverlayLimits | None = None,
    max_bytes: int | None = None,
    max_features: int | None = None,
) -> Overlay:
    """Read an overlay from a file's bytes; the format follows the file name's extension.

    Parameters
    ----------
    data : bytes
        The file's content.
    filename : str
        Its name: ``.geojson``/``.json`` (GeoJSON), ``.gpkg`` (GeoPackage, first layer),
        ``.zip`` (a zipped Shapefile) or ``.csv`` (latitude/longitude columns).
    limits : OverlayLimits, optional
        Size, feature and zip limits; default :class:`OverlayLimits` (from :mod:`explorer.config`).
    max_bytes, max_features : int, optional
        Override one limit.

    Returns
    -------
    Overlay

    Raises
    ------
    OverlayError
        With one clear message: empty file, over the size or feature limit, wrong extension,
        binary or non-UTF-8 data where text is expected, invalid JSON, wrong JSON types, no
        geometry, coordinates out of range, a GeometryCollection, an unreadable GeoPackage,
        shapefile or CSV, a zip bomb or unsafe zip paths.

    Examples
    --------
    >>> ov = read_overlay(b'{"type": "Point", "coordinates": [21.0, 52.2]}', "warsaw.geojson")
    >>> ov.counts_text(), ov.gdf.crs.to_string()
    ('1 point', 'EPSG:4326')
    >>> read_overlay(b"", "empty.csv")
    Traceback (most recent call last):
    ...
    explorer.overlay.OverlayError: empty.csv is empty.
    """
    lim = _limits(limits, max_bytes=max_bytes, max_features=max_features)
    name = _clean(Path(str(filename).replace("\\", "/")).name or "overlay", 120)
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        raise OverlayError("overlay.error.extension", name=name, ext=suffix or "(none)")
    fmt = FORMATS[suffix]
    if not data or (fmt in ("geojson", "csv") and not data.strip()):
        raise OverlayError("overlay.error.empty", name=name)
    if len(data) > lim.max_bytes:
        raise OverlayError(
            "overlay.error.too_big", size=_size(len(data)), limit=_size(lim.max_bytes)
        )
    notes: list[Note] = []
    try:
        with warnings.catch_warnings():
            # GDAL and pandas warnings are not errors of the file; the checks below are.
            warnings.simplefilter("ignore")
            if fmt == "geojson":
                props, geoms, crs = _read_geojson(data, lim)
            elif fmt == "csv":
                props, geoms, crs = _read_csv(data, lim, notes)
            elif fmt == "gpkg":
                props, geoms, crs = _read_gpkg(data, lim, notes)
            else:
                props, geoms, crs = _read_shapefile_zip(data, lim, notes)
            gdf = _finish(props, geoms, crs, fmt, lim, notes)
    except OverlayError:
        raise
    except Exception as exc:  # a bug or a library's surprise must still be one clear line
        why = _clean(f"{type(exc).__name__}: {exc}", 160)
        raise OverlayError("overlay.error.unexpected", name=name, why=why) from None
    digest = hashlib.sha256(data).hexdigest()
    return Overlay(name=name, format=fmt, gdf=gdf, notes=tuple(notes), digest=digest)


# --- Text ----------------------------------------------------------------------------------------


def _binary_kind(data: bytes) -> str | None:
    """Name the binary format ``data`` is in, or None if it may be text."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if b"\x00" in data[:4096]:
        return "binary data"
    return None


def _text(data: bytes, fmt: str) -> str:
    kind = _binary_kind(data)
    if kind is not None:
        raise OverlayError("overlay.error.binary", kind=kind, expected=_FORMAT_NAMES[fmt])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise OverlayError(
            "overlay.error.encoding", byte=f"0x{data[exc.start]:02X}", line=line
        ) from None


# --- GeoJSON -------------------------------------------------------------------------------------


def _json_kind(value: object) -> str:
    """Name a JSON value's type for a message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_coords(coords: object, depth: int, gtype: str, n: int) -> None:
    """Check the nesting of ``coordinates`` and that every position holds 2–3 numbers."""
    if depth == 0:
        if not isinstance(coords, list) or not 2 <= len(coords) <= 4:
            got = _json_kind(coords) if not isinstance(coords, list) else f"{len(coords)} values"
            raise OverlayError("overlay.error.position", n=n, type=gtype, got=got)
        for value in coords:
            if not _is_number(value):
                raise OverlayError(
                    "overlay.error.coordinate_type", n=n, type=gtype, got=_json_kind(value),
                    value=json.dumps(value, ensure_ascii=False)[:40],
                )  # fmt: skip
        return
    if not isinstance(coords, list):
        raise OverlayError("overlay.error.nesting", n=n, type=gtype, got=_json_kind(coords))
    for item in coords:
        _check_coords(item, depth - 1, gtype, n)


def _geometry(geom: object, n: int) -> shapely.Geometry | None:
    """Build one geometry from a GeoJSON geometry object (None for a null geometry)."""
    if geom is None:
        return None
    if not isinstance(geom, dict):
        raise OverlayError("overlay.error.geometry_object", n=n, got=_json_kind(geom))
    gtype = geom.get("type")
    if gtype == "GeometryCollection":
        raise OverlayError("overlay.error.collection", n=n)
    if gtype not in _DEPTH:
        raise OverlayError("overlay.error.geometry_type", n=n, type=_clean(json.dumps(gtype), 40))
    coords = geom.get("coordinates")
    _check_coords(coords, _DEPTH[gtype], gtype, n)
    try:
        return shapely.geometry.shape({"type": gtype, "coordinates": coords})
    except (ValueError, TypeError, shapely.errors.ShapelyError):
        return shapely.Point()  # malformed (e.g. a one-point line): dropped as unrepairable


def _properties(props: object, n: int) -> dict:
    if props is None:
        return {}
    if not isinstance(props, dict):
        raise OverlayError("overlay.error.properties", n=n, got=_json_kind(props))
    return {
        (k if k != "geometry" else "geometry (property)"): (
            json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
        )
        for k, v in props.items()
    }


def _crs_member(doc: dict) -> CRS | None:
    """Read the pre-RFC 7946 ``crs`` member (``{"type": "name", "properties": {"name": ...}}``)."""
    member = doc.get("crs")
    if member is None:
        return None
    name = member.get("properties", {}).get("name") if isinstance(member, dict) else None
    if not isinstance(name, str):
        raise OverlayError("overlay.error.crs", crs=_clean(json.dumps(member), 60))
    try:
        return CRS.from_user_input(name)
    except CRSError:
        raise OverlayError("overlay.error.crs", crs=name) from None


def _read_geojson(data: bytes, lim: OverlayLimits) -> tuple[list[dict], list, CRS | None]:
    text = _text(data, "geojson")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OverlayError(
            "overlay.error.json", line=exc.lineno, col=exc.colno, why=exc.msg
        ) from None
    except RecursionError:
        raise OverlayError(
            "overlay.error.json", line="?", col="?", why="nested too deeply"
        ) from None
    if not isinstance(doc, dict):
        raise OverlayError("overlay.error.json_type", got=_json_kind(doc))
    gtype = doc.get("type")
    if gtype == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list):
            raise OverlayError("overlay.error.features", got=_json_kind(feats))
    elif gtype == "Feature":
        feats = [doc]
    elif gtype in _DEPTH or gtype == "GeometryCollection":
        feats = [{"type": "Feature", "properties": {}, "geometry": doc}]
    else:
        raise OverlayError("overlay.error.geojson_type", type=_clean(json.dumps(gtype), 40))
    if not feats:
        raise OverlayError("overlay.error.no_features")
    if len(feats) > lim.max_features:
        raise OverlayError(
            "overlay.error.too_many", n=f"{len(feats):,}", limit=f"{lim.max_features:,}"
        )
    crs = _crs_member(doc)
    props, geoms = [], []
    for n, feat in enumerate(feats, start=1):
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            got = _json_kind(feat) if not isinstance(feat, dict) else repr(feat.get("type"))
            raise OverlayError("overlay.error.feature", n=n, got=_clean(got, 40))
        props.append(_properties(feat.get("properties"), n))
        geom = feat.get("geometry")
        if isinstance(geom, dict) and geom.get("type") == "Point":
            _check_coords(geom.get("coordinates"), 0, "Point", n)
            coords = geom["coordinates"]
            geoms.append(shapely.Point(*coords[:3]))
        else:
            geoms.append(_geometry(geom, n))
    return props, geoms, crs


# --- CSV -----------------------------------------------------------------------------------------


def _pick(columns: Sequence[str], names: Sequence[str]) -> str | None:
    lower = {c.strip().lower(): c for c in reversed(columns)}
    return next((lower[n] for n in names if n in lower), None)


def _read_csv(data: bytes, lim: OverlayLimits, notes: list[Note]) -> tuple[list[dict], list, None]:
    text = _text(data, "csv")
    header = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
            skipinitialspace=True, quoting=csv.QUOTE_MINIMAL,
        )  # fmt: skip
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        raise OverlayError("overlay.error.csv", why=_clean(str(exc).strip(), 120)) from None
    columns = [str(c) for c in frame.columns]
    lat_col, lon_col = _pick(columns, LAT_NAMES), _pick(columns, LON_NAMES)
    if lat_col is None or lon_col is None:
        raise OverlayError("overlay.error.csv_columns", columns=", ".join(columns) or "(none)")
    if frame.empty:
        raise OverlayError("overlay.error.no_features")
    if len(frame) > lim.max_features:
        raise OverlayError(
            "overlay.error.too_many", n=f"{len(frame):,}", limit=f"{lim.max_features:,}"
        )
    values = {}
    for col in (lat_col, lon_col):
        raw = frame[col].str.strip()
        number = pd.to_numeric(raw, errors="coerce")
        bad = np.flatnonzero(number.isna().to_numpy() | ~np.isfinite(number.to_numpy(float)))
        if len(bad):
            row = int(bad[0])
            raise OverlayError(
                "overlay.error.csv_value", row=row + 1, line=row + 2, column=col,
                value=_clean(repr(raw.iloc[row]), 40),
            )  # fmt: skip
        values[col] = number.to_numpy(float)
    geoms = list(shapely.points(values[lon_col], values[lat_col]))
    props = frame.drop(columns=[lat_col, lon_col]).to_dict("records")
    notes.append(Note("overlay.note.columns", {"lat": lat_col, "lon": lon_col}))
    return props, geoms, None


# --- GeoPackage and Shapefile (GDAL via pyogrio) ----------------------------------------------


def _read_with_gdal(
    path: Path, lim: OverlayLimits, what: str, layer: str | None = None
) -> tuple[list[dict], list, CRS | None]:
    try:
        info = pyogrio.read_info(path, layer=layer)
        if info["features"] > lim.max_features:
            raise OverlayError(
                "overlay.error.too_many", n=f"{info['features']:,}", limit=f"{lim.max_features:,}"
            )
        gdf = pyogrio.read_dataframe(path, layer=layer)
    except pyogrio.errors.DataSourceError as exc:
        raise OverlayError(what, why=_clean(_gdal_why(exc), 120)) from None
    except (pyogrio.errors.DataLayerError, pyogrio.errors.FieldError) as exc:
        raise OverlayError(what, why=_clean(_gdal_why(exc), 120)) from None
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise OverlayError("overlay.error.no_geometry")
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    frame = frame.rename(columns={"geometry": "geometry (property)"})
    props = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return props, list(gdf.geometry.values), gdf.crs


def _gdal_why(exc: Exception) -> str:
    """Strip temporary paths from a GDAL message."""
    return re.sub(r"/\S*/bfe-overlay-[^/\s]+/", "", str(exc)).strip() or type(exc).__name__


def _read_gpkg(data: bytes, lim: OverlayLimits, notes: list[Note]) -> tuple[list, list, Any]:
    if not data.startswith(b"SQLite format 3\x00"):
        kind = _binary_kind(data) or "text"
        raise OverlayError("overlay.error.gpkg", why=f"it is {kind}, not an SQLite database")
    with tempfile.TemporaryDirectory(prefix="bfe-overlay-") as folder:
        path = Path(folder) / "overlay.gpkg"
        path.write_bytes(data)
        try:
            layers = pyogrio.list_layers(path)
        except pyogrio.errors.DataSourceError as exc:
            raise OverlayError("overlay.error.gpkg", why=_clean(_gdal_why(exc), 120)) from None
        if len(layers) == 0:
            raise OverlayError("overlay.error.gpkg", why="it has no layers")
        first = str(layers[0][0])
        if len(layers) > 1:
            notes.append(Note("overlay.note.first_layer", {"n": len(layers), "layer": first}))
        return _read_with_gdal(path, lim, "overlay.error.gpkg", layer=first)


def _safe_member(name: str) -> bool:
    """Tell whether a zip member's name is a plain relative path (no drive, root or ``..``)."""
    posix = PurePosixPath(name.replace("\\", "/"))
    return not posix.is_absolute() and ".." not in posix.parts and ":" not in name


def _read_shapefile_zip(data: bytes, lim: OverlayLimits, notes: list[Note]) -> tuple:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        kind = _binary_kind(data)
        why = f"it is {kind}" if kind and kind != "a zip archive" else _clean(str(exc), 80)
        raise OverlayError("overlay.error.zip", why=why) from None
    with archive:
        infos = archive.infolist()
        # Every check reads only the central directory: nothing is unpacked before they pass.
        if len(infos) > lim.zip_max_members:
            raise OverlayError("overlay.error.zip_members", n=len(infos), limit=lim.zip_max_members)
        total = sum(i.file_size for i in infos)
        if total > lim.zip_max_uncompressed:
            raise OverlayError(
                "overlay.error.zip_size", size=_size(total), limit=_size(lim.zip_max_uncompressed)
            )
        for info in infos:
            if not _safe_member(info.filename):
                raise OverlayError("overlay.error.zip_path", member=info.filename)
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1_000_000 and ratio > lim.zip_max_ratio:
                raise OverlayError(
                    "overlay.error.zip_ratio", member=info.filename, ratio=f"{ratio:,.0f}",
                    limit=lim.zip_max_ratio,
                )  # fmt: skip
        files = [
            i
            for i in infos
            if not i.is_dir() and not PurePosixPath(i.filename).name.startswith("._")
        ]
        shps = sorted((i for i in files if i.filename.lower().endswith(".shp")), key=_zip_key)
        if not shps:
            names = ", ".join(_clean(i.filename, 40) for i in files[:6]) or "nothing"
            raise OverlayError("overlay.error.zip_no_shp", names=names)
        shp = shps[0]
        if len(shps) > 1:
            notes.append(
                Note("overlay.note.first_shapefile", {"n": len(shps), "name": shp.filename})
            )
        stem = shp.filename[:-4]
        parts = {
            i.filename[len(stem) :].lower(): i
            for i in files
            if i.filename[: len(stem)] == stem and len(i.filename) == len(stem) + 4
        }
        missing = [ext for ext in (".shx", ".dbf") if ext not in parts]
        if missing:
            raise OverlayError(
                "overlay.error.zip_missing", name=shp.filename, parts=" ".join(missing)
            )
        with tempfile.TemporaryDirectory(prefix="bfe-overlay-") as folder:
            for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                if ext in parts:
                    # Fixed names in a fresh folder: the archive's paths never reach the disk.
                    with archive.open(parts[ext]) as src:
                        (Path(folder) / f"overlay{ext}").write_bytes(src.read(lim.max_bytes * 4))
            props, geoms, crs = _read_with_gdal(
                Path(folder) / "overlay.shp", lim, "overlay.error.shapefile"
            )
        if ".prj" not in parts:
            crs = None
        return props, geoms, crs


def _zip_key(info: zipfile.ZipInfo) -> tuple[int, str]:
    return (info.filename.count("/"), info.filename.lower())


# --- Common checks -------------------------------------------------------------------------------


def _finish(
    props: list[dict],
    geoms: list,
    crs: CRS | None,
    fmt: str,
    lim: OverlayLimits,
    notes: list[Note],
) -> gpd.GeoDataFrame:
    """Drop empty geometries, check types and ranges, reproject, repair; notes on each step."""
    if not geoms:
        raise OverlayError("overlay.error.no_features")
    if len(geoms) > lim.max_features:
        raise OverlayError(
            "overlay.error.too_many", n=f"{len(geoms):,}", limit=f"{lim.max_features:,}"
        )
    arr = np.array([g if g is not None else None for g in geoms], dtype=object)
    numbers = np.arange(1, len(arr) + 1)
    missing = shapely.is_missing(arr) | shapely.is_empty(arr)
    types = shapely.get_type_id(arr)
    collection = np.flatnonzero(types == 7)
    if len(collection):
        raise OverlayError("overlay.error.collection", n=int(numbers[collection[0]]))
    if missing.all():
        malformed = int((~shapely.is_missing(arr)).sum())  # empty or malformed, not null
        if malformed:
            raise OverlayError("overlay.error.unusable", n=malformed)
        raise OverlayError("overlay.error.no_geometry")
    frame = pd.DataFrame(props, index=range(len(arr)))
    frame.columns = [_clean(c, 60) for c in frame.columns.astype(str)]
    frame = frame.loc[:, ~frame.columns.duplicated()]
    keep = ~missing
    if missing.any():
        # A malformed geometry becomes an empty one in _geometry; null ones are simply absent.
        notes.append(
            Note(
                "overlay.note.dropped_empty",
                {"n": int(missing.sum()), "ids": _ids(numbers[missing])},
            )
        )
    arr, numbers, frame = arr[keep], numbers[keep], frame[keep].reset_index(drop=True)
    if shapely.has_z(arr).any():
        arr = shapely.force_2d(arr)
        notes.append(Note("overlay.note.z_dropped"))

    # CRS: reproject to WGS84, or say what was assumed.
    source = crs
    if source is None:
        if fmt in ("csv", "shapefile"):
            notes.append(Note("overlay.note.assumed", {"format": _FORMAT_NAMES[fmt]}))
        source = CRS.from_user_input(DISPLAY_CRS)
    if not source.equals(CRS.from_user_input(DISPLAY_CRS), ignore_axis_order=True):
        _check_range(arr, numbers, "overlay.error.range_reprojected", source, lonlat=False)
        arr = gpd.GeoSeries(arr, crs=source).to_crs(DISPLAY_CRS).values.to_numpy()
        notes.append(Note("overlay.note.reprojected", {"crs": _crs_name(source)}))
        _check_range(arr, numbers, "overlay.error.range_reprojected", source)
    elif crs is not None:
        _check_range(arr, numbers, "overlay.error.range", source)
    elif fmt == "geojson":
        _check_range(arr, numbers, "overlay.error.range_geojson", source)
    else:
        _check_range(arr, numbers, "overlay.error.range_assumed", source)

    # Validity: polygons repaired keeping only polygons, others dropped if they cannot be.
    valid = shapely.is_valid(arr)
    if not valid.all():
        bad = np.flatnonzero(~valid)
        repaired, dropped = [], []
        for i in bad:
            geom = arr[i]
            if KINDS.get(geom.geom_type) == "polygon":
                fixed = shapely.make_valid(geom, method="structure", keep_collapsed=False)
            else:
                fixed = shapely.make_valid(geom, method="linework", keep_collapsed=False)
            fixed = _same_kind(fixed, KINDS.get(geom.geom_type))
            if fixed is None:
                dropped.append(int(numbers[i]))
                arr[i] = None
            else:
                repaired.append(int(numbers[i]))
                arr[i] = fixed
        if repaired:
            notes.append(Note("overlay.note.repaired", {"n": len(repaired), "ids": _ids(repaired)}))
        if dropped:
            notes.append(
                Note("overlay.note.dropped_invalid", {"n": len(dropped), "ids": _ids(dropped)})
            )
            keep = ~shapely.is_missing(arr)
            if not keep.any():
                raise OverlayError("overlay.error.unusable", n=len(dropped))
            arr, frame = arr[keep], frame[keep].reset_index(drop=True)

    kinds = pd.Series(shapely.get_type_id(arr)).map({0: "point", 4: "point", 1: "line", 5: "line",
                                                      3: "polygon", 6: "polygon"})  # fmt: skip
    present = [k for k in ("point", "line", "polygon") if (kinds == k).any()]
    if len(present) > 1:
        notes.append(
            Note("overlay.note.mixed", {"kinds": ", ".join(KIND_NAMES[k] for k in present)})
        )
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(arr, crs=DISPLAY_CRS))


def _same_kind(geom: shapely.Geometry, kind: str | None) -> shapely.Geometry | None:
    """Keep the parts of a repaired geometry that have the original kind; None if none are left."""
    if geom is None or geom.is_empty:
        return None
    parts = [p for p in shapely.get_parts(geom) if KINDS.get(p.geom_type) == kind]
    if not parts:
        return None
    if kind == "polygon":
        out = shapely.union_all(parts)
    elif kind == "line":
        out = shapely.multilinestrings(parts) if len(parts) > 1 else parts[0]
    else:
        out = shapely.multipoints(parts) if len(parts) > 1 else parts[0]
    return out if not out.is_empty and out.is_valid else None


def _crs_name(crs: CRS) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg} ({crs.name})" if epsg else _clean(crs.name, 60)


def _check_range(
    arr: np.ndarray, numbers: np.ndarray, key: str, crs: CRS, *, lonlat: bool = True
) -> None:
    """Refuse non-finite coordinates and (``lonlat``) any outside −180…180, −90…90."""
    bounds = shapely.bounds(arr)
    inside = np.isfinite(bounds).all(axis=1)
    if lonlat:
        inside &= (bounds[:, 0] >= -180) & (bounds[:, 2] <= 180)
        inside &= (bounds[:, 1] >= -90) & (bounds[:, 3] <= 90)
    if inside.all():
        return
    i = int(np.flatnonzero(~inside)[0])
    coords = shapely.get_coordinates(arr[i])
    bad = ~np.isfinite(coords).all(axis=1)
    if lonlat:
        bad |= (np.abs(coords[:, 0]) > 180) | (np.abs(coords[:, 1]) > 90)
    x, y = (coords[bad][0] if bad.any() else coords[0]).tolist()
    raise OverlayError(key, n=int(numbers[i]), x=f"{x:.6g}", y=f"{y:.6g}", crs=_crs_name(crs))
