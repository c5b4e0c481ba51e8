"""Probe page for the map layer: base map and layer groups in st_folium, one layer on a checkbox.

Run through ``tests/browser/helpers.py:stage_page`` from the repository root. ``BFE_PROBE_DATE``
(ISO date, default the data's as-of date) sets the day shown; ``BFE_GEODATA_DIR`` the data folder.
The East Shield checkbox adds or removes that layer: the map must keep its Leaflet instance and
view. The legend under the map follows the visible layers.
"""

from __future__ import annotations

import datetime as dt
import os

import streamlit as st
from streamlit_folium import st_folium

from explorer import config, data, features, maps, style

DATE = dt.date.fromisoformat(os.environ.get("BFE_PROBE_DATE", config.DATA_AS_OF))
DATA_DIR = os.environ.get("BFE_GEODATA_DIR", str(config.GEODATA_DIR))


@st.cache_resource
def _load() -> tuple[data.Dataset, dict]:
    return data.load_dataset(DATA_DIR), maps.load_basemap(DATA_DIR)


@st.cache_resource
def _collections(visible: frozenset[str]) -> dict[str, dict]:
    # The costly part, cached and shared read-only; folium objects are built fresh on every run.
    return features.layer_collections(_load()[0], date=DATE, visible=visible)


basemap = _load()[1]
show_east_shield = st.checkbox("East Shield", value=True, key="east_shield")
visible = set(style.DEFAULT_LAYERS)
if not show_east_shield:
    visible.discard("east-shield")

# Built fresh on every run (st_folium adds the groups to it); same arguments, same map script.
m = maps.build_base_map(center=(55.0, 24.5), zoom=6, basemap=basemap)
groups = maps.feature_groups(_collections(frozenset(visible)))
st_folium(
    m,
    feature_group_to_add=groups,
    returned_objects=[],
    key="map",
    height=640,
    use_container_width=True,
)
st.html(maps.legend_html(style.legend_items(visible)))
st.caption(f"probe-ready {len(groups)} groups")
