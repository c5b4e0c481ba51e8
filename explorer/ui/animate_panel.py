"""The export panel's animation: the current view as a GIF or MP4 over a chosen range of dates.

The file is made by ``python -m explorer animate`` in a child process (:mod:`explorer.ui.offload`:
one job at a time per server, so a class keeps working while it draws), with a progress bar fed
by the command's ``--progress`` lines; the result stays in this session for its download button
until the next one is made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Final

import streamlit as st

from explorer import config, steps
from explorer.i18n import number, t
from explorer.ui import offload, state
from explorer.ui.text import md_escape

__all__ = ["ANIMATION_SIZES", "MAX_APP_FRAMES", "show"]

#: Frame sizes offered (the first is the default): a slide's 720p, full HD, a small GIF.
ANIMATION_SIZES: tuple[str, ...] = ("1280x720", "1920x1080", "640x360")
#: Most dated frames the app asks for (about a minute of drawing at 720p on a busy server);
#: longer films are for the command line.
MAX_APP_FRAMES: Final[int] = 240
#: MIME types of the formats.
_MIME: Final[dict[str, str]] = {"gif": "image/gif", "mp4": "video/mp4"}


def _default_start(day: dt.date) -> dt.date:
    """Return the first of January of ``day``'s year (a year earlier if that is ``day``).

    Examples
    --------
    >>> _default_start(dt.date(2026, 3, 5)), _default_start(dt.date(2026, 1, 1))
    (datetime.date(2026, 1, 1), datetime.date(2025, 1, 1))
    """
    start = dt.date(day.year, 1, 1)
    if start >= day:
        start = dt.date(day.year - 1, 1, 1)
    return max(start, config.DATE_MIN)


def _args(
    layers: Sequence[str],
    bbox: Sequence[float],
    lang: str,
    base_url: str,
    start: dt.date,
    end: dt.date,
    step: str,
    size: str,
) -> list[str]:
    """Return the ``animate`` arguments for the current view (a list, never a shell line)."""
    return [
        "--from", start.isoformat(), "--to", end.isoformat(), "--step", step,
        "--layers", ",".join(layers) or "none", "--bbox=" + ",".join(f"{v:.4f}" for v in bbox),
        "--lang", lang, "--size", size, "--progress", "--data", str(config.geodata_dir()),
        "--base-url", base_url,
    ]  # fmt: skip


def show(
    *, layers: Sequence[str], day: dt.date, bbox: Sequence[float], lang: str, base_url: str
) -> None:
    """Offer the current view as an animation: dates, step, format, size, a button, a download.

    Parameters
    ----------
    layers : sequence of str
        The visible layers.
    day : datetime.date
        The map's date: the default end (the default start is its year's first day).
    bbox : (west, south, east, north)
        The view's box (degrees).
    lang : {"en", "pl"}
        The interface's language, and the animation's.
    base_url : str
        The app's address, for the permalink on the frames.
    """
    st.markdown(f"**{md_escape(t('animate.heading', lang))}**")
    st.caption(md_escape(t("animate.caption", lang)))
    limits = {"min_value": config.DATE_MIN, "max_value": config.DATE_MAX}
    cols = st.columns(2)
    start = cols[0].date_input(
        t("animate.from", lang), value=_default_start(day), key=state.ANIMATE_FROM, **limits
    )
    end = cols[1].date_input(t("animate.to", lang), value=day, key=state.ANIMATE_TO, **limits)
    cols = st.columns(3)
    step = cols[0].selectbox(
        t("animate.step_label", lang),
        config.TIME_STEPS,
        index=0,
        format_func=lambda s: t(f"animate.step.{s}", lang),
        key=state.ANIMATE_STEP,
    )
    fmt = cols[1].radio(
        t("animate.format", lang), ("gif", "mp4"), key=state.ANIMATE_FORMAT, horizontal=True,
        format_func=str.upper,
    )  # fmt: skip
    size = cols[2].selectbox(t("animate.size", lang), ANIMATION_SIZES, key=state.ANIMATE_SIZE)
    if st.button(t("animate.make", lang), key=state.ANIMATE_MAKE):
        args = _args(layers, bbox, lang, base_url, start, end, step, size)
        st.session_state[state.ANIMATION] = _make(args, start, end, step, str(fmt), lang)
    made = st.session_state.get(state.ANIMATION)
    if isinstance(made, str):
        st.error(made)
    elif made is not None:
        data, name, mime = made
        size_mb = number(len(data) / 1e6, 1, lang)
        label = t("animate.download", lang, name=name, size=f"{size_mb} MB")
        st.download_button(label, data=data, file_name=name, mime=mime,
                           key=state.ANIMATE_DOWNLOAD, on_click="ignore")  # fmt: skip


def _make(
    args: list[str], start: dt.date, end: dt.date, step: str, fmt: str, lang: str
) -> tuple[bytes, str, str] | str:
    """Make the animation in a child process, with a progress bar; return it or an error line."""
    if start >= end:
        return t("animate.bad_range", lang)
    dates = steps.step_dates(start, end, step)  # the days Play shows
    if len(dates) > MAX_APP_FRAMES:
        return t("animate.too_many", lang, most=MAX_APP_FRAMES)
    bar = st.progress(0.0, text=t("animate.waiting", lang))

    def report(line: str) -> None:
        done, _, total = line.partition("/")
        if done.isdigit() and total.isdigit() and int(total):
            text = t("animate.progress", lang, n=done, total=total)
            bar.progress(min(1.0, int(done) / int(total)), text=text)

    try:
        data = offload.run_cli("animate", args, suffix=f".{fmt}", progress=report)
    except offload.OffloadError as exc:
        bar.empty()
        return t("animate.failed", lang, why=str(exc))
    bar.empty()
    name = f"timeline_{start.isoformat()}_{end.isoformat()}_{step}.{fmt}"
    return data, name, _MIME[fmt]
