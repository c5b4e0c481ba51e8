"""Throwaway Streamlit page proving the offline map stack: vendored Leaflet, plugins, st_folium.

Run through ``tests/browser/helpers.py:stage_page`` (which puts ``static/`` next to it) from the
repository root. It draws no tiles (``tiles=None``), one GeoJson layer with a tooltip and popup
(a polygon, a line and a point, whose default marker icon comes from Leaflet's vendored images),
a CircleMarker with a ``folium.Popup`` (built with jQuery's ``$``), a LayerControl and a
MeasureControl.
"""

from __future__ import annotations

import folium
import folium.plugins
import streamlit as st
from streamlit_folium import st_folium

from explorer.web.assets import apply_offline_assets

PROBE_GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "probe area", "kind": "polygon"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[21.0, 52.0], [24.0, 52.0], [24.0, 54.0], [21.0, 54.0], [21.0, 52.0]]
                ],
            },
        },
        {
            "type": "Feature",
            "properties": {"name": "probe wall", "kind": "line"},
            "geometry": {"type": "LineString", "coordinates": [[20.0, 51.0], [25.0, 55.0]]},
        },
        {
            "type": "Feature",
            "properties": {"name": "probe fort", "kind": "point"},
            "geometry": {"type": "Point", "coordinates": [25.5, 52.5]},
        },
    ],
}


def build_probe_map() -> folium.Map:
    """Build the probe map with every asset pointed at the vendored copies."""
    m = folium.Map(location=[53.0, 23.0], zoom_start=6, tiles=None)
    folium.GeoJson(
        PROBE_GEOJSON,
        name="probe layer",
        style_function=lambda _feature: {"color": "#8b0000", "weight": 3, "fillOpacity": 0.2},
        tooltip=folium.GeoJsonTooltip(fields=["name", "kind"]),
        popup=folium.GeoJsonPopup(fields=["name", "kind"]),
    ).add_to(m)
    folium.CircleMarker(
        [51.5, 21.5], radius=8, color="#00008b", popup=folium.Popup("<b>probe popup</b>")
    ).add_to(m)
    folium.plugins.MeasureControl(position="topleft").add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return apply_offline_assets(m)


st.title("Offline probe")
# use_container_width: a fixed width wider than the column is clipped by the iframe, hiding the
# top-right controls (the LayerControl) without any error.
st_folium(
    build_probe_map(), key="probe_map", height=500, use_container_width=True, returned_objects=[]
)
st.caption("probe-ready")
