"""Reading an upload: :func:`read_overlay` (bytes and a name) and :func:`read_overlay_file`.

The name's extension picks the format; emptiness and size are checked before anything is
parsed. The format's reader (:mod:`.geojson`, :mod:`.csv_points`, and :mod:`.gdal` for GeoPackage
and zipped Shapefile) gives properties, geometries and a CRS, and :func:`.checks.finish` turns
them into the :class:`~explorer.overlay.model.Overlay`. Any failure is one
:class:`~explorer.overlay.model.OverlayError`, an unexpected one included.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

from pyproj import CRS

from explorer.overlay.checks import finish
from explorer.overlay.csv_points import read_csv
from explorer.overlay.gdal import read_gpkg, read_shapefile_zip
from explorer.overlay.geojson import read_geojson
from explorer.overlay.model import (
    FORMATS,
    Note,
    Overlay,
    OverlayError,
    OverlayLimits,
    clean,
    size_text,
)

__all__ = ["read_overlay", "read_overlay_file"]


def _limits(limits: OverlayLimits | None, **overrides: int | None) -> OverlayLimits:
    """Return ``limits`` (default :class:`OverlayLimits`) with the limits given overridden."""
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
                "overlay.error.too_big", size=size_text(size), limit=size_text(lim.max_bytes)
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
    explorer.overlay.model.OverlayError: empty.csv is empty.
    """
    lim = _limits(limits, max_bytes=max_bytes, max_features=max_features)
    name = clean(Path(str(filename).replace("\\", "/")).name or "overlay", 120)
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        raise OverlayError("overlay.error.extension", name=name, ext=suffix or "(none)")
    fmt = FORMATS[suffix]
    if not data or (fmt in ("geojson", "csv") and not data.strip()):
        raise OverlayError("overlay.error.empty", name=name)
    if len(data) > lim.max_bytes:
        raise OverlayError(
            "overlay.error.too_big", size=size_text(len(data)), limit=size_text(lim.max_bytes)
        )
    notes: list[Note] = []
    try:
        with warnings.catch_warnings():
            # GDAL and pandas warnings are not errors of the file; the checks below are.
            warnings.simplefilter("ignore")
            props, geoms, crs = _parse(data, fmt, lim, notes)
            gdf = finish(props, geoms, crs, fmt, lim, notes)
    except OverlayError:
        raise
    except Exception as exc:  # a bug or a library's surprise must still be one clear line
        why = clean(f"{type(exc).__name__}: {exc}", 160)
        raise OverlayError("overlay.error.unexpected", name=name, why=why) from None
    digest = hashlib.sha256(data).hexdigest()
    return Overlay(name=name, format=fmt, gdf=gdf, notes=tuple(notes), digest=digest)


def _parse(
    data: bytes, fmt: str, lim: OverlayLimits, notes: list[Note]
) -> tuple[list[dict], list, CRS | None]:
    """Parse ``data`` as ``fmt``: properties, geometries and the CRS the file names (if any)."""
    if fmt == "geojson":
        return read_geojson(data, lim)
    if fmt == "csv":
        return read_csv(data, lim, notes)
    if fmt == "gpkg":
        return read_gpkg(data, lim, notes)
    return read_shapefile_zip(data, lim, notes)
