"""Display geometry: the data's shapes simplified for drawing, the same for web and print.

A map never needs the data's full resolution: lines are simplified in metres and rounded, the
bands of works along a border are chained across the OpenStreetMap border's small gaps, and
the country shading is simplified as one coverage so neighbours stay edge to edge. The
browser (:mod:`explorer.web`) and the printed map (:mod:`explorer.printmap`) both draw
:func:`display_geometries` of a scene frame; lengths and exports always use the data's own
geometry. Pure: no folium, no matplotlib.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Final

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiLineString, Polygon
from shapely.geometry.base import BaseGeometry

from explorer import borders, geometry, layers
from explorer.config import DISPLAY_CRS, METRIC_CRS

if TYPE_CHECKING:
    import pandas as pd

    from explorer.data import Dataset

__all__ = [
    "CORRIDOR_SIMPLIFY_M",
    "DISPLAY_DECIMALS",
    "LINE_SIMPLIFY_M",
    "SHAPE_SIMPLIFY_M",
    "display_geometries",
    "display_geometry",
    "shading_geometries",
]

#: Coordinates sent to the browser keep 4 decimals (about 10 m); shaded countries, simplified to
#: 3 km, keep 3 (about 100 m).
DISPLAY_DECIMALS: Final[int] = 4
SHADING_DECIMALS: Final[int] = 3
#: Douglas–Peucker tolerances for display (metres): border and fortification lines, corridors,
#: country shading.
LINE_SIMPLIFY_M: Final[float] = 150.0
CORRIDOR_SIMPLIFY_M: Final[float] = 250.0
#: Country shading is a fill under the border lines, drawn at country scale. It is simplified as
#: one coverage (:func:`shading_geometries`, Visvalingam–Whyatt: the tolerance is about the square
#: root of the triangle areas removed); 5 km gives as many vertices as the 3 km Douglas–Peucker
#: tolerance per country did (~8,500, ~160 kB of GeoJSON before compression).
SHAPE_SIMPLIFY_M: Final[float] = 5000.0
#: Shaded country polygons drop holes and islands smaller than these: the basemap's lakes are drawn
#: over the shading anyway, and a tiny unshaded island costs nothing in meaning.
SHADING_MIN_HOLE_KM2: Final[float] = 500.0
SHADING_MIN_PART_KM2: Final[float] = 50.0

_TO_METRIC: Final = Transformer.from_crs(DISPLAY_CRS, METRIC_CRS, always_xy=True)
_TO_LONLAT: Final = Transformer.from_crs(METRIC_CRS, DISPLAY_CRS, always_xy=True)

#: Fortification bands along a border: gaps up to this are bridged, spurs shorter than
#: :data:`BAND_MIN_PART_M` dropped (display only; lengths come from the data).
BAND_MAX_GAP_M: Final[float] = 2000.0
BAND_MIN_PART_M: Final[float] = 300.0

#: Display geometries kept in memory (one per data geometry and simplification; ~60 in use).
DISPLAY_CACHE_SIZE: Final[int] = 1024


# --- Simplification ---------------------------------------------------------------------------


def _round(geom: BaseGeometry, decimals: int) -> BaseGeometry:
    return shapely.transform(geom, lambda c: np.round(c, decimals))


def _approx_km2(poly: Polygon) -> float:
    """Area of a small lon/lat polygon in km², on a local equirectangular scale (for filtering)."""
    km_per_deg = 111.32
    return poly.area * km_per_deg * km_per_deg * math.cos(math.radians(poly.centroid.y))


def _drop_small_parts(geom: BaseGeometry, min_hole_km2: float, min_part_km2: float) -> BaseGeometry:
    """Remove holes and polygon parts smaller than the given areas."""
    polys = []
    for part in shapely.get_parts(geom):
        if not isinstance(part, Polygon) or _approx_km2(part) < min_part_km2:
            continue
        holes = [r for r in part.interiors if _approx_km2(Polygon(r)) >= min_hole_km2]
        polys.append(Polygon(part.exterior, holes))
    return shapely.MultiPolygon(polys) if len(polys) != 1 else polys[0]


@functools.lru_cache(maxsize=DISPLAY_CACHE_SIZE)
def display_geometry(
    geom: BaseGeometry | None,
    tolerance_m: float,
    *,
    min_hole_km2: float = 0.0,
    min_part_km2: float = 0.0,
    decimals: int = DISPLAY_DECIMALS,
    chain: bool = False,
) -> BaseGeometry | None:
    """Simplify (metres) and round a geometry for the browser; None if nothing is left.

    Memoised: shapely geometries are immutable and hash by value, and the display form of a
    data geometry does not depend on the date or language, so a rerun that changes those reuses
    it instead of projecting and simplifying again (about half of a rerun's time before).
    ``chain`` first joins line parts into bands (:func:`_chain_lines`).
    """
    if geom is None or geom.is_empty:
        return None
    if chain and isinstance(geom, LineString | MultiLineString):
        geom = _chain_lines(geom, max_gap_m=BAND_MAX_GAP_M, min_part_m=BAND_MIN_PART_M)
    if geom.geom_type in ("Polygon", "MultiPolygon") and (min_hole_km2 or min_part_km2):
        geom = _drop_small_parts(geom, min_hole_km2, min_part_km2)
    if geom.geom_type != "Point":
        geom = geometry.simplify_m(geom, tolerance_m)
    geom = _round(geom, decimals)
    return None if geom.is_empty else geom


def _chain_lines(geom: BaseGeometry, *, max_gap_m: float, min_part_m: float) -> BaseGeometry:
    """Join line parts into as few chains as possible, bridging gaps up to ``max_gap_m``.

    The OpenStreetMap land border comes in many pieces separated by tolerance gaps (up to 2 km,
    the build's ``MIN_GAP_M``) and tiny spurs. Drawn as is, a wide dashed band restarts its dash
    pattern on every piece and mostly vanishes. For display only: the nearest free ends are
    joined greedily (closest pair first), parts shorter than ``min_part_m`` are dropped.
    """
    parts = [
        np.asarray(p.coords)
        for p in shapely.get_parts(shapely.line_merge(geom))
        if isinstance(p, LineString) and len(p.coords) >= 2
    ]
    if len(parts) < 2:
        return geom
    chains, ends = [], []
    for coords in parts:
        x, y = _TO_METRIC.transform(coords[:, 0], coords[:, 1])
        if np.hypot(np.diff(x), np.diff(y)).sum() >= min_part_m:
            chains.append(coords)
            ends.extend([(x[0], y[0]), (x[-1], y[-1])])
    if not chains:
        return geom
    end_xy = np.asarray(ends, dtype=float)  # row 2i: start of chain i, row 2i + 1: its end
    alive = np.ones(len(chains), dtype=bool)
    while alive.sum() > 1:
        rows = np.flatnonzero(np.repeat(alive, 2))
        pts = end_xy[rows]
        dist = np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1])
        owner = rows // 2
        dist[owner[:, None] == owner[None, :]] = np.inf
        a, b = divmod(int(np.argmin(dist)), len(rows))
        if dist[a, b] > max_gap_m:
            break
        ra, rb = rows[a], rows[b]
        i, j = ra // 2, rb // 2
        head = chains[i] if ra % 2 else chains[i][::-1]  # ends where the join is
        tail = chains[j] if rb % 2 == 0 else chains[j][::-1]  # starts where the join is
        start_xy = (end_xy[2 * i] if ra % 2 else end_xy[2 * i + 1]).copy()
        stop_xy = (end_xy[2 * j + 1] if rb % 2 == 0 else end_xy[2 * j]).copy()
        chains[i] = np.concatenate([head, tail])
        end_xy[2 * i], end_xy[2 * i + 1] = start_xy, stop_xy
        alive[j] = False
    return MultiLineString([c for c, keep in zip(chains, alive, strict=True) if keep])


@functools.lru_cache(maxsize=8)
def shading_geometries(geoms: tuple[BaseGeometry | None, ...]) -> tuple[BaseGeometry | None, ...]:
    """Simplify the country shapes for shading as one coverage, so neighbours stay edge to edge.

    Simplifying each country on its own moves the two copies of a shared border apart (overlaps
    and slivers of up to ~100 km² at :data:`SHAPE_SIMPLIFY_M`). Here small parts and holes are
    dropped, then :func:`shapely.coverage_simplify` simplifies every shared border once (in
    metres), and coordinates are rounded to :data:`SHADING_DECIMALS`; a shared vertex rounds to
    the same place on both sides. Memoised (geometries hash by value).

    Parameters
    ----------
    geoms : tuple of shapely geometries or None
        The country shapes (lon/lat), which must not overlap (``geodata/country_shapes.geojson``
        is built as a clean coverage).

    Returns
    -------
    tuple
        The display geometry of each input, None where nothing is left.
    """
    metric: list[BaseGeometry] = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            metric.append(Polygon())
            continue
        kept = _drop_small_parts(geom, SHADING_MIN_HOLE_KM2, SHADING_MIN_PART_KM2)
        metric.append(shapely.transform(kept, _lonlat_to_metric))
    simple = shapely.coverage_simplify(np.asarray(metric, dtype=object), SHAPE_SIMPLIFY_M)
    rounded = [
        borders.polygonal_part(
            shapely.make_valid(_round(shapely.transform(g, _metric_to_lonlat), SHADING_DECIMALS))
        )
        for g in simple
    ]
    # Rounding can fold a shared border over, or open a hair gap, of a few hundred m²: clean the
    # coverage again (closing gaps under two grid steps), so that neighbours have the very same
    # vertices along their border (then no projection, Web
    # Mercator in the browser or equal-area in print, can open a sliver between them).
    cleaned = shapely.coverage_clean(
        np.asarray(rounded, dtype=object), gap_width=2 * 10.0**-SHADING_DECIMALS
    )
    out = []
    for geom in cleaned:  # the few nodes the cleaning adds are rounded too (alike on both sides)
        geom = borders.polygonal_part(shapely.make_valid(_round(geom, SHADING_DECIMALS)))
        out.append(None if geom.is_empty else geom)
    return tuple(out)


def _lonlat_to_metric(coords: np.ndarray) -> np.ndarray:
    return np.column_stack(_TO_METRIC.transform(coords[:, 0], coords[:, 1]))


def _metric_to_lonlat(coords: np.ndarray) -> np.ndarray:
    return np.column_stack(_TO_LONLAT.transform(coords[:, 0], coords[:, 1]))


def _lonlat_to_metric(coords: np.ndarray) -> np.ndarray:
    return np.column_stack(_TO_METRIC.transform(coords[:, 0], coords[:, 1]))


def _metric_to_lonlat(coords: np.ndarray) -> np.ndarray:
    return np.column_stack(_TO_LONLAT.transform(coords[:, 0], coords[:, 1]))


def _country_shading(ds: Dataset) -> dict[str, BaseGeometry | None]:
    shapes = ds.country_shapes
    simple = shading_geometries(tuple(shapes.geometry))
    return dict(zip((str(i) for i in shapes["iso3"]), simple, strict=True))


def display_geometries(ds: Dataset, frame: pd.DataFrame) -> list[BaseGeometry | None]:
    """Return the display geometry of each row of a scene frame (None: nothing left to draw).

    Border pieces and works are simplified to :data:`LINE_SIMPLIFY_M` (corridors to
    :data:`CORRIDOR_SIMPLIFY_M`, works' lines chained into bands), countries come from the
    shading coverage of every tracked country (:func:`shading_geometries`), the marks of works
    not drawn keep their point.

    Parameters
    ----------
    ds : Dataset
        The data (the shading is simplified over all country shapes at once).
    frame : pandas.DataFrame
        Rows of :func:`explorer.scene.layer_frame` (``layer``, ``precision``, ``record``,
        ``partial``, ``geometry``).
    """
    out: list[BaseGeometry | None] = []
    shading: dict[str, BaseGeometry | None] | None = None
    for layer, precision, record, partial, geom in zip(
        frame["layer"],
        frame["precision"],
        frame["record"],
        frame["partial"],
        frame.geometry,
        strict=True,
    ):
        match layers.family(layer):
            case "treaty":
                if shading is None:
                    shading = _country_shading(ds)
                out.append(shading.get(str(record)))
            case "programme" if not partial:
                tolerance = CORRIDOR_SIMPLIFY_M if precision == "corridor" else LINE_SIMPLIFY_M
                out.append(display_geometry(geom, tolerance, chain=True))
            case "programme":
                out.append(geom)
            case _:
                out.append(display_geometry(geom, LINE_SIMPLIFY_M))
    return out
