"""Large overlays on one canvas (issue 6): compact encoding, escaping, the app's cached script."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPoint, Point, Polygon
from streamlit.testing.v1 import AppTest

from benchmarks import large_data
from explorer.overlay import display, read_overlay
from explorer.web import controls, folium_map

APP = str(Path(__file__).resolve().parent.parent / "explorer" / "app.py")
FRONTEND = Path(__file__).resolve().parent.parent / "explorer" / "web" / "frontend"
SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'


def decode(b64: str, dtype: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(b64), dtype=dtype)


def fc(*features: dict) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def feat(geom, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}


# --- Encoding round trips ----------------------------------------------------------------------


def test_points_round_trip_including_multipoints():
    geoms = np.array(
        [Point(14.123456, 48.5), MultiPoint([(20.5, 52.25), (21.75, 53.125)]), Point(31.9, 60.9)],
        dtype=object,
    )
    d = display.canvas_data(geoms, "point")
    xy = decode(d["coords"], "<f4").reshape(-1, 2)
    np.testing.assert_allclose(xy, shapely.get_coordinates(geoms), atol=5e-6)  # float32: < 1 m
    assert d["count"] == 3 and d["parts"] == ""
    assert decode(d["groups"], "<u4").tolist() == [1, 2, 1]  # points per feature


def test_single_points_send_no_per_feature_counts():
    geoms = np.array([Point(20 + i / 10, 52) for i in range(5)], dtype=object)
    d = display.canvas_data(geoms, "point")
    assert d["groups"] == "" and len(decode(d["coords"], "<f4")) == 10
    assert d["labels"] is None and d["first"] == 1


def test_lines_round_trip_with_parts_per_feature():
    a = LineString([(20, 52), (21, 52.5), (22, 52)])
    b = MultiLineString([[(23, 54), (24, 54)], [(25, 55), (25.5, 55.5), (26, 55), (27, 56)]])
    d = display.canvas_data(np.array([a, b], dtype=object), "line")
    xy = decode(d["coords"], "<f4").reshape(-1, 2)
    sizes = decode(d["parts"], "<u4")
    assert sizes.tolist() == [3, 2, 4] and decode(d["groups"], "<u4").tolist() == [1, 2]
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    parts = [a, *b.geoms]
    for i, part in enumerate(parts):
        np.testing.assert_allclose(xy[starts[i] : starts[i + 1]], part.coords, atol=5e-6)


def _signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def test_polygons_round_trip_open_rings_oriented_for_nonzero_fill():
    # exterior clockwise and hole counter-clockwise on purpose: the encoding reorients both
    outer = [(20, 52), (20, 53), (21, 53), (21, 52)]
    hole = [(20.25, 52.25), (20.75, 52.25), (20.75, 52.75), (20.25, 52.75)]
    holed = Polygon(outer, [hole])
    multi = shapely.MultiPolygon([Polygon([(22, 52), (23, 52), (22.5, 53)]), Polygon(outer)])
    d = display.canvas_data(np.array([holed, multi], dtype=object), "polygon")
    xy = decode(d["coords"], "<f4").reshape(-1, 2)
    sizes = decode(d["parts"], "<u4")
    assert sizes.tolist() == [4, 4, 3, 4]  # closing vertex dropped from every ring
    assert decode(d["groups"], "<u4").tolist() == [2, 2]  # rings per feature
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    rings = [xy[starts[i] : starts[i + 1]] for i in range(len(sizes))]
    # Same rings back (closed again), whatever their orientation ...
    back = shapely.Polygon(rings[0], [rings[1]])
    assert back.normalize().equals_exact(holed.normalize(), 1e-5)
    # ... exteriors counter-clockwise, the hole clockwise (as lon/lat).
    assert [np.sign(_signed_area(r)) for r in rings] == [1, -1, 1, 1]


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown overlay kind"):
        display.canvas_data(np.array([Point(0, 0)], dtype=object), "blob")


# --- Which path, and labels --------------------------------------------------------------------


def test_large_kinds_go_to_the_canvas_small_ones_stay_geojson():
    n = display.CANVAS_MIN_FEATURES
    polys = [feat(Point(20 + i / n, 52).buffer(0.001, 3)) for i in range(n)]
    data = fc(*polys, feat(LineString([(20, 50), (21, 50)]), name="road"))
    collection = display.overlay_collection(read_overlay(data, "mixed.geojson"))
    assert set(collection["canvas"]) == {"polygon"} and "polygon" not in collection
    assert collection["line"]["features"][0]["properties"]["tooltip"] == "road"
    assert collection["canvas"]["polygon"]["count"] == n


def test_many_vertices_in_few_features_also_go_to_the_canvas():
    ring = Point(21, 52).buffer(1, quad_segs=display.CANVAS_MIN_VERTICES // 4)
    collection = display.overlay_collection(read_overlay(fc(feat(ring)), "big.geojson"))
    assert "polygon" not in collection and collection["canvas"]["polygon"]["count"] == 1


def test_canvas_labels_title_and_default_label_are_escaped():
    n = display.CANVAS_MIN_FEATURES
    data = fc(*[feat(Point(20 + i / n, 52), name=SCRIPT if i % 2 else None) for i in range(n)])
    ov = read_overlay(data, f"{IMG}.geojson")
    d = display.overlay_collection(ov, "pl")["canvas"]["point"]
    labels = d["labels"].split("|")
    assert len(labels) == n and labels[1] == "&lt;script&gt;window.__xss=1&lt;/script&gt;"
    assert labels[0] == ""  # no name: "Obiekt <n>" made in the browser from prefix + number
    assert (d["prefix"], d["suffix"], d["first"]) == ("Obiekt ", "", 1)
    assert d["title"].startswith("Twoja nakładka: &lt;img src=x onerror=&quot;")
    html = json.dumps(d)
    assert "<script>" not in html and "<img" not in html


def test_mixed_kinds_number_features_by_their_row():
    n = display.CANVAS_MIN_FEATURES
    rows = [feat(Point(20 + i / n, 52)) for i in range(n)]
    rows.insert(3, feat(LineString([(20, 50), (21, 50)])))  # row 4 is a line: points not contiguous
    ov = read_overlay(fc(*rows), "mixed.geojson")
    labels = display.overlay_collection(ov)["canvas"]["point"]["labels"].split("|")
    assert labels[:5] == ["Feature 1", "Feature 2", "Feature 3", "Feature 5", "Feature 6"]


def test_canvas_script_has_no_template_syntax_and_the_map_renders_escaped():
    js = controls.CANVAS_JS.read_text()
    # folium re-reads a saved page's scripts as Jinja templates: none of its openers may appear
    assert not re.search(r"\{[{%#]", js)
    n = display.CANVAS_MIN_FEATURES
    data = fc(*[feat(Point(20 + i / n, 52), name=IMG) for i in range(n)])
    group = folium_map.overlay_group(display.overlay_collection(read_overlay(data, "x.geojson")))
    m = folium_map.build_base_map(center=(52, 21), zoom=6)
    group.add_to(m)
    page = m.get_root().render()
    assert "bfeCanvasOverlay(" in page and "bfe-overlay-canvas" in page
    assert "<img src=x" not in page and "\\u0026lt;img src=x" in page


# --- The app: rendered once, reused after a toggle, compact ------------------------------------


def _component(at: AppTest):
    return next(e for e in at.main if e.type == "component_instance")


def test_app_large_overlay_is_rendered_once_and_sent_compactly(monkeypatch):
    from explorer.ui import map_view

    data = large_data.geojson_bytes("points")  # 100,000 points, an id each
    map_view._overlay_payload.clear()  # the cache is per process: start empty
    calls = []
    real = display.overlay_collection
    monkeypatch.setattr(
        display, "overlay_collection", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    at.sidebar.file_uploader[0].set_value(("large.geojson", data, "application/geo+json"))
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["overlay"].counts()["point"] == large_data.N_POINTS
    first = json.loads(_component(at).proto.json_args)
    overlay = first["overlay"]
    assert calls == [1]
    # Compact canvas data, not 100,000 GeoJSON features; the frontend draws it on the canvas.
    assert set(overlay["canvas"]) == {"point"} and overlay["kinds"] == {}
    assert overlay["canvas"]["point"]["count"] == large_data.N_POINTS
    assert "coordinates" not in json.dumps(overlay)
    assert "bfeCanvasOverlay(" in (FRONTEND / "map.js").read_text(encoding="utf-8")
    # A layer toggled: the rerun reuses the cached overlay (rendered once per file and language).
    at.sidebar.checkbox[0].uncheck().run()
    assert not at.exception
    proto = _component(at).proto
    second = json.loads(proto.json_args)
    assert second["layers"] != first["layers"]  # the toggle did change the map ...
    assert second["overlay"] == overlay  # ... not the overlay
    cached = map_view._overlay_payload(at.session_state["overlay"].digest, "en", None)
    assert json.loads(json.dumps(cached)) == overlay
    assert calls == [1]
    # What the browser gets for the map after the toggle: under 2.5 MB (GeoJSON was 3.3 MB).
    assert proto.ByteSize() < 2_500_000, proto.ByteSize()
    legend = next(h.proto.body for h in at.main.get("html") if "bfe-legend" in h.proto.body)
    assert "Your overlay: large.geojson" in legend and "Points (100,000)" in legend


def test_labels_with_the_separator_stay_one_label_each():
    geoms = np.array([Point(20, 52), Point(21, 52), Point(22, 52)], dtype=object)
    d = display.canvas_data(geoms, "point", labels=["a|b", None, "c"])
    assert d["labels"].split("|") == ["a&#124;b", "", "c"]
