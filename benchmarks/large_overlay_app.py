"""Large overlay, our way: the real app with 100,000 points or 20,000 polygons already uploaded.

What an analyst gets: the generated file (:func:`benchmarks.large_data.geojson_bytes`) is read by
the app's own reader (:func:`explorer.overlay.read_overlay`, once per server, as an upload is once
per file) and put in the session where the upload panel keeps it; then ``explorer/app.py`` runs
unchanged. So the overlay goes through the product's path: compact canvas data
(:func:`explorer.overlay.display.canvas_data`),
:func:`explorer.web.folium_map.overlay_group`, the cached
script (:func:`explorer.ui.overlay_panel.overlay_script`), ``st_folium(returned_objects=[])``
(panning never reruns), beside the app's default layers.

``?data=points`` (default) or ``?data=polygons``
(``?data=warm``: reads both files and runs the app without an overlay, as a server that has been
serving: its own layers cached; the overlay's script is still rendered on the first load). Run
from the repository root with a ``static/`` folder next to it (``benchmarks/run.py`` stages it
with a copy of ``explorer/static``).
"""

import os
import runpy
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, os.getcwd())  # run from the repository root: `explorer`, `benchmarks` importable

from benchmarks import large_data
from explorer.overlay import Overlay, read_overlay
from explorer.ui import state

APP = Path(os.getcwd()) / "explorer" / "app.py"
KIND_KEY = "bench_overlay_kind"


@st.cache_resource(show_spinner=False)
def generated(kind: str) -> Overlay:
    """Read the generated overlay with the app's reader (once per server; shared, read-only)."""
    return read_overlay(large_data.geojson_bytes(kind), f"generated-{kind}.geojson")


data = st.query_params.get("data")
if data == "warm":  # the warm-up visit: files read, the app run once without an overlay
    for name in ("points", "polygons"):
        generated(name)
    st.session_state[KIND_KEY] = None
if KIND_KEY not in st.session_state:  # first run of the session: as if just uploaded
    kind = "polygons" if data == "polygons" else "points"
    st.session_state[KIND_KEY] = kind
    st.session_state[state.OVERLAY] = generated(kind)
if "data" in st.query_params:  # not one of the app's link parameters (it would say so)
    del st.query_params["data"]
runpy.run_path(str(APP), run_name="__main__")
