"""Deriving border lines from polygons and TopoJSON arcs (the geodata build's pure parts)."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString, MultiLineString, box

from explorer import borders


def test_decode_topojson_arcs_is_delta_encoded():
    topo = {
        "transform": {"scale": [0.5, 0.25], "translate": [10, 50]},
        "arcs": [[[0, 0], [2, 4], [2, 0]]],
    }
    assert borders.decode_topojson_arcs(topo)[0].tolist() == [[10, 50], [11, 51], [12, 51]]


def test_shared_arcs_line_uses_arcs_both_countries_reference():
    topo = {"arcs": [[[0, 0], [1, 0]], [[1, 0], [2, 0]], [[5, 5], [6, 6]]]}
    arcs = borders.decode_topojson_arcs(topo)
    a = {"type": "Polygon", "arcs": [[0, 1, 2]]}
    b = {"type": "MultiPolygon", "arcs": [[[~1, ~0]]]}
    line = borders.shared_arcs_line(arcs, a, b)
    assert line.length == pytest.approx(2.0)


def test_shared_boundary_tolerates_small_gaps_but_not_coasts():
    west = box(0, 0, 1000, 1000)
    east = box(1020, 0, 2000, 600)  # 20 m apart: same border, imperfect data
    # The shared 600 m, plus at most the tolerance of overshoot at each end.
    assert 600 <= borders.shared_boundary(west, east, tolerance_m=50).length <= 600 + 2 * 50
    assert borders.shared_boundary(west, east, tolerance_m=10).is_empty


def test_gap_fill_takes_only_the_uncovered_stretch_even_when_lines_are_offset():
    ref = LineString([(0, 0), (20_000, 0)])
    # The detailed line runs 3 km off the reference but covers all of it except 8–12 km.
    det = MultiLineString([[(0, 3000), (8000, 3000)], [(12_000, 3000), (20_000, 3000)]])
    fill = borders.gap_fill(det, ref, min_gap_m=1000)
    assert fill.length == pytest.approx(4000)
    assert fill.bounds == (8000, 0, 12_000, 0)


def test_gap_fill_ignores_short_gaps_and_far_lines():
    ref = LineString([(0, 0), (10_000, 0)])
    det = MultiLineString([[(0, 0), (4_900, 0)], [(5_100, 0), (10_000, 0)]])
    assert borders.gap_fill(det, ref, min_gap_m=500).is_empty
    far = MultiLineString([[(0, 50_000), (10_000, 50_000)]])
    assert borders.gap_fill(far, ref).length == pytest.approx(10_000)


def test_polygonal_part_drops_lines():
    from shapely.geometry import GeometryCollection

    out = borders.polygonal_part(
        GeometryCollection([box(0, 0, 1, 1), LineString([(0, 0), (5, 5)])])
    )
    assert out.geom_type == "Polygon"
