"""Session state and the permalink: every session key, the query string read once and written.

Every session key is defined in this module's "Every session key" section; the permalink is read
from the query string on a session's first run and written back whenever it changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Final
from urllib.parse import parse_qs

import streamlit as st

from explorer import config, permalink, view
from explorer.i18n import t
from explorer.permalink import State
from explorer.text import Message

# --- Every session key
# Every key of this app's session state, and every widget key that is read back from it or looked
# for in the page (``.st-key-<key>`` classes, the presenter's keyboard script, the tests), is
# defined here and only here; every other module names these constants. The values are part of the
# app's outside (permalinks, browser tests and AppTest use them): never change one casually.
# Layout containers keyed only for CSS stay where they are drawn: the presenter's ``presenter``,
# ``presenter_panel``, ``presenter_caption``, ``presenter_sources``, ``presenter_progress``,
# ``presenter_legend`` and ``presenter_keys`` (:mod:`explorer.ui.presenter`). The rule and that
# list are checked by ``tests/test_architecture.py``.

# Permalink and view
#: Set once a session's first run has read the query string (:func:`init_from_query`).
_LOADED: Final[str] = "_permalink_loaded"
#: The query string last written to the URL (:func:`write_query` writes only changes).
_WRITTEN: Final[str] = "_permalink_written"
#: The link's notices as text in the link's language (see :func:`notice_texts` for any other).
NOTICES: Final[str] = "_permalink_notices"
#: The link's notices as messages (:class:`explorer.text.Message` or text), any language.
_NOTICE_ITEMS: Final[str] = "_permalink_notice_items"
#: The map's view ``(lat, lon, zoom)`` as the script last set it (the link, or a "go to").
VIEW_KEY: Final[str] = "view"
#: Counter of "go to"s: the map moves to :data:`VIEW_KEY` only when it changes.
VIEW_VERSION_KEY: Final[str] = "view_version"
#: Hidden text input through which the browser reports the map's live view (its query string).
LIVE_VIEW_KEY: Final[str] = "live_view_qs"
#: The app's mode: ``explore`` or ``present`` (the permalink's ``mode``).
MODE: Final[str] = "mode"
#: The story chapter shown in presenter mode, from 1 (the permalink's ``chapter``).
CHAPTER: Final[str] = "chapter"

# Sidebar controls (the selectboxes' own keys are :func:`widget_key`, the layer toggles'
# :func:`layer_key`)
#: The interface language, ``en`` or ``pl`` (the permalink's ``lang``; the presenter uses it too).
LANG_KEY: Final[str] = "lang"
#: The day shown (the date slider's own key; the permalink's ``date``).
DATE_KEY: Final[str] = "date"
#: The date input beside the slider (follows :data:`DATE_KEY`, and moves it when typed into).
DATE_INPUT_KEY: Final[str] = "date_input"
#: The id of the chosen key event (``""``: none).
EVENT_KEY: Final[str] = "event"
#: The "Compare with another date" toggle (True: compare mode, two maps side by side).
COMPARE_ON: Final[str] = "compare_on"
#: The day compared with, "A" (always before :data:`DATE_KEY`; the permalink's ``compare``
#: while :data:`COMPARE_ON`); None until there is one. Kept while compare mode is off.
COMPARE_DATE: Final[str] = "compare_date"
#: The compare mode's date input (follows :data:`COMPARE_DATE`, and moves it when typed into).
COMPARE_INPUT_KEY: Final[str] = "compare_input"
#: The id of the chosen border segment (``""``: all borders; the permalink's ``segment``).
SEGMENT_KEY: Final[str] = "segment"
#: The sidebar's "Present the story" button.
PRESENT_BUTTON: Final[str] = "present"
#: The sidebar's "Embed this view" expander (its snippet is made only while it is open).
EMBED_OPEN: Final[str] = "embed_open"
#: The embed snippet's size, an id of :data:`explorer.embed.SIZES` (its radio's key is
#: :func:`widget_key` of this, per language).
EMBED_SIZE: Final[str] = "embed_size"

# Presenter (its buttons' keys are also the ``st-key-...`` classes the arrow keys press)
#: The presenter's "Previous" button.
PRESENTER_PREVIOUS: Final[str] = "presenter_previous"
#: The presenter's "Next" button.
PRESENTER_NEXT: Final[str] = "presenter_next"
#: The presenter's "Exit" button (also on the page of a broken story).
PRESENTER_EXIT: Final[str] = "presenter_exit"
#: The presenter's button that switches to the other language.
PRESENTER_LANG: Final[str] = "presenter_lang"
#: The presenter's handout (PDF) download button.
PRESENTER_HANDOUT: Final[str] = "presenter_handout"
#: The presenter's map component (one per key: moving between chapters never re-mounts it).
PRESENTER_MAP: Final[str] = "presenter_map"

# Overlay (an analyst's own data, this session only)
#: The overlay shown (:class:`explorer.overlay.Overlay`), or None.
OVERLAY: Final[str] = "overlay"
#: The last upload that could not be used: ``(filename, error)``, or None.
OVERLAY_ERROR: Final[str] = "overlay_error"
#: Counter of files uploaded: part of the upload widget's key (:func:`overlay_upload_key`).
OVERLAY_GENERATION: Final[str] = "overlay_uploader_generation"
#: The link said an uploaded overlay was on the map, and this session has none (it was lost
#: with its server process, or the link was opened elsewhere).
OVERLAY_LOST: Final[str] = "_overlay_lost"
#: The overlay panel's "Remove" button.
OVERLAY_REMOVE: Final[str] = "overlay_remove"

# Page and first paint
#: The text summary's expander (open: the summary is made; closed: it costs nothing).
SUMMARY_OPEN: Final[str] = "summary_open"
#: The export panel's expander: its seven download buttons are sent only while it is open, so a
#: page load does not make the browser lay them out, hidden, before the map appears.
EXPORT_OPEN: Final[str] = "export_open"
#: The hidden container of the page's keyboard helper (skip links, the legend folded on a phone:
#: :mod:`explorer.ui.a11y`); styled out of the layout by its ``.st-key-`` class.
PAGE_HELPER: Final[str] = "page_helper"
#: The "About the data" expander (tens of kB of change log, sent only while it is open).
ABOUT_OPEN: Final[str] = "about_data_open"
#: Flag "this page has been drawn whole" (a browser's first run draws only the map:
#: :mod:`explorer.ui.first_paint`).
PAGE_FULL: Final[str] = "page_full"
#: Runs of the first paint's fallback timer on this page (the first is inline).
FIRST_PAINT_TIMER_RUNS: Final[str] = "first_paint_timer_runs"

# Map component
#: The explorer's map component: its value is the map's report (1 once its layers are drawn).
MAP_KEY: Final[str] = "map"
#: A random id of this server session (:func:`explorer.ui.map_view.session_token`).
SESSION_TOKEN: Final[str] = "_bfe_session_token"

# Play (the timeline in motion, issue 17: it runs in the browser, these are its settings)
#: The "Play the timeline" toggle (True: the map shows its Play button, date stamp and legend).
PLAY_ON: Final[str] = "play_on"
#: Play's range: its first day.
PLAY_FROM: Final[str] = "play_from"
#: Play's range: its last day.
PLAY_TO: Final[str] = "play_to"
#: Play's step (:data:`explorer.config.TIME_STEPS`).
PLAY_STEP: Final[str] = "play_step"
#: Play's speed, in steps a second.
PLAY_SPEED: Final[str] = "play_speed"
#: Play starts again from the start at the end.
PLAY_LOOP: Final[str] = "play_loop"
#: The number of the last day the map reported on Pause (or at the end) and the page took as
#: its date; the map compares it with its own count to know the page has caught up.
PLAY_SEEN: Final[str] = "_play_seen"

#: Prefix of the overlay upload widget's keys (one per file: :func:`overlay_upload_key`).
_OVERLAY_UPLOAD_PREFIX: Final[str] = "overlay_upload_"
#: Prefix of the export panel's download buttons' keys (:func:`export_key`).
_EXPORT_PREFIX: Final[str] = "export_"
#: The export panel's button for the changes between the compared dates (compare mode).
EXPORT_CHANGES_KEY: Final[str] = "export_changes"
#: The export panel's paper for maps ("" for the screen page, else a size of explorer.paper).
EXPORT_PAPER_KEY: Final[str] = "export_paper"
#: The export panel's orientation of a paper map.
EXPORT_ORIENTATION_KEY: Final[str] = "export_orientation"
#: Prefix of the layer toggles' keys (:func:`layer_key`).
_LAYER_PREFIX: Final[str] = "layer_"

# Animation (the export panel's GIF or MP4 of the current view over a range of dates)
#: The animation's first date (a date input).
ANIMATE_FROM: Final[str] = "animate_from"
#: The animation's last date (a date input).
ANIMATE_TO: Final[str] = "animate_to"
#: What one frame moves the date by (``week``, ``month``, ``quarter``, ``year``).
ANIMATE_STEP: Final[str] = "animate_step"
#: The animation's format, ``gif`` or ``mp4``.
ANIMATE_FORMAT: Final[str] = "animate_format"
#: The animation's frame size, ``WIDTHxHEIGHT``.
ANIMATE_SIZE: Final[str] = "animate_size"
#: The "Make the animation" button.
ANIMATE_MAKE: Final[str] = "animate_make"
#: The last animation made in this session: ``(bytes, file name, mime type)``, or an error line.
ANIMATION: Final[str] = "_animation"
#: The download button of that animation.
ANIMATE_DOWNLOAD: Final[str] = "animate_download"


def layer_key(layer_id: str) -> str:
    """Return the session-state key of a layer's toggle (True: the layer is drawn).

    Examples
    --------
    >>> layer_key("treaty")
    'layer_treaty'
    """
    return f"{_LAYER_PREFIX}{layer_id}"


def widget_key(name: str, lang: str) -> str:
    """Return the key of the selectbox that edits session value ``name`` while ``lang`` is shown.

    The sidebar's selectboxes are keyed per language (:mod:`explorer.ui.sidebar`).

    Examples
    --------
    >>> widget_key(SEGMENT_KEY, "pl")
    'segment_pl'
    """
    return f"{name}_{lang}"


def overlay_upload_key(generation: int) -> str:
    """Return the key of the overlay upload widget after ``generation`` files (a fresh one each).

    Examples
    --------
    >>> overlay_upload_key(0)
    'overlay_upload_0'
    """
    return f"{_OVERLAY_UPLOAD_PREFIX}{generation}"


def export_key(fmt: str) -> str:
    """Return the key of the export panel's download button for format ``fmt``.

    Examples
    --------
    >>> export_key("png")
    'export_png'
    """
    return f"{_EXPORT_PREFIX}{fmt}"


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
    st.session_state[DATE_KEY] = state.date
    st.session_state[SEGMENT_KEY] = state.segment or ""
    st.session_state[LANG_KEY] = state.lang
    st.session_state[VIEW_KEY] = (state.lat, state.lon, state.zoom)
    st.session_state[_NOTICE_ITEMS] = list(state.notices)
    st.session_state[NOTICES] = notice_texts(state.lang)
    st.session_state[MODE] = state.mode
    st.session_state[CHAPTER] = state.chapter
    st.session_state[COMPARE_ON] = state.compare is not None
    st.session_state[COMPARE_DATE] = state.compare
    # A new session never holds an overlay: one named by the link is gone (issue 13).
    st.session_state[OVERLAY_LOST] = state.overlay
    st.session_state[_LOADED] = True


def compare_day() -> dt.date | None:
    """Return the day compare mode shows beside the date ("A"), or None: one map.

    None while the toggle is off, or when no day before the date is chosen (the sidebar keeps
    :data:`COMPARE_DATE` before :data:`DATE_KEY`; a day on or after it is never shown).
    """
    day, other = st.session_state.get(DATE_KEY), st.session_state.get(COMPARE_DATE)
    if not st.session_state.get(COMPARE_ON) or not isinstance(other, dt.date):
        return None
    return other if isinstance(day, dt.date) and config.DATE_MIN <= other < day else None


def current(layer_ids: Sequence[str], *, overlay: bool = False) -> State:
    """Return the state the widgets hold now (``overlay``: an uploaded overlay is on the map)."""
    lat, lon, zoom = st.session_state[VIEW_KEY]
    return State(
        layers=tuple(i for i in layer_ids if st.session_state.get(layer_key(i))),
        date=st.session_state[DATE_KEY],
        lat=lat,
        lon=lon,
        zoom=zoom,
        segment=st.session_state.get(SEGMENT_KEY) or None,
        lang=st.session_state.get(LANG_KEY, "en"),
        overlay=overlay,
        compare=compare_day(),
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


def live_view() -> tuple[float, float, int]:
    """Return the map's live view as the browser last reported it, else the script's view.

    Panning never reruns the script, so the server does not follow the view. When the user
    asks for it (the export panel's "Use the map's current view" button), the browser writes the
    page's query string, which it keeps on the live view, into a hidden text input: one rerun,
    and this function parses lat/lon/zoom from it (every value validated; bad ones ignored).
    """
    lat, lon, zoom = st.session_state[VIEW_KEY]
    fallback = State(layers=(), date=config.DATE_MIN, lat=lat, lon=lon, zoom=zoom)
    reported = str(st.session_state.get(LIVE_VIEW_KEY) or "")[: permalink.MAX_VALUE_LEN]
    live = parse_qs(reported.lstrip("?"), max_num_fields=50)
    params = {key: live[key][-1] for key in ("lat", "lon", "zoom") if live.get(key)}
    parsed = permalink.parse_query(params, known_layers=(), known_segments=(), default=fallback)
    return parsed.lat, parsed.lon, parsed.zoom


def go_to(lat: float, lon: float, zoom: int) -> None:
    """Move the map's view (explicit "go to": the only time the script sets the view)."""
    st.session_state[VIEW_KEY] = (round(lat, 4), round(lon, 4), int(zoom))
    st.session_state[VIEW_VERSION_KEY] = st.session_state.get(VIEW_VERSION_KEY, 0) + 1


def notice_text(notice: str, lang: str) -> str:
    """Return a permalink notice in ``lang`` (plain text; any other text passes through)."""
    if isinstance(notice, Message):
        return t(notice.key, lang, **notice.values)
    return str(notice)


#: Notices after which the link shows something other than the default: the nearest date, or
#: nothing replaced at all (unknown parameters). They are not followed by "the default is shown".
_NOT_DEFAULT: frozenset[str] = frozenset(
    {
        "link.date_outside",
        "link.unknown_keys",
        "link.unknown_keys_more",
        "link.compare_outside",
        "link.compare_not_before",
    }
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
