"""Analysts' overlays: every format read, every bad input refused with its own clear message,
everything from the file escaped where it reaches HTML, and the app's upload panel (AppTest)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon
from streamlit.testing.v1 import AppTest

from explorer import config, i18n
from explorer.overlay import (
    Overlay,
    OverlayError,
    OverlayLimits,
    display,
    read_overlay,
    read_overlay_file,
)
from explorer.web import folium_map
from explorer.web import legend_html as web_legend

APP = str(Path(__file__).resolve().parent.parent / "explorer" / "app.py")
IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=1</script>"


# --- Builders -----------------------------------------------------------------------------------


def fc(*features: dict, **extra: object) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features), **extra}).encode()


def feat(geometry: dict | None, **props: object) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def pt(x: float, y: float) -> dict:
    return {"type": "Point", "coordinates": [x, y]}


def square(x: float, y: float, d: float = 0.5) -> dict:
    ring = [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def gpkg_bytes(tmp_path: Path, gdf: gpd.GeoDataFrame, layer: str = "sites", extra=None) -> bytes:
    path = tmp_path / "in.gpkg"
    gdf.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
    for name, frame in (extra or {}).items():
        frame.to_file(path, layer=name, driver="GPKG", engine="pyogrio")
    return path.read_bytes()


def shapefile_zip(tmp_path: Path, gdf: gpd.GeoDataFrame, *, prj: bool = True, folder: str = "",
                  drop: tuple[str, ...] = ()) -> bytes:  # fmt: skip
    out = tmp_path / "shp"
    out.mkdir(exist_ok=True)
    gdf.to_file(out / "sites.shp", engine="pyogrio")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(out.iterdir()):
            if part.suffix in drop or (part.suffix == ".prj" and not prj):
                continue
            archive.write(part, folder + part.name)
    return buffer.getvalue()


def refused(data: bytes, name: str, **kwargs) -> str:
    with pytest.raises(OverlayError) as info:
        read_overlay(data, name, **kwargs)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    return message


SITES = gpd.GeoDataFrame(
    {"name": ["Kuźnica", "Bobrowniki"], "kind": ["crossing", "crossing"]},
    geometry=[Point(23.65, 53.51), Point(23.94, 53.12)],
    crs="EPSG:4326",
)


# --- Good input ---------------------------------------------------------------------------------


def test_geojson_mixed_types_are_drawn_as_separate_kinds():
    data = fc(
        feat(pt(21.0, 52.2), name="Warsaw", n=1),
        feat({"type": "LineString", "coordinates": [[20, 50], [24, 55]]}, name="line"),
        feat(square(22, 53), name="area", nested={"a": [1, 2]}),
    )
    ov = read_overlay(data, "mine.geojson")
    assert isinstance(ov, Overlay) and ov.format == "geojson" and ov.name == "mine.geojson"
    assert ov.gdf.crs.to_epsg() == 4326
    assert ov.counts() == {"point": 1, "line": 1, "polygon": 1}
    assert ov.counts_text() == "1 point, 1 line, 1 polygon"
    assert list(ov.gdf["name"]) == ["Warsaw", "line", "area"]
    assert json.loads(ov.gdf.loc[2, "nested"]) == {"a": [1, 2]}
    assert ov.note_texts() == [
        "Mixed geometry types (Point, LineString, Polygon), each drawn in its own style."
    ]
    # GeoJSON is WGS84 by definition: nothing assumed, nothing reprojected
    assert not any("assumed" in n or "Reprojected" in n for n in ov.note_texts())


def test_single_feature_and_bare_geometry():
    ov = read_overlay(json.dumps(feat(pt(24.1, 56.9), name="Riga")).encode(), "riga.json")
    assert ov.gdf.loc[0, "name"] == "Riga"
    ov = read_overlay(json.dumps(square(25, 58)).encode(), "sq.geojson")
    assert ov.counts() == {"point": 0, "line": 0, "polygon": 1}


def test_geojson_with_a_legacy_crs_member_is_reprojected():
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3035"}}
    data = fc(feat(pt(5_000_000, 3_400_000), name="x"), crs=crs)
    ov = read_overlay(data, "laea.geojson")
    x, y = ov.gdf.geometry.iloc[0].coords[0]
    expected = Transformer.from_crs(3035, 4326, always_xy=True).transform(5e6, 3.4e6)
    assert (x, y) == pytest.approx(expected)
    assert ov.note_texts() == [
        "Reprojected from EPSG:3035 (ETRS89-extended / LAEA Europe) to WGS84 "
        "longitude/latitude (EPSG:4326)."
    ]


def test_geopackage_in_epsg3035_is_reprojected(tmp_path):
    data = gpkg_bytes(tmp_path, SITES.to_crs(3035))
    ov = read_overlay(data, "sites.gpkg")
    assert ov.format == "gpkg" and ov.gdf.crs.to_epsg() == 4326
    got = np.array([g.coords[0] for g in ov.gdf.geometry])
    assert got == pytest.approx(np.array([[23.65, 53.51], [23.94, 53.12]]), abs=1e-7)
    assert list(ov.gdf["name"]) == ["Kuźnica", "Bobrowniki"]
    assert any(n.startswith("Reprojected from EPSG:3035") for n in ov.note_texts())


def test_geopackage_first_layer_is_read_and_said(tmp_path):
    other = SITES.iloc[:1].assign(name="other")
    data = gpkg_bytes(tmp_path, SITES, layer="a_first", extra={"b_second": other})
    ov = read_overlay(data, "two.gpkg")
    assert len(ov.gdf) == 2
    assert "The GeoPackage has 2 layers; the first, a_first, was read." in ov.note_texts()


@pytest.mark.parametrize("folder", ["", "export/"])
def test_zipped_shapefile_with_prj(tmp_path, folder):
    data = shapefile_zip(tmp_path, SITES.to_crs(2180), folder=folder)  # Poland CS92
    ov = read_overlay(data, "sites.zip")
    assert ov.format == "shapefile" and len(ov.gdf) == 2
    assert ov.gdf.geometry.iloc[0].x == pytest.approx(23.65, abs=1e-6)
    assert any(n.startswith("Reprojected from EPSG:2180") for n in ov.note_texts())
    assert list(ov.gdf["name"]) == ["Kuźnica", "Bobrowniki"]


def test_zipped_shapefile_without_prj_says_wgs84_was_assumed(tmp_path):
    ov = read_overlay(shapefile_zip(tmp_path, SITES, prj=False), "noprj.zip")
    assert ov.gdf.geometry.iloc[1].y == pytest.approx(53.12)
    assert (
        "Shapefile carries no coordinate reference system: WGS84 longitude/latitude "
        "(EPSG:4326) was assumed."
    ) in ov.note_texts()


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("name,lat,lon", "a,52.2,21.0"),
        ("Name;Latitude;Longitude", "a;52.2;21.0"),
        ("name,Y,X", "a,52.2,21.0"),
        ("LON\tLAT\tname", "21.0\t52.2\ta"),
        ("name,latitude,lng", "a, 52.2 ,21.0"),
    ],
)
def test_csv_latitude_longitude_columns(header, row):
    ov = read_overlay(f"{header}\n{row}\n".encode(), "points.csv")
    assert ov.gdf.geometry.iloc[0].coords[0] == (21.0, 52.2)
    assert ov.gdf.iloc[0][next(c for c in ov.gdf.columns if c.lower() == "name")] == "a"
    assert "CSV carries no coordinate reference system" in " ".join(ov.note_texts())


def test_csv_with_bom_and_utf8_names():
    ov = read_overlay("\ufeffname,lat,lon\nBiałowieża,52.7,23.8\n".encode(), "bom.csv")
    assert ov.gdf.loc[0, "name"] == "Białowieża"


def test_heights_are_dropped_with_a_note():
    ov = read_overlay(fc(feat({"type": "Point", "coordinates": [21, 52, 100]})), "z.geojson")
    assert not ov.gdf.geometry.iloc[0].has_z
    assert "Heights (Z values) were dropped: the map is 2D." in ov.note_texts()


def test_benchmark_sizes_fit_the_default_limits():
    rng = np.random.default_rng(1)
    xy = rng.uniform([14, 48], [32, 61], size=(100_000, 2))
    csv_text = "id,lat,lon\n" + "\n".join(f"{i},{y:.6f},{x:.6f}" for i, (x, y) in enumerate(xy))
    assert read_overlay(csv_text.encode(), "100k.csv").counts()["point"] == 100_000
    polys = [feat(square(float(x), float(y), 0.02), id=i) for i, (x, y) in enumerate(xy[:20_000])]
    ov = read_overlay(fc(*polys), "20k.geojson")
    assert ov.counts()["polygon"] == 20_000
    assert config.OVERLAY_MAX_FEATURES >= 100_000 and config.OVERLAY_MAX_BYTES >= 15_000_000


def test_limits_can_be_set_per_call_and_by_environment(monkeypatch):
    data = fc(feat(pt(21, 52)), feat(pt(22, 52)), feat(pt(23, 52)))
    assert len(read_overlay(data, "three.geojson", max_features=3).gdf) == 3
    assert "3 features; the limit is 2" in refused(data, "three.geojson", max_features=2)
    assert "limit is 2" in refused(data, "t.geojson", limits=OverlayLimits(max_features=2))
    monkeypatch.setenv("BFE_OVERLAY_MAX_BYTES", "1234")
    assert config._env_int("OVERLAY_MAX_BYTES", 5) == 1234
    monkeypatch.setenv("BFE_OVERLAY_MAX_BYTES", "lots")
    assert config._env_int("OVERLAY_MAX_BYTES", 5) == 5


# --- Bad input: one clear message each ------------------------------------------------------------


def test_invalid_json():
    message = refused(b'{"type": "FeatureCollection", "features": [}', "broken.geojson")
    assert message.startswith("Invalid JSON at line 1, column 44: Expecting value")


@pytest.mark.parametrize(
    ("data", "got"),
    [(b"[1, 2]", "a list"), (b"42", "a number"), (b'"text"', "a string"), (b"null", "null")],
)
def test_json_that_is_not_an_object(data, got):
    assert refused(data, "x.geojson") == (
        "Expected a GeoJSON object (FeatureCollection, Feature or geometry), but the file "
        f"holds {got}."
    )


def test_coordinates_as_strings():
    data = fc(feat(pt(21, 52)), feat({"type": "Point", "coordinates": ["21.5", "52.1"]}))
    assert refused(data, "s.geojson") == (
        'Feature 2: coordinates must be numbers, but the Point has a string "21.5".'
    )
    poly = {"type": "Polygon", "coordinates": [[[0, 0], [1, "0"], [1, 1], [0, 0]]]}
    assert "Feature 1: coordinates must be numbers, but the Polygon has a string" in refused(
        fc(feat(poly)), "p.geojson"
    )


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"type": "FeatureCollection", "features": {}}, '"features" must be a list'),
        ({"type": "Topology"}, 'Unknown GeoJSON type "Topology"'),
        ({"type": "FeatureCollection", "features": [1]}, "Feature 1: expected an object"),
        ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": [1],
          "geometry": None}]}, 'Feature 1: "properties" must be an object or null, not a list'),
        ({"type": "Feature", "properties": {}, "geometry": "POINT(1 2)"},
         'Feature 1: "geometry" must be an object or null, not a string'),
        ({"type": "Feature", "geometry": {"type": "Circle", "coordinates": [1, 2]}},
         'Feature 1: unknown geometry type "Circle"'),
        ({"type": "Point", "coordinates": 5}, "a Point position must be a list of 2 or 3 numbers"),
        ({"type": "LineString", "coordinates": [1, 2]},
         "Feature 1: a LineString position must be a list of 2 or 3 numbers, got a number"),
        ({"type": "LineString", "coordinates": 5},
         "Feature 1: malformed LineString coordinates (found a number where a list was expected)"),
        ({"type": "Point", "coordinates": [True, 2]}, "coordinates must be numbers"),
    ],
)  # fmt: skip
def test_wrong_types(doc, expected):
    assert expected in refused(json.dumps(doc).encode(), "wrong.geojson")


@pytest.mark.parametrize("data", [b"", b"  \n\t "])
def test_empty_file(data):
    assert refused(data, "nothing.geojson") == "nothing.geojson is empty."
    assert refused(data, "nothing.csv") == "nothing.csv is empty."


def test_no_features_and_no_geometry():
    assert refused(fc(), "none.geojson") == "The file has no features."
    assert refused(fc(feat(None), feat(None)), "nulls.geojson") == (
        "No feature has a geometry: there is nothing to draw."
    )
    assert refused(b"name,lat,lon\n", "header.csv") == "The file has no features."
    ov = read_overlay(fc(feat(None, name="a"), feat(pt(21, 52), name="b")), "some.geojson")
    assert list(ov.gdf["name"]) == ["b"]
    assert "1 features without a usable geometry were left out: 1." in ov.note_texts()


def test_geopackage_without_geometry(tmp_path):
    import pandas as pd
    import pyogrio

    path = tmp_path / "table.gpkg"
    pyogrio.write_dataframe(pd.DataFrame({"a": [1, 2]}), path, layer="t", driver="GPKG")
    assert refused(path.read_bytes(), "table.gpkg") == (
        "No feature has a geometry: there is nothing to draw."
    )


def test_invalid_geometries_are_repaired_and_reported():
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[20, 50], [21, 51], [21, 50], [20, 51], [20, 50]]],
    }
    ov = read_overlay(fc(feat(square(22, 53)), feat(bowtie, name="bow")), "bow.geojson")
    geom = ov.gdf.geometry.iloc[1]
    assert geom.is_valid and geom.geom_type == "MultiPolygon" and geom.area == pytest.approx(0.5)
    assert "1 invalid geometries were repaired (make_valid): features 2." in ov.note_texts()


def test_geometries_that_cannot_be_repaired_are_dropped_or_refused():
    flat = {"type": "Polygon", "coordinates": [[[20, 50], [21, 50], [22, 50], [20, 50]]]}
    one_point_line = {"type": "LineString", "coordinates": [[20, 50]]}
    ov = read_overlay(fc(feat(square(22, 53)), feat(flat), feat(one_point_line)), "f.geojson")
    assert len(ov.gdf) == 1
    notes = " ".join(ov.note_texts())
    assert "could not be repaired safely and were left out: 2." in notes
    assert "features without a usable geometry were left out: 3." in notes
    assert refused(fc(feat(flat)), "flat.geojson") == (
        "No usable geometry: 1 invalid or malformed geometries could not be repaired."
    )
    assert "No usable geometry" in refused(fc(feat(one_point_line)), "l.geojson")


def test_coordinates_out_of_range():
    assert refused(fc(feat(pt(21, 52)), feat(pt(200, 52))), "far.geojson") == (
        "Coordinates out of range in feature 2: (200, 52). GeoJSON must be WGS84 "
        "longitude/latitude (RFC 7946); projected coordinates need a GeoPackage or a shapefile "
        "with its .prj."
    )
    assert refused(b"lat,lon\n95,21\n", "lat.csv").startswith(
        "Coordinates out of range in feature 1: (21, 95). The file gives no coordinate "
        "reference system, so WGS84 longitude/latitude was assumed"
    )


def test_projected_shapefile_without_prj_is_out_of_range(tmp_path):
    data = shapefile_zip(tmp_path, SITES.to_crs(3035), prj=False)
    message = refused(data, "laea.zip")
    assert re.match(r"Coordinates out of range in feature 1: \(5\.\d+e\+06, 3\.\d+e\+06\)\. The "
                    "file gives no coordinate reference system", message)  # fmt: skip


def test_reprojection_out_of_range_is_refused(tmp_path):
    data = gpkg_bytes(tmp_path, gpd.GeoDataFrame(geometry=[Point(1e12, 1e12)], crs=3035))
    assert "cannot be reprojected from EPSG:3035" in refused(data, "huge.gpkg")


def test_geometry_collection_is_refused():
    gc = {"type": "GeometryCollection", "geometries": [pt(1, 2)]}
    assert refused(fc(feat(pt(1, 2)), feat(gc)), "gc.geojson") == (
        "Feature 2 is a GeometryCollection: split it into separate point, line or polygon features."
    )


def test_file_over_the_size_limit(tmp_path):
    data = fc(*[feat(pt(21, 52), name="x" * 50) for _ in range(30)])
    assert refused(data, "big.geojson", max_bytes=1000) == (
        f"The file is {len(data) / 1000:.3g} kB; the limit is 1 kB."
    )
    path = tmp_path / "big.geojson"
    path.write_bytes(data)
    with pytest.raises(OverlayError, match=r"^The file is .* kB; the limit is 100 bytes\.$"):
        read_overlay_file(path, max_bytes=100)


def test_zip_bomb_is_refused_before_unpacking():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("bomb.shp", b"\0" * 60_000_000)
        archive.writestr("bomb.shx", b"")
        archive.writestr("bomb.dbf", b"")
    data = buffer.getvalue()
    assert len(data) < 200_000
    message = refused(data, "bomb.zip")
    assert re.fullmatch(
        r"The zip member bomb\.shp is compressed [\d,]+:1, more than 200:1: refused as a "
        r"possible zip bomb, before unpacking\.",
        message,
    )
    small = OverlayLimits(zip_max_uncompressed=10_000_000)
    assert refused(data, "bomb.zip", limits=small) == (
        "The zip would unpack to 60 MB; the limit is 10 MB. Refused before unpacking."
    )


def test_zip_with_too_many_members():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(6):
            archive.writestr(f"f{n}.txt", b"x")
    assert refused(buffer.getvalue(), "many.zip", limits=OverlayLimits(zip_max_members=5)) == (
        "The zip holds 6 files; at most 5 are accepted."
    )


@pytest.mark.parametrize("member", ["../evil.shp", "/abs/evil.shp", "a/../../evil.shp",
                                    "..\\evil.shp", "C:/evil.shp"])  # fmt: skip
def test_zip_path_traversal_is_refused(tmp_path, member, monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, b"x")
    monkeypatch.chdir(tmp_path)
    assert refused(buffer.getvalue(), "evil.zip") == (
        f"The zip member {member} has an unsafe path (absolute or with ..): refused."
    )
    assert list(tmp_path.parent.glob("evil.shp")) == [] and list(tmp_path.iterdir()) == []


def test_zip_without_a_complete_shapefile(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", b"hello")
    assert refused(buffer.getvalue(), "nothing.zip") == (
        "The zip holds no shapefile (.shp); found: readme.txt."
    )
    data = shapefile_zip(tmp_path, SITES, drop=(".dbf",))
    assert refused(data, "part.zip") == (
        "The shapefile sites.shp comes without its .dbf file(s): zip all its parts together."
    )
    assert refused(b"not a zip at all", "fake.zip").startswith("Not a readable zip archive:")


def test_non_utf8_text():
    latin1 = "name,lat,lon\nŁódź,51.8,19.5\n".encode("cp1250")
    assert refused(latin1, "lodz.csv") == (
        "The file is not UTF-8 text (byte 0xA3 on line 2): save it as UTF-8."
    )
    data = '{"type": "Point", "coordinates": [1, 2], "x": "é"}'.encode("latin-1")
    assert "not UTF-8 text (byte 0xE9 on line 1)" in refused(data, "x.geojson")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "a PNG image"),
        (b"PK\x03\x04\x14\0\0\0", "a zip archive"),
        (b"SQLite format 3\x00\x10\x00", "an SQLite database or GeoPackage"),
        (bytes(range(256)) * 4, "binary data"),
    ],
)
def test_binary_file_with_a_geojson_name(data, kind):
    assert refused(data, "image.geojson") == f"This is {kind}, not GeoJSON text."


def test_other_unreadable_files():
    assert refused(b'{"a": 1}', "map.kml") == (
        "map.kml: unsupported file type .kml. Use .geojson, .json, .gpkg, .zip (a zipped "
        "shapefile) or .csv."
    )
    assert (
        refused(b"hello", "t.gpkg")
        == "Not a readable GeoPackage: it is text, not an SQLite database."
    )
    assert refused(b"SQLite format 3\x00" + b"\x01" * 600, "bad.gpkg").startswith(
        "Not a readable GeoPackage: "
    )
    assert refused(b"a,b\n1,2\n", "cols.csv") == (
        "The CSV needs latitude and longitude columns (lat, latitude or y; lon, longitude or x); "
        "found: a, b."
    )
    assert refused(b"name,lat,lon\na,52,21\nb,north,21\n", "bad.csv") == (
        "Row 2 (line 3): lat 'north' is not a number."
    )
    assert (
        refused(b"name,lat,lon\na,,21\n", "blank.csv") == "Row 1 (line 2): lat '' is not a number."
    )


def test_missing_file(tmp_path):
    with pytest.raises(OverlayError, match=r"^Cannot read .*nope\.geojson: No such file"):
        read_overlay_file(tmp_path / "nope.geojson")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=300), ext=st.sampled_from([".geojson", ".json", ".gpkg", ".zip",
                                                          ".csv"]))  # fmt: skip
def test_any_bytes_give_an_overlay_or_one_clear_message(data, ext):
    try:
        read_overlay(data, "fuzz" + ext)
    except OverlayError as exc:
        assert str(exc) and "\n" not in str(exc) and "Traceback" not in str(exc)


@settings(max_examples=40, deadline=None)
@given(doc=st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                        lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(st.sampled_from(["type", "features", "geometry",
                                                           "coordinates", "properties"]),
                                          inner, max_size=4), max_leaves=20))  # fmt: skip
def test_any_json_gives_an_overlay_or_one_clear_message(doc):
    try:
        read_overlay(json.dumps(doc).encode(), "fuzz.geojson")
    except OverlayError as exc:
        assert str(exc) and "\n" not in str(exc)


def test_messages_are_translated_and_every_key_exists():
    with pytest.raises(OverlayError) as info:
        read_overlay(b"[1]", "x.geojson")
    assert info.value.text("pl").startswith("Oczekiwano obiektu GeoJSON")
    table = i18n.load()
    files = [
        *sorted(Path("explorer/overlay").glob("*.py")),
        *sorted(Path("explorer/printmap").glob("*.py")),
        *(Path(f"explorer/{m}") for m in ("export.py", "ui/overlay_panel.py")),
    ]
    source = "".join(path.read_text(encoding="utf-8") for path in files)
    keys = set(re.findall(r'"(overlay\.[a-z_.]+)"', source))
    keys |= {f"overlay.kind.{k}.{n}" for k in ("point", "line", "polygon") for n in ("one", "many")}
    keys |= {f"overlay.legend.{k}" for k in ("point", "line", "polygon")}
    missing = sorted(k for k in keys if k not in table and not k.endswith((".gpkg", ".shp")))
    assert missing == []


# --- Escaping: everything from the file is text ---------------------------------------------


def hostile() -> Overlay:
    data = fc(
        feat(pt(21, 52), name=IMG, **{SCRIPT: IMG, IMG: SCRIPT}),
        feat(square(22, 53), title=SCRIPT),
        feat({"type": "LineString", "coordinates": [[20, 50], [24, 55]]}, **{"id": IMG}),
    )
    return read_overlay(data, f"{IMG}.geojson")


def assert_escaped(text: str) -> None:
    assert "<img" not in text and "<script" not in text, text[:300]


def test_popups_and_tooltips_escape_property_names_and_values():
    ov = hostile()
    collection = display.overlay_collection(ov)
    texts = [
        f["properties"][key]
        for kind in ("point", "line", "polygon")
        for f in collection[kind]["features"]
        for key in ("tooltip", "popup")
    ]
    for text in texts:
        assert_escaped(text)
    point_popup = collection["point"]["features"][0]["properties"]["popup"]
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in point_popup  # name and value
    assert "<th>&lt;script&gt;window.__xss=1&lt;/script&gt;</th>" in point_popup
    assert collection["point"]["features"][0]["properties"]["tooltip"].startswith("&lt;img")
    assert collection["polygon"]["features"][0]["properties"]["tooltip"] == (
        "&lt;script&gt;window.__xss=1&lt;/script&gt;"
    )
    assert_escaped(collection["name"])
    assert collection["name"].startswith("Your overlay: &lt;img")


def test_canvas_labels_for_large_point_sets_are_escaped():
    n = display.CANVAS_MIN_FEATURES
    data = fc(*[feat(pt(20 + i / n, 52), name=SCRIPT) for i in range(n)])
    collection = display.overlay_collection(read_overlay(data, "many.geojson"))
    canvas = collection["canvas"]["point"]
    assert "point" not in collection and canvas["count"] == n
    assert set(canvas["labels"].split("|")) == {"&lt;script&gt;window.__xss=1&lt;/script&gt;"}
    page = _render_group(folium_map.overlay_group(collection))
    assert "bfe-overlay-canvas" in page
    assert "<script>window" not in page and "\\u0026lt;script\\u0026gt;window" in page


def _render_group(group) -> str:
    m = folium_map.build_base_map(center=(52, 21), zoom=6)
    group.add_to(m)
    return m.get_root().render()


def test_folium_layer_and_legend_escape_the_overlay():
    ov = hostile()
    html_ = _render_group(folium_map.overlay_group(display.overlay_collection(ov)))
    assert "<img src=x" not in html_ and "<script>window" not in html_
    assert "\\u0026lt;img src=x" in html_  # escaped HTML, inside JSON
    legend = web_legend.legend_html(display.legend_items(ov))
    assert_escaped(legend)
    assert "Your overlay: &lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;.geojson" in legend
    assert [i["label"] for i in display.legend_items(ov)] == [
        "Points (1)", "Lines (1)", "Polygons (1)",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def ds():
    from explorer.data import load_dataset

    return load_dataset()


def test_exported_html_and_svg_escape_the_overlay(ds):
    from explorer import export

    ov = hostile()
    page = export.export_bytes(ds, fmt="html", layers=["borders"], date=dt.date(2026, 1, 1),
                               overlay=ov).decode()  # fmt: skip
    assert "<img src=x" not in page and "<script>window" not in page
    assert "\\u0026lt;img src=x onerror" in page and "bfe-layer-overlay" in page
    svg = export.export_bytes(ds, fmt="svg", layers=["borders"], date=dt.date(2026, 1, 1),
                              overlay=ov).decode()  # fmt: skip
    assert "<img" not in svg and "<script" not in svg
    assert 'Your overlay: &lt;img src=x onerror="window.__xss=1"&gt;.geojson' in svg


def test_data_exports_carry_the_overlay_rows(ds):
    from explorer import export

    ov = read_overlay(fc(feat(pt(21, 52), name="mine", n=3), feat(pt(60, 80), name="far")),
                      "mine.geojson")  # fmt: skip
    out = json.loads(export.export_bytes(ds, fmt="geojson", layers=["borders"],
                                         date=dt.date(2026, 1, 1), overlay=ov))  # fmt: skip
    rows = [f for f in out["features"] if f["properties"]["layer"] == "overlay"]
    assert len(rows) == 1  # the one outside the view is not in it
    props = rows[0]["properties"]
    assert props["id"] == "overlay-1" and props["name"] == "mine" and props["sources"] == ""
    assert json.loads(props["properties"]) == {"name": "mine", "n": 3}
    assert props["attribution"] == "Your overlay: mine.geojson"
    assert any(f["properties"]["layer"] == "borders" for f in out["features"])


def test_static_map_with_dollar_signs_in_the_name(ds):
    from explorer import printmap

    ov = read_overlay(fc(feat(pt(21, 52))), "cost $5 and $x.geojson")
    fig = printmap.render_static(ds, layers=["borders"], date=dt.date(2026, 1, 1), overlay=ov)
    svg = printmap.figure_bytes(fig, "svg").decode()  # mathtext would fail or eat the $ signs
    assert "Your overlay: cost $5 and $x.geojson" in svg


# --- The app's panel (AppTest drives st.file_uploader) --------------------------------------


def map_message(at: AppTest) -> str:
    """Everything the map component gets on this run (its JSON arguments, as sent)."""
    comps = [e for e in at.main if e.type == "component_instance"]
    assert len(comps) == 1, "exactly one map"
    return comps[0].proto.json_args


def map_overlay(at: AppTest) -> dict | None:
    """The overlay part of the map's arguments (None without an overlay)."""
    return json.loads(map_message(at))["overlay"]


@pytest.fixture
def app():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.sidebar.file_uploader[0].set_value((name, data, "application/octet-stream"))
    at.run()
    assert not at.exception, at.exception
    return at


def test_app_upload_draws_the_overlay_and_keeps_it(app, monkeypatch):
    from explorer.ui import overlay_panel

    calls = []
    real = overlay_panel.read_overlay
    monkeypatch.setattr(
        overlay_panel, "read_overlay", lambda *a, **k: calls.append(a) or real(*a, **k)
    )
    before = map_message(app)
    assert "bfe-layer-overlay" not in before
    data = fc(feat(pt(21, 52), name=IMG), feat(square(22, 53), name=SCRIPT))
    upload(app, f"{IMG}.geojson", data)
    assert [s.value for s in app.sidebar.success] == [
        'On the map: &lt;img src=x onerror="window.\\_\\_xss=1"&gt;.geojson '
        "\\(1 point, 1 polygon\\)."
    ]
    script = map_message(app)
    assert "bfe-layer-overlay" in script and "<img src=x" not in script
    overlay = map_overlay(app)
    assert set(overlay["kinds"]) == {"point", "polygon"} and overlay["canvas"] == {}
    assert overlay["token"] == f"{app.session_state['overlay'].digest}:en"
    (point,) = overlay["kinds"]["point"]["features"]
    assert point["properties"]["tooltip"].startswith("&lt;img src=x")
    legend = next(h.proto.body for h in app.main.get("html") if "bfe-legend" in h.proto.body)
    assert "Your overlay: &lt;img" in legend and "<img" not in legend
    # reruns (a layer toggled) keep the overlay without reading the file again
    app.sidebar.checkbox[0].uncheck().run()
    assert "bfe-layer-overlay" in map_message(app) and len(calls) == 1
    assert map_overlay(app) == overlay
    assert app.session_state["overlay"].digest
    # the same file again is not read again either
    upload(app, "again.geojson", data)
    assert len(calls) == 1 and app.sidebar.error == []


def test_app_bad_upload_shows_the_error_and_keeps_the_previous_overlay(app):
    upload(app, "good.geojson", fc(feat(pt(21, 52), name="good")))
    before = map_message(app)
    upload(app, f"{SCRIPT}.geojson", b"[1, 2]")
    errors = [e.value for e in app.sidebar.error]
    assert len(errors) == 1
    assert errors[0].startswith(
        "&lt;script&gt;window.\\_\\_xss=1&lt;/script&gt;.geojson was not added:"
    )
    assert "but the file holds a list. The map is unchanged." in errors[0]
    assert map_message(app) == before  # the map and its overlay are as they were
    assert app.session_state["overlay"].name == "good.geojson"


def test_app_bad_upload_without_a_previous_overlay_and_remove(app):
    upload(app, "bomb.geojson", b"\x89PNG\r\n\x1a\n")
    assert "This is a PNG image, not GeoJSON text." in app.sidebar.error[0].value
    assert "bfe-layer-overlay" not in map_message(app)
    upload(app, "ok.csv", b"name,lat,lon\na,52,21\n")
    assert app.sidebar.error == []
    assert any("was assumed" in c.value for c in app.sidebar.caption)
    app.sidebar.button(key="overlay_remove").click().run()
    assert "bfe-layer-overlay" not in map_message(app) and map_overlay(app) is None
    assert app.sidebar.success == [] and app.session_state["overlay"] is None


def test_app_panel_in_polish(app):
    app.session_state["lang"] = "pl"
    upload(app, "bad.csv", b"a,b\n1,2\n")
    texts = [e.value for e in app.sidebar.error]
    assert texts and texts[0].startswith("Nie dodano bad.csv: CSV musi mieć kolumny")


def test_geometry_helpers_are_valid_after_reading():
    ov = read_overlay(
        fc(feat(square(22, 53)), feat({"type": "LineString", "coordinates": [[0, 0], [1, 1]]})),
        "v.geojson",
    )
    assert shapely.is_valid(ov.gdf.geometry.values).all()
    assert isinstance(ov.gdf.geometry.iloc[1], LineString) and isinstance(
        ov.gdf.geometry.iloc[0], Polygon
    )


def test_template_syntax_in_overlays_and_titles_is_not_evaluated(ds):
    """folium re-reads a page's scripts as Jinja templates: "{{ }}" from a file must stay text."""
    from explorer import export

    props = {"name": "{{ 'qz' ~ 'one' }}", "k{% if 1 %}X{% endif %}": "{# c #}"}
    doc = {"type": "Feature", "properties": props, "geometry": pt(21, 52)}
    ov = read_overlay(json.dumps(doc).encode(), "{{ 'qz' ~ 'two' }}.geojson")
    page = export.export_bytes(ds, fmt="html", layers=["borders"], date=dt.date(2026, 1, 1),
                               overlay=ov, title="{{ 'qz' ~ 'three' }}").decode()  # fmt: skip
    assert "qzone" not in page and "qztwo" not in page and "qzthree" not in page
    in_json = page.replace("\\u0026", "&")  # popups, tooltips and legend travel as JSON
    assert '"tooltip": "&#123;&#123; &#x27;qz&#x27; ~ &#x27;one&#x27; &#125;&#125;' in in_json
    assert "overlay: &#123;&#123; &#x27;qz&#x27; ~ &#x27;two&#x27; &#125;&#125;.geojson" in in_json
    assert ">&#123;&#123; &#x27;qz&#x27; ~ &#x27;three&#x27; &#125;&#125;</div>" in page  # header
