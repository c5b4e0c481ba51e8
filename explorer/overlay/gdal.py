"""The binary formats, read by GDAL (pyogrio): a GeoPackage's first layer and a zipped Shapefile.

GDAL reads from a fresh temporary folder, under fixed file names. A zip archive is checked from
its central directory alone (member count, total uncompressed size, compression ratio, member
paths) *before* anything is unpacked, and member names never become paths: the shapefile's
parts are written as ``overlay.shp``, ``overlay.shx``, ... Temporary paths are stripped from
GDAL's messages.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
from pyproj import CRS

from explorer.overlay.model import Note, OverlayError, OverlayLimits, clean, size_text
from explorer.overlay.text import binary_kind

__all__ = ["read_gpkg", "read_shapefile_zip"]


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
        raise OverlayError(what, why=clean(_gdal_why(exc), 120)) from None
    except (pyogrio.errors.DataLayerError, pyogrio.errors.FieldError) as exc:
        raise OverlayError(what, why=clean(_gdal_why(exc), 120)) from None
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise OverlayError("overlay.error.no_geometry")
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    frame = frame.rename(columns={"geometry": "geometry (property)"})
    props = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return props, list(gdf.geometry.values), gdf.crs


def _gdal_why(exc: Exception) -> str:
    """Strip temporary paths from a GDAL message."""
    return re.sub(r"/\S*/bfe-overlay-[^/\s]+/", "", str(exc)).strip() or type(exc).__name__


def read_gpkg(data: bytes, lim: OverlayLimits, notes: list[Note]) -> tuple[list, list, Any]:
    """Read a GeoPackage's first layer (a note says so when there are more).

    Parameters
    ----------
    data : bytes
        The file's content (an SQLite database).
    lim : OverlayLimits
        The feature limit, checked from the layer's metadata before its features are read.
    notes : list of Note
        Gets a note when the first of several layers is read.

    Returns
    -------
    props : list of dict
        Each feature's attributes (missing values as None).
    geoms : list
        Each feature's shapely geometry (None for a null one).
    crs : pyproj.CRS or None
        The layer's CRS.

    Raises
    ------
    OverlayError
        For data that is not an SQLite database, no layers, a layer GDAL cannot read, no
        geometry column, or too many features.
    """
    if not data.startswith(b"SQLite format 3\x00"):
        kind = binary_kind(data) or "text"
        raise OverlayError("overlay.error.gpkg", why=f"it is {kind}, not an SQLite database")
    with tempfile.TemporaryDirectory(prefix="bfe-overlay-") as folder:
        path = Path(folder) / "overlay.gpkg"
        path.write_bytes(data)
        try:
            layers = pyogrio.list_layers(path)
        except pyogrio.errors.DataSourceError as exc:
            raise OverlayError("overlay.error.gpkg", why=clean(_gdal_why(exc), 120)) from None
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


def read_shapefile_zip(data: bytes, lim: OverlayLimits, notes: list[Note]) -> tuple:
    """Read the (first) Shapefile in a zip archive, after checking the archive.

    Parameters
    ----------
    data : bytes
        The zip archive.
    lim : OverlayLimits
        Member count, total uncompressed size and compression ratio limits (checked before
        anything is unpacked), and the feature limit.
    notes : list of Note
        Gets a note when the first of several shapefiles is read.

    Returns
    -------
    tuple
        ``(props, geoms, crs)`` as :func:`read_gpkg` gives them; ``crs`` is None without a
        ``.prj`` part.

    Raises
    ------
    OverlayError
        For data that is not a zip archive, an archive over a limit, an unsafe member path
        (absolute, a drive or ``..``), no ``.shp``, a missing ``.shx`` or ``.dbf``, or a
        Shapefile GDAL cannot read.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        kind = binary_kind(data)
        why = f"it is {kind}" if kind and kind != "a zip archive" else clean(str(exc), 80)
        raise OverlayError("overlay.error.zip", why=why) from None
    with archive:
        infos = archive.infolist()
        # Every check reads only the central directory: nothing is unpacked before they pass.
        if len(infos) > lim.zip_max_members:
            raise OverlayError("overlay.error.zip_members", n=len(infos), limit=lim.zip_max_members)
        total = sum(i.file_size for i in infos)
        if total > lim.zip_max_uncompressed:
            raise OverlayError(
                "overlay.error.zip_size",
                size=size_text(total),
                limit=size_text(lim.zip_max_uncompressed),
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
            names = ", ".join(clean(i.filename, 40) for i in files[:6]) or "nothing"
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
