"""Naive reference for the benchmark: the common streamlit-folium pattern over the same data.

What a first version of the explorer typically looks like: the data read on every run (no
caching), each layer as a full-resolution ``folium.GeoJson`` of the GeoDataFrame, tooltips and
popups from its columns, a ``LayerControl``, and ``st_folium`` with its defaults, so every pan or
zoom sends the view back and reruns the script.

Only two departures from folium's defaults, both needed to draw anything offline: ``tiles=None``
(tile servers are unreachable), and Leaflet/jQuery from the app's vendored copies instead of CDNs
(:func:`explorer.web.assets.apply_offline_assets`; without it the map stays empty). The same local
basemap files as the app's are drawn instead of tiles, so both maps show the same things.

Run it from the repository root with its ``static/`` folder next to it (``benchmarks/run.py``
stages it in a temporary folder with a copy of ``explorer/static``).
"""

import datetime as dt
import os
import sys

import folium
import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

sys.path.insert(0, os.getcwd())  # run from the repository root: `explorer` is importable

from explorer import data, timeline
from explorer.config import GEODATA_DIR
from explorer.web.assets import apply_offline_assets

st.set_page_config(page_title="Naive explorer", layout="wide")

STATUS_COLOURS = {
    "state-party": "#44BB99",
    "signatory": "#BBCC33",
    "withdrawal-pending": "#EE8866",
    "withdrawn": "#EE6677",
    "non-party": "#DDDDDD",
}

ds = data.load_dataset()  # every run: no caching

st.sidebar.title("Border fortifications")
day = st.sidebar.slider(
    "Date",
    min_value=dt.date(1997, 1, 1),
    max_value=dt.date(2028, 12, 31),
    value=min(dt.date.today(), dt.date(2028, 12, 31)),
    key="date",
)
show_borders = st.sidebar.checkbox("Border lines", value=True, key="layer_borders")
show_forts = st.sidebar.checkbox("Fortifications", value=True, key="layer_forts")
show_treaty = st.sidebar.checkbox("Mine Ban Treaty status", value=True, key="layer_treaty")
show_basemap = st.sidebar.checkbox("Basemap", value=True, key="layer_basemap")

st.title("Border fortifications")

m = folium.Map(location=[60.0, 25.0], zoom_start=4, tiles=None)

if show_basemap:
    folium.GeoJson(
        gpd.read_file(GEODATA_DIR / "basemap_countries.geojson"),
        name="Countries",
        style_function=lambda f: {"fillColor": "#f4f2ec", "color": "#b9b4aa", "weight": 1},
    ).add_to(m)
    folium.GeoJson(
        gpd.read_file(GEODATA_DIR / "basemap_lakes.geojson"),
        name="Lakes",
        style_function=lambda f: {"fillColor": "#b5d0e6", "color": "#9bbbd6", "weight": 1},
    ).add_to(m)

if show_treaty:
    shapes = ds.country_shapes[["iso3", "geometry"]].copy()
    shapes["status"] = [
        timeline.status_on(ds.treaty_events, iso3, "APMBC", day).status for iso3 in shapes["iso3"]
    ]
    folium.GeoJson(
        shapes,
        name="Mine Ban Treaty status",
        style_function=lambda f: {
            "fillColor": STATUS_COLOURS.get(f["properties"]["status"], "#999999"),
            "color": "#666666",
            "weight": 1,
            "fillOpacity": 0.5,
        },
        tooltip=folium.GeoJsonTooltip(fields=["iso3", "status"]),
    ).add_to(m)

if show_borders:
    folium.GeoJson(
        ds.border_lines[["id", "segment_id", "precision", "measured_km", "geometry"]],
        name="Border lines",
        style_function=lambda f: {"color": "#222222", "weight": 2},
        tooltip=folium.GeoJsonTooltip(fields=["segment_id", "precision", "measured_km"]),
    ).add_to(m)

if show_forts:
    forts = ds.fortifications
    started = [
        (a or s) is not None and (a or s) <= day
        for a, s in zip(forts["announced_date"], forts["start_date"], strict=True)
    ]
    shown = forts.loc[started, ["id", "name_en", "programme", "status", "precision", "geometry"]]
    if len(shown):
        folium.GeoJson(
            shown,
            name="Fortifications",
            style_function=lambda f: {"color": "#D55E00", "weight": 4},
            tooltip=folium.GeoJsonTooltip(fields=["name_en", "status"]),
            popup=folium.GeoJsonPopup(fields=["name_en", "programme", "status", "precision"]),
        ).add_to(m)

folium.LayerControl().add_to(m)
apply_offline_assets(m)  # last: points every asset of the map at the vendored copies

legend_col, map_col = st.columns([1, 3.2])
with map_col:
    st_data = st_folium(m, height=620, use_container_width=True)
with legend_col:
    st.markdown("**Last interaction**")
    st.write({k: st_data.get(k) for k in ("zoom", "center", "last_object_clicked")})
