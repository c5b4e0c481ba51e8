"""Measurement and derived geometry, always in metres (geodesic on WGS84 or a metric CRS)."""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import LineString, MultiLineString
from shapely.geometry.base import BaseGeometry

from explorer.config import DISPLAY_CRS, ELLIPSOID, METRIC_CRS

_GEOD = Geod(ellps=ELLIPSOID)


def geodesic_length_m(geom: BaseGeometry | None) -> float:
    """Return the geodesic length of a lon/lat line on the WGS84 ellipsoid, in metres.

    Parameters
    ----------
    geom : shapely geometry or None
        A (Multi)LineString in EPSG:4326. Points and empty or missing geometries measure 0.

    Returns
    -------
    float
        Length in metres.

    Examples
    --------
    One degree of longitude along the equator is 111,319.49 m on WGS84:

    >>> round(geodesic_length_m(LineString([(0, 0), (1, 0)])), 2)
    111319.49
    >>> geodesic_length_m(LineString())
    0.0
    >>> geodesic_length_m(None)
    0.0
    """
    if geom is None or geom.is_empty:
        return 0.0
    if geom.geom_type not in ("LineString", "MultiLineString", "LinearRing"):
        return 0.0
    return float(_GEOD.geometry_length(geom))


def lengths_km(geoms: gpd.GeoSeries) -> np.ndarray:
    """Return geodesic lengths in km of every line in a GeoSeries (reprojected to 4326 first).

    Examples
    --------
    >>> s = gpd.GeoSeries([LineString([(0, 0), (0, 1)]), None], crs="EPSG:4326")
    >>> lengths_km(s).round(3).tolist()
    [110.574, 0.0]
    """
    if geoms.crs is None:
        raise ValueError("GeoSeries has no CRS; cannot measure")
    lonlat = geoms.to_crs(DISPLAY_CRS) if geoms.crs != DISPLAY_CRS else geoms
    return np.array([geodesic_length_m(g) for g in lonlat]) / 1000.0


def simplify_m(geom: BaseGeometry, tolerance_m: float) -> BaseGeometry:
    """Simplify a lon/lat geometry with a tolerance in metres (Douglas–Peucker in a metric CRS).

    Examples
    --------
    >>> line = LineString([(20, 54), (20.5, 54.0001), (21, 54)])
    >>> len(simplify_m(line, 1000).coords)  # the 11 m bump (and the parallel's curve) go
    2
    >>> simplify_m(line, 0).equals(line)
    True
    """
    if tolerance_m <= 0 or geom.is_empty:
        return geom
    metric = gpd.GeoSeries([geom], crs=DISPLAY_CRS).to_crs(METRIC_CRS)
    simplified = metric.simplify(tolerance_m, preserve_topology=True)
    return simplified.to_crs(DISPLAY_CRS).iloc[0]


def merge_lines(geoms: Iterable[BaseGeometry]) -> MultiLineString:
    """Merge lines into one MultiLineString, joining pieces that share end points.

    Examples
    --------
    >>> merge_lines([LineString([(0, 0), (1, 0)]), LineString([(1, 0), (2, 0)])]).geoms[0].length
    2.0
    >>> merge_lines([]).is_empty
    True
    """
    parts: list[LineString] = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            continue
        parts.extend(p for p in shapely.get_parts(geom) if isinstance(p, LineString))
    if not parts:
        return MultiLineString()
    merged = shapely.line_merge(MultiLineString(parts))
    return MultiLineString([p for p in shapely.get_parts(merged) if isinstance(p, LineString)])


def corridor(line: BaseGeometry, side: BaseGeometry | None, width_km: float) -> BaseGeometry:
    """Return the strip within ``width_km`` of a border line, on one country's side.

    The buffer is made in a metric CRS (ETRS89-LAEA), so the width is in true kilometres.

    Parameters
    ----------
    line : shapely geometry
        Border line in EPSG:4326.
    side : shapely geometry or None
        Polygon of the country whose side the strip lies on (EPSG:4326); None for both sides.
    width_km : float
        Depth of the strip, in km; must be positive.

    Returns
    -------
    shapely geometry
        (Multi)Polygon in EPSG:4326.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> strip = corridor(LineString([(20, 54), (21, 54)]), box(19, 53, 22, 54), 10)
    >>> round(strip.bounds[1], 2), strip.bounds[3] <= 54.0 + 1e-9
    (53.91, True)
    >>> corridor(LineString([(20, 54), (21, 54)]), None, 0)
    Traceback (most recent call last):
    ...
    ValueError: corridor width must be positive, got 0
    """
    if not width_km > 0:
        raise ValueError(f"corridor width must be positive, got {width_km}")
    metric = gpd.GeoSeries([line], crs=DISPLAY_CRS).to_crs(METRIC_CRS)
    # Buffering a 10 m-detail line is slow and the detail is lost in a km-wide strip anyway:
    # simplify to 1/50 of the width (at most 500 m) first.
    metric = metric.simplify(min(500.0, width_km * 1000.0 / 50.0))
    strip = metric.buffer(width_km * 1000.0, quad_segs=8).to_crs(DISPLAY_CRS).iloc[0]
    if side is not None:
        strip = shapely.make_valid(strip.intersection(side.buffer(0)))
        polys = [p for p in shapely.get_parts(strip) if p.geom_type == "Polygon"]
        strip = shapely.MultiPolygon(polys) if len(polys) != 1 else polys[0]
    return strip
