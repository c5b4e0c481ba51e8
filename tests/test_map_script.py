"""A prerendered layer makes st_folium send exactly what the layer itself would."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit_folium import _get_feature_group_string

from explorer import features, maps, style
from explorer.ui import map_script

DAY = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def collections(dataset):
    return features.layer_collections(dataset, date=DAY, visible=style.DATA_LAYERS)


def _sent(group, position):
    return _get_feature_group_string(group, maps.scratch_map(), position)


@pytest.mark.parametrize("position", [0, 3])
@pytest.mark.parametrize("layer", style.DATA_LAYERS)
def test_prerendered_group_sends_the_same_script(collections, layer, position):
    def fresh():
        return maps.feature_groups({layer: collections[layer]})[0]

    script = map_script.group_script(fresh(), position)
    assert "map_div" in script
    expected = _sent(fresh(), position)
    assert _sent(map_script.prerendered(script, layer), position) == expected


def test_basemap_prerendered_the_same():
    basemap = maps.load_basemap()
    script = map_script.group_script(maps.basemap_group(basemap), 0)
    expected = _sent(maps.basemap_group(basemap), 0)
    assert _sent(map_script.prerendered(script, "basemap"), 0) == expected


def test_position_changes_variable_names(collections):
    group = maps.feature_groups({"borders": collections["borders"]})
    first = map_script.group_script(group[0], 1)
    assert "feature_group_feature_group_1" in first
    assert "feature_group_feature_group_2" not in first
