"""The sidebar's "Embed this view": an ``<iframe>`` snippet of the current view, with a size.

The snippet (:mod:`explorer.embed`) shows the view's permalink in Streamlit's embed mode, at the
size chosen, for a learning platform or a blog. It is made only while the expander is open. The
view is the map's as the server knows it: where the link or a "go to" put it, or the live view
once the browser reported it ("Use the map's current view", here or in the export panel).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

import streamlit as st

from explorer import embed, permalink
from explorer.i18n import t
from explorer.permalink import State
from explorer.ui import export_panel, state
from explorer.ui.text import md_escape


def snippet(current: State, size: str, lang: str) -> str:
    """Return the snippet for ``current`` at the map's live view, ``size`` and ``lang``."""
    lat, lon, zoom = state.live_view()
    shown = State(
        layers=current.layers,
        date=current.date,
        lat=lat,
        lon=lon,
        zoom=zoom,
        segment=current.segment,
        lang=current.lang,
        compare=current.compare,
    )  # an uploaded overlay cannot travel: it lives in this session only
    title = t("embed.frame_title", lang, date=current.date.isoformat())
    return embed.embed_snippet(embed.embed_url(state.app_url(), shown), size, title)


def show(current: State, lang: str, sizes: Sequence[str] = tuple(embed.SIZES)) -> None:
    """Draw the expander "Embed this view" in the sidebar."""
    box = st.sidebar.expander(t("embed.title", lang), key=state.EMBED_OPEN, on_change="rerun")
    if not box.open:
        return
    # The size is kept apart from the widget (keyed per language, like the sidebar's boxes):
    # Streamlit forgets a widget's value on a run that does not draw it (the panel closed).
    if st.session_state.get(state.EMBED_SIZE) not in sizes:
        st.session_state[state.EMBED_SIZE] = embed.DEFAULT_SIZE
    key = state.widget_key(state.EMBED_SIZE, lang)
    st.session_state[key] = st.session_state[state.EMBED_SIZE]

    def chosen() -> None:
        if st.session_state.get(key) in sizes:
            st.session_state[state.EMBED_SIZE] = st.session_state[key]

    with box:
        size = st.radio(
            t("embed.size", lang),
            list(sizes),
            key=key,
            format_func=lambda s: t(f"embed.size.{s}", lang),
            on_change=chosen,
        )
        export_panel.use_view_button(lang)
        st.code(snippet(current, size, lang), language="html", wrap_lines=True)
        st.caption(md_escape(t("embed.help", lang)))


def full_app_link(current: State, lang: str) -> str:
    """Return a markdown link "Open in the explorer" to ``current`` (for the embedded page)."""
    url = f"{state.app_url()}?{urlencode(permalink.to_query(current), safe=',')}"
    # A real markdown link: the URL is made by urlencode (no spaces, quotes or brackets).
    return f"[{md_escape(t('embed.open_full', lang))}]({url})"
