"""``python -m explorer export`` and ``layers``: files written; bad arguments give one line."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from cli_runner import run
from cli_runner import run_in_process as main
from PIL import Image

from explorer import style


def test_export_png_as_analysts_run_it(tmp_path):
    out = tmp_path / "east shield.png"
    proc = run(
        "export", "--out", str(out), "--layers", "borders,east-shield,basemap",
        "--date", "2025-06-01", "--bbox", "14,49,24.5,55", "--title", "East Shield", "--dpi", "60",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"Wrote {out} (png, ") and proc.stdout.count("\n") == 1
    with Image.open(out) as image:
        assert image.size == (960, 600)
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


def test_layers_lists_ids_with_titles(capsys):
    code, out, _ = main(capsys, "layers", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["id"] for r in rows] == list(style.LAYER_IDS)
    assert all(r["title"] and isinstance(r["default"], bool) for r in rows)
    code, out, _ = main(capsys, "layers")
    assert code == 0 and "east-shield" in out and "East Shield (Poland)" in out


def test_export_data_formats_with_defaults(capsys, tmp_path):
    code, _, err = main(capsys, "export", "--out", str(tmp_path / "v.gpkg"), "--layers",
                          "borders,treaty", "--date", "2026-02-20")  # fmt: skip
    assert code == 0, err
    lines = gpd.read_file(tmp_path / "v.gpkg", layer="features_lines")
    polygons = gpd.read_file(tmp_path / "v.gpkg", layer="features_polygons")
    assert {"sources", "source_refs", "attribution"} <= set(lines.columns)
    assert set(lines["layer"]) == {"borders"} and set(polygons["layer"]) == {"treaty"}
    code, _, err = main(capsys, "export", "--out", str(tmp_path / "v.txt"), "--format", "csv")
    assert code == 0, err
    header = (tmp_path / "v.txt").read_text(encoding="utf-8").splitlines()[0]
    assert "sources" in header and header.endswith("lon,lat,wkt")


BAD = [
    (["--out", "{tmp}/m.txt"], "cannot tell the format from the extension '.txt'"),
    (["--out", "{tmp}/m"], "cannot tell the format"),
    (["--out", "{tmp}/m.png", "--format", "pdf"], "does not match the format 'pdf'"),
    (["--out", "{tmp}/m.png", "--format", "tiff"], "argument --format: invalid choice"),
    (["--out", "{tmp}/m.png", "--layers", "borders,roads"], "unknown layer(s) roads"),
    (["--out", "{tmp}/m.png", "--layers", ","], "no layer given"),
    (["--out", "{tmp}/m.png", "--date", "2026-02-30"], "invalid date '2026-02-30'"),
    (["--out", "{tmp}/m.png", "--date", "20-02-2026"], "invalid date"),
    (["--out", "{tmp}/m.png", "--date", "1990-01-01"], "outside the map's range"),
    (["--out", "{tmp}/m.png", "--bbox", "30,50,20,60"], "west (30) must be less than east"),
    (["--out", "{tmp}/m.png", "--bbox", "20,60,30,50"], "south (60) must be less than north"),
    (["--out", "{tmp}/m.png", "--bbox", "10,50,20"], "needs 4 numbers"),
    (["--out", "{tmp}/m.png", "--bbox", "a,b,c,d"], "needs 4 numbers"),
    (["--out", "{tmp}/m.png", "--bbox", "10,50,200,60"], "within -180..180"),
    (["--out", "{tmp}/m.png", "--bbox", "10,-89,20,60"], "within -85..85"),
    (["--out", "{tmp}/m.png", "--dpi", "20"], "invalid dpi '20'"),
    (["--out", "{tmp}/m.png", "--dpi", "601"], "invalid dpi '601'"),
    (["--out", "{tmp}/m.png", "--dpi", "1.5"], "invalid dpi"),
    (["--out", "{tmp}/m.png", "--lang", "de"], "argument --lang: invalid choice"),
    (["--out", "{tmp}/missing/m.png"], "output folder does not exist"),
    (["--out", "{tmp}"], "is a folder"),
    (["--layers", "borders"], "the following arguments are required: --out"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_arguments_print_one_line_and_exit_2(capsys, tmp_path, args, message):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code, out, err = main(capsys, "export", *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith("python -m explorer export: error: ")
    assert message in err
    assert list(tmp_path.iterdir()) == []


def test_bad_argument_from_the_shell_exits_2():
    proc = run("export", "--out", "map.png", "--bbox", "30,50,20,60")
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "west (30) must be less than east (20)" in proc.stderr


@pytest.mark.parametrize("command", ["export", "layers"])
def test_help(capsys, command):
    code, out, _ = main(capsys, command, "--help")
    assert code == 0 and "usage: python -m explorer " + command in out


# --- --overlay FILE (issue 7) ------------------------------------------------------------------


def _overlay_file(tmp_path, name="mine.geojson") -> str:
    ring = [[22.0, 52.0], [23.5, 52.0], [23.5, 53.0], [22.0, 53.0], [22.0, 52.0]]
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "area", "<b>": "<script>x</script>"},
             "geometry": {"type": "Polygon", "coordinates": [ring]}},
            {"type": "Feature", "properties": {"name": "site"},
             "geometry": {"type": "Point", "coordinates": [19.0, 51.0]}},
        ],
    }  # fmt: skip
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def _overlay_pixels(path) -> int:
    """Count strongly indigo pixels (the overlay's outline, points and legend swatch)."""
    with Image.open(path) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 22)
    return sum(n for n, (r, g, b) in colours if b - g > 60 and r < 150 and b > 100)


def test_export_png_with_overlay_draws_it(capsys, tmp_path):
    overlay = _overlay_file(tmp_path / "..")
    view = ["--layers", "borders", "--bbox", "14,49,24.5,55", "--dpi", "60", "--date", "2026-01-01"]
    code, out, err = main(capsys, "export", "--out", str(tmp_path / "with.png"), *view,
                          "--overlay", overlay)  # fmt: skip
    assert code == 0, err
    assert out.startswith(f"Wrote {tmp_path / 'with.png'} (png, ")
    code, _, err = main(capsys, "export", "--out", str(tmp_path / "without.png"), *view)
    assert code == 0, err
    assert _overlay_pixels(tmp_path / "without.png") == 0
    assert _overlay_pixels(tmp_path / "with.png") > 150  # outline, point, legend swatch


def test_export_geojson_and_html_with_overlay(capsys, tmp_path):
    overlay = _overlay_file(tmp_path / "..")
    code, _, err = main(capsys, "export", "--out", str(tmp_path / "v.geojson"), "--layers",
                        "borders", "--overlay", overlay)  # fmt: skip
    assert code == 0, err
    doc = json.loads((tmp_path / "v.geojson").read_text(encoding="utf-8"))
    rows = [f["properties"] for f in doc["features"] if f["properties"]["layer"] == "overlay"]
    assert [r["name"] for r in rows] == ["area", "site"]
    assert json.loads(rows[0]["properties"]) == {"name": "area", "<b>": "<script>x</script>"}
    assert rows[0]["attribution"] == "Your overlay: mine.geojson"
    code, _, err = main(capsys, "export", "--out", str(tmp_path / "v.html"), "--layers",
                        "borders", "--overlay", overlay)  # fmt: skip
    assert code == 0, err
    page = (tmp_path / "v.html").read_text(encoding="utf-8")
    assert "bfe-layer-overlay" in page and "Your overlay: mine.geojson" in page
    assert "<script>x</script>" not in page


BAD_OVERLAYS = [
    ("broken.geojson", b'{"type": ', "Invalid JSON at line 1"),
    ("list.geojson", b"[1, 2]", "but the file holds a list"),
    ("empty.geojson", b"", "empty.geojson is empty."),
    ("strings.geojson", b'{"type": "Point", "coordinates": ["1", "2"]}', "must be numbers"),
    ("nogeom.geojson", b'{"type": "FeatureCollection", "features": [{"type": "Feature", '
     b'"properties": {}, "geometry": null}]}', "No feature has a geometry"),
    ("far.geojson", b'{"type": "Point", "coordinates": [500, 20]}', "out of range"),
    ("latin1.csv", "lat,lon,name\n52,21,Łódź\n".encode("cp1250"), "not UTF-8 text"),
    ("image.geojson", b"\x89PNG\r\n\x1a\n\0\0", "This is a PNG image, not GeoJSON text."),
    ("cols.csv", b"a,b\n1,2\n", "needs latitude and longitude columns"),
    ("fake.zip", b"no zip", "Not a readable zip archive"),
    ("data.kml", b"<kml/>", "unsupported file type .kml"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "data", "message"), BAD_OVERLAYS, ids=[b[0] for b in BAD_OVERLAYS]
)
def test_bad_overlay_prints_one_line_and_exits_2(capsys, tmp_path, name, data, message):
    src = tmp_path / "in"
    src.mkdir()
    (src / name).write_bytes(data)
    code, out, err = main(capsys, "export", "--out", str(tmp_path / "m.png"), "--overlay",
                          str(src / name))  # fmt: skip
    assert code == 2 and out == ""
    assert err.count("\n") == 1, err
    assert err.startswith(f"python -m explorer export: error: overlay {src / name}: ")
    assert message in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]  # nothing written


def test_overlay_limits_and_missing_file_from_the_shell(tmp_path):
    overlay = _overlay_file(tmp_path)
    proc = run("export", "--out", str(tmp_path / "m.png"), "--overlay", overlay,
               "--overlay-max-features", "1")  # fmt: skip
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "The file has 2 features; the limit is 1." in proc.stderr
    proc = run("export", "--out", str(tmp_path / "m.png"), "--overlay", overlay,
               "--overlay-max-bytes", "100")  # fmt: skip
    assert proc.returncode == 2 and "the limit is 100 bytes." in proc.stderr
    proc = run("export", "--out", str(tmp_path / "m.png"), "--overlay", str(tmp_path / "no.csv"))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "Cannot read" in proc.stderr and "No such file or directory" in proc.stderr
    assert not (tmp_path / "m.png").exists()


def test_base_url_is_the_permalink_printed_on_maps(capsys, tmp_path):
    common = ["--layers", "borders", "--date", "2025-06-01", "--bbox", "20,50,25,54"]
    for fmt in ("svg", "html"):
        out = tmp_path / f"view.{fmt}"
        args = ["export", "--out", str(out), *common, "--base-url", "https://maps.example.org/bfe"]
        code, _, err = main(capsys, *args)
        assert code == 0, err
        text = out.read_text(encoding="utf-8")
        assert "https://maps.example.org/bfe/?layers=borders&amp;date=2025-06-01" in text
        assert "localhost:8501" not in text
    out = tmp_path / "default.svg"
    code, _, err = main(capsys, "export", "--out", str(out), *common)
    assert code == 0, err
    assert "http://localhost:8501/?layers=borders" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "url", ["maps.example.org", "ftp://maps.example.org/", "https://x.org/?a=1", "http:// x"]
)
def test_bad_base_url_is_one_line_exit_2(capsys, tmp_path, url):
    code, out, err = main(capsys, "export", "--out", str(tmp_path / "v.svg"), "--base-url", url)
    assert code == 2 and not out
    assert err.count("\n") == 1 and "invalid base url" in err
