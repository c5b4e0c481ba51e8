"""Large overlay, the naive way: the same 100,000 points or 20,000 polygons as ``folium.GeoJson``.

Each point a ``CircleMarker`` (an SVG path), each polygon an SVG path, a tooltip on every feature,
the GeoDataFrame built on every run (no caching), ``st_folium`` defaults (reruns on pan). Leaflet
comes from the vendored copy (:func:`explorer.web.assets.apply_offline_assets`), as offline it must.

``?data=points`` (default) or ``?data=polygons``
(``?data=warm``: a title only, for a warm-up). Run from the repository root with a ``static/``
folder next to it (``benchmarks/run.py`` stages it with a copy of ``explorer/static``).
"""

import os
import sys

import folium
import geopandas as gpd
import shapely
import streamlit as st
from streamlit_folium import st_folium

sys.path.insert(0, os.getcwd())  # run from the repository root: `explorer`, `benchmarks` importable

from benchmarks import large_data
from explorer.web.assets import apply_offline_assets

st.set_page_config(page_title="Large overlay (naive)", layout="wide")

if st.query_params.get("data") == "warm":  # the benchmark's warm-up visit: imports done
    st.title("warm")
    st.stop()
KIND = "polygons" if st.query_params.get("data") == "polygons" else "points"
if KIND == "points":
    pts = large_data.points()
    geometry = gpd.points_from_xy(pts[:, 0], pts[:, 1])
else:
    geometry = [shapely.Polygon(ring) for ring in large_data.polygons()]
gdf = gpd.GeoDataFrame({"id": range(len(geometry))}, geometry=geometry, crs="EPSG:4326")

st.title(f"Large overlay: {len(gdf):,} {KIND} (folium.GeoJson)")
m = folium.Map(location=[54.5, 23.0], zoom_start=5, tiles=None)
folium.GeoJson(
    gdf,
    name=KIND,
    marker=folium.CircleMarker(radius=3, fill=True) if KIND == "points" else None,
    tooltip=folium.GeoJsonTooltip(fields=["id"]),
).add_to(m)
apply_offline_assets(m)
st_folium(m, height=620, use_container_width=True)
