"""Accessibility: colours readable with colour-vision deficiency; precision not by colour alone.

Colour-vision deficiency is simulated with the matrices of Machado, Oliveira & Fernandes (2009),
"A physiologically-based model for simulation of color vision deficiency", IEEE TVCG 15(6),
severity 1.0, applied to linear sRGB; distances are CIE76 ΔE in CIELAB (D65).
"""

from __future__ import annotations

import datetime as dt
import itertools

import geopandas as gpd
import numpy as np
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from shapely.geometry import LineString, box

from explorer import maps, render, schema, style, summary

#: Minimum CIE76 distance between colours that must be told apart.
MIN_DELTA_E = 10.0

MACHADO_2009 = {
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "tritanopia": np.array(
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ]
    ),
}
VISIONS = ("normal", *MACHADO_2009)

_SRGB_TO_XYZ = np.array(
    [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
     [0.0193339, 0.1191920, 0.9503041]]
)  # fmt: skip
_D65 = np.array([0.95047, 1.0, 1.08883])


def _rgb(hex_colour: str) -> np.ndarray:
    h = hex_colour.lstrip("#")
    return np.array([int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)])


def _linear(srgb: np.ndarray) -> np.ndarray:
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb: np.ndarray) -> np.ndarray:
    xyz = (_SRGB_TO_XYZ @ linear_rgb) / _D65
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(colour: str, vision: str, *, over: str | None = None, alpha: float = 1.0) -> np.ndarray:
    """CIELAB of ``colour`` (at ``alpha`` over ``over``) as a viewer with ``vision`` sees it."""
    rgb = _rgb(colour)
    if over is not None:
        rgb = alpha * rgb + (1 - alpha) * _rgb(over)
    linear = _linear(rgb)
    if vision != "normal":
        linear = np.clip(MACHADO_2009[vision] @ linear, 0.0, 1.0)
    return _lab(linear)


def delta_e(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b))


# --- The simulation itself ----------------------------------------------------------------------


def test_lab_of_known_colours():
    assert seen("#ffffff", "normal") == pytest.approx([100, 0, 0], abs=0.01)
    assert seen("#000000", "normal") == pytest.approx([0, 0, 0], abs=0.01)
    assert seen("#ff0000", "normal") == pytest.approx([53.24, 80.09, 67.20], abs=0.05)


def test_simulation_merges_the_colours_each_deficiency_confuses():
    # Red and green are far apart for normal vision and close for protanopes and deuteranopes;
    # blue and green (a tritan confusion line) close for tritanopes. Greys stay grey.
    red, green = "#d62728", "#2ca02c"
    normal = delta_e(seen(red, "normal"), seen(green, "normal"))
    for vision in ("protanopia", "deuteranopia"):
        assert delta_e(seen(red, vision), seen(green, vision)) < normal / 2, vision
    assert delta_e(seen("#0000ff", "tritanopia"), seen("#008080", "tritanopia")) < delta_e(
        seen("#0000ff", "normal"), seen("#008080", "normal")
    )
    for vision in VISIONS:
        assert seen("#808080", vision)[1:] == pytest.approx([0, 0], abs=1.0)


def _closest_pair(colours: dict[str, str], vision: str, **draw: object) -> tuple[float, str, str]:
    return min(
        (delta_e(seen(a, vision, **draw), seen(b, vision, **draw)), ka, kb)
        for (ka, a), (kb, b) in itertools.combinations(colours.items(), 2)
    )


def test_the_check_fails_for_a_palette_that_colour_blind_viewers_cannot_read():
    bad = {"party": "#2ca02c", "withdrawn": "#d62728", "signatory": "#1f77b4"}
    assert _closest_pair(bad, "normal")[0] >= MIN_DELTA_E
    assert _closest_pair(bad, "deuteranopia")[0] < MIN_DELTA_E


# --- The palettes -------------------------------------------------------------------------------


@pytest.mark.parametrize("vision", VISIONS)
def test_treaty_statuses_are_distinct_as_drawn(vision):
    """Every pair of status fills, at their fill opacity over the land, and each against land."""
    assert set(style.TREATY_STATUS_COLOURS) == set(schema.TREATY_STATUSES)
    alpha = float(style.treaty_style("party")["fillOpacity"])
    assert {float(style.treaty_style(s)["fillOpacity"]) for s in schema.TREATY_STATUSES} == {alpha}
    draw = {"over": style.LAND_COLOUR, "alpha": alpha}
    worst = _closest_pair(style.TREATY_STATUS_COLOURS, vision, **draw)
    assert worst[0] >= MIN_DELTA_E, worst
    land = seen(style.LAND_COLOUR, vision)
    for status, colour in style.TREATY_STATUS_COLOURS.items():
        assert delta_e(seen(colour, vision, **draw), land) >= MIN_DELTA_E, status
    # The palette itself (legend swatches at full strength) is even further apart.
    assert _closest_pair(style.TREATY_STATUS_COLOURS, vision)[0] >= MIN_DELTA_E


@pytest.mark.parametrize("vision", VISIONS)
def test_fortification_programmes_are_distinct(vision):
    assert set(style.PROGRAMME_COLOURS) == set(schema.PROGRAMMES)
    worst = _closest_pair(style.PROGRAMME_COLOURS, vision)
    assert worst[0] >= MIN_DELTA_E, worst


# --- Precision is a pattern, not a colour -------------------------------------------------------


@pytest.mark.parametrize("programme", sorted(schema.PROGRAMMES))
@pytest.mark.parametrize("state", list(style.FORT_STATES))
def test_map_styles_tell_precision_by_pattern_at_one_colour(programme, state):
    styles = {p: style.fortification_style(programme, p, state) for p in schema.PRECISION}
    assert len({s["color"] for s in styles.values()}) == 1  # colour says nothing about precision
    dashes = [s.get("dashArray") for s in styles.values()]
    assert len(set(dashes)) == len(styles), dashes
    assert styles["exact"].get("dashArray") is None  # solid
    assert "bfe-corridor" in str(styles["corridor"]["className"])  # hatched fill in the browser
    assert "className" not in styles["exact"] and "className" not in styles["approximate"]


def test_map_defines_the_hatch_and_the_legend_shows_the_patterns():
    decor = maps._hatch_svg()
    for programme in schema.PROGRAMMES:
        assert f'id="{style.hatch_pattern_id(programme)}"' in decor
    reading = [i for i in style.legend_items(["east-shield"]) if i["layer"] == style.HOW_TO_READ]
    by_label = {i["label"]: i for i in reading}
    exact, approx = by_label["Exact line"], by_label["Approximate: location not public"]
    corridor = by_label["Corridor: somewhere within this strip"]
    assert exact["colour"] == approx["colour"] == corridor["colour"]
    assert exact["dash"] is None and approx["dash"] and corridor["hatch"]
    html = maps.legend_html(reading)
    assert "stroke-dasharray" in html or "dash" in html


def test_border_precision_is_a_dash_too():
    exact = style.border_style("expected", "exact")
    approx = style.border_style("expected", "approximate")
    assert exact["color"] == approx["color"]
    assert exact["dashArray"] is None and approx["dashArray"]


def test_static_maps_tell_precision_by_line_style_and_hatch():
    """render.py draws the three precisions of one programme in one colour, told by pattern."""
    fig = Figure()
    ax = fig.add_subplot()
    gdf = gpd.GeoDataFrame(
        {
            "precision": ["exact", "approximate", "corridor"],
            "state": ["complete"] * 3,
            "geometry": [
                LineString([(0, 0), (10, 0)]),
                LineString([(0, 5), (10, 5)]),
                box(0, 8, 10, 12),
            ],
        },
        crs="EPSG:3035",
    )
    render._draw_programme(ax, "east-shield", gdf)
    lines = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(lines) == 2
    solid, dashed = (c.get_linestyles()[0] for c in lines)
    assert solid[1] is None and dashed[1], (solid, dashed)
    colours = {tuple(np.round(c.get_colors()[0][:3], 3)) for c in lines}
    assert len(colours) == 1
    polygons = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert any(c.get_hatch() for c in polygons), "corridors are hatched"
    outline = [c for c in polygons if c.get_linestyles()[0][1]]
    assert outline, "the corridor outline is dotted"


# --- Text summary -------------------------------------------------------------------------------


def test_summary_counts_features_in_view_and_lists_every_country(dataset):
    day = dt.date(2022, 7, 1)
    lines = summary.summary_lines(
        dataset, layers=["borders", "pl-by-barrier", "treaty"], date=day, bbox=(22, 51, 24.5, 54.5)
    )
    text = "\n".join(lines)
    assert lines[0] == "Map on 2022-07-01; data as of 2026-11-22."
    assert "Layers shown: Border segments, Poland–Belarus barrier, Mine Ban Treaty status." in text
    # Steel and electronic barriers (not yet the river one): not drawn (sections not public),
    # so the summary gives their figures in words, as the map's marks do.
    line = next(x for x in lines if x.startswith("- Poland–Belarus barrier:"))
    assert "not drawn: Poland–Belarus steel barrier: about 186 of 418 km" in line
    assert "Poland–Belarus electronic barrier: about 206 of 418 km" in line
    assert "river" not in line
    assert "- Poland–Belarus: 418.0 km / 404.6 km" in text
    assert sum(line.startswith("- ") and ": party" in line for line in lines) >= 5
    for name in dataset.countries["name_en"]:
        assert f"- {name}: " in text, name


def test_summary_follows_date_language_and_layers(dataset):
    kwargs = {"layers": ["treaty"], "bbox": None}
    before = summary.view_summary(dataset, date=dt.date(2026, 2, 19), **kwargs)
    after = summary.view_summary(dataset, date=dt.date(2026, 2, 20), **kwargs)
    assert "- Poland: withdrawal pending (since 2025-08-20)" in before
    assert "- Poland: withdrawn (since 2026-02-20)" in after
    polish = summary.view_summary(dataset, date=dt.date(2026, 2, 20), lang="pl", **kwargs)
    assert "- Polska: wystąpiło (od 2026-02-20)" in polish
    assert "Widoczne warstwy: Status wobec traktatu o zakazie min." in polish
    empty = summary.summary_lines(dataset, layers=[], date=dt.date(2026, 2, 20))
    assert empty[1] == "No layer is shown." and not any("Features in view" in x for x in empty)
    with pytest.raises(ValueError, match="unknown layer"):
        summary.summary_lines(dataset, layers=["roads"], date=dt.date(2026, 2, 20))
