"""The checks every format goes through once it is parsed: :func:`finish`, in named steps.

A format's reader gives properties, geometries and a CRS; :func:`finish` makes them an
EPSG:4326 GeoDataFrame of valid 2D points, lines and polygons, refusing what cannot be used and
noting what was done: empty geometries dropped, Z dropped, CRS assumed or reprojected,
geometries repaired or dropped, kinds mixed.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from explorer.config import DISPLAY_CRS
from explorer.overlay.model import (
    FORMAT_NAMES,
    KIND_NAMES,
    KINDS,
    Note,
    OverlayError,
    OverlayLimits,
    clean,
    id_list,
)

__all__ = ["finish"]


def finish(
    props: list[dict],
    geoms: list,
    crs: CRS | None,
    fmt: str,
    lim: OverlayLimits,
    notes: list[Note],
) -> gpd.GeoDataFrame:
    """Drop empty geometries, check types and ranges, reproject, repair; notes on each step.

    Parameters
    ----------
    props : list of dict
        Each feature's properties, as a format's reader gives them.
    geoms : list
        Each feature's shapely geometry (None for a null one).
    crs : pyproj.CRS or None
        The file's CRS; None when it names none (WGS84 is assumed).
    fmt : {"geojson", "gpkg", "shapefile", "csv"}
        The format read (for the notes and messages).
    lim : OverlayLimits
        The feature limit.
    notes : list of Note
        Gets a note for each thing done to the data, in the order done.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326: valid 2D geometries and one column per property (names cleaned, first of
        duplicates kept).

    Raises
    ------
    OverlayError
        For no features or too many, a GeometryCollection, no usable geometry, coordinates out
        of range (or not finite) before or after reprojection.
    """
    arr = _geometry_array(geoms, lim)
    numbers = np.arange(1, len(arr) + 1)  # features' numbers in the file, for messages
    missing = _refuse_unusable(arr, numbers)
    frame = _property_frame(props, len(arr))
    arr, numbers, frame = _drop_missing(arr, numbers, frame, missing, notes)
    arr = _drop_z(arr, notes)
    source = _source_crs(crs, fmt, notes)
    arr = _to_display_crs(arr, numbers, source, _range_key(crs, fmt), notes)
    arr, frame = _repair(arr, numbers, frame, notes)
    _note_mixed(arr, notes)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(arr, crs=DISPLAY_CRS))


# --- Steps ---------------------------------------------------------------------------------------


def _geometry_array(geoms: list, lim: OverlayLimits) -> np.ndarray:
    """Refuse no features or more than the limit; return the geometries as an object array."""
    if not geoms:
        raise OverlayError("overlay.error.no_features")
    if len(geoms) > lim.max_features:
        raise OverlayError(
            "overlay.error.too_many", n=f"{len(geoms):,}", limit=f"{lim.max_features:,}"
        )
    return np.array([g if g is not None else None for g in geoms], dtype=object)


def _refuse_unusable(arr: np.ndarray, numbers: np.ndarray) -> np.ndarray:
    """Refuse a GeometryCollection, or features none of which has a geometry.

    Returns
    -------
    numpy.ndarray of bool
        Which features have no geometry (null, empty, or malformed: empty since
        :func:`explorer.overlay.geojson.read_geojson`).
    """
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
    return missing


def _property_frame(props: list[dict], n: int) -> pd.DataFrame:
    """Return the properties as a frame of ``n`` rows (column names cleaned, duplicates dropped)."""
    frame = pd.DataFrame(props, index=range(n))
    frame.columns = [clean(c, 60) for c in frame.columns.astype(str)]
    return frame.loc[:, ~frame.columns.duplicated()]


def _drop_missing(
    arr: np.ndarray,
    numbers: np.ndarray,
    frame: pd.DataFrame,
    missing: np.ndarray,
    notes: list[Note],
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Drop the features without a geometry (a note lists them)."""
    keep = ~missing
    if missing.any():
        # A malformed geometry becomes an empty one in .geojson; null ones are simply absent.
        notes.append(
            Note(
                "overlay.note.dropped_empty",
                {"n": int(missing.sum()), "ids": id_list(numbers[missing])},
            )
        )
    return arr[keep], numbers[keep], frame[keep].reset_index(drop=True)


def _drop_z(arr: np.ndarray, notes: list[Note]) -> np.ndarray:
    """Drop Z coordinates (a note says so when there were any)."""
    if shapely.has_z(arr).any():
        arr = shapely.force_2d(arr)
        notes.append(Note("overlay.note.z_dropped"))
    return arr


def _source_crs(crs: CRS | None, fmt: str, notes: list[Note]) -> CRS:
    """Return the file's CRS, or WGS84 when it names none (noted for CSV and Shapefile)."""
    if crs is not None:
        return crs
    if fmt in ("csv", "shapefile"):
        notes.append(Note("overlay.note.assumed", {"format": FORMAT_NAMES[fmt]}))
    return CRS.from_user_input(DISPLAY_CRS)


def _range_key(crs: CRS | None, fmt: str) -> str:
    """Return the message for WGS84 coordinates out of range: the CRS named, GeoJSON's, assumed."""
    if crs is not None:
        return "overlay.error.range"
    if fmt == "geojson":
        return "overlay.error.range_geojson"
    return "overlay.error.range_assumed"


def _to_display_crs(
    arr: np.ndarray, numbers: np.ndarray, source: CRS, key: str, notes: list[Note]
) -> np.ndarray:
    """Reproject from ``source`` to WGS84 (noted), checking the coordinates' range.

    Coordinates are checked to be finite before reprojection and in range after it (message
    ``overlay.error.range_reprojected``); already in WGS84, in range (message ``key``).
    """
    if not source.equals(CRS.from_user_input(DISPLAY_CRS), ignore_axis_order=True):
        _check_range(arr, numbers, "overlay.error.range_reprojected", source, lonlat=False)
        arr = gpd.GeoSeries(arr, crs=source).to_crs(DISPLAY_CRS).values.to_numpy()
        notes.append(Note("overlay.note.reprojected", {"crs": _crs_name(source)}))
        _check_range(arr, numbers, "overlay.error.range_reprojected", source)
    else:
        _check_range(arr, numbers, key, source)
    return arr


def _repair(
    arr: np.ndarray, numbers: np.ndarray, frame: pd.DataFrame, notes: list[Note]
) -> tuple[np.ndarray, pd.DataFrame]:
    """Repair invalid geometries keeping their kind; drop those that cannot be (noted)."""
    valid = shapely.is_valid(arr)
    if valid.all():
        return arr, frame
    repaired, dropped = [], []
    for i in np.flatnonzero(~valid):
        fixed = _repaired(arr[i])
        if fixed is None:
            dropped.append(int(numbers[i]))
        else:
            repaired.append(int(numbers[i]))
        arr[i] = fixed
    if repaired:
        notes.append(Note("overlay.note.repaired", {"n": len(repaired), "ids": id_list(repaired)}))
    if dropped:
        notes.append(
            Note("overlay.note.dropped_invalid", {"n": len(dropped), "ids": id_list(dropped)})
        )
        keep = ~shapely.is_missing(arr)
        if not keep.any():
            raise OverlayError("overlay.error.unusable", n=len(dropped))
        arr, frame = arr[keep], frame[keep].reset_index(drop=True)
    return arr, frame


def _note_mixed(arr: np.ndarray, notes: list[Note]) -> None:
    """Note which kinds there are when there is more than one (each is drawn its own way)."""
    kinds = pd.Series(shapely.get_type_id(arr)).map({0: "point", 4: "point", 1: "line", 5: "line",
                                                      3: "polygon", 6: "polygon"})  # fmt: skip
    present = [k for k in ("point", "line", "polygon") if (kinds == k).any()]
    if len(present) > 1:
        notes.append(
            Note("overlay.note.mixed", {"kinds": ", ".join(KIND_NAMES[k] for k in present)})
        )


# --- Helpers -------------------------------------------------------------------------------------


def _repaired(geom: shapely.Geometry) -> shapely.Geometry | None:
    """Return a valid geometry of ``geom``'s kind made from it, or None if there is none.

    Polygons keep their structure (``make_valid(method="structure")``), lines and points their
    linework; collapsed parts and parts of another kind are dropped.
    """
    kind = KINDS.get(geom.geom_type)
    method = "structure" if kind == "polygon" else "linework"
    fixed = shapely.make_valid(geom, method=method, keep_collapsed=False)
    return _same_kind(fixed, kind)


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
    """Name a CRS in a message: ``EPSG:<code> (<name>)``, or its name without a code."""
    epsg = crs.to_epsg()
    return f"EPSG:{epsg} ({crs.name})" if epsg else clean(crs.name, 60)


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
