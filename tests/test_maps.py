"""The HTML export's folium map: offline base map, date-filtered layer groups, escaping, legend.

The app's own map component and what it sends are tested in test_web_bundle.py and test_app.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re

import folium
import pytest

from explorer import config, legend, style
from explorer.basemap import BASEMAP_FILES, load_basemap
from explorer.web import folium_map, legend_html, popups
from explorer.web.assets import find_external_assets

AS_OF = dt.date.fromisoformat(config.DATA_AS_OF)
CENTER = (55.0, 24.5)


@pytest.fixture(scope="module")
def basemap():
    return load_basemap()


@pytest.fixture
def base_map(basemap):
    return folium_map.build_base_map(center=CENTER, zoom=6, basemap=basemap)


def _render(m: folium.Map, groups=()) -> str:
    for group in groups:
        group.add_to(m)
    return m.get_root().render()


def _features(groups) -> list[dict]:
    """Every GeoJSON feature inside the given FeatureGroups."""
    out = []
    for group in groups:
        for child in group._children.values():
            if isinstance(child, folium.GeoJson):
                out.extend(child.data["features"])
    return out


def _layers_drawn(html: str) -> set[str]:
    return set(re.findall(r"bfe-layer-([a-z-]+)", html))


# --- basemap files ---------------------------------------------------------------------------


def test_basemap_files_match_their_manifest():
    manifest = json.loads((config.GEODATA_DIR / "basemap_manifest.json").read_text("utf-8"))
    total = 0
    for name, entry in manifest["files"].items():
        data = (config.GEODATA_DIR / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], name
        assert len(json.loads(data)["features"]) == entry["features"]
        total += len(data)
    assert set(manifest["files"]) == set(BASEMAP_FILES.values())
    assert total < 400_000
    for upstream in manifest["upstream"].values():
        assert upstream["integrity"].startswith("sha512-")
        assert upstream["licence"] and upstream["attribution"]


def test_basemap_covers_untracked_neighbours(basemap):
    names = set(basemap["countries"]["name"])
    assert {"Czechia", "Slovakia", "Romania", "Moldova", "Poland", "Russia"} <= names
    assert basemap["countries"].is_valid.all() and basemap["lakes"].is_valid.all()
    # Ladoga, the largest lake in the window, is there
    assert basemap["lakes"]["area_km2"].max() > 15_000


# --- base map ----------------------------------------------------------------------------------


def test_base_map_is_offline_tileless_and_measures_in_km(base_map):
    html = _render(base_map)
    assert find_external_assets(html) == []
    assert "tileLayer" not in html
    assert '"primaryLengthUnit": "kilometers"' in html
    assert "L.control.scale" in html
    assert "OpenStreetMap" in html and "Natural Earth" in html
    assert style.SEA_COLOUR in html
    for pane in folium_map.PANES:
        assert f'createPane(\n                "{pane}")' in html or f'"{pane}"' in html
    assert base_map.location == list(CENTER)


# --- layer groups ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "visible",
    [set(style.DATA_LAYERS), {"borders"}, {"treaty", "east-shield"}, {"basemap"}, set()],
    ids=lambda v: "+".join(sorted(v)) or "none",
)
def test_groups_follow_the_visible_layers(dataset, base_map, visible):
    groups = folium_map.layer_groups(dataset, date=AS_OF, visible=visible)
    expected = [layer for layer in style.DATA_LAYERS if layer in visible]
    assert [g.layer_name for g in groups] == [style.LAYER_TITLES[layer] for layer in expected]
    html = _render(base_map, groups)
    assert _layers_drawn(html) == set(expected)
    assert find_external_assets(html) == []


def test_layer_groups_refuse_unknown_values(dataset):
    with pytest.raises(ValueError, match="roads"):
        folium_map.layer_groups(dataset, date=AS_OF, visible={"roads"})
    with pytest.raises(ValueError, match="language"):
        folium_map.layer_groups(dataset, date=AS_OF, visible={"borders"}, lang="de")
    with pytest.raises(ValueError, match="treaty"):
        folium_map.layer_groups(dataset, date=AS_OF, visible={"treaty"}, treaty="NPT")


@pytest.mark.parametrize(
    ("date", "present"),
    [(dt.date(2023, 1, 1), False), (dt.date(2025, 1, 1), True)],
)
def test_east_shield_appears_after_its_announcement(dataset, base_map, date, present):
    fc = popups.layer_collections(dataset, date=date, visible=["east-shield"])["east-shield"]
    assert bool(fc["features"]) is present
    groups = folium_map.layer_groups(dataset, date=date, visible={"east-shield", "borders"})
    assert ("east-shield" in _layers_drawn(_render(base_map, groups))) is present


def _treaty_colour(dataset, date, iso3="POL") -> str:
    fc = popups.layer_collections(dataset, date=date, visible=["treaty"])["treaty"]
    (feature,) = [f for f in fc["features"] if f["properties"]["iso3"] == iso3]
    return style.treaty_style(feature["properties"]["status"])["fillColor"]


def test_poland_changes_colour_when_its_withdrawal_takes_effect(dataset, basemap):
    before, after = dt.date(2026, 2, 19), dt.date(2026, 2, 20)
    assert _treaty_colour(dataset, before) == style.TREATY_STATUS_COLOURS["withdrawal-pending"]
    assert _treaty_colour(dataset, after) == style.TREATY_STATUS_COLOURS["withdrawn"]
    rendered = {}
    for date in (before, after):
        m = folium_map.build_base_map(center=CENTER, zoom=6, basemap=basemap)
        rendered[date] = _render(m, folium_map.layer_groups(dataset, date=date, visible={"treaty"}))
    # as a feature's fill (the hatch patterns' definitions name every status colour)
    pending = f'"fillColor": "{style.TREATY_STATUS_COLOURS["withdrawal-pending"]}"'
    assert pending in rendered[before]
    assert pending not in rendered[after]


def test_required_segments_are_styled_heavier(dataset, base_map):
    html = _render(base_map, folium_map.layer_groups(dataset, date=AS_OF, visible={"borders"}))
    required = style.border_style("required", "exact")
    expected = style.border_style("expected", "exact")
    assert f'"color": "{required["color"]}"' in html
    assert f'"weight": {float(required["weight"])}' in html
    assert f'"weight": {float(expected["weight"])}' in html


# --- escaping ----------------------------------------------------------------------------------

INJECTED = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def poisoned(dataset):
    """The dataset with markup in names, a description and a source, and a javascript: URL."""
    forts = dataset.fortifications.copy()
    forts.loc[forts["id"] == "pl-east-shield", "name_en"] = INJECTED
    forts.loc[forts["id"] == "pl-east-shield", "description_en"] = INJECTED
    segments = dataset.segments.copy()
    segments.loc[segments["id"] == "POL-BLR", "name_en"] = INJECTED
    sources = dataset.sources.copy()
    first = forts.loc[forts["id"] == "pl-east-shield", "sources"].iloc[0][0]
    sources.loc[first, "title"] = INJECTED
    sources.loc[first, "url"] = "javascript:alert(1)"
    countries = dataset.countries.copy()
    countries.loc["POL", "name_en"] = INJECTED
    return dataclasses.replace(
        dataset, fortifications=forts, segments=segments, sources=sources, countries=countries
    )


def test_markup_in_data_is_escaped(poisoned, base_map):
    groups = folium_map.layer_groups(poisoned, date=AS_OF, visible=set(style.DATA_LAYERS))
    feats = _features(groups)
    texts = [f["properties"].get(k, "") for f in feats for k in ("popup", "tooltip")]
    poisoned_texts = [t for t in texts if "alert" in t]
    assert len(poisoned_texts) >= 6  # fortification, segment and country: popup and tooltip
    for text in poisoned_texts:
        assert "<script" not in text and "<img" not in text
        assert "&lt;script&gt;" in text or "&lt;img" in text
    assert not any("javascript:" in t for t in texts)
    html = _render(base_map, groups)
    assert "<script>alert" not in html and "<img src=x" not in html


# --- legend ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "visible", [{"borders"}, {"treaty", "pl-ru-barrier"}, set(style.LAYER_IDS)], ids=str
)
def test_legend_html_matches_visible_layers(visible):
    html = legend_html.legend_html(legend.legend_items(visible))
    layers = set(re.findall(r'data-layer="([a-z-]+)"', html))
    assert layers - {"how-to-read"} == visible
    for layer in visible:
        assert style.LAYER_TITLES[layer] in html or layer == "basemap"


def test_legend_html_escapes_labels():
    item = legend.legend_items({"borders"})[0] | {"label": INJECTED, "colour": '"><b>x'}
    html = legend_html.legend_html([item])
    assert "<script" not in html and "&lt;script&gt;" in html and '"><b>' not in html
    assert legend_html.legend_html([]) == ""


def test_legend_control_renders_offline(base_map):
    legend_html.legend_control(legend.legend_items({"treaty"})).add_to(base_map)
    html = base_map.get_root().render()
    assert "bfe-legend-control" in html and "Withdrawn" in html
    assert find_external_assets(html) == []
