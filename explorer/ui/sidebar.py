"""Sidebar controls: language, date and key events, layer toggles, border segment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from explorer import permalink
from explorer.i18n import t
from explorer.ui import state

#: Value of the key-events list when no event is chosen (its label is translated).
_NO_EVENT = ""
#: Value of the segment picker when no single border is selected.
ALL_BORDERS = ""
#: Session-state key of the interface language (the permalink's ``lang``).
LANG_KEY = "lang"


def language_picker() -> None:
    """English / Polski: switches every label of the interface and the map's content.

    The label names itself in both languages, so it is found whichever language is shown.
    """
    label = " / ".join(t("language.label", lang) for lang in permalink.LANGUAGES)
    st.sidebar.selectbox(
        label,
        list(permalink.LANGUAGES),
        format_func=lambda lang: t("language.name", lang),
        key=LANG_KEY,
    )


def _event_id(row: dict) -> str:
    """Return the list's value for an event: the same in every language (a switch keeps it)."""
    return f"{row['date'].isoformat()} · {row.get('label_en', row['label'])}"


def _event_label(row: dict, lang: str) -> str:
    label = row.get(f"label_{lang}")
    return f"{row['date'].isoformat()} · {label if isinstance(label, str) else row['label']}"


def _jump_to_event(options: dict[str, dt.date]) -> None:
    choice = st.session_state.get("event")
    if choice in options:
        st.session_state["date"] = options[choice]


def time_controls(events: pd.DataFrame, lang: str = "en") -> None:
    """Date slider (1997–2028) and a list of key events that jumps the date when chosen.

    ``events`` come from :func:`explorer.timeline.key_events`; labels are shown in ``lang``.
    """
    st.sidebar.subheader(t("sidebar.date", lang))
    st.sidebar.slider(
        t("sidebar.show_on", lang),
        min_value=permalink.DATE_MIN,
        max_value=permalink.DATE_MAX,
        key="date",
        format="YYYY-MM-DD",
        help=t("sidebar.date_help", lang),
    )
    records = events.to_dict("records")
    options = {_event_id(r): r["date"] for r in records}
    labels = {_event_id(r): _event_label(r, lang) for r in records}
    st.sidebar.selectbox(
        t("sidebar.key_events", lang),
        [_NO_EVENT, *options],
        format_func=lambda o: t("sidebar.no_event", lang) if o == _NO_EVENT else labels[o],
        key="event",
        on_change=_jump_to_event,
        args=(options,),
        help=t("sidebar.events_help", lang),
    )


def layer_toggles(layers: Sequence[tuple[str, str]], lang: str = "en") -> None:
    """One checkbox per layer; ``layers`` are ``(id, title)`` from :func:`explorer.style.layers`."""
    st.sidebar.subheader(t("sidebar.layers", lang))
    for layer_id, title in layers:
        st.sidebar.checkbox(title, key=state.layer_key(layer_id))


def _go_to_segment(bounds: dict[str, tuple[float, float, int]]) -> None:
    seg = st.session_state.get("segment")
    if seg in bounds:
        state.go_to(*bounds[seg])


def segment_picker(
    names: dict[str, str], views: dict[str, tuple[float, float, int]], lang: str = "en"
) -> None:
    """Select a border segment: the panel shows its lengths and the map zooms to it."""
    st.sidebar.subheader(t("sidebar.segment", lang))
    st.sidebar.selectbox(
        t("sidebar.select_border", lang),
        [ALL_BORDERS, *names],
        format_func=lambda s: t("sidebar.all_borders", lang) if s == ALL_BORDERS else names[s],
        key="segment",
        on_change=_go_to_segment,
        args=(views,),
    )
