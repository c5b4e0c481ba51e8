"""Measurement in metres: geodesic lengths, simplification, corridors."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, Point, box

from explorer import geometry

# (geometry, expected metres) — reference values from pyproj/GeographicLib on WGS84.
CASES = [
    (LineString([(0, 0), (1, 0)]), 111_319.49),  # one degree of longitude on the equator
    (LineString([(0, 0), (0, 1)]), 110_574.39),  # one degree of latitude from the equator
    # One degree of longitude at 60°N: the geodesic is a little shorter than the 55,800.0 m
    # along the parallel (N(60°)·cos 60°·π/180 on WGS84).
    (LineString([(20, 60), (21, 60)]), 55_799.47),
    (MultiLineString([[(0, 0), (1, 0)], [(0, 0), (0, 1)]]), 111_319.49 + 110_574.39),
    (LineString(), 0.0),
    (Point(1, 2), 0.0),
    (None, 0.0),
]


@pytest.mark.parametrize(("geom", "expected"), CASES)
def test_geodesic_length(geom, expected):
    assert geometry.geodesic_length_m(geom) == pytest.approx(expected, abs=0.05)


def test_lengths_km_reprojects_before_measuring():
    line = gpd.GeoSeries([LineString([(20, 60), (21, 60)])], crs="EPSG:4326")
    in_metres = line.to_crs("EPSG:3035")
    assert geometry.lengths_km(in_metres)[0] == pytest.approx(55.8, abs=0.01)


def test_lengths_km_needs_a_crs():
    with pytest.raises(ValueError, match="no CRS"):
        geometry.lengths_km(gpd.GeoSeries([LineString([(0, 0), (1, 1)])]))


def test_length_is_not_degrees():
    # A degree-based length of this line would be 1.0; metres are five orders larger.
    assert geometry.geodesic_length_m(LineString([(20, 60), (21, 60)])) > 50_000


def test_simplify_reduces_vertices_and_length_monotonically(dataset):
    line = dataset.segments.set_index("id").loc["POL-BLR", "geometry"]
    lengths = [
        geometry.geodesic_length_m(geometry.simplify_m(line, tol)) for tol in (0, 100, 1000, 10_000)
    ]
    assert lengths == sorted(lengths, reverse=True)
    assert lengths[-1] < lengths[0] * 0.95


def test_corridor_lies_on_one_side_with_true_width():
    line = LineString([(20, 54), (21, 54)])
    south = box(19, 53, 22, 54)
    strip = geometry.corridor(line, south, 10)
    assert strip.bounds[3] <= 54.0 + 1e-9
    # 10 km south of 54°N is about 0.09° of latitude.
    assert strip.bounds[1] == pytest.approx(54 - 10 / 111.2, abs=0.01)
    assert not strip.intersects(box(19, 54.001, 22, 55))


def test_corridor_rejects_non_positive_width():
    with pytest.raises(ValueError, match="positive"):
        geometry.corridor(LineString([(0, 0), (1, 0)]), None, -1)


def test_merge_lines_joins_touching_pieces():
    merged = geometry.merge_lines(
        [LineString([(0, 0), (1, 0)]), None, LineString([(1, 0), (2, 0)])]
    )
    assert len(merged.geoms) == 1
    assert shapely.get_num_coordinates(merged) == 3
