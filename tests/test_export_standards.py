"""Exports other tools accept (issue 19): RFC 7946 GeoJSON, GDAL-clean files, sound PDFs and SVGs.

GDAL's own ``ogrinfo`` (Debian's ``gdal-bin``) opens every data export and reports its layers,
geometry types and feature counts; a missing ``ogrinfo`` fails under ``CI=true`` and skips
elsewhere. ``pikepdf`` (qpdf) checks the structure of every PDF we write.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pyogrio
import pytest
import shapely
from PIL import Image
from shapely.algorithms.cga import signed_area

from explorer import config, export, story, style
from explorer.data_files import GPKG_LAYERS
from explorer.overlay import read_overlay
from explorer.printmap import handout

AS_OF = dt.date.fromisoformat(config.DATA_AS_OF)
COMPARE = dt.date(2025, 1, 1)
POLAND = (14.0, 49.0, 24.5, 55.0)
MAP_LAYERS = ["borders", "treaty", "east-shield", "border-fence", "basemap"]
SVG = "{http://www.w3.org/2000/svg}"
#: A single part's geometry type -> its GeoPackage layer (:data:`GPKG_LAYERS`).
KIND_OF_TYPE = {"Point": "point", "LineString": "line", "Polygon": "polygon"}
#: How ``ogrinfo`` names each geometry type.
OGR_NAMES = {
    "Point": "Point",
    "MultiPoint": "Multi Point",
    "MultiLineString": "Multi Line String",
    "MultiPolygon": "Multi Polygon",
}


# --- GeoJSON: RFC 7946 ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def full_geojson(dataset) -> dict:
    """The GeoJSON export of every layer and every feature (no box)."""
    gdf = export.features_in_view(dataset, layers=style.LAYER_IDS, date=AS_OF, bbox=None)
    return json.loads(export.to_geojson_bytes(gdf, date=AS_OF))


def _polygons(geometry: dict | None) -> Iterator[list]:
    """Each polygon's rings (lists of positions) in a GeoJSON geometry."""
    if geometry is None:
        return
    if geometry["type"] == "Polygon":
        yield geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "GeometryCollection":
        for part in geometry["geometries"]:
            yield from _polygons(part)


def test_geojson_polygons_follow_the_right_hand_rule(full_geojson):
    exteriors, holes, wrong = 0, 0, []
    for feature in full_geojson["features"]:
        for rings in _polygons(feature["geometry"]):
            for n, ring in enumerate(rings):
                area = signed_area(shapely.LinearRing(ring))
                ok = area > 0 if n == 0 else area < 0  # exterior CCW, holes CW
                exteriors, holes = exteriors + (n == 0), holes + (n > 0)
                if not ok:
                    wrong.append((feature["properties"]["id"], n, area))
    assert exteriors > 100, "the full export should hold the country and treaty polygons"
    assert wrong == []


def test_geojson_is_wgs84_without_a_crs_member(full_geojson):
    assert full_geojson["type"] == "FeatureCollection"
    assert "crs" not in full_geojson
    assert all(
        "crs" not in f and "crs" not in (f["geometry"] or {}) for f in full_geojson["features"]
    )
    coords = shapely.get_coordinates(
        [shapely.geometry.shape(f["geometry"]) for f in full_geojson["features"] if f["geometry"]]
    )
    assert (abs(coords[:, 0]) <= 180).all() and (abs(coords[:, 1]) <= 90).all()
    assert 0 < coords[:, 0].min() and coords[:, 0].max() < 60  # lon first: Europe's east


# --- Data exports in GDAL's own tools ----------------------------------------------------------


@pytest.fixture(scope="session")
def ogrinfo() -> str:
    """Path of GDAL's ``ogrinfo``; fail in CI (``CI=true``) and skip elsewhere if missing."""
    path = shutil.which("ogrinfo")
    if path is None:
        message = "ogrinfo not found: apt-get install -y gdal-bin"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def data_exports(dataset, tmp_path_factory) -> dict[str, tuple[Path, int]]:
    """Each data export of the app's default view with every layer: format -> (file, rows)."""
    folder = tmp_path_factory.mktemp("standards")
    rows = len(export.features_in_view(dataset, layers=style.LAYER_IDS, date=AS_OF))
    out = {}
    for fmt in export.DATA_FORMATS:
        path = export.export(
            dataset, out_path=folder / f"view.{fmt}", layers=style.LAYER_IDS, date=AS_OF
        )
        out[fmt] = (path, rows)
    return out


def _ogr(ogrinfo: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [ogrinfo, *args], capture_output=True, text=True, timeout=120, check=False
    )


def _summary(ogrinfo: str, path: Path) -> dict[str, dict[str, str]]:
    """``ogrinfo -al -so``: layer name -> {"geometry": ..., "count": ..., "srs": ...}."""
    proc = _ogr(ogrinfo, "-ro", "-al", "-so", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "ERROR" not in proc.stderr and "Warning" not in proc.stderr, proc.stderr
    layers: dict[str, dict[str, str]] = {}
    for block in re.split(r"\n(?=Layer name: )", proc.stdout):
        name = re.search(r"^Layer name: (.+)$", block, re.M)
        if name is None:
            continue
        geometry = re.search(r"^Geometry: (.+)$", block, re.M)
        count = re.search(r"^Feature Count: (\d+)$", block, re.M)
        layers[name.group(1).strip()] = {
            "geometry": geometry.group(1).strip() if geometry else "None",
            "count": count.group(1) if count else "",
            "srs": "WGS 84" if re.search(r'GEOGCRS\["WGS 84"', block) else "",
        }
    return layers


def _reads_cleanly(ogrinfo: str, path: Path) -> None:
    """``ogrinfo -q``: every feature and geometry read, no error or warning."""
    proc = _ogr(ogrinfo, "-ro", "-q", "-al", "-geom=SUMMARY", str(path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == "", proc.stderr


def test_geopackage_has_one_geometry_type_per_layer_in_ogrinfo(ogrinfo, data_exports, dataset):
    path, rows = data_exports["gpkg"]
    _reads_cleanly(ogrinfo, path)
    layers = _summary(ogrinfo, path)
    gdf = export.features_in_view(dataset, layers=style.LAYER_IDS, date=AS_OF)
    elements = gdf.geom_type.str.removeprefix("Multi").map(KIND_OF_TYPE).value_counts()
    expected = {GPKG_LAYERS[e][0]: (GPKG_LAYERS[e][1], n) for e, n in elements.items()}
    assert set(expected) == {"features_points", "features_lines", "features_polygons"}
    assert set(layers) == {*expected, "sources"}
    for name, (geometry, count) in expected.items():
        assert layers[name]["geometry"] == OGR_NAMES[geometry]
        assert int(layers[name]["count"]) == count
        assert layers[name]["srs"] == "WGS 84"
    assert sum(int(layers[name]["count"]) for name in expected) == rows
    assert layers["sources"]["geometry"] == "None"
    assert "Unknown" not in json.dumps(layers)


def test_geojson_and_csv_open_in_ogrinfo(ogrinfo, data_exports):
    path, rows = data_exports["geojson"]
    _reads_cleanly(ogrinfo, path)
    (layer,) = _summary(ogrinfo, path).values()
    assert int(layer["count"]) == rows and layer["srs"] == "WGS 84"
    path, rows = data_exports["csv"]
    _reads_cleanly(ogrinfo, path)
    (layer,) = _summary(ogrinfo, path).values()
    assert int(layer["count"]) == rows
    assert layer["geometry"] != "None"  # the ``wkt`` column is read as the geometry


def test_geopackage_layers_split_points_lines_and_polygons_of_an_overlay(dataset, tmp_path):
    overlay = read_overlay(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {"name": "two"},
                     "geometry": {"type": "MultiPoint", "coordinates": [[21, 52], [22, 53]]}},
                    {"type": "Feature", "properties": {"name": "one"},
                     "geometry": {"type": "LineString", "coordinates": [[21, 52], [22, 53]]}},
                ],
            }
        ).encode(),
        "mine.geojson",
    )  # fmt: skip
    data = export.export_bytes(
        dataset, fmt="gpkg", layers=["borders"], date=AS_OF, bbox=POLAND, overlay=overlay
    )
    path = tmp_path / "mine.gpkg"
    path.write_bytes(data)
    layers = dict(pyogrio.list_layers(path))
    assert layers["features_points"] == "MultiPoint"
    assert layers["features_lines"] == "MultiLineString"
    assert "features_polygons" not in layers  # present only when it has rows
    points = pyogrio.read_dataframe(path, layer="features_points")
    assert "overlay" in set(points["layer"])


def test_an_empty_geopackage_keeps_its_columns_in_typed_layers(dataset, tmp_path):
    empty = export.features_in_view(dataset, layers=[], date=AS_OF)
    path = tmp_path / "empty.gpkg"
    path.write_bytes(export.to_gpkg_bytes(empty, ds=dataset))
    layers = dict(pyogrio.list_layers(path))
    assert layers == dict(GPKG_LAYERS.values())
    assert "sources" in pyogrio.read_dataframe(path, layer="features_points").columns


# --- PDFs, SVGs and PNGs -----------------------------------------------------------------------


def _pdf_problems(data: bytes) -> list[str]:
    """qpdf's structural check of a PDF (pikepdf), as a list of problems."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) >= 1
        return [str(p) for p in pdf.check_pdf_syntax()]


@pytest.fixture(scope="module")
def maps(dataset) -> dict[str, bytes]:
    """Every static map format, on one date and with ``--compare``: name -> bytes."""
    out = {}
    for fmt in ("png", "svg", "pdf"):
        for compare in (None, COMPARE):
            name = fmt if compare is None else f"{fmt}-compare"
            out[name] = export.export_bytes(
                dataset, fmt=fmt, layers=MAP_LAYERS, date=AS_OF, bbox=POLAND, dpi=60,
                title="Standards & checks", compare=compare,
            )  # fmt: skip
    return out


@pytest.mark.parametrize("name", ["pdf", "pdf-compare"])
def test_map_pdfs_pass_qpdfs_check(maps, name):
    assert _pdf_problems(maps[name]) == []


def test_the_handout_passes_qpdfs_check(dataset):
    chapters = story.load_chapters()
    two = [chapters[0], *[c for c in chapters if c.compare is not None][:1]]
    data = handout.handout_bytes(dataset, two, lang="en")
    assert _pdf_problems(data) == []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == len(two)


@pytest.mark.parametrize("name", ["svg", "svg-compare"])
def test_svgs_parse_as_xml_with_text_as_text(maps, name):
    root = ET.fromstring(maps[name])
    assert root.tag == f"{SVG}svg"
    texts = " ".join("".join(e.itertext()) for e in root.iter(f"{SVG}text"))
    assert "Standards & checks" in texts
    assert "OpenStreetMap" in texts
    # svg.fonttype "none": no glyph outlines standing in for letters
    assert not any((e.get("id") or "").startswith("DejaVu") for e in root.iter(f"{SVG}path"))


@pytest.mark.parametrize("name", ["png", "png-compare"])
def test_pngs_are_whole_images(maps, name):
    with Image.open(io.BytesIO(maps[name])) as image:
        image.verify()
        assert image.format == "PNG"
