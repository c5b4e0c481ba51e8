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
from explorer.ui import copy_link, data_errors, export_panel, overlay_panel, panel, sidebar, state
from explorer.ui.text import md_escape

st.set_page_config(
    page_title="Border Fortification Explorer",
    page_icon="🗺️",
    layout="wide",
    initial_sidebar_state="expanded",
)


@st.cache_resource(show_spinner="Loading border data…")
def get_dataset(data_dir: str) -> data.Dataset:
    """Load and validate the data once per server and folder (shared, treated as read-only).

    ``partial``: a broken file only turns off the layers that need it (``unavailable_layers``).
    """
    return data.load_dataset(data_dir, partial=True)


@st.cache_resource(show_spinner=False)
def get_basemap() -> dict:
    """Load the local vector basemap once per server."""
    return maps.load_basemap()


@st.cache_resource(show_spinner=False, max_entries=512)
def get_collections(data_dir: str, day: dt.date, visible: tuple[str, ...], lang: str) -> dict:
    """GeoJSON of the visible data layers on a date (shared, read-only; the costly part).

    folium objects are not cached: ``st_folium`` renames elements as it serialises them, so a
    reused FeatureGroup would point at variables that no longer exist.
    """
    ds = get_dataset(data_dir)
    return features.layer_collections(ds, date=day, visible=visible, lang=lang)


@st.cache_data(show_spinner=False)
def get_key_events(data_dir: str) -> object:
    """Return the key events the time control can jump to."""
    ds = get_dataset(data_dir)
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
    data_dir = str(config.geodata_dir())
    try:
        ds = get_dataset(data_dir)
    except data.DataError as exc:
        data_errors.show_fatal(exc.problems, data_dir)
        st.stop()
    except Exception as exc:  # any surprise in the data: a message, never a traceback
        st.error(f"The data in {md_escape(data_dir)} could not be loaded: {md_escape(exc)}")
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
    sidebar.time_controls(get_key_events(data_dir))
    sidebar.layer_toggles(style.LAYERS)
    names = dict(zip(ds.segments["id"], ds.segments["name_en"], strict=True))
    sidebar.segment_picker(names, segment_views(ds))
    copy_link.copy_link_control()

    current = state.current(layer_ids)
    state.write_query(current)
    overlay = overlay_panel.show(current.lang)  # the analyst's own data (sidebar, session only)

    st.title("Border Fortification Explorer")
    data_errors.show_broken_files(ds)
    for notice in st.session_state.get(state.NOTICES, []):
        st.info(f"Link not fully understood — {md_escape(notice)} The default is shown instead.")
    day = current.date
    if day < dt.date(1997, 9, 18):
        st.info(
            "Before 18 September 1997 the Mine Ban Treaty did not exist yet: every country is "
            "shown as a non-party and no fortification had been announced."
        )
    # Layers whose data file is broken stay selected (the link keeps them) but are not drawn.
    drawn = tuple(i for i in current.layers if i not in ds.unavailable_layers)
    data_layers = [i for i in drawn if i in style.DATA_LAYERS]
    if not current.layers:
        st.warning("All layers are off: turn some on in the sidebar to see data on the map.")

    lat, lon, zoom = st.session_state["view"]
    # The base map never changes (no re-mount, no flicker); layers and the basemap go through
    # feature_group_to_add, the view through center/zoom (only moved by an explicit "go to").
    base = maps.build_base_map(
        center=(permalink.DEFAULT_LAT, permalink.DEFAULT_LON), zoom=permalink.DEFAULT_ZOOM
    )
    groups = maps.feature_groups(get_collections(data_dir, day, tuple(data_layers), current.lang))
    if "basemap" in drawn:
        groups.insert(0, maps.basemap_group(get_basemap()))
    if overlay is not None:
        groups.append(overlay_panel.map_group(overlay, current.lang, len(groups)))
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
        legend = maps.legend_html(
            style.legend_items(drawn) + overlay_panel.legend_items(overlay, current.lang)
        )
        if legend.strip():
            st.html(legend)
        else:
            st.caption("Nothing is drawn: every layer is off.")

    live_lat, live_lon, live_zoom = state.live_view()
    export_panel.show(
        ds,
        layers=drawn,
        day=day,
        lat=live_lat,
        lon=live_lon,
        zoom=live_zoom,
        lang=current.lang,
        overlay=overlay,
    )
    if not data_errors.show_panel_unavailable(
        ds, "Border lengths", ("border_lengths", "fortifications")
    ):
        panel.show_lengths(ds, current.segment, day)
    if not data_errors.show_panel_unavailable(ds, "Mine Ban Treaty status", ("treaty_events",)):
        panel.show_treaty_summary(ds, day)


main()
