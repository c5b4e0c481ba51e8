"""The comparison's second page: what changed between A and B, in a chart and in words.

A PDF comparison (``export --compare A --out FILE.pdf``) is a briefing: page 1 is the two maps
(:mod:`.compare`), page 2 this one: the progress chart (:func:`.chart.draw_progress` of
:func:`explorer.progress.progress_series`, A and B marked) and the sourced changes of
:func:`explorer.changes.changes_between`, worded in the page's language, with their source ids,
the attribution and the permalink. What does not fit is counted ("… and N more"): the full list
is ``python -m explorer changes`` or the CSV beside a data export.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from typing import TYPE_CHECKING, Final

from matplotlib.figure import Figure

from explorer import changes, progress
from explorer.config import DATA_AS_OF
from explorer.i18n import t
from explorer.paper import Paper
from explorer.printmap import pagetext
from explorer.printmap.chart import draw_progress
from explorer.printmap.furniture import _draw_footer
from explorer.printmap.layout import _MARGIN, FIGSIZE_IN
from explorer.printmap.output import _rc, figure_bytes

if TYPE_CHECKING:
    from explorer.data import Dataset

__all__ = ["changes_figure", "with_changes_page"]

_TEXT_PT: Final[float] = 8.5
_LINE: Final[float] = 1.3
_CHARS: Final[int] = 230


def _lines(ds: Dataset, start: dt.date, end: dt.date, lang: str) -> list[str]:
    frame = changes.changes_between(ds, start, end)
    if frame.empty:
        return [t("changes.none", lang)]
    out = []
    rows = zip(frame["kind"], changes.render_changes(frame, ds, lang).to_dict("records"),
               strict=True)  # fmt: skip
    # On paper the status changes come first, then the works, then the other events (each in
    # date order): what does not fit is the least decisive.
    for kind, rec in sorted(rows, key=lambda kr: changes.KINDS.index(kr[0])):
        name = f" ({rec['name']})" if rec["name"] and kind != "treaty" else ""
        line = t("changes.summary_row", lang, date=rec["date"], country=rec["country"],
                 what=rec["what"], name=name)  # fmt: skip
        if rec["km"]:
            line += f", {rec['km']}"
        out.append(f"{line} [{rec['sources']}]")
    return out


def changes_figure(
    ds: Dataset,
    start: dt.date,
    end: dt.date,
    *,
    lang: str = "en",
    permalink_url: str = "",
    paper: Paper | None = None,
) -> Figure:
    """Draw the "what changed" page of a comparison (same size as the maps' page).

    On ``paper`` (:class:`explorer.paper.Paper`) the page is the paper's size and its text is
    measured as it is placed (:func:`_paper_figure`).
    """
    if paper is not None:
        return _paper_figure(ds, start, end, lang=lang, permalink_url=permalink_url, paper=paper)
    with _rc():
        fw, fh = FIGSIZE_IN
        fig = Figure(figsize=FIGSIZE_IN, dpi=100, facecolor="white")
        title = t("changes.title", lang, a=start.isoformat(), b=end.isoformat())
        fig.text(_MARGIN / fw, 1 - 0.25 / fh, title, fontsize=21, fontweight="bold", va="top",
                 color="#111111")  # fmt: skip
        period = t("changes.period", lang, start=start.isoformat(), end=end.isoformat(),
                   treaty=t("treaty.APMBC.short", lang))  # fmt: skip
        fig.text(_MARGIN / fw, 1 - 0.78 / fh, textwrap.fill(period, 190), fontsize=9.5,
                 va="top", color="#333333")  # fmt: skip

        # The chart across the top, the changes under it.
        ax = fig.add_axes((0.9 / fw, 5.9 / fh, (fw - 1.3) / fw, 2.75 / fh))
        names = dict(zip(ds.countries.index, ds.countries[f"name_{lang}"], strict=True))
        draw_progress(ax, progress.progress_series(ds), lang, marks=(start, end), names=names)

        lines = _lines(ds, start, end, lang)
        top, bottom = 5.2, 0.95
        step = _TEXT_PT * _LINE / 72
        y, written = top, 0
        for line in lines:
            wrapped = textwrap.wrap(line, _CHARS, subsequent_indent="   ") or [""]
            if y - step * len(wrapped) < bottom + step:  # keep a row for "… and N more"
                break
            for part in wrapped:
                fig.text(_MARGIN / fw, y / fh, part, fontsize=_TEXT_PT, va="top", color="#222222")
                y -= step
            written += 1
        if written < len(lines):
            more = t("changes.more", lang, n=len(lines) - written)
            fig.text(_MARGIN / fw, y / fh, more, fontsize=_TEXT_PT, va="top", color="#555555",
                     style="italic")  # fmt: skip
        fig.text((fw - _MARGIN) / fw, 0.75 / fh, t("render.as_of", lang, date=DATA_AS_OF),
                 fontsize=8, ha="right", color="#555555")  # fmt: skip
        _draw_footer(fig, permalink_url, _MARGIN, lang, app_name=False)
        return fig


def _paper_figure(
    ds: Dataset, start: dt.date, end: dt.date, *, lang: str, permalink_url: str, paper: Paper
) -> Figure:
    """Draw the "what changed" page on paper: titles, the chart, the changes, the footer."""
    with _rc():
        fw, fh = paper.size_in
        m = paper.margin_in
        fig = Figure(figsize=paper.size_in, dpi=100, facecolor="white")
        title = t("changes.title", lang, a=start.isoformat(), b=end.isoformat())
        fig.set_label(title)
        period = t("changes.period", lang, start=start.isoformat(), end=end.isoformat(),
                   treaty=t("treaty.APMBC.short", lang))  # fmt: skip
        top = pagetext.title_block(fig, m, title, period) - 0.1
        bottom = pagetext.footer_block(fig, m, permalink_url, lang) + 0.15
        chart_h = min(2.75, 0.3 * (top - bottom))
        ax = fig.add_axes(((m + 0.5) / fw, (top - chart_h) / fh, (fw - 2 * m - 0.5) / fw,
                           (chart_h - 0.3) / fh))  # fmt: skip
        names = dict(zip(ds.countries.index, ds.countries[f"name_{lang}"], strict=True))
        draw_progress(ax, progress.progress_series(ds), lang, marks=(start, end), names=names)
        y = top - chart_h - 0.35
        width = fw - 2 * m
        lines = _lines(ds, start, end, lang)
        more = pagetext.Para(t("changes.more", lang, n=len(lines)), _TEXT_PT, colour="#555555")
        reserve = pagetext.measure(fig, width, [more])
        for n, line in enumerate(lines):
            para = pagetext.Para(line, _TEXT_PT)
            if y - pagetext.measure(fig, width, [para]) < bottom + reserve:
                rest = more._replace(text=t("changes.more", lang, n=len(lines) - n))
                pagetext.put(fig, m, y, width, rest)
                break
            y -= pagetext.put(fig, m, y, width, para) + 0.03
        return fig


def with_changes_page(
    pdf: bytes, ds: Dataset, start: dt.date, end: dt.date, *, lang: str, permalink_url: str
) -> bytes:
    """Return ``pdf`` (the maps' page) followed by the "what changed" page."""
    from pypdf import PdfReader, PdfWriter  # local: only PDF comparisons join pages

    second = figure_bytes(
        changes_figure(ds, start, end, lang=lang, permalink_url=permalink_url), "pdf"
    )
    writer = PdfWriter()
    for part in (pdf, second):
        for page in PdfReader(io.BytesIO(part)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
