"""Styling as data: registry, palettes (also as seen with colour-vision deficiencies), legend."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import numpy as np
import pandas as pd
import pytest

from explorer import legend, scene, schema, style
from explorer.view import View

HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")

# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
CVD_MATRICES = {
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
         [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
         [-0.011820, 0.042940, 0.968881]]
    ),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
         [0.004733, 0.691367, 0.303900]]
    ),
}  # fmt: skip


def _linear(hex_colour: str) -> np.ndarray:
    srgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255.0
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb: np.ndarray) -> np.ndarray:
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ np.clip(linear_rgb, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _min_delta_e(colours: list[str], vision: str | None) -> float:
    labs = []
    for c in colours:
        rgb = _linear(c)
        if vision is not None:
            rgb = CVD_MATRICES[vision] @ rgb
        labs.append(_lab(rgb))
    return min(float(np.linalg.norm(a - b)) for a, b in itertools.combinations(labs, 2))


def test_registry_lists_every_programme_once():
    assert len(style.LAYER_IDS) == len(set(style.LAYER_IDS))
    assert schema.PROGRAMMES <= set(style.LAYER_IDS)
    assert {"borders", "treaty", "basemap"} <= set(style.LAYER_IDS)
    assert style.DEFAULT_LAYERS <= set(style.LAYER_IDS)
    assert "basemap" not in style.DATA_LAYERS
    assert style.LAYER_TITLES["east-shield"] == "East Shield (Poland)"


def test_every_programme_and_status_has_a_distinct_colour():
    assert set(style.PROGRAMME_COLOURS) == schema.PROGRAMMES
    assert set(style.TREATY_STATUS_COLOURS) == set(schema.TREATY_STATUSES)
    for palette in (style.PROGRAMME_COLOURS, style.TREATY_STATUS_COLOURS):
        assert all(HEX.match(c) for c in palette.values())
        assert len({c.lower() for c in palette.values()}) == len(palette)


@pytest.mark.parametrize("vision", [None, *CVD_MATRICES])
@pytest.mark.parametrize(
    ("palette", "min_delta_e"),
    [(style.PROGRAMME_COLOURS, 10.0), (style.TREATY_STATUS_COLOURS, 8.0)],
    ids=["programmes", "treaty"],
)
def test_palettes_stay_apart_with_colour_vision_deficiencies(palette, min_delta_e, vision):
    # CIE76 ΔE between every pair, after simulating dichromacy (10 is clearly distinct).
    assert _min_delta_e(list(palette.values()), vision) >= min_delta_e


def _over_land(hex_colour: str, alpha: float) -> str:
    """The colour a translucent fill shows over basemap land (browsers blend in sRGB)."""
    top, land = (
        np.array([int(c[i : i + 2], 16) for i in (1, 3, 5)])
        for c in (hex_colour, style.LAND_COLOUR)
    )
    mixed = np.rint(alpha * top + (1 - alpha) * land).astype(int)
    return "#" + "".join(f"{v:02x}" for v in mixed)


def test_shaded_countries_do_not_look_like_sea():
    sea = _lab(_linear(style.SEA_COLOUR))
    for status, colour in style.TREATY_STATUS_COLOURS.items():
        shown = _over_land(colour, style.treaty_style(status)["fillOpacity"])
        assert np.linalg.norm(_lab(_linear(shown)) - sea) > 10, status


def test_precision_has_a_dash_each():
    assert set(style.PRECISION_DASH) == schema.PRECISION
    assert style.PRECISION_DASH["exact"] is None
    assert style.PRECISION_DASH["approximate"] == "8 6"
    assert style.PRECISION_DASH["corridor"] not in (None, "8 6")


def test_required_segments_are_heavier_and_darker():
    req = style.border_style("required", "exact")
    exp = style.border_style("expected", "exact")
    assert req["weight"] > exp["weight"]
    assert _lab(_linear(req["color"]))[0] < _lab(_linear(exp["color"]))[0]
    assert style.border_style("required", "approximate")["dashArray"] == "8 6"


@pytest.mark.parametrize("programme", sorted(schema.PROGRAMMES))
def test_fortification_styles(programme):
    corridor = style.fortification_style(programme, "corridor", "complete")
    assert corridor["className"].split() == ["bfe-corridor", f"bfe-corridor-{programme}"]
    assert 0 < corridor["fillOpacity"] < 1
    assert corridor["dashArray"] == style.PRECISION_DASH["corridor"]
    line = style.fortification_style(programme, "approximate", "complete")
    assert line["dashArray"] == "8 6" and "fillColor" not in line
    assert line["color"] == style.PROGRAMME_COLOURS[programme]
    opacities = [
        style.fortification_style(programme, "exact", s)["opacity"] for s in style.FORT_STATES
    ]
    assert opacities == sorted(opacities) and len(set(opacities)) == 3
    assert style.point_style(programme, "announced")["fillColor"] == line["color"]
    assert style.hatch_pattern_id(programme) == f"bfe-hatch-{programme}"


@pytest.mark.parametrize(
    ("func", "args", "match"),
    [
        (style.border_style, ("optional", "exact"), "priority"),
        (style.border_style, ("required", "rough"), "precision"),
        (style.fortification_style, ("moat", "exact", "complete"), "programme"),
        (style.fortification_style, ("east-shield", "exact", "planned"), "state"),
        (style.treaty_style, ("left",), "status"),
        (style.point_style, ("east-shield", "built"), "state"),
    ],
)
def test_unknown_values_are_refused(func, args, match):
    with pytest.raises(ValueError, match=match):
        func(*args)


def test_treaty_style_uses_the_status_colour():
    for status, colour in style.TREATY_STATUS_COLOURS.items():
        assert style.treaty_style(status)["fillColor"] == colour


VISIBLE_SETS = [
    set(),
    {"borders"},
    {"treaty"},
    {"east-shield"},
    {"border-fence", "treaty"},
    {"basemap"},
    set(style.DEFAULT_LAYERS),
]


@pytest.mark.parametrize("visible", VISIBLE_SETS, ids=lambda v: "+".join(sorted(v)) or "none")
def test_legend_describes_exactly_the_visible_layers(visible):
    items = legend.legend_items(visible)
    layers = [i["layer"] for i in items]
    programmes = visible & set(style.PROGRAMME_COLOURS)
    assert set(layers) - {"how-to-read"} == visible
    assert ("how-to-read" in layers) == bool(programmes)
    # in registry order, each layer's rows together
    order = [layer for layer in style.LAYER_IDS if layer in visible]
    seen = [layer for layer, _ in itertools.groupby(layers) if layer != "how-to-read"]
    assert seen == order
    for item in items:
        assert item["kind"] in {"line", "fill", "point"}
        assert HEX.match(item["colour"])
        assert item["label"]
    if "treaty" in visible:
        fills = {i["colour"] for i in items if i["layer"] == "treaty"}
        assert fills == set(style.TREATY_STATUS_COLOURS.values())
    for programme in programmes:
        assert any(
            i["layer"] == programme and i["colour"] == style.PROGRAMME_COLOURS[programme]
            for i in items
        )


def test_legend_reading_rows_show_the_three_precisions():
    rows = [i for i in legend.legend_items({"east-shield"}) if i["layer"] == "how-to-read"]
    dashes = {i["dash"] for i in rows if i["kind"] != "point"}
    assert {None, "8 6", style.PRECISION_DASH["corridor"]} <= dashes
    assert any(i["hatch"] for i in rows)


def test_legend_refuses_unknown_layers():
    with pytest.raises(ValueError, match="roads"):
        legend.legend_items(["borders", "roads"])


def test_legend_lists_only_what_is_drawn_on_the_date(dataset):
    """``legend_items(shown=scene.shown_categories(...))``: every map's legend."""

    def rows(day: dt.date) -> list[str]:
        sc = scene.make_scene(dataset, View(layers=style.LAYER_IDS, date=day, bbox=None))
        shown = scene.shown_categories(sc.frames)
        return [i["label"] for i in legend.legend_items(style.LAYER_IDS, shown=shown)]

    early = rows(dt.date(1998, 6, 1))
    assert "Signatory" in early and "Withdrawn" not in early and "Withdrawal pending" not in early
    assert "East Shield (Poland)" not in early and "Exact line" not in early  # nothing built yet
    assert "Required segment (one of the three)" in early and "Land" in early
    late = rows(dt.date(2026, 2, 20))
    assert "Withdrawn" in late and "Signatory" not in late
    assert "East Shield (Poland)" in late
    everything = [i["label"] for i in legend.legend_items(style.LAYER_IDS)]
    assert set(late) < set(everything) and set(early) < set(everything)


def test_shown_categories_reads_states_precisions_and_sites():
    def frame(*rows: dict) -> pd.DataFrame:
        return pd.DataFrame(list(rows), columns=["state", "kind", "precision", "partial"])

    point = {"state": "announced", "kind": "point", "precision": "approximate", "partial": False}
    line = {"state": "complete", "kind": "line", "precision": "exact", "partial": False}
    mark = {"state": "under-construction", "kind": "point", "precision": "exact", "partial": True}
    shown = scene.shown_categories({"east-shield": frame(point, line), "pl-by-barrier": frame()})
    assert shown == {"east-shield": {"announced", "site", "complete", "exact"}}
    # a mark of a work not drawn adds its state, not a line style
    assert scene.shown_categories({"border-fence": frame(mark)}) == {
        "border-fence": {"under-construction"}
    }
    rows = [i["label"] for i in legend.legend_items(["east-shield"], shown=shown)]
    assert rows == ["East Shield (Poland)", "Exact line", "Site (approximate point)",
                    "Complete", "Announced, not started"]  # fmt: skip
