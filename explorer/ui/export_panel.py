"""Export panel: download the current view as a map (PNG/SVG/PDF/HTML), as data, or animated."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence

import streamlit as st

from explorer import config, export, paper, view
from explorer.data import Dataset
from explorer.i18n import number, t
from explorer.overlay import Overlay
from explorer.text import html_text
from explorer.ui import animate_panel, offload, state
from explorer.ui.text import frame_page, md_escape

# The button reads the page URL (kept on the live map view by the map itself) and types it into
# the hidden text input state.LIVE_VIEW_KEY, as a user would: React's value setter, an input event
# and Enter. That is the only way the browser's view reaches the server without rerunning on pans.
# The script is a static file (``explorer/static/use_view.js``): no inline script (the CSP).
_USE_VIEW_HTML = """
<button id="use" data-key="%KEY%" style="padding:4px 10px; cursor:pointer; font-family:sans-serif;">
  %LABEL%
</button>
<script src="app/static/use_view.js"></script>
"""


def _label(fmt: str, lang: str) -> str:
    """Button label of a format (key ``export.fmt.<fmt>``; the format's name if none)."""
    try:
        return t(f"export.fmt.{fmt}", lang)
    except ValueError:
        return fmt.upper()


#: Map files made by the command line in a child process (seconds of drawing each).
_OFFLOADED = frozenset({"png", "svg", "pdf", "html"})


def _maker(
    ds: Dataset,
    fmt: str,
    layers: Sequence[str],
    day: dt.date,
    bbox: tuple,
    lang: str,
    overlay: Overlay | None = None,
    base_url: str = view.APP_URL,
    compare: dt.date | None = None,
    sheet: paper.Paper | None = None,
) -> Callable[[], bytes]:
    if fmt == "html":
        compare = None  # the offline page shows one date; maps and data files compare
    if fmt not in ("png", "svg", "pdf"):
        sheet = None  # paper is for maps

    def in_process() -> bytes:
        return export.export_bytes(
            ds,
            fmt=fmt,
            layers=layers,
            date=day,
            bbox=bbox,
            lang=lang,
            overlay=overlay,
            base_url=base_url,
            compare=compare,
            paper=sheet,
        )

    if overlay is not None or fmt not in _OFFLOADED:
        return in_process  # the overlay is this session's data; data files are cheap

    def make() -> bytes:
        args = [
            "--format", fmt, "--layers", ",".join(layers) or "none",
            "--date", day.isoformat(), "--bbox=" + ",".join(f"{v:.4f}" for v in bbox),
            "--lang", lang, "--data", str(config.geodata_dir()), "--base-url", base_url,
        ]  # fmt: skip
        if compare is not None:
            args += ["--compare", compare.isoformat()]
        if sheet is not None:
            args += ["--paper", sheet.size, "--orientation", sheet.orientation]
        try:
            return offload.run_cli("export", args, suffix=f".{fmt}")
        except offload.OffloadError:
            logging.getLogger(__name__).exception("export in a child process failed")
            return in_process()

    return make


def use_view_button(lang: str) -> None:
    """Draw the button "Use the map's current view" (the browser reports its live view)."""
    button = html_text(t("export.use_view", lang))
    page = _USE_VIEW_HTML.replace("%KEY%", state.LIVE_VIEW_KEY).replace("%LABEL%", button)
    st.iframe(frame_page(page, lang=lang, title=t("export.use_view", lang)), height=40)


def show(
    ds: Dataset,
    *,
    layers: Sequence[str],
    day: dt.date,
    lat: float,
    lon: float,
    zoom: int,
    lang: str,
    overlay: Overlay | None = None,
    compare: dt.date | None = None,
) -> None:
    """Download buttons for every format, for the current layers, date, view and language.

    In compare mode (``compare``, the earlier date) maps are two panels (a PDF adds the page
    of what changed) and a "changes" button gives the changes between the dates as CSV.

    An analyst's ``overlay`` is drawn on the maps and added to the data files.

    Files are made only when a button is clicked (deferred, on Streamlit's download thread),
    so showing the panel costs nothing on a rerun; the buttons themselves are sent only while
    the panel is open.
    """
    bbox = view.view_bbox(lat, lon, zoom)
    # Hidden channel for the live view (see _USE_VIEW_HTML); styled away, never shown.
    st.html(f"<style>.st-key-{state.LIVE_VIEW_KEY} {{ display: none; }}</style>")
    st.text_input(t("export.live_view_label", lang), key=state.LIVE_VIEW_KEY)
    box = st.expander(t("export.expander", lang), key=state.EXPORT_OPEN, on_change="rerun")
    if not box.open:
        return  # its buttons are sent only while it is open (state.EXPORT_OPEN)
    with box:
        use_view_button(lang)
        caption = t(
            "export.caption",
            lang,
            layers=", ".join(layers) or t("export.none", lang),  # ids, as in the link
            date=day.isoformat(),
            # Degrees with the language's decimal sign (Polish: 18,56; the template separates
            # the numbers with semicolons there).
            w=number(bbox[0], 2, lang),
            s=number(bbox[1], 2, lang),
            e=number(bbox[2], 2, lang),
            n=number(bbox[3], 2, lang),
        )
        st.caption(md_escape(caption))
        base_url = state.app_url()  # the address the app is served at, printed on the maps
        link = view.permalink_url(layers=layers, date=day, bbox=bbox, lang=lang, base_url=base_url)
        # Not a caption: captions are drawn at 60 % opacity, a link in one is 3:1 (WCAG AA: 4.5).
        st.markdown(f"{md_escape(t('export.printed_link', lang))} [{md_escape(link)}]({link})")
        sheet = _paper_choice(lang)
        cols = st.columns(4)
        for i, fmt in enumerate(export.FORMATS):
            cols[i % 4].download_button(
                _label(fmt, lang),
                data=_maker(
                    ds, fmt, tuple(layers), day, bbox, lang, overlay, base_url, compare, sheet
                ),
                file_name=export.default_filename(fmt, day),
                mime=export.MIME_TYPES[fmt],
                key=state.export_key(fmt),
                on_click="ignore",
                width="stretch",
            )
        if compare is not None:
            st.download_button(
                t("export.changes_csv", lang, a=compare.isoformat(), b=day.isoformat()),
                data=_changes_csv(ds, compare, day),
                file_name=f"changes_{compare.isoformat()}_{day.isoformat()}.csv",
                mime="text/csv",
                key=state.EXPORT_CHANGES_KEY,
                on_click="ignore",
            )
        # The same view over a range of dates, as a GIF or MP4 (issue 17).
        animate_panel.show(layers=layers, day=day, bbox=bbox, lang=lang, base_url=base_url)


def _paper_choice(lang: str) -> paper.Paper | None:
    """Paper and orientation for the maps (PNG, SVG, PDF); None keeps the screen page."""

    def size_name(size: str) -> str:
        if not size:
            return t("export.paper_screen", lang)
        return size.upper() if size.startswith("a") else size.title()

    left, right = st.columns(2)
    size = left.selectbox(
        t("export.paper", lang), ("", *paper.PAPERS), format_func=size_name,
        key=state.EXPORT_PAPER_KEY,
    )  # fmt: skip
    # The label is drawn as text of its own: Streamlit greys a disabled widget's label to 2.6:1,
    # and as it is not tied to the disabled radio group, it reads as ordinary text that fails
    # WCAG AA (axe: color-contrast). The options themselves are greyed, marked disabled.
    label = t("export.orientation", lang)
    right.markdown(md_escape(label))
    orientation = right.radio(
        label, paper.ORIENTATIONS, horizontal=True, disabled=not size,
        format_func=lambda o: t(f"export.orientation.{o}", lang),
        key=state.EXPORT_ORIENTATION_KEY, label_visibility="collapsed",
    )  # fmt: skip
    return paper.Paper(size, orientation) if size else None


def _changes_csv(ds: Dataset, start: dt.date, end: dt.date) -> Callable[[], bytes]:
    """Return a maker of the changes between two dates as CSV (lists joined with "; ")."""

    def make() -> bytes:
        from explorer import changes  # local: only compare mode offers it

        return changes.to_csv(changes.changes_between(ds, start, end)).encode("utf-8")

    return make
