"""The explorer with one change applied in this process only, for what-if measurements.

``benchmarks/whatif.py`` runs it (staged with a copy of ``explorer/static``) with
``BFE_BENCH_VARIANT`` set; the app's own files are never edited:

* ``tables``: ``st.dataframe`` drawn as ``st.table`` (static HTML: no Arrow / data-grid code
  for the browser to download);
* ``mapfirst``: the sidebar's widgets drawn just after the map instead of before it;
* ``nopanel``: without the panel under the map (lengths and treaty tables);
* ``maponly``: a title and the explorer's full default map (basemap and every layer), nothing else;
* ``mapfloor``: not the explorer but the least a page with our base map in ``st_folium`` costs:
  a title and the base map with one circle marker (the lower bound of this architecture).
"""

import os
import runpy
import sys

import streamlit as st

sys.path.insert(0, os.getcwd())  # run from the repository root: `explorer` importable

VARIANT = os.environ.get("BFE_BENCH_VARIANT", "")

if VARIANT == "mapfloor":
    import folium
    from streamlit_folium import st_folium

    from explorer import maps, permalink

    st.set_page_config(layout="wide")
    st.title("Map floor")
    m = maps.build_base_map(center=(permalink.DEFAULT_LAT, permalink.DEFAULT_LON), zoom=4)
    group = folium.FeatureGroup(name="one marker")
    folium.CircleMarker([60.0, 25.0], radius=8).add_to(group)
    st_folium(
        m,
        key="map",
        height=620,
        use_container_width=True,
        feature_group_to_add=[group],
        returned_objects=[],
    )
    st.stop()

if VARIANT == "maponly":
    import datetime as dt

    from streamlit_folium import st_folium

    from explorer import data, features, maps, permalink, style

    st.set_page_config(layout="wide")
    st.title("Map only")

    @st.cache_resource
    def _inputs() -> tuple:
        ds = data.load_dataset()
        cols = features.layer_collections(ds, date=dt.date.today(), visible=style.DATA_LAYERS)
        return cols, maps.load_basemap()

    cols, basemap = _inputs()
    m = maps.build_base_map(center=(permalink.DEFAULT_LAT, permalink.DEFAULT_LON), zoom=4)
    groups = [maps.basemap_group(basemap), *maps.feature_groups(cols)]
    st_folium(
        m,
        key="map",
        height=620,
        use_container_width=True,
        feature_group_to_add=groups,
        returned_objects=[],
    )
    st.stop()

if VARIANT == "nopanel":
    from explorer.ui import panel

    panel.show_lengths = lambda *args, **kwargs: None
    panel.show_treaty_summary = lambda *args, **kwargs: None

if VARIANT == "mapfirst":
    # The sidebar's widgets are drawn right after the map instead of before it: their values are
    # already in st.session_state (seeded from the URL on the first run, kept by Streamlit after),
    # so the map does not need them drawn first; the map's message then leaves the server first.
    import streamlit_folium

    from explorer.ui import copy_link, sidebar

    deferred: list = []

    def _defer(fn):
        return lambda *args, **kwargs: deferred.append((fn, args, kwargs))

    for _name in ("time_controls", "layer_toggles", "segment_picker"):
        if not hasattr(sidebar, f"_bench_{_name}"):
            setattr(sidebar, f"_bench_{_name}", getattr(sidebar, _name))
        setattr(sidebar, _name, _defer(getattr(sidebar, f"_bench_{_name}")))
    if not hasattr(copy_link, "_bench_copy_link_control"):
        copy_link._bench_copy_link_control = copy_link.copy_link_control
    copy_link.copy_link_control = _defer(copy_link._bench_copy_link_control)
    if not hasattr(streamlit_folium, "_bench_st_folium"):
        streamlit_folium._bench_st_folium = streamlit_folium.st_folium

    def _st_folium_then_sidebar(*args, **kwargs):
        out = streamlit_folium._bench_st_folium(*args, **kwargs)
        while deferred:
            fn, fargs, fkwargs = deferred.pop(0)
            fn(*fargs, **fkwargs)
        return out

    streamlit_folium.st_folium = _st_folium_then_sidebar

if VARIANT == "tables":
    st.dataframe = lambda data, **_: st.table(data)

runpy.run_path(os.path.join(os.getcwd(), "explorer", "app.py"), run_name="__main__")
