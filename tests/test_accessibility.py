"""Accessibility: colours readable with colour-vision deficiency; precision not by colour alone.

Colour-vision deficiency is simulated with the matrices of Machado, Oliveira & Fernandes (2009),
"A physiologically-based model for simulation of color vision deficiency", IEEE TVCG 15(6),
severity 1.0, applied to linear sRGB; distances are CIEDE2000 ΔE00 in CIELAB (D65; Sharma, Wu &
Dalal 2005, "The CIEDE2000 color-difference formula: implementation notes", whose test pairs
check the implementation here).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math

import geopandas as gpd
import numpy as np
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from shapely.geometry import LineString, box

from explorer import config, legend, schema, style, summary
from explorer.printmap import layers as printmap_layers
from explorer.web import decor, legend_html

#: Minimum CIEDE2000 distance between colours that must be told apart.
MIN_DELTA_E = 10.0
#: In greyscale, two treaty fills without a telling pattern must differ by this much L*.
MIN_GREY_DELTA_L = 12.0
#: CIELAB hue angles (degrees) of water: cyan through blue to blue-violet; the sea is about 253°.
WATER_HUES = (180.0, 290.0)

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


def delta_e(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """CIEDE2000 colour difference of two CIELAB colours (kL = kC = kH = 1)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dh = 0.0 if c1p * c2p == 0 else (h2p - h1p + 180) % 360 - 180
    if c1p * c2p != 0 and h2p - h1p == -180:
        dh = 180.0  # the two conventions agree on |dh| = 180
    d_hp = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        hp_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hp_bar = (h1p + h2p) / 2
    else:
        hp_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t_ = (
        1
        - 0.17 * math.cos(math.radians(hp_bar - 30))
        + 0.24 * math.cos(math.radians(2 * hp_bar))
        + 0.32 * math.cos(math.radians(3 * hp_bar + 6))
        - 0.20 * math.cos(math.radians(4 * hp_bar - 63))
    )
    d_theta = 30 * math.exp(-(((hp_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_bar**7 / (cp_bar**7 + 25**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t_
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    dl, dc, dhh = (l2 - l1) / s_l, (c2p - c1p) / s_c, d_hp / s_h
    return float(math.sqrt(dl**2 + dc**2 + dhh**2 + r_t * dc * dhh))


# --- The simulation itself ----------------------------------------------------------------------


def test_lab_of_known_colours():
    assert seen("#ffffff", "normal") == pytest.approx([100, 0, 0], abs=0.01)
    assert seen("#000000", "normal") == pytest.approx([0, 0, 0], abs=0.01)
    assert seen("#ff0000", "normal") == pytest.approx([53.24, 80.09, 67.20], abs=0.05)


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # Sharma, Wu & Dalal (2005), table 1: pairs 1, 7, 17, 25 and 34
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
        ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ],
)
def test_ciede2000_matches_the_published_test_data(lab1, lab2, expected):
    assert delta_e(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)
    assert delta_e(np.array(lab2), np.array(lab1)) == pytest.approx(expected, abs=1e-4)


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
def test_treaty_statuses_are_distinct_from_the_sea(vision):
    """No status, as drawn over the land, can be taken for the sea (or a lake)."""
    alpha = float(style.treaty_style("party")["fillOpacity"])
    sea = seen(style.SEA_COLOUR, vision)
    for status, colour in style.TREATY_STATUS_COLOURS.items():
        drawn = seen(colour, vision, over=style.LAND_COLOUR, alpha=alpha)
        assert delta_e(drawn, sea) >= MIN_DELTA_E, status
        assert delta_e(seen(colour, vision), sea) >= MIN_DELTA_E, status


def _hue(lab: np.ndarray) -> float:
    return math.degrees(math.atan2(lab[2], lab[1])) % 360


def test_land_categories_never_use_water_hues():
    """Treaty fills (land) keep out of the cyan-blue hues of the sea and lakes, as drawn."""
    assert WATER_HUES[0] <= _hue(seen(style.SEA_COLOUR, "normal")) <= WATER_HUES[1]
    alpha = float(style.treaty_style("party")["fillOpacity"])
    for status, colour in style.TREATY_STATUS_COLOURS.items():
        for lab in (seen(colour, "normal"), seen(colour, "normal", over=style.LAND_COLOUR,
                                                  alpha=alpha)):  # fmt: skip
            assert not WATER_HUES[0] <= _hue(lab) <= WATER_HUES[1], (status, round(_hue(lab)))


def test_treaty_statuses_differ_in_greyscale_by_lightness_or_pattern():
    """Printed in grey, every pair differs by >= 12 L* as drawn, or by its hatch."""
    alpha = float(style.treaty_style("party")["fillOpacity"])
    grey = {
        s: seen(c, "normal", over=style.LAND_COLOUR, alpha=alpha)[0]
        for s, c in style.TREATY_STATUS_COLOURS.items()
    }
    for a, b in itertools.combinations(sorted(grey), 2):
        if style.treaty_hatch(a) != style.treaty_hatch(b):
            continue
        assert abs(grey[a] - grey[b]) >= MIN_GREY_DELTA_L, (a, b, grey[a], grey[b])


def test_static_maps_draw_the_treaty_hatches():
    fig = Figure()
    ax = fig.add_subplot()
    gdf = gpd.GeoDataFrame(
        {"state": list(schema.TREATY_STATUSES)},
        geometry=[box(i, 0, i + 1, 1) for i in range(len(schema.TREATY_STATUSES))],
        crs="EPSG:3035",
    )
    printmap_layers._draw_layers(ax, {"treaty": gdf})
    hatches = {c.get_hatch() for c in ax.collections if isinstance(c, PathCollection)}
    assert {h for h in style.TREATY_STATUS_HATCH.values() if h} <= hatches
    rows = {i["label"]: i.get("pattern") for i in legend.legend_items(["treaty"])}
    assert rows["Withdrawal pending"] == style.treaty_hatch("withdrawal-pending")


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
    svg = decor.hatch_svg()
    for programme in schema.PROGRAMMES:
        assert f'id="{style.hatch_pattern_id(programme)}"' in svg
    reading = [i for i in legend.legend_items(["east-shield"]) if i["layer"] == legend.HOW_TO_READ]
    by_label = {i["label"]: i for i in reading}
    exact, approx = by_label["Exact line"], by_label["Approximate: location not public"]
    corridor = by_label["Corridor: somewhere within this strip"]
    assert exact["colour"] == approx["colour"] == corridor["colour"]
    assert exact["dash"] is None and approx["dash"] and corridor["hatch"]
    html = legend_html.legend_html(reading)
    assert "stroke-dasharray" in html or "dash" in html


def test_border_precision_is_a_dash_too():
    exact = style.border_style("expected", "exact")
    approx = style.border_style("expected", "approximate")
    assert exact["color"] == approx["color"]
    assert exact["dashArray"] is None and approx["dashArray"]


def test_static_maps_tell_precision_by_line_style_and_hatch():
    """The print map draws the three precisions of one programme in one colour, told by pattern."""
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
    printmap_layers._draw_programme(ax, "east-shield", gdf)
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
    assert lines[0] == f"Map on 2022-07-01; data as of {config.DATA_AS_OF}."
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
