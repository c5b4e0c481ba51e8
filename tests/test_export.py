"""Exports: features in a view, data formats with their sources, standalone HTML, atomic writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import io
import json
import os
import threading

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from PIL import Image

from explorer import (
    cli,
    config,
    export,
    files,
    printmap,
    style,
    table,
    text,
    timeline,
    view,
)
from explorer.web import assets
from explorer.web import page as web_page

AS_OF = dt.date.fromisoformat(config.DATA_AS_OF)
SOURCE_COLUMNS = ("sources", "source_refs", "attribution")


@pytest.fixture(scope="module")
def in_view(dataset):
    return export.features_in_view(dataset, layers=style.LAYER_IDS, date=AS_OF, bbox=None)


def _ids(gdf: pd.DataFrame) -> set[str]:
    return set(gdf["id"])


# --- Features in a view -------------------------------------------------------------------------


def test_every_feature_has_sources_that_resolve(dataset, in_view):
    assert set(table.COLUMNS) == set(in_view.columns)
    assert in_view.crs == "EPSG:4326"
    forts = dataset.fortifications
    drawn = set(forts.loc[forts["derive_method"] != "not-drawn", "programme"])
    # A programme whose works are all not drawn (sections not public) has no rows (issue 14).
    assert {"borders", "treaty", *drawn} == set(in_view["layer"])
    assert drawn <= set(style.PROGRAMME_COLOURS)
    works = in_view[~in_view["layer"].isin(["borders", "treaty"])]
    assert (works["status_as_of"] != "").all() and (works["status_source"] != "").all()
    known = set(dataset.sources.index)
    for row in in_view.itertuples():
        ids = row.sources.split("; ")
        assert ids and set(ids) <= known, row.id
        assert row.source_refs.count(" | ") == len(ids) - 1
        assert row.attribution == text.attribution_text()
        assert row.date == AS_OF.isoformat() and row.data_as_of == config.DATA_AS_OF


def test_fortifications_follow_the_date(dataset):
    def state(day: dt.date) -> str | None:
        gdf = export.features_in_view(dataset, layers=["border-fence"], date=day, bbox=None)
        found = gdf.loc[gdf["id"] == "lv-ru-fence", "state"]
        return found.iloc[0] if len(found) else None

    assert state(dt.date(2014, 12, 31)) is None  # begun in 2015
    assert state(dt.date(2020, 1, 1)) == "under-construction"
    assert state(dt.date(2025, 12, 1)) == "complete"


def test_treaty_rows_give_the_status_on_the_date(dataset):
    day = dt.date(2026, 2, 20)
    gdf = export.features_in_view(dataset, layers=["treaty"], date=day, bbox=None)
    pol = gdf.set_index("country").loc["POL"]
    assert pol["state"] == timeline.status_on(dataset.treaty_events, "POL", "APMBC", day).status
    assert pol["id"] == "APMBC-POL" and pol["since"]


def test_bbox_keeps_only_what_touches_it(dataset):
    finland = export.features_in_view(
        dataset, layers=["borders", "border-fence"], date=AS_OF, bbox=(24, 62, 33, 70)
    )
    assert set(finland["segment_ids"]) >= {"FIN-RUS"}
    assert "POL-BLR" not in set(finland["segment_ids"])
    # The Finnish fence is not drawn (its sections are not public), so no row (issue 14).
    assert "fi-ru-fence" not in _ids(finland) and "lt-by-fence" not in _ids(finland)
    baltic = export.features_in_view(
        dataset, layers=["border-fence"], date=AS_OF, bbox=(26, 56, 29, 58)
    )
    assert "lv-ru-fence" in _ids(baltic)


def test_names_follow_the_language(dataset):
    gdf = export.features_in_view(dataset, layers=["borders"], date=AS_OF, lang="pl", bbox=None)
    assert "Polska–Białoruś" in set(gdf["name"])
    with pytest.raises(ValueError, match="language"):
        export.features_in_view(dataset, layers=["borders"], date=AS_OF, lang="de")
    with pytest.raises(ValueError, match="unknown layer"):
        export.features_in_view(dataset, layers=["roads"], date=AS_OF)


# --- Data formats round-trip with their source columns ----------------------------------------


def test_geojson_round_trips_with_source_columns(in_view):
    data = export.to_geojson_bytes(in_view, title="T", date=AS_OF)
    raw = json.loads(data)
    assert raw["attribution"] == text.attribution_text() and raw["date"] == AS_OF.isoformat()
    back = gpd.read_file(io.BytesIO(data))
    assert len(back) == len(in_view)
    for column in SOURCE_COLUMNS:
        assert back[column].tolist() == in_view[column].tolist()
    assert back.geometry.is_valid.all()


def test_geopackage_round_trips_with_source_columns_and_a_sources_table(dataset, in_view, tmp_path):
    path = tmp_path / "view.gpkg"
    path.write_bytes(export.to_gpkg_bytes(in_view, ds=dataset))
    layers = dict(pyogrio.list_layers(path))
    assert layers == {
        "features_points": "Point",
        "features_lines": "MultiLineString",
        "features_polygons": "MultiPolygon",
        "sources": None,
    }
    kinds = in_view.geom_type.str.removeprefix("Multi")
    for name, kind in (("points", "Point"), ("lines", "LineString"), ("polygons", "Polygon")):
        back = gpd.read_file(path, layer=f"features_{name}")
        rows = in_view[kinds == kind]
        assert back.crs == "EPSG:4326" and len(back) == len(rows) > 0
        assert set(back.geom_type.str.removeprefix("Multi")) == {kind}
        for column in SOURCE_COLUMNS:
            assert back[column].tolist() == rows[column].tolist()
    sources = pyogrio.read_dataframe(path, layer="sources")
    assert set(sources["id"]) == set(table.sources_of(in_view))
    assert {"publisher", "title", "url", "date", "accessed"} <= set(sources.columns)


def test_geopackage_of_an_empty_view(dataset, tmp_path):
    empty = export.features_in_view(dataset, layers=[], date=AS_OF)
    path = tmp_path / "empty.gpkg"
    path.write_bytes(export.to_gpkg_bytes(empty, ds=dataset))
    for name in ("features_points", "features_lines", "features_polygons"):
        back = gpd.read_file(path, layer=name)
        assert len(back) == 0 and "sources" in back.columns


def test_csv_has_source_columns_points_and_wkt(in_view):
    frame = pd.read_csv(io.BytesIO(export.to_csv_bytes(in_view)))
    assert len(frame) == len(in_view)
    assert list(frame.columns[-3:]) == ["lon", "lat", "wkt"]
    for column in SOURCE_COLUMNS:
        assert frame[column].tolist() == in_view[column].tolist()
    geoms = shapely.from_wkt(frame["wkt"])
    assert shapely.is_valid(geoms).all()
    # the point lies on its feature
    points = shapely.points(frame["lon"], frame["lat"])
    assert (shapely.distance(points, geoms) < 1e-4).all()


# --- Standalone HTML ----------------------------------------------------------------------------


def test_html_is_standalone_with_legend_popups_and_escaped_title(dataset):
    html_page = web_page.to_html_bytes(
        dataset, layers=style.LAYER_IDS, date=AS_OF, title="<script>alert(1)</script> & map"
    ).decode("utf-8")
    page = html_page
    assert page.startswith("<!DOCTYPE html>")
    assert assets.find_external_assets(page) == []
    assert "/app/static" not in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; map" in page
    for layer in ("borders", "treaty", "east-shield", "border-fence"):
        assert f"bfe-layer-{layer}" in page
    assert "bfe-legend" in page and "Required segment (one of the three)" in page
    assert "bfe-popup" in page and "Sources" in page
    assert f"data as of {config.DATA_AS_OF}" in page


# --- Formats, names, the one entry point --------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fmt", "expected"),
    [
        ("a.png", None, "png"),
        ("A.PDF", None, "pdf"),
        ("a.htm", None, "html"),
        ("a.geojson", None, "geojson"),
        ("a.gpkg", None, "gpkg"),
        ("a.csv", None, "csv"),
        ("a.out", "csv", "csv"),
        ("a", "svg", "svg"),
    ],
)
def test_format_for(path, fmt, expected):
    assert export.format_for(path, fmt) == expected


@pytest.mark.parametrize(
    ("path", "fmt", "match"),
    [
        ("a.txt", None, "cannot tell the format"),
        ("a", None, "cannot tell the format"),
        ("a.png", "pdf", "does not match"),
        ("a.png", "tiff", "unknown format"),
    ],
)
def test_format_for_rejects(path, fmt, match):
    with pytest.raises(export.ExportError, match=match):
        export.format_for(path, fmt)


def test_format_tables_agree():
    assert set(export.MIME_TYPES) == set(export.FORMATS) == set(export.EXTENSIONS.values())
    assert cli.EXPORT_FORMATS == export.FORMATS
    assert export.default_filename("png", AS_OF).endswith(f"{AS_OF.isoformat()}.png")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"fmt": "tiff"}, export.ExportError),
        ({"fmt": "png", "layers": ["roads"]}, export.ExportError),
        ({"fmt": "png", "dpi": 1000}, export.ExportError),
        ({"fmt": "csv", "bbox": (20, 60, 30, 50)}, ValueError),
    ],
)
def test_export_bytes_rejects_bad_arguments(dataset, kwargs, error):
    args = {"layers": ["borders"], "date": AS_OF, **kwargs}
    with pytest.raises(error):
        export.export_bytes(dataset, **args)


def test_export_writes_each_kind_of_file(dataset, tmp_path):
    png = export.export(
        dataset, out_path=tmp_path / "m.png", layers=["borders"], date=AS_OF, dpi=50
    )
    with Image.open(png) as image:
        assert image.size == (800, 500)
    gj = export.export(dataset, out_path=tmp_path / "m.geojson", layers=["borders"], date=AS_OF)
    assert len(gpd.read_file(gj)) > 0
    with pytest.raises(FileNotFoundError, match="folder"):
        export.export(dataset, out_path=tmp_path / "missing" / "m.csv", layers=["borders"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.geojson", "m.png"]


# --- Atomic writes ------------------------------------------------------------------------------


def test_write_atomic_failure_leaves_no_file_and_no_temp(tmp_path, monkeypatch):
    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        files.write_atomic(tmp_path / "out.csv", b"x" * 100_000)
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_failure_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("rename failed")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(OSError, match="rename failed"):
        files.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_failed_export_leaves_no_partial_file(dataset, tmp_path, monkeypatch):
    def broken_render(*args: object, **kwargs: object) -> None:
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(printmap, "render_static", broken_render)
    with pytest.raises(RuntimeError, match="renderer crashed"):
        export.export(dataset, out_path=tmp_path / "map.png", layers=["borders"], date=AS_OF)
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_uses_the_umask_like_any_new_file(tmp_path):
    old = os.umask(0o022)
    try:
        target = files.write_atomic(tmp_path / "f.bin", b"1")
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644


def test_two_writers_of_one_path_both_succeed_with_a_whole_file(tmp_path):
    target = tmp_path / "same.bin"
    payloads = [bytes([n]) * 3_000_000 for n in (1, 2)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(data: bytes) -> None:
        try:
            barrier.wait()
            for _ in range(5):
                files.write_atomic(target, data)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(p,)) for p in payloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert target.read_bytes() in payloads
    assert [p.name for p in tmp_path.iterdir()] == ["same.bin"]


def test_two_exports_at_once_do_not_collide(dataset, tmp_path):
    target = tmp_path / "map.png"
    errors: list[BaseException] = []

    def run(layers: list[str]) -> None:
        try:
            export.export(dataset, out_path=target, layers=layers, date=AS_OF, dpi=50)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(ly,)) for ly in (["borders"], ["treaty"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Image.open(target) as image:
        assert image.size == (800, 500)
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]


# --- Boxes outside the data ----------------------------------------------------------------------


def test_the_data_window_is_the_extent_of_the_drawn_data():
    west, south, east, north = view.data_window()
    for name in ("basemap_countries.geojson", "country_shapes.geojson"):
        bounds = gpd.read_file(config.GEODATA_DIR / name).total_bounds
        assert west <= bounds[0] and south <= bounds[1], name
        assert bounds[2] <= east and bounds[3] <= north, name
    assert (west, east) == (3.0, 46.0)


def test_a_box_outside_the_data_is_refused(dataset):
    with pytest.raises(export.OutsideDataError, match="entirely outside the map's data"):
        export.export_bytes(dataset, fmt="png", layers=style.LAYER_IDS, date=AS_OF,
                            bbox=(-80, 10, -60, 20))  # fmt: skip
    with pytest.raises(export.OutsideDataError, match=r"3–46°E"):
        export.export_bytes(dataset, fmt="csv", layers=["treaty"], date=AS_OF,
                            bbox=(50, 50, 60, 55))  # fmt: skip


def test_cli_box_outside_the_data_exits_2_with_one_line(capsys, tmp_path):
    out = tmp_path / "sea.png"
    code, _, stderr = cli_main(capsys, "export", "--out", str(out), "--bbox=-80,10,-60,20")
    assert code == 2
    assert stderr.count("\n") == 1 and "entirely outside the map's data" in stderr
    assert not out.exists()


def test_cli_box_partly_outside_warns_on_stderr_and_on_the_map(capsys, tmp_path, dataset):
    out = tmp_path / "edge.svg"
    code, _, stderr = cli_main(
        capsys, "export", "--out", str(out), "--bbox", "40,55,52,62", "--layers", "treaty,basemap"
    )
    assert code == 0, stderr
    assert stderr.startswith("python -m explorer export: warning: Part of the box 40,55,52,62")
    assert stderr.count("\n") == 1
    svg = html.unescape(out.read_text(encoding="utf-8"))
    assert "lies outside the map" in svg  # printed on the map too
    inside = printmap.figure_bytes(
        printmap.render_static(dataset, layers=["treaty"], date=AS_OF,
                               bbox=(20, 50, 30, 55)), "svg"
    )  # fmt: skip
    assert b"outside the map" not in inside


def test_polish_warning_uses_a_decimal_comma(capsys, tmp_path):
    out = tmp_path / "edge.png"
    code, _, stderr = cli_main(capsys, "export", "--out", str(out), "--bbox", "40,55,52,62",
                               "--lang", "pl", "--dpi", "50", "--layers", "none")  # fmt: skip
    assert code == 0
    assert "42,5–72,5°N" in stderr and "Część obszaru" in stderr


def cli_main(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_exports_carry_each_works_length_status_date_and_audit_date(dataset):
    forts = dataset.fortifications.copy()
    forts.loc[forts["id"] == "lv-ru-fence", "verified"] = dt.date(2026, 12, 6)
    forts.loc[forts["id"] == "lv-by-fence", "verified"] = None  # as if not yet audited
    ds = dataclasses.replace(dataset, fortifications=forts)
    gdf = export.features_in_view(ds, layers=["border-fence"], date=AS_OF, bbox=None)
    rows = gdf.set_index("id")
    assert rows.loc["lv-ru-fence", "verified"] == "2026-12-06"
    assert rows.loc["lv-by-fence", "verified"] == ""  # not verified: empty, never a guess
    frame = pd.read_csv(io.BytesIO(export.to_csv_bytes(gdf)), keep_default_na=False)
    back = gpd.read_file(io.BytesIO(export.to_geojson_bytes(gdf, title="T", date=AS_OF)))
    for read in (frame, back):  # GeoJSON readers may parse the dates: compare their text
        got = read.loc[read["id"] == "lv-ru-fence"].iloc[0]
        assert float(got["length_km"]) == 280.0
        assert str(got["status_as_of"])[:10] == "2025-12-30"
        assert str(got["verified"])[:10] == "2026-12-06"
