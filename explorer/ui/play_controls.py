"""Play the timeline (issue 17): its settings in the sidebar, its payload for the map.

Play itself runs in the browser (``explorer/web/frontend/play.js``): the map steps the date
through the intervals it already has, at several steps a second, with no script run per step.
This module draws the settings (range, step, speed, loop), sends them to the map with the legend
of each stretch of the range on which the map draws the same categories, and takes the day the
map stopped on as the page's date (:func:`catch_up`), so the link and the panels follow on
Pause and at the end.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from explorer import config, intervals
from explorer.i18n import t
from explorer.layers import family
from explorer.legend import LegendItem
from explorer.ui import map_view, sidebar, state
from explorer.web import legend_html, site

__all__ = [
    "PlaySettings",
    "catch_up",
    "controls",
    "legend_steps",
    "merge_legends",
    "payload",
    "range_legend",
    "settings",
]

#: Speeds offered, in steps a second.
SPEED_MIN, SPEED_MAX, SPEED_DEFAULT = 1, 10, 4


@dataclass(frozen=True)
class PlaySettings:
    """What Play shows: the days ``start`` to ``end`` by ``step``, ``fps`` a second.

    Attributes
    ----------
    start, end : datetime.date
        The range (``end`` after ``start``).
    step : str
        One of :data:`explorer.config.TIME_STEPS`.
    fps : int
        Steps a second.
    loop : bool
        Start again at the end.
    """

    start: dt.date
    end: dt.date
    step: str = config.TIME_STEPS[0]
    fps: int = SPEED_DEFAULT
    loop: bool = False


def _clamp(day: object, default: dt.date) -> dt.date:
    day = day if isinstance(day, dt.date) else default
    return min(max(day, config.DATE_MIN), config.DATE_MAX)


def catch_up() -> None:
    """Take the day the map reported on Pause (or at the end of Play) as the page's date.

    Call before the sidebar draws the date slider (its key is :data:`explorer.ui.state.DATE_KEY`):
    the map's value is ``{"play": n, "date": "YYYY-MM-DD"}``, and a number not yet seen moves
    the date. Anything else (the first paint's report, a stale or malformed value) is ignored.
    """
    value = st.session_state.get(state.MAP_KEY)
    if not isinstance(value, dict):
        return
    number = value.get("play")
    if not isinstance(number, int) or number <= st.session_state.get(state.PLAY_SEEN, 0):
        return
    st.session_state[state.PLAY_SEEN] = number
    try:
        day = dt.date.fromisoformat(str(value.get("date")))
    except ValueError:
        return
    if config.DATE_MIN <= day <= config.DATE_MAX:
        st.session_state[state.DATE_KEY] = day


def controls(lang: str = "en") -> None:
    """Draw the toggle "Play the timeline" and, while it is on, Play's settings.

    Play is not offered in compare mode (two maps on two fixed days).
    """
    on = st.sidebar.toggle(
        t("play.toggle", lang), key=state.PLAY_ON, help=t("play.toggle_help", lang)
    )
    if not on:
        return
    if st.session_state.get(state.COMPARE_ON):
        st.sidebar.caption(t("play.not_in_compare", lang))
        return
    start = _clamp(st.session_state.get(state.PLAY_FROM), config.PLAY_START)
    end = _clamp(st.session_state.get(state.PLAY_TO), dt.date.fromisoformat(config.DATA_AS_OF))
    st.session_state[state.PLAY_FROM], st.session_state[state.PLAY_TO] = start, end
    st.sidebar.date_input(
        t("play.from", lang),
        min_value=config.DATE_MIN,
        max_value=config.DATE_MAX,
        key=state.PLAY_FROM,
        format="YYYY-MM-DD",
    )
    st.sidebar.date_input(
        t("play.to", lang),
        min_value=config.DATE_MIN,
        max_value=config.DATE_MAX,
        key=state.PLAY_TO,
        format="YYYY-MM-DD",
    )
    sidebar._synced_selectbox(
        state.PLAY_STEP,
        lang,
        t("play.step", lang),
        list(config.TIME_STEPS),
        format_func=lambda step: t(f"play.step.{step}", lang),
    )
    st.sidebar.slider(
        t("play.speed", lang), SPEED_MIN, SPEED_MAX, SPEED_DEFAULT, key=state.PLAY_SPEED
    )
    st.sidebar.checkbox(t("play.loop", lang), key=state.PLAY_LOOP)
    st.sidebar.caption(t("play.help", lang))
    if not end > start:
        st.sidebar.warning(t("play.bad_range", lang, start=start, end=end))


def settings() -> PlaySettings | None:
    """Return Play's settings, or None when Play is off, in compare mode, or its range is empty."""
    if not st.session_state.get(state.PLAY_ON) or st.session_state.get(state.COMPARE_ON):
        return None
    start, end = st.session_state.get(state.PLAY_FROM), st.session_state.get(state.PLAY_TO)
    if not isinstance(start, dt.date) or not isinstance(end, dt.date) or not end > start:
        return None
    step = st.session_state.get(state.PLAY_STEP)
    speed = st.session_state.get(state.PLAY_SPEED, SPEED_DEFAULT)
    return PlaySettings(
        start=start,
        end=end,
        step=step if step in config.TIME_STEPS else config.TIME_STEPS[0],
        fps=int(min(max(speed, SPEED_MIN), SPEED_MAX)) if isinstance(speed, int) else 4,
        loop=bool(st.session_state.get(state.PLAY_LOOP)),
    )


def legend_steps(ds: Any, layers: Sequence[str], start: dt.date, end: dt.date) -> list[dt.date]:
    """Return the days of ``[start, end]`` from which what the ``layers`` draw may change.

    ``start`` first, then every change day of a dated layer inside the range
    (:func:`explorer.intervals.change_dates`): between two of them every feature keeps its state,
    so the legend stays the same.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    layers : sequence of str
        The layers drawn.
    start, end : datetime.date
        Play's range.

    Returns
    -------
    list of datetime.date
        Sorted, without repeats.
    """
    days = {start}
    for layer in layers:
        if family(layer) in ("treaty", "programme"):
            days.update(d for d in intervals.change_dates(ds, layer) if start < d <= end)
    return sorted(days)


def merge_legends(legends: Sequence[Sequence[LegendItem]]) -> list[LegendItem]:
    """Return every row of ``legends`` once, each after the row it follows where it first appears.

    Examples
    --------
    >>> rows = lambda *labels: [{"layer": "x", "label": s} for s in labels]
    >>> [r["label"] for r in merge_legends([rows("a", "c"), rows("a", "b", "c"), rows("c", "d")])]
    ['a', 'b', 'c', 'd']
    """
    out: list[LegendItem] = []
    for rows in legends:
        after = -1
        for row in rows:
            if row in out:
                after = out.index(row)
            else:
                after += 1
                out.insert(after, row)
    return out


def range_legend(
    data_dir: str, ds: Any, layers: Sequence[str], start: dt.date, end: dt.date, lang: str
) -> list[LegendItem]:
    """Return the legend of everything the ``layers`` draw on some day from ``start`` to ``end``.

    The presenter's legend beside a chapter that plays: the map's own legend follows each step,
    and this one lists every category met on the way.
    """
    return merge_legends(
        [
            map_view.legend(data_dir, ds, layers, day, lang)
            for day in legend_steps(ds, layers, start, end)
        ]
    )


@st.cache_data(show_spinner=False, max_entries=256)
def _legends_url(
    data_dir: str,
    layers: tuple[str, ...],
    start: dt.date,
    end: dt.date,
    lang: str,
    extra_key: str,
    _ds: Any,
    _site: site.Site,
    _extra: Sequence[LegendItem],
) -> str:
    """Write the legends of Play's range as a file the map fetches once; return its URL.

    The legends are tens of kB with every layer on: in each message they would be sent again on
    every click while Play is on. As a file named by its content, a browser fetches each once.
    """
    legends: list[str] = []
    legend_at: list[list[Any]] = []
    for day in legend_steps(_ds, layers, start, end):
        rows = map_view.legend(data_dir, _ds, layers, day, lang) + list(_extra)
        html = legend_html.legend_html(rows)
        if html not in legends:
            legends.append(html)
        index = legends.index(html)
        if not legend_at or legend_at[-1][1] != index:
            legend_at.append([day.isoformat(), index])
    doc = {"legends": legends, "legend_at": legend_at}
    return site.put_document(_site, f"play.{lang}", doc)


def payload(
    data_dir: str,
    ds: Any,
    the_site: site.Site,
    layers: Sequence[str],
    play: PlaySettings,
    lang: str,
    *,
    extra_legend: Sequence[LegendItem] = (),
    report: bool = True,
    autoplay: str | None = None,
) -> dict[str, Any]:
    """Return what the map needs to play: the settings, the labels and its legends' file.

    Parameters
    ----------
    data_dir : str
        The data folder (cache key of ``ds``).
    ds : Dataset
        The loaded data.
    the_site : Site
        The map component's folder (:func:`explorer.ui.map_view.get_site`): the legends are
        written there.
    layers : sequence of str
        The layers drawn.
    play : PlaySettings
        The range, step, speed and loop.
    lang : {"en", "pl"}
        Language of the labels and legends.
    extra_legend : sequence of LegendItem, optional
        Rows that hold on every day (an analyst's overlay).
    report : bool, default True
        The map reports the day it stops on (the explorer); False in the presenter, whose
        chapter keeps its date.
    autoplay : str, optional
        A key (the presenter's chapter): Play starts by itself once per key.

    Returns
    -------
    dict
        ``from``, ``to``, ``step``, ``fps``, ``loop``, ``report``, ``seen``, ``key``,
        ``autoplay``, ``labels`` and ``legends``: the URL of ``{"legends": [distinct legend
        HTML], "legend_at": [[first day, legend index], ...]}``.
    """
    extra = list(extra_legend)
    url = _legends_url(
        data_dir,
        tuple(layers),
        play.start,
        play.end,
        lang,
        json.dumps(extra, sort_keys=True, default=str),
        ds,
        the_site,
        extra,
    )
    return {
        "from": play.start.isoformat(),
        "to": play.end.isoformat(),
        "step": play.step,
        "fps": play.fps,
        "loop": play.loop,
        "report": report,
        "seen": int(st.session_state.get(state.PLAY_SEEN, 0)),
        "key": autoplay,
        "autoplay": autoplay is not None,
        "labels": {name: t(f"play.{name}", lang) for name in ("play", "pause", "rewind")},
        "legends": url,
    }
