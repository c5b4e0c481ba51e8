"""Sidebar panel for an analyst's own data: upload, notes or a clear error, remove.

The overlay lives in session state, read once per file (keyed by the file's SHA-256), so reruns
never parse it again, and what the map draws of it is made once per file and language
(:mod:`explorer.ui.map_view`); a file that cannot be used shows one clear message and leaves the map
and any previous overlay as they were. The upload widget is emptied after each file (a fresh
key), so the file is not held by the widget nor sent again.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from explorer import config, legend
from explorer.i18n import t
from explorer.overlay import FORMATS, Overlay, OverlayError, display, read_overlay
from explorer.ui import state
from explorer.ui.state import OVERLAY, OVERLAY_ERROR, OVERLAY_GENERATION, OVERLAY_LOST
from explorer.ui.text import md_escape

#: File types the upload widget offers.
TYPES = sorted({ext.lstrip(".") for ext in FORMATS})


def uploader_key() -> str:
    """Return the upload widget's current key (a new one after every file)."""
    return state.overlay_upload_key(st.session_state.get(OVERLAY_GENERATION, 0))


def current() -> Overlay | None:
    """Return the overlay shown in this session, if any."""
    return st.session_state.get(OVERLAY)


def accept(data: bytes, filename: str) -> None:
    """Read an uploaded file into session state: the new overlay, or an error beside the old one.

    The same bytes as the current overlay are not read again.
    """
    shown = current()
    if shown is not None and shown.digest == hashlib.sha256(data).hexdigest():
        st.session_state[OVERLAY_ERROR] = None
        return
    try:
        overlay = read_overlay(data, filename)
    except OverlayError as exc:
        st.session_state[OVERLAY_ERROR] = (filename, exc)  # the previous overlay stays as it was
        return
    st.session_state[OVERLAY] = overlay
    st.session_state[OVERLAY_ERROR] = None
    st.session_state[OVERLAY_LOST] = False


def lost_notice(lang: str = "en") -> str | None:
    """Return the notice for a link that had an overlay this session does not hold (plain text).

    An overlay lives in one server process's session: when that worker dies (or the link is
    opened in another browser) the view comes back from the link, the overlay does not.
    """
    if not st.session_state.get(OVERLAY_LOST) or current() is not None:
        return None
    return t("overlay.panel.lost", lang)


def _on_upload(key: str) -> None:
    uploaded = st.session_state.get(key)
    if uploaded is None:
        return
    accept(uploaded.getvalue(), uploaded.name)
    st.session_state[OVERLAY_GENERATION] = st.session_state.get(OVERLAY_GENERATION, 0) + 1


def remove() -> None:
    """Forget the overlay and any error."""
    st.session_state[OVERLAY] = None
    st.session_state[OVERLAY_ERROR] = None
    st.session_state[OVERLAY_LOST] = False


def show(lang: str = "en") -> Overlay | None:
    """Draw the sidebar panel and return the overlay to draw (None when there is none)."""
    st.sidebar.subheader(t("overlay.panel.title", lang))
    key = uploader_key()
    st.sidebar.file_uploader(
        t("overlay.panel.upload", lang),
        type=TYPES,
        key=key,
        on_change=_on_upload,
        args=(key,),
        max_upload_size=config.upload_max_mb(),
        help=t(
            "overlay.panel.upload_help",
            lang,
            size=f"{config.OVERLAY_MAX_BYTES / 1e6:g} MB",
            n=f"{config.OVERLAY_MAX_FEATURES:,}",
        ),
    )
    error = st.session_state.get(OVERLAY_ERROR)
    if error is not None:
        name, exc = error
        message = exc.text(lang) if isinstance(exc, OverlayError) else str(exc)
        st.sidebar.error(md_escape(t("overlay.panel.error", lang, name=name, message=message)))
    overlay = current()
    if overlay is None:
        return None
    shown = t("overlay.panel.shown", lang, name=overlay.name, counts=overlay.counts_text(lang))
    st.sidebar.success(md_escape(shown))
    for note in overlay.note_texts(lang):
        st.sidebar.caption(md_escape(note))
    st.sidebar.button(t("overlay.panel.remove", lang), key=state.OVERLAY_REMOVE, on_click=remove)
    return overlay


def legend_items(overlay: Overlay | None, lang: str = "en") -> list[legend.LegendItem]:
    """Return the overlay's legend rows (none without an overlay)."""
    return [] if overlay is None else display.legend_items(overlay, lang)
