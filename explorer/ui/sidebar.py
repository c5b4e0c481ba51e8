"""Sidebar controls: date and key events, layer toggles, border segment, copy link."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from explorer import permalink
from explorer.ui import state

_NO_EVENT = "— choose an event to jump to —"
#: Value of the segment picker when no single border is selected.
ALL_BORDERS = ""


def _event_label(row: dict) -> str:
    return f"{row['date'].isoformat()} · {row['label']}"


def _jump_to_event(options: dict[str, dt.date]) -> None:
    choice = st.session_state.get("event")
    if choice in options:
        st.session_state["date"] = options[choice]


def time_controls(events: pd.DataFrame) -> None:
    """Date slider (1997–2028) and a list of key events that jumps the date when chosen."""
    st.sidebar.subheader("Date")
    st.sidebar.slider(
        "Show the map on",
        min_value=permalink.DATE_MIN,
        max_value=permalink.DATE_MAX,
        key="date",
        format="YYYY-MM-DD",
        help="Treaty shading and which fortifications exist follow this date.",
    )
    options = {_event_label(r): r["date"] for r in events.to_dict("records")}
    st.sidebar.selectbox(
        "Key events",
        [_NO_EVENT, *options],
        key="event",
        on_change=_jump_to_event,
        args=(options,),
        help="Choosing an event moves the date to it.",
    )


def layer_toggles(layers: Sequence[tuple[str, str]]) -> None:
    """One checkbox per layer."""
    st.sidebar.subheader("Layers")
    for layer_id, title in layers:
        st.sidebar.checkbox(title, key=state.layer_key(layer_id))


def _go_to_segment(bounds: dict[str, tuple[float, float, int]]) -> None:
    seg = st.session_state.get("segment")
    if seg in bounds:
        state.go_to(*bounds[seg])


def segment_picker(names: dict[str, str], views: dict[str, tuple[float, float, int]]) -> None:
    """Select a border segment: the panel shows its lengths and the map zooms to it."""
    st.sidebar.subheader("Border segment")
    st.sidebar.selectbox(
        "Select a border",
        [ALL_BORDERS, *names],
        format_func=lambda s: "All borders" if s == ALL_BORDERS else names[s],
        key="segment",
        on_change=_go_to_segment,
        args=(views,),
    )
