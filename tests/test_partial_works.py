"""Works that are not drawn: their figure on their border (issue 14), as data and on static maps."""

from __future__ import annotations

import datetime as dt
import re

import geopandas as gpd
import pytest
from pyproj import Transformer
from shapely.geometry import Point

from explorer import config, partial_works, printmap, style
from explorer.partial_works import partial_label
from explorer.partial_works import partial_works as works_on

DAY = dt.date(2026, 2, 20)


def _rows(ds, day=DAY):
    return {(r["id"], r["segment"]): r for r in works_on(ds, day)}


def test_every_not_drawn_work_shown_on_the_day_is_listed_once_per_segment(dataset):
    forts = dataset.fortifications.set_index("id")
    rows = _rows(dataset)
    expected = {
        (fid, seg)
        for fid, rec in forts.iterrows()
        if rec["derive_method"] == "not-drawn"
        for seg in rec["derive_segments"]
    }
    assert set(rows) == expected
    assert ("fi-ru-fence", "FIN-RUS") in rows and ("pl-by-steel-barrier", "POL-BLR") in rows
    # drawn works (lines, corridors, sites) never get a figure instead
    assert not {fid for fid, _ in rows} & set(forts.index[forts["derive_method"] != "not-drawn"])


def test_a_row_carries_the_sourced_length_the_border_and_the_state(dataset):
    row = _rows(dataset)[("fi-ru-fence", "FIN-RUS")]
    assert row["layer"] == "border-fence"
    assert row["length_km"] == 200.0
    assert row["segment_km"] == 1340.0
    assert row["n_segments"] == 1
    assert row["state"] == "under-construction"
    assert "liga-reuters-2025-05-21" in row["sources"]
    steel = _rows(dataset)[("pl-by-steel-barrier", "POL-BLR")]
    assert (steel["layer"], steel["length_km"], steel["segment_km"], steel["state"]) == (
        "pl-by-barrier",
        186.0,
        418.0,
        "complete",
    )


def test_the_label_point_lies_on_the_middle_of_the_segment_line(dataset):
    segments = dataset.segments.set_index("id")
    metric = gpd.GeoSeries(segments.geometry, crs=segments.crs).to_crs(config.METRIC_CRS)
    to_metric = Transformer.from_crs(config.DISPLAY_CRS, config.METRIC_CRS, always_xy=True)
    for (_fid, seg), row in _rows(dataset).items():
        point = Point(to_metric.transform(row["lon"], row["lat"]))
        line = metric.loc[seg]
        assert line.distance(point) < 50, seg  # on the line (4 decimals: ~10 m)
        assert line.project(point, normalized=True) == pytest.approx(0.5, abs=0.01), seg


def test_works_follow_the_date(dataset):
    # Bluszcz was announced on 2026-02-19; the steel barrier started in 2022.
    before = {fid for fid, _ in _rows(dataset, dt.date(2026, 2, 18))}
    after = {fid for fid, _ in _rows(dataset, dt.date(2026, 2, 19))}
    assert "pl-east-shield-bluszcz" not in before and "pl-east-shield-bluszcz" in after
    assert "pl-by-steel-barrier" not in {fid for fid, _ in _rows(dataset, dt.date(2021, 6, 1))}
    steel = _rows(dataset, dt.date(2022, 3, 1))[("pl-by-steel-barrier", "POL-BLR")]
    assert steel["state"] == "under-construction"


def test_labels_in_both_languages(dataset):
    rows = _rows(dataset)
    fin = rows[("fi-ru-fence", "FIN-RUS")]
    assert partial_label(fin) == (
        "Finland–Russia border fence: about 200 of 1,340 km (sections not public)"
    )
    assert partial_label(fin, "pl") == (
        "Płot na granicy fińsko-rosyjskiej: około 200 z 1\u00a0340 km (odcinki niejawne)"
    )
    est = rows[("ee-ru-fence", "EST-RUS")]
    assert partial_label(est) == (
        "Estonia–Russia border fence: about 115 of 338.6 km (sections not public)"
    )
    assert "338,6" in partial_label(est, "pl")
    rutka = rows[("pl-east-shield-rutka", "POL-RUS")]
    assert rutka["length_km"] == 5.0  # the 5 km belt (rmf24-7997852); where it lies is not public
    assert partial_label(rutka).startswith("East Shield: works near Rutka")
    assert "about 5 of" in partial_label(rutka)
    bluszcz = rows[("pl-east-shield-bluszcz", "POL-RUS")]
    assert bluszcz["length_km"] is None
    assert partial_label(bluszcz).endswith(": length and location not public")
    many = dict(fin, n_segments=2, length_km=90.0)
    assert partial_label(many) == (
        "Finland–Russia border fence: about 90 km along 2 borders (sections not public)"
    )


def test_no_rows_when_fortifications_are_unavailable(dataset):
    empty = dataset.fortifications.iloc[0:0]
    ds = type(dataset)(**{**dataset.__dict__, "fortifications": empty})
    assert partial_works.partial_works(ds, DAY) == []


# --- Static exports -----------------------------------------------------------------------------


def _svg_words(svg: bytes) -> str:
    """The SVG's text elements in order, whitespace collapsed (labels wrap over lines)."""
    texts = re.findall(r"<text[^>]*>(.*?)</text>", svg.decode("utf-8"), flags=re.S)
    return " ".join(" ".join(texts).split())


def _svg(ds, layers, lang="en"):
    fig = printmap.render_static(ds, layers=layers, date=DAY, lang=lang)
    return printmap.figure_bytes(fig, "svg", dpi=72)


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_static_map_writes_each_figure_and_explains_the_mark(dataset, lang):
    words = _svg_words(_svg(dataset, style.LAYER_IDS, lang))
    for row in works_on(dataset, DAY):
        label = partial_label(row, lang).replace("\u00a0", " ")
        assert " ".join(label.split()) in words.replace("\u00a0", " "), label
    legend = "About N of M km (sections not public)" if lang == "en" else "Około N z M km"
    assert legend in words
    # the Poland–Belarus barrier has nothing drawn but its row stays in the legend
    assert style.layer_title("pl-by-barrier", lang) in words


def test_static_map_writes_figures_only_of_visible_layers(dataset):
    words = _svg_words(_svg(dataset, ["borders", "east-shield", "basemap"]))
    assert "Finland–Russia border fence: about 200" not in words
    assert "East Shield: works near Rutka" in words
    assert "About N of M km (sections not public)" in words
    words = _svg_words(_svg(dataset, ["borders", "basemap"]))
    assert "East Shield: works near Rutka" not in words
    assert "sections not public" not in words  # neither a figure nor its legend row
