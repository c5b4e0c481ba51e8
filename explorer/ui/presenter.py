"""Presenter mode: the story chapter by chapter on a full-width map, for a classroom projector.

Opened by the sidebar's "Present the story" button or by a link with ``?mode=present&chapter=N``
(and ``lang=``). The sidebar and every editing control are hidden; the page shows the chapter's
title, caption and sources in large type, its map (date, layers and view from
``geodata/story.csv``), the progress ("3 / 9"), Previous / Next / language / Exit buttons,
collapsible speaker notes and the PDF handout. The arrow keys move between chapters, also while
the map has the focus (the map's own keyboard panning is off here). The URL always holds the
chapter's permalink. Everything is served by the app itself, so it works offline.
"""

from __future__ import annotations

import functools
import logging
from typing import Final

import streamlit as st

from explorer import config, paper, permalink, story, view
from explorer.data import Dataset
from explorer.i18n import t
from explorer.layers import LAYER_IDS
from explorer.printmap import handout
from explorer.text import attribution_text
from explorer.ui import a11y, map_view, offload, play_controls, state
from explorer.ui.text import frame_page, md_escape
from explorer.web import legend_html
from explorer.web.site import Site

__all__ = ["chapters_for", "present_button", "show", "story_problems"]

#: Height of the presenter's map in CSS pixels: a little taller than the height chapters are
#: fitted to (:data:`explorer.story.PRESENTER_MAP_PX`), so a chapter's box is never cut off.
MAP_HEIGHT: Final[int] = story.PRESENTER_MAP_PX[1] + 40

# Large type, no sidebar or app header, a visible focus ring on everything that takes the keyboard.
# The containers it styles (``presenter``, ``presenter_panel``, ...) are keyed for CSS only, so
# their keys stay in this module (see the keys section of explorer/ui/state.py); every other key
# is a constant of :mod:`explorer.ui.state`.
_CSS: Final[str] = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="collapsedControl"],
header[data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container {
  padding-top: 1.2rem !important; padding-bottom: 1rem !important; max-width: 100% !important; }
.st-key-presenter_progress p { font-size: 1.7rem; font-weight: 700; text-align: center;
  margin: 0; line-height: 2.6rem; }
.st-key-presenter_panel { background: #f6f4ee; border-left: 6px solid #1a4f8a;
  border-radius: 4px; padding: 0.5rem 1.1rem 0.4rem; }
.st-key-presenter_panel h2 { font-size: 2.1rem; padding: 0.2rem 0 0.1rem; }
.st-key-presenter_caption p { font-size: 1.45rem; line-height: 1.45; color: #111; }
.st-key-presenter_sources p { font-size: 1rem; color: #333; }
.st-key-presenter button { font-size: 1.15rem; min-height: 2.75rem; }  /* 44 px: a tap */
.st-key-presenter button:focus-visible, .st-key-presenter a:focus-visible,
.st-key-presenter summary:focus-visible, .st-key-presenter iframe:focus-visible {
  outline: 3px solid #1a4f8a !important; outline-offset: 2px;
  box-shadow: 0 0 0 6px #ffd54f !important; }
.st-key-presenter_keys { height: 0; overflow: hidden; margin: 0 !important; }
</style>
"""

# A phone (Streamlit stacks the columns under 640 px): smaller type, so the caption and the map
# share the first screen, and Previous / Next in a bar at the bottom of the screen, under the
# thumb, 48 px high; the progress across the top, the language and Exit side by side.
_PREV = f'[data-testid="stColumn"]:has(.st-key-{state.PRESENTER_PREVIOUS})'
_NEXT = f'[data-testid="stColumn"]:has(.st-key-{state.PRESENTER_NEXT})'
_PAIR = ", ".join(
    f'[data-testid="stColumn"]:has(.st-key-{key})'
    for key in (state.PRESENTER_LANG, state.PRESENTER_EXIT)
)
_PHONE_CSS: Final[str] = f"""
<style>
@media (max-width: 640px) {{
  .st-key-presenter_panel h2 {{ font-size: 1.35rem; }}
  .st-key-presenter_caption p {{ font-size: 1.05rem; line-height: 1.4; }}
  .st-key-presenter_progress p {{ font-size: 1.2rem; line-height: 2rem; }}
  .st-key-presenter button {{ min-height: 48px; }}
  {_PREV}, {_NEXT} {{ position: fixed !important; bottom: 0; z-index: 999990;
    width: 50% !important; min-width: 0 !important; padding: 8px 10px;
    background: #fff; box-shadow: 0 -2px 6px rgba(0, 0, 0, 0.25); }}
  {_PREV} {{ left: 0; }}
  {_NEXT} {{ right: 0; }}
  {_PAIR} {{ min-width: calc(50% - 0.5rem) !important; flex: 1 1 calc(50% - 0.5rem) !important; }}
  [data-testid="stMainBlockContainer"], .block-container {{ padding-bottom: 88px !important; }}
}}
</style>
"""

# The arrow keys press Previous / Next. Streamlit has no key events, so this same-origin script
# listens on the page (and on the map's iframe, where the focus is after a click on the map) and
# clicks the buttons, exactly as a mouse would. A newer copy of the script replaces the old
# listeners; in explore mode there is no button to press, so the keys do nothing. The script is a
# static file (``explorer/static/presenter_keys.js``, relative to the page, as the ``srcdoc``
# frame's base is the page's): the Content-Security-Policy allows no inline script.
_KEYS_HTML: Final[str] = (
    '<script id="bfe-presenter-keys" src="app/static/presenter_keys.js" '
    'data-next="%NEXT%" data-previous="%PREVIOUS%"></script>'
)


@st.cache_resource(show_spinner=False)
def _load(data_dir: str) -> tuple[tuple[story.Chapter, ...], tuple[str, ...]]:
    try:
        return story.load_chapters(data_dir), ()
    except story.DataError as exc:
        return (), tuple(str(p) for p in exc.problems)


def chapters_for(data_dir: str) -> tuple[story.Chapter, ...]:
    """Return the story's chapters in ``data_dir`` (empty if ``story.csv`` is broken; cached)."""
    return _load(data_dir)[0]


def story_problems(data_dir: str) -> tuple[str, ...]:
    """Return what is wrong with ``story.csv`` in ``data_dir`` (empty when it is valid)."""
    return _load(data_dir)[1]


def _enter() -> None:
    st.session_state[state.MODE] = "present"
    st.session_state[state.CHAPTER] = 1


def present_button(data_dir: str, lang: str) -> None:
    """Show the sidebar button that opens presenter mode (disabled if the story is broken)."""
    st.sidebar.button(
        t("presenter.present", lang),
        key=state.PRESENT_BUTTON,
        on_click=_enter,
        disabled=not chapters_for(data_dir),
        width="stretch",
    )


def _go(number: int) -> None:
    st.session_state[state.CHAPTER] = number


def _set_lang(lang: str) -> None:
    st.session_state[state.LANG_KEY] = lang


def _exit(chapter: story.Chapter | None) -> None:
    """Back to explore mode on the chapter's date, layers and view (the widgets follow)."""
    st.session_state[state.MODE] = "explore"
    state.clear_notices()
    if chapter is None:
        return
    for layer_id in LAYER_IDS:
        st.session_state[state.layer_key(layer_id)] = layer_id in chapter.layers
    st.session_state[state.DATE_KEY] = chapter.date
    st.session_state[state.SEGMENT_KEY] = ""
    st.session_state[state.COMPARE_ON] = False  # a chapter shows one day
    state.go_to(*view.view_centre_zoom(chapter.bbox))


def _sources_line(ds: Dataset, chapter: story.Chapter, lang: str) -> str:
    names = []
    for source_id in chapter.sources:
        if source_id in ds.sources.index:
            row = ds.sources.loc[source_id]
            date = f" ({row['date']})" if isinstance(row["date"], str) and row["date"] else ""
            names.append(f"{row['publisher']}{date}")
        else:
            names.append(source_id)
    return f"**{md_escape(t('presenter.sources', lang))}:** " + md_escape(
        "; ".join(dict.fromkeys(names))
    )


def _broken_story(problems: tuple[str, ...], lang: str) -> None:
    st.error(md_escape(t("presenter.story_failed", lang)))
    st.code("\n".join(problems) or "story.csv", language=None)
    st.button(t("presenter.exit", lang), key=state.PRESENTER_EXIT, on_click=_exit, args=(None,))


def show(
    ds: Dataset,
    data_dir: str,
    *,
    site: Site,
) -> None:
    """Draw the presenter page for the session's chapter and language.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    data_dir : str
        The data folder (for the story).
    site : Site
        The map component's folder and layer files (:func:`explorer.ui.map_view.get_site`).
    """
    # The sidebar's language picker is not drawn here, so Streamlit would forget its value at
    # the end of this run: writing it back keeps the language for this page and for "Exit".
    lang = st.session_state.get(state.LANG_KEY, "en")
    lang = lang if lang in config.LANGUAGES else "en"
    st.session_state[state.LANG_KEY] = lang
    st.html(_CSS + _PHONE_CSS)
    chapters = chapters_for(data_dir)
    if not chapters:
        _broken_story(story_problems(data_dir), lang)
        return
    total = len(chapters)
    number = st.session_state.get(state.CHAPTER, 1)
    number = min(max(number if isinstance(number, int) else 1, 1), total)
    st.session_state[state.CHAPTER] = number
    chapter = chapters[number - 1]
    chapter_state = story.chapter_state(chapter, lang)
    state.write_query(chapter_state)

    with st.container(key="presenter"):
        for message in state.link_notices(lang, "presenter.notice"):
            st.info(md_escape(message))
        _navigation(chapter, number, total, lang)
        with st.container(key="presenter_panel"):
            st.markdown(f"## {md_escape(chapter.title[lang])}")
            with st.container(key="presenter_caption"):
                st.markdown(md_escape(chapter.caption[lang]))
            with st.container(key="presenter_sources"):
                st.markdown(_sources_line(ds, chapter, lang))
        _map(ds, chapter, chapter_state, lang, site=site, data_dir=data_dir)
        with st.expander(t("presenter.notes", lang), expanded=False):
            st.markdown(md_escape(chapter.notes[lang]))
        base_url = state.app_url()  # the address the app is served at, for printed links
        cols = st.columns([2, 5])
        cols[0].download_button(
            t("presenter.handout", lang),
            data=functools.partial(_handout_bytes, ds, chapters, lang, data_dir, base_url),
            file_name=f"border-fortifications-story-{lang}.pdf",
            mime="application/pdf",
            key=state.PRESENTER_HANDOUT,
            on_click="ignore",
            width="stretch",
        )
        cols[1].caption(
            md_escape(t("presenter.handout_help", lang))
            + "  \n"
            + md_escape(t("presenter.keys_hint", lang))
        )
        url = story.chapter_url(chapter, lang, base_url=base_url)
        # A real markdown link: a bare URL would be auto-linked with its escaped "&amp;" in it.
        # The URL is built from validated state by urlencode (no spaces, quotes or brackets).
        # Not a caption: captions are drawn at 60 % opacity, a link in one is 3:1 (WCAG AA: 4.5).
        label = md_escape(t("presenter.link_label", lang))
        cols[1].markdown(f"{label} [{md_escape(url)}]({url})")
    a11y.page_css()
    a11y.helper(lang, summary=False)  # "Skip to the map"
    with st.container(key="presenter_keys"):
        script = _KEYS_HTML.replace("%NEXT%", state.PRESENTER_NEXT).replace(
            "%PREVIOUS%", state.PRESENTER_PREVIOUS
        )
        title = t("presenter.keys_hint", lang)
        st.iframe(frame_page(script, lang=lang, title=title), height=1, tab_index=-1)


def _navigation(chapter: story.Chapter, number: int, total: int, lang: str) -> None:
    """Previous, progress, Next, the other language and Exit, in one row."""
    other = next(x for x in config.LANGUAGES if x != lang)
    prev_col, progress_col, next_col, lang_col, exit_col = st.columns([1.3, 2.2, 1.3, 1, 1.6])
    prev_col.button(
        t("presenter.previous", lang),
        key=state.PRESENTER_PREVIOUS,
        on_click=_go,
        args=(number - 1,),
        disabled=number <= 1,
        width="stretch",
    )
    with progress_col, st.container(key="presenter_progress"):
        progress = t("presenter.progress", lang, n=number, total=total)
        st.markdown(md_escape(f"{progress} · {chapter.date.isoformat()}"))
    next_col.button(
        t("presenter.next", lang),
        key=state.PRESENTER_NEXT,
        on_click=_go,
        args=(number + 1,),
        disabled=number >= total,
        type="primary",
        width="stretch",
    )
    lang_col.button(
        t("presenter.other_lang", lang),
        key=state.PRESENTER_LANG,
        on_click=_set_lang,
        args=(other,),
        width="stretch",
    )
    exit_col.button(
        t("presenter.exit", lang),
        key=state.PRESENTER_EXIT,
        on_click=_exit,
        args=(chapter,),
        width="stretch",
    )


def _handout_bytes(ds: Dataset, chapters: tuple, lang: str, data_dir: str, base_url: str) -> bytes:
    """Return the handout PDF, made by the command line in a child process (seconds of drawing).

    Falls back to making it here if the child process fails (the reason is logged).
    """
    try:
        args = ["--lang", lang, "--data", data_dir, "--base-url", base_url]
        return offload.run_cli("handout", args, suffix=".pdf")
    except offload.OffloadError:
        logging.getLogger(__name__).exception("handout in a child process failed")
        sheet = paper.Paper(paper.HANDOUT_PAPERS[0], paper.HANDOUT_ORIENTATION)  # the CLI's default
        return handout.handout_bytes(ds, chapters, lang=lang, base_url=base_url, paper=sheet)


#: A chapter that plays steps a month at this pace: slow enough to read aloud.
PLAY_FPS: Final[int] = 2


def _play(
    ds: Dataset,
    chapter: story.Chapter,
    drawn: list[str],
    lang: str,
    *,
    site: Site,
    data_dir: str,
) -> dict | None:
    """Return Play's payload for a chapter with ``play_to`` (it starts by itself), else None."""
    if chapter.play_to is None:
        return None
    settings = play_controls.PlaySettings(start=chapter.date, end=chapter.play_to, fps=PLAY_FPS)
    return play_controls.payload(
        data_dir, ds, site, drawn, settings, lang, report=False, autoplay=chapter.id
    )


def _map(
    ds: Dataset,
    chapter: story.Chapter,
    chapter_state: permalink.State,
    lang: str,
    *,
    site: Site,
    data_dir: str,
) -> None:
    """Draw the chapter's map: the shared map component, moved to each chapter's view."""
    unavailable = set(getattr(ds, "unavailable_layers", ()))
    drawn = [i for i in chapter.layers if i not in unavailable]
    map_col, legend_col = st.columns([5, 1.25])
    with map_col:
        map_view.show_map(
            site,
            layers=drawn,
            date=chapter.date,
            lang=lang,
            view=(chapter_state.lat, chapter_state.lon, chapter_state.zoom),
            view_version=chapter.number,
            height=MAP_HEIGHT,
            keyboard=False,
            key=state.PRESENTER_MAP,
            compare=chapter.compare,  # a comparison chapter: its earlier date beside
            play=_play(ds, chapter, drawn, lang, site=site, data_dir=data_dir),
        )
    with legend_col, st.container(key="presenter_legend"):
        # The same escaped legend as the explorer's: exactly what this chapter draws (on any
        # day of a chapter that plays; the map's own legend follows each step).
        if chapter.play_to is None:
            legend = map_view.legend(
                data_dir, ds, drawn, chapter.date, lang, compare=chapter.compare
            )
        else:
            legend = play_controls.range_legend(
                data_dir, ds, drawn, chapter.date, chapter.play_to, lang
            )
        st.html(legend_html.legend_html(legend))
    if chapter.play_to is None:
        map_on = t("presenter.map_on", lang, date=chapter.date.isoformat())
    else:
        map_on = t(
            "presenter.map_playing",
            lang,
            start=chapter.date.isoformat(),
            end=chapter.play_to.isoformat(),
        )
    st.caption(
        md_escape(f"{map_on} · {t('render.map_data', lang, attribution=attribution_text(lang))}")
    )
