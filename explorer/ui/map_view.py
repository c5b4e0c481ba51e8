"""The map as the explorer and the presenter show it: one component, state-only messages.

The component (:mod:`explorer.web.frontend`, served from the folder :func:`get_site` writes)
fetches each layer's file once; every script run sends it only the state: which layer files to
draw, the date, the language, and an explicit "go to" when the script moves the view. A toggle or
a date change is therefore a message of about a kilobyte, and the map is never re-mounted.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any, Final

import streamlit as st
import streamlit.components.v1 as components

from explorer import intervals, scene, text
from explorer import legend as legend_rows
from explorer.config import LANGUAGES
from explorer.i18n import t
from explorer.layers import LAYER_IDS, family
from explorer.overlay import Overlay, display
from explorer.ui import state
from explorer.web import bundle, decor, site

#: The component's name (and the iframe's title: ``explorer.ui.map_view.bfe_map``).
NAME: Final[str] = "bfe_map"


@st.cache_resource(show_spinner=False)
def get_site(data_dir: str, _ds: Any, _basemap: Any) -> site.Site:
    """Write the component folder and the layer files once per server and data folder."""
    return site.build_site(_ds, _basemap)


@st.cache_resource(show_spinner=False)
def _component(path: str) -> Any:
    return components.declare_component(NAME, path=path)


@st.cache_resource(show_spinner=False, max_entries=8)
def _overlay_payload(digest: str, lang: str, _overlay: Overlay) -> dict:
    """Return the overlay as the map draws it (rendered once per file and language, shared)."""
    collection = display.overlay_collection(_overlay, lang)
    kinds = {k: collection[k] for k in ("point", "line", "polygon") if k in collection}
    return {
        "token": f"{digest}:{lang}",
        "kinds": kinds,
        "styles": {k: display.path_style(k) for k in ("point", "line", "polygon")},
        "canvas": collection.get("canvas", {}),
    }


@st.cache_data(show_spinner=False, max_entries=1024)
def _categories(
    data_dir: str, layer: str, signature: tuple, _ds: Any, _day: dt.date
) -> tuple[dict[str, set[str]], bool]:
    """Return what one layer draws (for a legend) and whether it has works only marked.

    Categories from the layer's scene frame (:func:`explorer.scene.shown_categories`, the
    frame's states are the browser's intervals); cached by the layer's states (``signature``),
    not by the date.
    """
    frame = scene.layer_frame(_ds, layer, _day)
    shown = scene.shown_categories({layer: frame})
    return shown, bool(len(frame) and frame["partial"].astype(bool).any())


def legend(
    data_dir: str,
    ds: Any,
    layers: Sequence[str],
    day: dt.date,
    lang: str,
    *,
    compare: dt.date | None = None,
) -> list[legend_rows.LegendItem]:
    """Return the legend of exactly what the map draws on ``day`` (categories present only).

    In compare mode the one legend lists what either map draws (``day`` or ``compare``).

    Parameters
    ----------
    data_dir : str
        The data folder (cache key of ``ds``).
    ds : Dataset
        The loaded data.
    layers : sequence of str
        The layers drawn.
    day : datetime.date
        The day shown.
    lang : {"en", "pl"}
        Language of the labels.
    compare : datetime.date, optional
        The other day of compare mode: its categories join the legend.
    """
    shown: dict[str, set[str]] = {}
    marked = False
    days = (day,) if compare is None else (day, compare)
    for layer in layers:
        if family(layer) in ("treaty", "programme"):
            for one_day in days:
                cats, marks = _categories(
                    data_dir, layer, intervals.signature(ds, (layer,), one_day), ds, one_day
                )
                for name, categories in cats.items():
                    shown[name] = shown.get(name, set()) | categories
                marked = marked or marks
        elif family(layer) == "border":
            shown[layer] = {"drawn"}
    items = legend_rows.legend_items(layers, lang, shown=shown)
    return legend_rows.with_partial_row(items, lang) if marked else items


@st.cache_data(show_spinner=False)
def _static_args(lang: str) -> dict:
    """Return what every message carries that never changes with the state (small)."""
    return {
        "attribution": text.attribution_html(lang),
        "panes": dict(bundle.PANES),
        "decor": decor.decor(),
        "labels": {
            "features_here": t("map.features_here", lang),
            "map": t("map.aria", lang),
            "map_present": t("map.aria_present", lang),
            "on_date": t("map.on_date", lang),
            "feature_n": t("map.feature_n", lang),
            "no_features": t("map.no_features", lang),
        },
    }


def session_token() -> str:
    """Return a random id of this server session (the same on every run of the session).

    The map tells by it that its page now talks to another session than the one that drew it:
    the worker died and ``serve``'s proxy sent the page to another (issue 13). The page then
    reloads, and the new session starts cleanly from the link in the address bar; without the
    reload it would rerun with the old page's widgets, half restored.
    """
    token = st.session_state.get(state.SESSION_TOKEN)
    if not token:
        token = st.session_state[state.SESSION_TOKEN] = secrets.token_hex(8)
    return str(token)


def show_map(
    the_site: site.Site,
    *,
    layers: Sequence[str],
    date: dt.date,
    lang: str,
    view: tuple[float, float, int],
    view_version: int,
    height: int,
    keyboard: bool = True,
    overlay: Overlay | None = None,
    key: str = state.MAP_KEY,
    report_drawn: bool = False,
    compare: dt.date | None = None,
    play: dict[str, Any] | None = None,
) -> Any:
    """Draw the map component with ``layers`` on ``date`` (only state travels).

    With ``compare``, the component draws two maps of the same layers side by side (stacked
    in a narrow frame), ``compare`` and ``date``, each labelled with its day, their pan and
    zoom kept together in the browser (``explorer/web/frontend/compare.js``).

    Parameters
    ----------
    the_site : Site
        From :func:`get_site`.
    layers : sequence of str
        Layer ids to draw (``basemap`` included when wanted); unknown or unavailable ones are
        skipped. Drawing order comes from panes, not from this order.
    date : datetime.date
        The day shown.
    lang : {"en", "pl"}
        Language of the layer files, tooltips and popups.
    view : (float, float, int)
        ``(lat, lon, zoom)`` to show when ``view_version`` changes (an explicit "go to"); the
        user's panning is kept otherwise.
    view_version : int
        Incremented by every "go to".
    height : int
        Height in CSS pixels.
    keyboard : bool, default True
        Arrow keys pan the focused map (off in the presenter, where they change chapters).
    overlay : Overlay, optional
        The session's own data; it travels only in this session's messages.
    key : str, default :data:`explorer.ui.state.MAP_KEY` (``"map"``)
        Streamlit key: one map per key, never re-mounted.
    report_drawn : bool, default False
        Ask the map to report (its value becomes 1) once its layers are drawn: the page's
        first run in a browser draws the rest then (:mod:`explorer.ui.first_paint`).
    compare : datetime.date, optional
        Compare mode: the other day shown ("A", before ``date``); None: one map.
    play : dict, optional
        Play's settings and legends (:func:`explorer.ui.play_controls.payload`): the map shows
        a Play button and steps the date itself; None: no Play.

    Returns
    -------
    object
        The component's value: None, 1 once the map reported being drawn, or
        ``{"play": n, "date": day}`` once Play stopped on ``day``.
    """
    lang = lang if lang in LANGUAGES else "en"
    files = the_site.files
    ordered = [i for i in LAYER_IDS if i in layers and i in files]
    args: dict[str, Any] = {
        **_static_args(lang),
        "layers": [[i, files[i][lang]] for i in ordered],
        "date": date.isoformat(),
        "compare": None if compare is None else compare.isoformat(),
        "lang": lang,
        "view": [float(view[0]), float(view[1]), int(view[2]), int(view_version)],
        "window": list(the_site.window),
        "height": int(height),
        "keyboard": bool(keyboard),
        "overlay": None if overlay is None else _overlay_payload(overlay.digest, lang, overlay),
        "session": session_token(),
        "report": bool(report_drawn),
        "play": play,
    }
    return _component(str(the_site.path))(**args, key=key, default=None)
