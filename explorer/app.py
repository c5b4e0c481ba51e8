"""Streamlit entry point: `python -m streamlit run explorer/app.py` or `python -m explorer app`."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

# Streamlit runs this file as a script with its own folder on sys.path; make the package importable
# whatever the working directory (plain `streamlit run explorer/app.py` included).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explorer import config, data, features, maps, permalink, style, summary, timeline, view
from explorer.i18n import t
from explorer.ui import (
    copy_link,
    data_errors,
    export_panel,
    guard,
    map_script,
    overlay_panel,
    panel,
    presenter,
    sidebar,
    state,
)
from explorer.ui.text import md_escape

st.set_page_config(
    page_title=t("app.title", "en"),
    page_icon="🗺️",
    layout="wide",
    initial_sidebar_state="expanded",
)


@st.cache_resource(show_spinner=" / ".join(t("app.loading", lang) for lang in config.LANGUAGES))
def get_dataset(data_dir: str) -> data.Dataset:
    """Load and validate the data once per server and folder (shared, treated as read-only).

    ``partial``: a broken file only turns off the layers that need it (``unavailable_layers``).
    """
    return data.load_dataset(data_dir, partial=True)


@st.cache_resource(show_spinner=False)
def get_basemap() -> dict:
    """Load the local vector basemap once per server."""
    return maps.load_basemap()


@st.cache_resource(show_spinner=False, max_entries=256)
def get_layer_collection(
    data_dir: str, layer: str, lang: str, signature: tuple, _day: dt.date
) -> dict:
    """GeoJSON of one data layer (shared, read-only; the costly part).

    Keyed by the layer's signature (:func:`explorer.features.layer_signature`), not the date: the
    features are the same on every day with that signature, so ``_day`` (not hashed) is just the
    first such day seen.
    """
    ds = get_dataset(data_dir)
    return features.layer_collections(ds, date=_day, visible=[layer], lang=lang)[layer]


def get_collections(data_dir: str, day: dt.date, visible: tuple[str, ...], lang: str) -> dict:
    """GeoJSON of the visible data layers on a date, each from its signature-keyed cache."""
    ds = get_dataset(data_dir)
    return {
        layer: get_layer_collection(
            data_dir, layer, lang, features.layer_signature(ds, layer, date=day), day
        )
        for layer in style.DATA_LAYERS
        if layer in visible
    }


@st.cache_resource(show_spinner=False, max_entries=256)
def get_layer_script(
    data_dir: str, layer: str, lang: str, signature: tuple, position: int, _day: dt.date
) -> str:
    """One layer's map script as ``st_folium`` sends it at ``position`` (rendered once, shared).

    About 100 kB each; keyed like :func:`get_layer_collection` and bounded, so a classroom moving
    dates and toggling layers reuses a few dozen entries instead of growing without end.
    """
    if layer == "basemap":
        group = maps.basemap_group(get_basemap())
    else:
        fc = get_layer_collection(data_dir, layer, lang, signature, _day)
        group = maps.feature_groups({layer: fc})[0]
    return map_script.group_script(group, position)


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
        chapters=len(presenter.chapters_for(data_dir)),
    )
    if st.session_state.get(state.MODE) == "present":  # the story, full screen (issue 5)
        presenter.show(
            ds,
            data_dir,
            collections=functools.partial(get_collections, data_dir),
            basemap=get_basemap,
        )
        return

    # The language picker's state is current before the script reruns: read it first, so every
    # label on this run (the sidebar title included) is in the chosen language.
    lang = st.session_state.get(sidebar.LANG_KEY, "en")
    st.sidebar.title(t("app.title", lang))
    st.sidebar.caption(t("app.caption", lang))
    sidebar.language_picker()
    sidebar.time_controls(get_key_events(data_dir), lang)
    sidebar.layer_toggles(style.layers(lang), lang)
    names = dict(zip(ds.segments["id"], ds.segments[f"name_{lang}"], strict=True))
    sidebar.segment_picker(names, segment_views(ds), lang)
    copy_link.copy_link_control(lang)
    presenter.present_button(data_dir, lang)

    current = state.current(layer_ids)
    state.write_query(current)
    overlay = overlay_panel.show(current.lang)  # the analyst's own data (sidebar, session only)

    st.title(t("app.title", lang))
    data_errors.show_broken_files(ds)
    for message in state.link_notices(lang, "app.link_notice"):
        st.info(md_escape(message))
    day = current.date
    if day < dt.date(1997, 9, 18):
        st.info(md_escape(t("app.before_treaty", lang)))
    # Layers whose data file is broken stay selected (the link keeps them) but are not drawn.
    drawn = tuple(i for i in current.layers if i not in ds.unavailable_layers)
    data_layers = [i for i in drawn if i in style.DATA_LAYERS]
    if not current.layers:
        st.warning(md_escape(t("app.all_off", lang)))

    lat, lon, zoom = st.session_state["view"]
    # The base map never changes (no re-mount, no flicker); layers and the basemap go through
    # feature_group_to_add, the view through center/zoom (only moved by an explicit "go to").
    base = maps.build_base_map(
        center=(permalink.DEFAULT_LAT, permalink.DEFAULT_LON),
        zoom=permalink.DEFAULT_ZOOM,
        lang=current.lang,  # the credit line's language (a language switch re-mounts the map)
    )
    shown = (["basemap"] if "basemap" in drawn else []) + data_layers
    # The analyst's overlay goes first: its script (megabytes when large) is rendered once for
    # position 0 and stays valid whatever layers are toggled after it (panes set drawing order).
    first = 0 if overlay is None else 1
    groups = [
        map_script.prerendered(
            get_layer_script(
                data_dir,
                layer,
                current.lang,
                () if layer == "basemap" else features.layer_signature(ds, layer, date=day),
                position,
                day,
            ),
            layer,
        )
        for position, layer in enumerate(shown, start=first)
    ]
    if overlay is not None:
        groups.insert(0, overlay_panel.map_group(overlay, current.lang, 0))
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
        caption = t("app.map_caption", lang, date=day.isoformat(), as_of=config.DATA_AS_OF)
        st.caption(md_escape(caption))
    with legend_col:
        st.markdown(f"**{md_escape(t('legend.title', lang))}**")
        legend = maps.legend_html(
            style.legend_items(drawn, lang) + overlay_panel.legend_items(overlay, lang)
        )
        if legend.strip():
            st.html(legend)
        else:
            st.caption(md_escape(t("legend.empty", lang)))

    live_lat, live_lon, live_zoom = state.live_view()
    # The same view in words, for screen readers and anyone who cannot see the map.
    with st.expander(t("app.summary_title", lang), expanded=False):
        lines = summary.summary_lines(
            ds,
            layers=drawn,
            date=day,
            bbox=view.view_bbox(live_lat, live_lon, live_zoom),
            lang=lang,
        )
        st.markdown(
            "\n".join(
                f"- {md_escape(line[2:])}" if line.startswith("- ") else f"\n{md_escape(line)}\n"
                for line in lines
            )
        )
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
        panel.show_lengths(ds, current.segment, day, lang)
    if not data_errors.show_panel_unavailable(ds, "Mine Ban Treaty status", ("treaty_events",)):
        panel.show_treaty_summary(ds, day, lang)


guard.run_guarded(main)  # a message and a log entry, never a traceback on the page
