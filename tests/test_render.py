"""The static map: size, content as text, furniture geometry, determinism, image regression."""

from __future__ import annotations

import datetime as dt
import html
import io
import os
import re
import subprocess
import sys

import numpy as np
import pypdf
import pytest
import shapely
from PIL import Image
from pyproj import CRS, Proj

from explorer import config, printmap, style, view
from explorer.basemap import BASEMAP_FILES
from explorer.printmap import layout

AS_OF = dt.date.fromisoformat(config.DATA_AS_OF)
TITLE = "Eastern flank & <borders> test"
ATTRIBUTION = "© OpenStreetMap contributors (ODbL) · Natural Earth (public domain)"
LEGEND_LABELS = (
    "Required segment (one of the three)",
    "Across water: approximate (Natural Earth)",
    "East Shield (Poland)",
    "Baltic Defence Line",
    "Corridor: somewhere within this strip",
    "Withdrawn",
    "Sea and large lakes",
)
#: The image regression reference and how far a new render may drift from it (mean absolute
#: difference per channel, 0-255). Regenerate: BFE_UPDATE_REFERENCE=1 pytest tests/test_render.py
REFERENCE = config.ROOT / "tests" / "data" / "reference_export.png"
REFERENCE_VIEW = {
    "layers": style.LAYER_IDS,
    "date": dt.date(2026, 2, 20),
    "bbox": (19.0, 51.5, 27.0, 56.5),
    "title": "Reference export",
}
REFERENCE_DPI = 50
MAX_MEAN_ABS_DIFF = 2.0


@pytest.fixture(scope="module")
def figure(dataset):
    return printmap.render_static(dataset, layers=style.LAYER_IDS, date=AS_OF, title=TITLE)


@pytest.fixture(scope="module")
def outputs(figure):
    return {fmt: printmap.figure_bytes(figure, fmt, dpi=100) for fmt in printmap.STATIC_FORMATS}


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


# --- PNG ---------------------------------------------------------------------------------------


def test_png_decodes_at_the_expected_size_and_is_not_blank(outputs):
    image = Image.open(io.BytesIO(outputs["png"]))
    assert image.format == "PNG"
    assert image.size == (1600, 1000)  # 16 x 10 in at 100 dpi
    pixels = _pixels(outputs["png"])
    assert pixels.std() > 30
    colours = np.unique(pixels.reshape(-1, 3)[::7], axis=0)
    assert len(colours) > 200
    # the sea and the bare land of untracked countries are both there
    for hex_colour, share in ((style.SEA_COLOUR, 0.05), (style.LAND_COLOUR, 0.002)):
        rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(pixels - rgb).sum(axis=2) < 6).mean() > share, hex_colour


def test_png_default_is_print_quality(figure):
    png = printmap.figure_bytes(figure)  # default dpi
    width, height = Image.open(io.BytesIO(png)).size
    assert width >= 1600
    assert (width, height) == (16 * printmap.DEFAULT_DPI, 10 * printmap.DEFAULT_DPI)


# --- SVG and PDF keep text as text ---------------------------------------------------------------


def _svg_text(svg: bytes) -> str:
    return svg.decode("utf-8")


def test_svg_has_title_legend_attribution_as_text(outputs):
    svg = _svg_text(outputs["svg"])
    assert svg.count("<text") > 40  # svg.fonttype "none": no glyph outlines
    for text in (TITLE, *LEGEND_LABELS, ATTRIBUTION, f"Map on {AS_OF.isoformat()}"):
        assert html.escape(text, quote=False) in svg, text
    assert f"data as of {config.DATA_AS_OF}" in svg
    assert "Permalink: http://localhost:8501/?layers=borders" in svg
    # forsal-10593326: the drawn East Shield corridor; babel-95165: the Poland–Belarus barrier,
    # not drawn but written on its border (the list is cut where the box ends: ids sort a-z).
    assert "Sources (" in svg and "forsal-10593326" in svg and "babel-95165" in svg
    assert "FINLAND" in svg  # country labels are text too (no path effects)


def test_pdf_has_title_legend_attribution_as_text(outputs):
    reader = pypdf.PdfReader(io.BytesIO(outputs["pdf"]))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    flat = " ".join(text.split())
    for expected in (TITLE, *LEGEND_LABELS, ATTRIBUTION, f"Map on {AS_OF.isoformat()}"):
        assert expected in flat, expected
    assert "Permalink:" in flat and "localhost:8501" in flat
    assert "Scale true at 60°N" in flat
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert all(f.get_object()["/Subtype"] == "/Type0" for f in fonts.values())  # TrueType (42)


def test_outputs_are_deterministic_and_undated(dataset, outputs):
    again = printmap.render_static(dataset, layers=style.LAYER_IDS, date=AS_OF, title=TITLE)
    for fmt in printmap.STATIC_FORMATS:
        assert printmap.figure_bytes(again, fmt, dpi=100) == outputs[fmt], fmt
    assert b"/CreationDate" not in outputs["pdf"]
    assert b"<dc:date>" not in outputs["svg"]
    assert b"tIME" not in outputs["png"]


# --- What is drawn ------------------------------------------------------------------------------


def test_legend_lists_only_what_is_shown(dataset):
    fig = printmap.render_static(
        dataset, layers=["borders", "treaty", "pl-by-barrier"], date=dt.date(1998, 6, 1)
    )
    svg = _svg_text(printmap.figure_bytes(fig, "svg"))
    assert "Required segment (one of the three)" in svg
    assert ">Non party</text>" in svg and ">Signatory</text>" in svg  # signed by mid-1998
    assert ">Withdrawn</text>" not in svg  # nobody had left the treaty in 1998
    # legend rows are <text> elements of their own
    assert ">Poland–Belarus barrier</text>" not in svg  # not built yet: nothing to explain
    assert "how to read" not in svg
    assert ">Sea and large lakes</text>" not in svg  # basemap off


def test_no_layers_still_makes_a_map(dataset):
    fig = printmap.render_static(dataset, layers=[], date=AS_OF, bbox=(20, 50, 30, 60))
    svg = _svg_text(printmap.figure_bytes(fig, "svg"))
    assert "Nothing is drawn" in svg and ATTRIBUTION in svg


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"layers": ["roads"]}, "unknown layer"),
        ({"layers": ["borders"], "bbox": (30, 50, 20, 60)}, "west"),
        ({"layers": ["borders"], "treaty": "NPT"}, "treaty"),
    ],
)
def test_bad_arguments_raise(dataset, kwargs, match):
    with pytest.raises(ValueError, match=match):
        printmap.render_static(dataset, date=AS_OF, **kwargs)


@pytest.mark.parametrize(("fmt", "dpi"), [("tiff", 100), ("png", 49), ("png", 601)])
def test_figure_bytes_checks_format_and_dpi(figure, fmt, dpi):
    with pytest.raises(ValueError, match=r"format|dpi"):
        printmap.figure_bytes(figure, fmt, dpi=dpi)


def test_printmap_does_not_import_folium_or_streamlit():
    loaded = "{'folium', 'streamlit'} & set(sys.modules)"
    code = f"import sys, explorer.printmap; print(sorted({loaded}))"
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=config.ROOT, capture_output=True, text=True, check=True
    )
    assert proc.stdout.strip() == "[]"


def test_basemap_files_are_the_maps_ones():
    assert printmap.BASEMAP_FILES == BASEMAP_FILES


# --- Furniture geometry -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("crs", "lon", "lat"),
    [
        ("EPSG:3035", 25.0, 60.0),
        ("EPSG:3035", 29.0, 69.0),
        ("EPSG:3857", 23.0, 54.0),
        ("EPSG:3857", 28.0, 68.0),
        ("EPSG:4087", 28.0, 68.0),  # equidistant cylindrical: degrees would be 2.6x off here
        (printmap.map_crs(view.DEFAULT_BBOX), 25.0, 60.0),
    ],
)
def test_scale_bar_is_true_at_its_latitude(crs, lon, lat):
    # an independent check: the projection's east-west scale factor at that point
    factor = Proj(CRS.from_user_input(crs)).get_factors(lon, lat).parallel_scale
    km, map_m = printmap.scale_bar(crs, lon, lat, 300_000)
    assert km in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000)
    assert map_m <= 300_000
    assert map_m == pytest.approx(km * 1000 * factor, rel=0.01)


@pytest.mark.parametrize(("crs", "lon", "lat"), [("EPSG:3035", 25, 60), ("EPSG:3035", 10, 52)])
def test_north_arrow_follows_the_meridian(crs, lon, lat):
    convergence = Proj(CRS.from_user_input(crs)).get_factors(lon, lat).meridian_convergence
    assert abs(printmap.north_angle_deg(crs, lon, lat)) == pytest.approx(abs(convergence), abs=0.05)


def test_the_map_projection_puts_north_up_at_the_centre():
    for bbox in (view.DEFAULT_BBOX, (19, 51.5, 27, 56.5), (24, 59, 33, 70)):
        crs = printmap.map_crs(bbox)
        centre = ((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
        assert printmap.north_angle_deg(crs, *centre) == pytest.approx(0.0, abs=1e-6)


def test_save_static_infers_format_and_writes_atomically(figure, tmp_path):
    target = printmap.save_static(figure, tmp_path / "map.svg")
    assert target.read_bytes().lstrip().startswith(b"<?xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.svg"]
    with pytest.raises(ValueError, match="format"):
        printmap.save_static(figure, tmp_path / "map.bmp")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.svg"]


# --- Image regression ---------------------------------------------------------------------------


def _reference_png(dataset) -> bytes:
    fig = printmap.render_static(dataset, **REFERENCE_VIEW)
    return printmap.figure_bytes(fig, "png", dpi=REFERENCE_DPI)


def test_png_matches_the_reference_image(dataset):
    """A rendering regression guard, tolerant of anti-aliasing and font hinting noise.

    Regenerate after an intended change to the map's look (or to the data it shows) with
    ``BFE_UPDATE_REFERENCE=1 .venv/bin/python -m pytest tests/test_render.py -k reference``
    and look at ``tests/data/reference_export.png`` before committing it.
    """
    png = _reference_png(dataset)
    if os.environ.get("BFE_UPDATE_REFERENCE") == "1":
        REFERENCE.parent.mkdir(parents=True, exist_ok=True)
        REFERENCE.write_bytes(png)
        pytest.skip(f"reference written to {REFERENCE}")
    assert REFERENCE.is_file(), "no reference image: run with BFE_UPDATE_REFERENCE=1"
    new, ref = _pixels(png), _pixels(REFERENCE.read_bytes())
    assert new.shape == ref.shape == (500, 800, 3)
    diff = np.abs(new - ref)
    mean = float(diff.mean())
    if mean >= MAX_MEAN_ABS_DIFF:
        artifacts = config.ROOT / "tests" / "artifacts"
        artifacts.mkdir(parents=True, exist_ok=True)
        (artifacts / "reference_export_new.png").write_bytes(png)
        Image.fromarray((diff.max(axis=2) * 4).clip(0, 255).astype(np.uint8)).save(
            artifacts / "reference_export_diff.png"
        )
    assert mean < MAX_MEAN_ABS_DIFF, f"mean abs diff {mean:.2f} (see tests/artifacts/)"


def test_country_labels_follow_the_language(dataset):
    fig = printmap.render_static(
        dataset, layers=["treaty"], date=AS_OF, bbox=(19, 51.5, 27, 56.5), lang="pl"
    )
    svg = _svg_text(printmap.figure_bytes(fig, "svg"))
    assert ">BIAŁORUŚ</text>" in svg and ">POLSKA</text>" in svg
    assert "lang=pl" in svg  # the permalink opens the app in Polish


# --- Labels and Polish text ---------------------------------------------------------------------

README_VIEW = {
    "layers": ["borders", "east-shield", "basemap", "treaty"],
    "date": dt.date(2025, 6, 1),
    "bbox": (14.0, 49.0, 24.5, 55.0),
}


def _texts(fig) -> list:
    return [t for ax in fig.axes for t in ax.texts] + list(fig.texts)


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_country_labels_are_not_struck_through_by_lines(dataset, lang):
    """No drawn line crosses a country label, unless the label has a halo box under it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from shapely.geometry import box

    fig = printmap.render_static(dataset, lang=lang, **README_VIEW)
    renderer = FigureCanvasAgg(fig).get_renderer()
    ax = fig.axes[0]
    crs = printmap.map_crs(README_VIEW["bbox"])
    data = layout._layer_frames(
        dataset, layers=README_VIEW["layers"], date=README_VIEW["date"], lang=lang,
        treaty="APMBC", crs=crs, visible=box(*README_VIEW["bbox"]),
    )  # fmt: skip
    geoms = [g for frame in data.frames.values() for g in frame.geometry]
    lines = shapely.union_all(
        [g.boundary if g.geom_type.endswith("Polygon") else g for g in geoms if g is not None]
    )
    names = {str(n).upper() for n in dataset.countries[f"name_{lang}"]}
    labels = [t for t in ax.texts if t.get_text() in names]
    assert {"POLSKA", "BIAŁORUŚ"} <= {t.get_text() for t in labels} or lang == "en"
    for label in labels:
        (x0, y0), (x1, y1) = ax.transData.inverted().transform(
            label.get_window_extent(renderer).get_points()
        )
        crossed = lines.intersects(box(x0, y0, x1, y1))
        assert not crossed or label.get_bbox_patch() is not None, label.get_text()


def test_polish_map_leaves_no_english_or_decimal_points(dataset):
    fig = printmap.render_static(dataset, lang="pl", **README_VIEW)
    texts = [t.get_text() for t in _texts(fig)]
    paragraphs = [p.replace("\n", " ") for t in texts for p in t.split("\n\n")]
    prose = [p for p in paragraphs if "http" not in p and not p.startswith("Źródła")]
    assert not [t for t in prose if re.search(r"\d\.\d", t)]  # decimal comma in Polish
    assert any("19,25°E" in t for t in prose)  # the projection centre
    joined = "\n".join(texts)
    for english in ("contributors", "public domain", "miles", "Scale", "Map data", "Legend\n"):
        assert english not in joined, english
    assert "współtwórcy OpenStreetMap" in joined
