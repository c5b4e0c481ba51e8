"""Sidebar controls: language, date and key events, compare mode, layer toggles, border segment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from explorer import config
from explorer.i18n import t
from explorer.ui import state
from explorer.ui.state import (
    COMPARE_DATE,
    COMPARE_INPUT_KEY,
    COMPARE_ON,
    DATE_INPUT_KEY,
    DATE_KEY,
    EVENT_KEY,
    LANG_KEY,
    SEGMENT_KEY,
)

#: Value of the key-events list when no event is chosen (its label is translated).
_NO_EVENT = ""
#: Value of the segment picker when no single border is selected.
ALL_BORDERS = ""


def language_picker() -> None:
    """English / Polski: switches every label of the interface and the map's content.

    The label names itself in both languages, so it is found whichever language is shown. The
    language itself lives in session state under :data:`explorer.ui.state.LANG_KEY`; the widget
    is keyed per language (see :func:`_synced_selectbox`), so a label the browser kept from
    another page (the sidebar before presenter mode) can never contradict it.
    """
    lang = current_lang()
    label = " / ".join(t("language.label", x) for x in config.LANGUAGES)
    _synced_selectbox(
        LANG_KEY,
        lang,
        label,
        list(config.LANGUAGES),
        format_func=lambda x: t("language.name", x),
    )


def current_lang() -> str:
    """Return the session's interface language (``en`` unless a known language is set)."""
    lang = st.session_state.get(LANG_KEY)
    return lang if lang in config.LANGUAGES else "en"


def _take_choice(name: str, key: str, options: Sequence[str]) -> None:
    """Copy a selectbox's choice to its session value ``name``, only if it is one of the ids."""
    choice = st.session_state.get(key)
    if choice in options:
        st.session_state[name] = choice


def _synced_selectbox(
    name: str,
    lang: str,
    label: str,
    options: list[str],
    *,
    format_func: Callable[[str], str],
    on_change: Callable[[], None] | None = None,
    help: str | None = None,
) -> str:
    """Draw a selectbox whose value (an id from ``options``) is kept in session state ``name``.

    Streamlit 1.67's selectbox keeps the browser's *label* and hands it back as the value when
    the labels change (a language switch), so the value is never taken from the widget alone:
    the widget is keyed per language (a switch shows a new widget, never the other language's
    labels), seeded from ``name`` before it is drawn, and only a choice that is one of
    ``options``, made in the box of the language shown, is copied back.

    Returns
    -------
    str
        The id chosen (always one of ``options``).
    """
    value = st.session_state.get(name)
    if value not in options:
        value = options[0]
        st.session_state[name] = value
    key = state.widget_key(name, lang)
    if st.session_state.get(key) != value:
        st.session_state[key] = value

    def changed() -> None:
        # Only the box of the language shown counts: a browser may still send what an older
        # box (another language, or the sidebar before presenter mode) held.
        if current_lang() != lang:
            return
        _take_choice(name, key, options)
        if on_change is not None:
            on_change()

    choice = st.sidebar.selectbox(
        label, options, format_func=format_func, key=key, on_change=changed, help=help
    )
    if choice in options:
        st.session_state[name] = choice
    return st.session_state[name]


def _event_id(row: dict) -> str:
    """Return the list's value for an event: the same in every language (a switch keeps it)."""
    return f"{row['date'].isoformat()} · {row.get('label_en', row['label'])}"


def _event_label(row: dict, lang: str) -> str:
    label = row.get(f"label_{lang}")
    return f"{row['date'].isoformat()} · {label if isinstance(label, str) else row['label']}"


def _jump_to_event(options: dict[str, dt.date]) -> None:
    choice = st.session_state.get(EVENT_KEY)
    if choice in options:
        st.session_state[DATE_KEY] = options[choice]


def _date_from_input() -> None:
    """Move the date (the slider) to the day typed into the date input."""
    day = st.session_state.get(DATE_INPUT_KEY)
    if isinstance(day, dt.date):
        st.session_state[DATE_KEY] = min(max(day, config.DATE_MIN), config.DATE_MAX)


def time_controls(events: pd.DataFrame, lang: str = "en") -> None:
    """Date slider (1997–2028), a date input beside it and a list of key events.

    The slider is coarse (weeks per pixel); the date input sets a day, and the two follow each
    other. Choosing a key event jumps the date to it; when the date leaves that day, the list
    goes back to "choose an event". ``events`` come from
    :func:`explorer.timeline.key_events`; labels are shown in ``lang``.
    """
    st.sidebar.subheader(t("sidebar.date", lang))
    records = events.to_dict("records")
    options = {_event_id(r): r["date"] for r in records}
    labels = {_event_id(r): _event_label(r, lang) for r in records}
    day = st.session_state.get(DATE_KEY)
    if st.session_state.get(EVENT_KEY) in options and options[st.session_state[EVENT_KEY]] != day:
        st.session_state[EVENT_KEY] = _NO_EVENT  # the date has left the event's day
    if st.session_state.get(DATE_INPUT_KEY) != day:
        st.session_state[DATE_INPUT_KEY] = day
    st.sidebar.slider(
        t("sidebar.show_on", lang),
        min_value=config.DATE_MIN,
        max_value=config.DATE_MAX,
        key=DATE_KEY,
        format="YYYY-MM-DD",
        help=t("sidebar.date_help", lang),
    )
    st.sidebar.date_input(
        t("sidebar.date_input", lang),
        min_value=config.DATE_MIN,
        max_value=config.DATE_MAX,
        key=DATE_INPUT_KEY,
        format="YYYY-MM-DD",
        on_change=_date_from_input,
        help=t("sidebar.date_input_help", lang),
    )
    _synced_selectbox(
        EVENT_KEY,
        lang,
        t("sidebar.key_events", lang),
        [_NO_EVENT, *options],
        format_func=lambda o: labels.get(o, t("sidebar.no_event", lang)),
        on_change=lambda: _jump_to_event(options),
        help=t("sidebar.events_help", lang),
    )


def year_before(day: dt.date) -> dt.date:
    """Return the same day a year before ``day`` (28 Feb for 29 Feb), not before the range.

    The day compare mode starts on when no other day has been chosen.

    Examples
    --------
    >>> year_before(dt.date(2026, 3, 1)), year_before(dt.date(2024, 2, 29))
    (datetime.date(2025, 3, 1), datetime.date(2023, 2, 28))
    >>> year_before(dt.date(1997, 6, 1))
    datetime.date(1997, 1, 1)
    """
    try:
        earlier = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        earlier = day.replace(year=day.year - 1, day=28)
    return max(earlier, config.DATE_MIN)


def _compare_from_input() -> None:
    """Take the day typed into compare mode's date input as the day compared with."""
    day = st.session_state.get(COMPARE_INPUT_KEY)
    if isinstance(day, dt.date):
        st.session_state[COMPARE_DATE] = day


def compare_controls(lang: str = "en") -> None:
    """Show the toggle "Compare with another date" and, while it is on, the day "A" to compare with.

    The day compared with is always before the date shown ("B"): the input offers only earlier
    days, and moving the date to or before it pushes it back to the day before (like the two
    thumbs of a range slider). It starts a year before the date. Off, the day is kept for the
    next time. The link holds it as ``compare`` (:func:`explorer.ui.state.compare_day`).
    """
    on = st.sidebar.toggle(
        t("sidebar.compare", lang), key=COMPARE_ON, help=t("sidebar.compare_help", lang)
    )
    day = st.session_state.get(DATE_KEY)
    if not isinstance(day, dt.date) or day <= config.DATE_MIN:
        if on:  # nothing lies before the first day of the range
            st.sidebar.caption(t("sidebar.compare_none", lang, first=config.DATE_MIN))
        return
    latest = day - dt.timedelta(days=1)
    other = st.session_state.get(COMPARE_DATE)
    other = other if isinstance(other, dt.date) else year_before(day)
    other = min(max(other, config.DATE_MIN), latest)
    st.session_state[COMPARE_DATE] = other
    if not on:
        return
    if st.session_state.get(COMPARE_INPUT_KEY) != other:
        st.session_state[COMPARE_INPUT_KEY] = other
    st.sidebar.date_input(
        t("sidebar.compare_date", lang),
        min_value=config.DATE_MIN,
        max_value=latest,
        key=COMPARE_INPUT_KEY,
        format="YYYY-MM-DD",
        on_change=_compare_from_input,
        help=t("sidebar.compare_date_help", lang),
    )


def layer_toggles(layers: Sequence[tuple[str, str]], lang: str = "en") -> None:
    """One checkbox per layer; ``layers`` are ``(id, title)`` from :func:`explorer.style.layers`."""
    st.sidebar.subheader(t("sidebar.layers", lang))
    for layer_id, title in layers:
        st.sidebar.checkbox(title, key=state.layer_key(layer_id))


def segment_picker(
    names: dict[str, str], views: dict[str, tuple[float, float, int]], lang: str = "en"
) -> None:
    """Select a border segment: the panel shows its lengths and the map zooms to it.

    ``names`` maps segment ids to their names in ``lang``; the session keeps the id.
    """

    def go_to_segment() -> None:
        seg = st.session_state.get(SEGMENT_KEY)
        if seg in views:
            state.go_to(*views[seg])

    st.sidebar.subheader(t("sidebar.segment", lang))
    _synced_selectbox(
        SEGMENT_KEY,
        lang,
        t("sidebar.select_border", lang),
        [ALL_BORDERS, *names],
        format_func=lambda s: names.get(s, t("sidebar.all_borders", lang)),
        on_change=go_to_segment,
    )
