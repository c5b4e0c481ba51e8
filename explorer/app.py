"""Streamlit entry point: `python -m streamlit run explorer/app.py` or `python -m explorer app`."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

# Streamlit runs this file as a script with its own folder on sys.path; make the package importable
# whatever the working directory (plain `streamlit run explorer/app.py` included).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explorer import config, data, features, maps, permalink, style, timeline
from explorer.ui import copy_link, export_panel, panel, sidebar, state
from explorer.ui.text import md_escape

st.set_page_config(
    page_title="Border Fortification Explorer",
    page_icon="🗺️",
    layout="wide",
    initial_sidebar_state="expanded",
)


@st.cache_resource(show_spinner="Loading border data…")
def get_dataset() -> data.Dataset:
    """Load and validate the bundled data once per server (shared, treated as read-only)."""
    return data.load_dataset()


@st.cache_resource(show_spinner=False)
def get_basemap() -> dict:
    """Load the local vector basemap once per server."""
    return maps.load_basemap()


@st.cache_resource(show_spinner=False, max_entries=512)
def get_collections(day: dt.date, visible: tuple[str, ...], lang: str) -> dict:
    """GeoJSON of the visible data layers on a date (shared, read-only; the costly part).

    folium objects are not cached: ``st_folium`` renames elements as it serialises them, so a
    reused FeatureGroup would point at variables that no longer exist.
    """
    return features.layer_collections(get_dataset(), date=day, visible=visible, lang=lang)


@st.cache_data(show_spinner=False)
def get_key_events() -> object:
    """Return the key events the time control can jump to."""
    ds = get_dataset()
    return timeline.key_events(ds.treaty_events, ds.fortifications)


def segment_views(ds: data.Dataset) -> dict[str, tuple[float, float, int]]:
    """Centre and zoom that frame each border segment."""
    views = {}
    for rec in ds.segments.to_dict("records"):
        minx, miny, maxx, maxy = rec["geometry"].bounds
        span = max(maxx - minx, (maxy - miny) * 1.8)
        zoom = 8 if span < 2 else 7 if span < 4 else 6 if span < 8 else 5
        views[rec["id"]] = ((miny + maxy) / 2, (minx + maxx) / 2, zoom)
    return views


def main() -> None:
    """Draw the page."""
    try:
        ds = get_dataset()
    except data.DataError as exc:
        st.error("The bundled data failed validation, so the map cannot be drawn.")
        st.code(str(exc), language=None)
        st.stop()
    layer_ids = list(style.LAYER_IDS)
    state.init_from_query(
        layer_ids=layer_ids,
        default_layers=[i for i in layer_ids if i in style.DEFAULT_LAYERS],
        segment_ids=list(ds.segments["id"]),
    )

    st.sidebar.title("Border Fortification Explorer")
    st.sidebar.caption(
        "NATO's eastern flank: border fortifications and the Ottawa mine-ban treaty, with sources."
    )
    sidebar.time_controls(get_key_events())
    sidebar.layer_toggles(style.LAYERS)
    names = dict(zip(ds.segments["id"], ds.segments["name_en"], strict=True))
    sidebar.segment_picker(names, segment_views(ds))
    copy_link.copy_link_control()

    current = state.current(layer_ids)
    state.write_query(current)

    st.title("Border Fortification Explorer")
    for notice in st.session_state.get(state.NOTICES, []):
        st.info(f"Link not fully understood — {md_escape(notice)} The default is shown instead.")
    day = current.date
    if day < dt.date(1997, 9, 18):
        st.info(
            "Before 18 September 1997 the Mine Ban Treaty did not exist yet: every country is "
            "shown as a non-party and no fortification had been announced."
        )
    data_layers = [i for i in current.layers if i in style.DATA_LAYERS]
    if not current.layers:
        st.warning("All layers are off: turn some on in the sidebar to see data on the map.")

    lat, lon, zoom = st.session_state["view"]
    # The base map never changes (no re-mount, no flicker); layers and the basemap go through
    # feature_group_to_add, the view through center/zoom (only moved by an explicit "go to").
    base = maps.build_base_map(
        center=(permalink.DEFAULT_LAT, permalink.DEFAULT_LON), zoom=permalink.DEFAULT_ZOOM
    )
    groups = maps.feature_groups(get_collections(day, tuple(data_layers), current.lang))
    if "basemap" in current.layers:
        groups.insert(0, maps.basemap_group(get_basemap()))
    legend_col, map_col = st.columns([1, 3.2])
    with map_col:
        st_folium(
            base,
            key="map",
            height=620,
            use_container_width=True,
            center=(lat, lon),
            zoom=zoom,
            feature_group_to_add=groups,
            returned_objects=[],
        )
        st.caption(
            f"Map on **{day.isoformat()}** · data as of {config.DATA_AS_OF} · "
            "© OpenStreetMap contributors (ODbL) · Natural Earth (public domain) · "
            "click a feature for its sources; use the ruler (top left) to measure in km."
        )
    with legend_col:
        st.markdown("**Legend**")
        legend = maps.legend_html(style.legend_items(current.layers))
        if legend.strip():
            st.html(legend)
        else:
            st.caption("Nothing is drawn: every layer is off.")

    live_lat, live_lon, live_zoom = state.live_view()
    export_panel.show(
        ds,
        layers=current.layers,
        day=day,
        lat=live_lat,
        lon=live_lon,
        zoom=live_zoom,
        lang=current.lang,
    )
    panel.show_lengths(ds, current.segment, day)
    panel.show_treaty_summary(ds, day)


main()
