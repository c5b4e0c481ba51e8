"""The print map's projection and the maths of its furniture (no matplotlib).

A Lambert azimuthal equal-area projection centred on the view (:func:`map_crs`); where north
points (:func:`north_angle_deg`) and how long a round scale bar is (:func:`scale_bar`) at the map
centre; the projected extent that fills the map box; the meridians and parallels of the
graticule; coordinates written as text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final, NamedTuple

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer
from shapely.geometry import LineString, box
from shapely.geometry.base import BaseGeometry

from explorer import view
from explorer.config import DISPLAY_CRS, ELLIPSOID
from explorer.i18n import number

__all__ = ["map_crs", "north_angle_deg", "scale_bar"]

_GEOD: Final = Geod(ellps=ELLIPSOID)
_NICE_KM: Final[tuple[float, ...]] = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000)


def map_crs(bbox: Sequence[float]) -> CRS:
    """Return the map's projection: Lambert azimuthal equal-area centred on the box (GRS80).

    Centred on the view, north is straight up along the central meridian and both scale and
    areas are nearly true across a country-sized map (ETRS89-LAEA, EPSG:3035, is the same
    projection centred on 52°N 10°E, where north at 25°E leans 12°).

    Examples
    --------
    >>> _crs_centre(map_crs((13, 48.5, 37, 71.5)))
    (60.0, 25.0)
    """
    west, south, east, north = view.validate_bbox(bbox)
    lat0, lon0 = round((south + north) / 2, 2), round((west + east) / 2, 2)
    return CRS.from_proj4(
        f"+proj=laea +lat_0={lat0} +lon_0={lon0} +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
    )


def _crs_centre(crs: CRS) -> tuple[float, float]:
    """Return ``(lat_0, lon_0)`` of a :func:`map_crs` projection."""
    params = {p.name: p.value for p in crs.coordinate_operation.params}
    return (
        float(params["Latitude of natural origin"]),
        float(params["Longitude of natural origin"]),
    )


def north_angle_deg(crs: CRS | str, lon: float, lat: float) -> float:
    """Return where north points on the map at ``(lon, lat)``: degrees clockwise from "up".

    Examples
    --------
    >>> round(north_angle_deg(map_crs((13, 48.5, 37, 71.5)), 25, 60), 6)
    0.0
    >>> round(north_angle_deg("EPSG:3035", 25, 60), 1)  # LAEA Europe leans east of 10°E
    -12.8
    """
    to_map = Transformer.from_crs(DISPLAY_CRS, crs, always_xy=True)
    x0, y0 = to_map.transform(lon, lat)
    x1, y1 = to_map.transform(lon, min(lat + 0.01, 89.999))
    return math.degrees(math.atan2(x1 - x0, y1 - y0))


def scale_bar(crs: CRS | str, lon: float, lat: float, target_m: float) -> tuple[float, float]:
    """Choose a round scale-bar length near ``target_m`` map units and measure it at a place.

    The length on the ground is geodesic (WGS84, :class:`pyproj.Geod`) eastwards from
    ``(lon, lat)``, and its length on the map is measured in the projection, so the bar is right
    at that latitude whatever the projection's scale there.

    Parameters
    ----------
    crs : pyproj.CRS or str
        A projected CRS in metres.
    lon, lat : float
        Where the bar should be true (the map centre).
    target_m : float
        About how long the bar should be, in map units.

    Returns
    -------
    (float, float)
        The bar's ground length in km and its length in map units.

    Examples
    --------
    >>> km, map_m = scale_bar(map_crs((13, 48.5, 37, 71.5)), 25, 60, 300_000)
    >>> km, round(map_m / 1000, 1)
    (250, 250.0)
    >>> km, map_m = scale_bar("EPSG:3857", 25, 60, 500_000)  # Mercator doubles lengths at 60°N
    >>> km, round(map_m / km / 1000, 2)
    (250, 1.99)
    """
    to_map = Transformer.from_crs(DISPLAY_CRS, crs, always_xy=True)
    x0, y0 = to_map.transform(lon, lat)

    def map_length(km: float) -> float:
        lon2, lat2, _ = _GEOD.fwd(lon, lat, 90.0, km * 1000.0)
        x1, y1 = to_map.transform(lon2, lat2)
        return math.hypot(x1 - x0, y1 - y0)

    per_km = map_length(10.0) / 10.0
    fitting = [km for km in _NICE_KM if km * per_km <= target_m]
    km = fitting[-1] if fitting else _NICE_KM[0]
    return km, map_length(km)


def _extent(
    bbox: Sequence[float], crs: CRS, aspect: float | None = None
) -> tuple[float, float, float, float]:
    """Projected bounds of ``bbox``, grown to the map box's width/height ``aspect`` if given."""
    outline = box(*bbox).segmentize(0.25)
    projected = gpd.GeoSeries([outline], crs=DISPLAY_CRS).to_crs(crs).iloc[0]
    x0, y0, x1, y1 = projected.bounds
    width, height = x1 - x0, y1 - y0
    if aspect is None:
        return x0, x1, y0, y1
    if width / height < aspect:
        grow = (height * aspect - width) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = (width / aspect - height) / 2
        y0, y1 = y0 - grow, y1 + grow
    return x0, x1, y0, y1


def _visible_lonlat(extent: Sequence[float], crs: CRS) -> BaseGeometry:
    """Return the map rectangle as a lon/lat polygon (for "what is in view")."""
    x0, x1, y0, y1 = extent
    rect = box(x0, y0, x1, y1).segmentize((x1 - x0) / 60)
    return gpd.GeoSeries([rect], crs=crs).to_crs(DISPLAY_CRS).iloc[0]


class _GridLine(NamedTuple):
    """A meridian or parallel in map coordinates, and where it leaves the labelled map edge."""

    degrees: float
    line: LineString
    #: x where a meridian crosses the bottom edge, y where a parallel crosses the left edge;
    #: None where it does not.
    edge: float | None


def _graticule_lines(
    crs: CRS, extent: Sequence[float], visible: BaseGeometry
) -> tuple[list[_GridLine], list[_GridLine]]:
    """Return the meridians and the parallels over ``visible``, every 1, 2, 5 or 10 degrees.

    Parameters
    ----------
    crs : pyproj.CRS
        The map's projection.
    extent : (x0, x1, y0, y1)
        The map's bounds in ``crs``.
    visible : shapely geometry
        The map rectangle in lon/lat (:func:`_visible_lonlat`).

    Returns
    -------
    (list of _GridLine, list of _GridLine)
        Meridians west to east, then parallels south to north (none within 1° of a pole).
    """
    x0, x1, y0, y1 = extent
    west, south, east, north = visible.bounds
    span = max(north - south, (east - west) / 2)
    step = 1 if span <= 4 else 2 if span <= 12 else 5 if span <= 40 else 10
    to_map = Transformer.from_crs(DISPLAY_CRS, crs, always_xy=True)
    bottom, left = LineString([(x0, y0), (x1, y0)]), LineString([(x0, y0), (x0, y1)])
    lat_lo, lat_hi = max(-89.0, south - step), min(89.0, north + step)
    meridians: list[_GridLine] = []
    for lon in np.arange(math.floor(west / step) * step, east + step, step):
        lats = np.linspace(lat_lo, lat_hi, 200)
        line = LineString(np.column_stack(to_map.transform(np.full_like(lats, lon), lats)))
        hit = line.intersection(bottom)
        edge = None if hit.is_empty else shapely.get_parts(hit)[0].x
        meridians.append(_GridLine(lon, line, edge))
    parallels: list[_GridLine] = []
    for lat in np.arange(math.floor(south / step) * step, north + step, step):
        if abs(lat) >= 89.0:
            continue
        lons = np.linspace(west - step, east + step, 200)
        line = LineString(np.column_stack(to_map.transform(lons, np.full_like(lons, lat))))
        hit = line.intersection(left)
        edge = None if hit.is_empty else shapely.get_parts(hit)[0].y
        parallels.append(_GridLine(lat, line, edge))
    return meridians, parallels


def _deg(value: float, positive: str, negative: str, lang: str = "en") -> str:
    """Format a longitude or latitude, with a decimal comma in Polish.

    Examples
    --------
    >>> _deg(54.5, "N", "S"), _deg(54.5, "N", "S", "pl"), _deg(-3, "E", "W")
    ('54.5°N', '54,5°N', '3°W')
    """
    return f"{number(abs(value), lang=lang)}°{positive if value >= 0 else negative}"
