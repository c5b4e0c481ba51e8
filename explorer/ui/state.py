"""Session state and the permalink: read the query string once, write it back on change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import parse_qs

import streamlit as st

from explorer import config, permalink, view
from explorer.i18n import t
from explorer.permalink import State
from explorer.text import Message

_LOADED = "_permalink_loaded"
_WRITTEN = "_permalink_written"
#: The link's notices as text in the link's language (see :func:`notice_texts` for any other).
NOTICES = "_permalink_notices"
_NOTICE_ITEMS = "_permalink_notice_items"
#: Session-state keys of the app's mode (``explore`` or ``present``) and the story chapter.
MODE = "mode"
CHAPTER = "chapter"
#: Session-state key: the link said an uploaded overlay was on the map, and this session has none
#: (it was lost with its server process, or the link was opened elsewhere).
OVERLAY_LOST = "_overlay_lost"
#: Key of the text summary's expander (open: the summary is made; closed: it costs nothing).
SUMMARY_OPEN = "summary_open"
#: Keys of the export panel's and the "About the data" expanders: their content (seven download
#: buttons; tens of kB of change log) is sent only while they are open, so a page load does not
#: make the browser lay it out, hidden, before the map appears.
EXPORT_OPEN = "export_open"
#: Key of the flag "this page has been drawn whole" (a browser's first run draws only the map:
#: :mod:`explorer.ui.first_paint`).
PAGE_FULL = "page_full"
ABOUT_OPEN = "about_data_open"


def layer_key(layer_id: str) -> str:
    """Session-state key of a layer's toggle."""
    return f"layer_{layer_id}"


def init_from_query(
    *,
    layer_ids: Sequence[str],
    default_layers: Sequence[str],
    segment_ids: Sequence[str],
    chapters: int = 0,
) -> None:
    """On a session's first run, seed the widgets' session state from the query string.

    ``chapters`` is the number of story chapters (``mode`` and ``chapter`` land in
    :data:`MODE` and :data:`CHAPTER`).
    """
    if st.session_state.get(_LOADED):
        return
    default = permalink.default_state(
        [i for i in layer_ids if i in set(default_layers)], dt.date.today()
    )
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    state = permalink.parse_query(
        params,
        known_layers=layer_ids,
        known_segments=segment_ids,
        default=default,
        chapters=chapters,
    )
    for layer_id in layer_ids:
        st.session_state[layer_key(layer_id)] = layer_id in state.layers
    st.session_state["date"] = state.date
    st.session_state["segment"] = state.segment or ""
    st.session_state["lang"] = state.lang
    st.session_state["view"] = (state.lat, state.lon, state.zoom)
    st.session_state[_NOTICE_ITEMS] = list(state.notices)
    st.session_state[NOTICES] = notice_texts(state.lang)
    st.session_state[MODE] = state.mode
    st.session_state[CHAPTER] = state.chapter
    # A new session never holds an overlay: one named by the link is gone (issue 13).
    st.session_state[OVERLAY_LOST] = state.overlay
    st.session_state[_LOADED] = True


def current(layer_ids: Sequence[str], *, overlay: bool = False) -> State:
    """Return the state the widgets hold now (``overlay``: an uploaded overlay is on the map)."""
    lat, lon, zoom = st.session_state["view"]
    return State(
        layers=tuple(i for i in layer_ids if st.session_state.get(layer_key(i))),
        date=st.session_state["date"],
        lat=lat,
        lon=lon,
        zoom=zoom,
        segment=st.session_state.get("segment") or None,
        lang=st.session_state.get("lang", "en"),
        overlay=overlay,
    )


def write_query(state: State) -> None:
    """Write the state to the URL, only when it changed (each write adds a history entry).

    The map's live view is kept in the URL by the browser itself (``map.js``), which
    also corrects the lat/lon/zoom of any URL written here, so panning never reruns the script.
    """
    query = permalink.to_query(state)
    if st.session_state.get(_WRITTEN) == query:
        return
    st.query_params.from_dict(query)
    st.session_state[_WRITTEN] = query


#: Key of the hidden text input through which the browser reports the map's live view.
LIVE_VIEW_KEY = "live_view_qs"


def live_view() -> tuple[float, float, int]:
    """Return the map's live view as the browser last reported it, else the script's view.

    Panning never reruns the script, so the server does not follow the view. When the user
    asks for it (the export panel's "Use the map's current view" button), the browser writes the
    page's query string, which it keeps on the live view, into a hidden text input: one rerun,
    and this function parses lat/lon/zoom from it (every value validated; bad ones ignored).
    """
    lat, lon, zoom = st.session_state["view"]
    fallback = State(layers=(), date=config.DATE_MIN, lat=lat, lon=lon, zoom=zoom)
    reported = str(st.session_state.get(LIVE_VIEW_KEY) or "")[: permalink.MAX_VALUE_LEN]
    live = parse_qs(reported.lstrip("?"), max_num_fields=50)
    params = {key: live[key][-1] for key in ("lat", "lon", "zoom") if live.get(key)}
    parsed = permalink.parse_query(params, known_layers=(), known_segments=(), default=fallback)
    return parsed.lat, parsed.lon, parsed.zoom


def go_to(lat: float, lon: float, zoom: int) -> None:
    """Move the map's view (explicit "go to": the only time the script sets the view)."""
    st.session_state["view"] = (round(lat, 4), round(lon, 4), int(zoom))
    st.session_state["view_version"] = st.session_state.get("view_version", 0) + 1


def notice_text(notice: str, lang: str) -> str:
    """Return a permalink notice in ``lang`` (plain text; any other text passes through)."""
    if isinstance(notice, Message):
        return t(notice.key, lang, **notice.values)
    return str(notice)


#: Notices after which the link shows something other than the default: the nearest date, or
#: nothing replaced at all (unknown parameters). They are not followed by "the default is shown".
_NOT_DEFAULT: frozenset[str] = frozenset(
    {"link.date_outside", "link.unknown_keys", "link.unknown_keys_more"}
)


def link_notices(lang: str, wrapper: str) -> list[str]:
    """Return this session's permalink notices as whole messages in ``lang`` (plain text).

    Parameters
    ----------
    lang : str
        Language of the messages.
    wrapper : str
        Translation key of the message around a notice (``{notice}``), such as
        ``app.link_notice``; ``<wrapper>_kept`` is used for a notice after which the default is
        not what is shown (so no message says "showing 2028-12-31. The default is shown").

    Returns
    -------
    list of str
        One message per notice; escape before markdown.
    """
    messages = []
    for notice in st.session_state.get(_NOTICE_ITEMS, []):
        key = getattr(notice, "key", None)
        shown = f"{wrapper}_kept" if key in _NOT_DEFAULT else wrapper
        messages.append(t(shown, lang, notice=notice_text(notice, lang)))
    return messages


def notice_texts(lang: str) -> list[str]:
    """Return this session's permalink notices in ``lang`` (plain text: escape before markdown)."""
    return [notice_text(n, lang) for n in st.session_state.get(_NOTICE_ITEMS, [])]


def clear_notices() -> None:
    """Forget permalink notices (after they have been shown once)."""
    st.session_state[NOTICES] = []
    st.session_state[_NOTICE_ITEMS] = []


def app_url() -> str:
    """Return the app's address as the browser sees it (no query), else the default local one.

    Used for the permalinks printed on exports and the handout, so a class served at
    ``https://maps.school.example/`` gets links to that address, not to ``localhost:8501``.
    """
    try:
        url = str(st.context.url or "")
    except Exception:  # no browser context (tests, bare mode)
        url = ""
    url = url.split("?", 1)[0].split("#", 1)[0]
    if not url.startswith(("http://", "https://")):
        return view.APP_URL
    return url if url.endswith("/") else url + "/"
