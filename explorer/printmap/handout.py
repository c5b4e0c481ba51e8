"""The presenter's handout: a PDF with one page per story chapter (map, title, caption, sources).

Each page is the print map of :func:`explorer.printmap.render_static` for the chapter's layers,
date and box (with its legend, scale bar, north arrow, attribution and the chapter's permalink),
with a band under the title that holds the chapter's caption, date and full source references.
Pages are drawn one at a time and joined with pypdf; text stays text, so the captions can be
searched and copied. No browser, no network.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from explorer import config, files, story, table, view
from explorer.i18n import t
from explorer.paper import Paper
from explorer.printmap import compare, layers, layout, output
from explorer.printmap.pagetext import Para
from explorer.printmap.sheet import Sheet, render_sheet
from explorer.printmap.sources_page import pdf_bytes, sources_figures

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.figure import Figure

    from explorer.data import Dataset

__all__ = ["HANDOUT_BODY_PT", "handout_bytes", "handout_figure", "handout_sheet", "write_handout"]

#: The handout's smallest body text on paper, points (issue 18: 9 pt or more as printed).
HANDOUT_BODY_PT: Final[float] = 9.0

#: Caption and source text sizes (points) and how many characters fit a line of each on a
#: 16-inch page (DejaVu Sans averages about 0.55 em per character).
_CAPTION_PT: Final[float] = 15.0
_DETAIL_PT: Final[float] = 9.5
_CAPTION_CHARS: Final[int] = 125
_DETAIL_CHARS: Final[int] = 205
_LINE: Final[float] = 1.3
_MARGIN_IN: Final[float] = 0.3
_PAD_IN: Final[float] = 0.15


def _wrap(text: str, chars: int) -> list[str]:
    return textwrap.wrap(text, chars, break_on_hyphens=False, break_long_words=True) or [""]


def _insert_band(fig: Figure, lines: Sequence[tuple[str, float, str]]) -> None:
    """Grow the page and put ``lines`` (text, size pt, colour) between the titles and the map.

    Everything drawn keeps its size and its distance from the bottom edge; figure texts above
    the top of the highest axes (title and subtitle) move up by the band's height.
    """
    width, height = fig.get_size_inches()
    band = sum(size * _LINE for _, size, _ in lines) / 72 + 2 * _PAD_IN
    new_height = height + band
    top_of_axes = max(ax.get_position().y1 for ax in fig.axes) * height
    for ax in fig.axes:
        box = ax.get_position()
        ax.set_position(
            (box.x0, box.y0 * height / new_height, box.width, box.height * height / new_height),
            which="both",
        )
    for text in fig.texts:
        if text.get_transform() != fig.transFigure:
            continue
        x, y = text.get_position()
        y_in = y * height
        if y_in > top_of_axes:
            y_in += band
        text.set_position((x, y_in / new_height))
    fig.set_size_inches(width, new_height)
    y_in = top_of_axes + band - _PAD_IN
    for text, size, colour in lines:
        fig.text(_MARGIN_IN / width, y_in / new_height, text, fontsize=size, va="top",
                 color=colour)  # fmt: skip
        y_in -= size * _LINE / 72


def handout_figure(
    ds: Dataset,
    chapter: story.Chapter,
    *,
    total: int,
    lang: str = "en",
    basemap: Mapping[str, gpd.GeoDataFrame] | None = None,
    base_url: str = view.APP_URL,
    paper: Paper | None = None,
) -> Figure:
    """Draw one handout page: the chapter's map with its title, caption, date and sources.

    A chapter with a ``compare`` date prints as two panels (:func:`compare.render_compare`), and
    so does a chapter that plays (``play_to``): its first day beside its last. On ``paper`` the
    page is the paper's size and its body text is at least 9 pt (:func:`handout_sheet`; source
    ids that do not fit are left out here).

    Parameters
    ----------
    ds : Dataset
        The loaded data (for the map and the full source references).
    chapter : Chapter
        From :func:`explorer.story.load_chapters`.
    total : int
        Number of chapters (for "Chapter 3 of 9").
    lang : {"en", "pl"}, default "en"
        Language of the texts and the map.
    basemap : mapping, optional
        Pre-loaded :func:`explorer.printmap.load_basemap`.
    base_url : str, default :data:`explorer.view.APP_URL`
        The app's address, for the chapter's permalink printed on the page.
    paper : Paper, optional
        The sheet (:class:`explorer.paper.Paper`); None: the 16-inch screen page with a band.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if paper is not None:
        return handout_sheet(ds, chapter, total=total, lang=lang, basemap=basemap,
                             base_url=base_url, paper=paper).figure  # fmt: skip
    common = {
        "layers": chapter.layers,
        "bbox": chapter.bbox,
        "title": f"{chapter.number}. {chapter.title[lang]}",
        "lang": lang,
        "permalink_url": story.chapter_url(chapter, lang, base_url=base_url),
        "basemap": basemap,
    }
    shown = chapter.date.isoformat()
    if chapter.compare is not None:  # a comparison: both dates, side by side
        fig = compare.render_compare(ds, date_a=chapter.compare, date_b=chapter.date, **common)
    elif chapter.play_to is not None:  # a chapter that plays: its first and its last day
        fig = compare.render_compare(ds, date_a=chapter.date, date_b=chapter.play_to, **common)
        shown = f"{shown} – {chapter.play_to.isoformat()}"
    else:
        fig = layout.render_static(ds, date=chapter.date, **common)
    heading = t("presenter.handout.chapter", lang, n=chapter.number, total=total,
                date=shown)  # fmt: skip
    refs = t(
        "presenter.handout.sources", lang, refs="; ".join(table.source_refs(ds, chapter.sources))
    )
    lines = [(heading, _DETAIL_PT + 1, "#555555")]
    lines += [
        (line, _CAPTION_PT, "#111111") for line in _wrap(chapter.caption[lang], _CAPTION_CHARS)
    ]
    lines += [(line, _DETAIL_PT, "#333333") for line in _wrap(refs, _DETAIL_CHARS)]
    # No credit line here: the map's footer carries the one credit (explorer.text).
    _insert_band(fig, lines)
    return fig


def handout_sheet(
    ds: Dataset,
    chapter: story.Chapter,
    *,
    total: int,
    paper: Paper,
    lang: str = "en",
    basemap: Mapping[str, gpd.GeoDataFrame] | None = None,
    base_url: str = view.APP_URL,
) -> Sheet:
    """Lay one chapter out on ``paper``: heading, caption, map, legend, full references.

    Body text is :data:`HANDOUT_BODY_PT` (9 pt) or more on the sheet itself: the caption 12 pt,
    the chapter's full source references and the map's text 9 pt, the legend 9 pt or more.
    """
    # A chapter that plays prints its first day beside its last, like a comparison.
    first, last = (
        (chapter.date, chapter.play_to) if chapter.play_to else (chapter.compare, chapter.date)
    )
    shown = chapter.date.isoformat()
    if chapter.play_to is not None:
        shown = f"{shown} – {chapter.play_to.isoformat()}"
    heading = t("presenter.handout.chapter", lang, n=chapter.number, total=total,
                date=shown)  # fmt: skip
    refs = table.source_refs(ds, chapter.sources)
    # One paragraph per reference, so they flow from under the map into the column.
    facts = [
        Para(t("presenter.handout.sources", lang, refs=ref) if i == 0 else ref, HANDOUT_BODY_PT,
             colour="#333333")
        for i, ref in enumerate(refs)
    ]  # fmt: skip
    return render_sheet(
        ds, paper=paper, layers=chapter.layers, date=last, bbox=chapter.bbox,
        title=f"{chapter.number}. {chapter.title[lang]}", lang=lang,
        permalink_url=story.chapter_url(chapter, lang, base_url=base_url), basemap=basemap,
        compare=first,
        top=[Para(heading, HANDOUT_BODY_PT + 1, colour="#555555"),
             Para(chapter.caption[lang], 12.0, colour="#111111")],
        facts=facts,
        extra_sources=list(chapter.sources), body_pt=HANDOUT_BODY_PT, floor_pt=HANDOUT_BODY_PT,
        map_share=0.5,
    )  # fmt: skip


def handout_bytes(
    ds: Dataset,
    chapters: Sequence[story.Chapter],
    *,
    lang: str = "en",
    basemap: Mapping[str, gpd.GeoDataFrame] | None = None,
    base_url: str = view.APP_URL,
    paper: Paper | None = None,
) -> bytes:
    """Return the handout PDF: one page per chapter, in chapter order.

    On ``paper`` (the command line's default is A4) each page is exactly the paper's size and
    source ids that do not fit beside a map continue on sources pages after the chapters.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    chapters : sequence of Chapter
        The story (:func:`explorer.story.load_chapters`).
    lang : {"en", "pl"}, default "en"
        Language of every page.
    basemap : mapping, optional
        Pre-loaded :func:`explorer.printmap.load_basemap` (read once here when None).
    base_url : str, default :data:`explorer.view.APP_URL`
        The app's address, for the permalinks printed on the pages.

    Returns
    -------
    bytes
        A PDF with ``len(chapters)`` pages.

    Raises
    ------
    ValueError
        For an empty story or an unknown language.
    """
    from pypdf import PdfReader, PdfWriter  # local: only the handout joins PDF pages

    if not chapters:
        raise ValueError("the story has no chapters")
    if lang not in config.LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {config.LANGUAGES}")
    basemap = basemap if basemap is not None else layers.load_basemap()
    if paper is not None:
        return _paper_handout(ds, chapters, lang=lang, basemap=basemap, base_url=base_url,
                              paper=paper)  # fmt: skip
    writer = PdfWriter()
    for chapter in chapters:
        fig = handout_figure(
            ds, chapter, total=len(chapters), lang=lang, basemap=basemap, base_url=base_url
        )
        writer.append(PdfReader(io.BytesIO(output.figure_bytes(fig, "pdf"))))
    writer.add_metadata(
        {
            "/Title": t("presenter.handout.title", lang),
            "/Creator": "Border Fortification Explorer (matplotlib, pypdf)",
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _paper_handout(
    ds: Dataset,
    chapters: Sequence[story.Chapter],
    *,
    lang: str,
    basemap: Mapping[str, gpd.GeoDataFrame],
    base_url: str,
    paper: Paper,
) -> bytes:
    """Return the handout on paper: the chapters' pages, then any sources pages."""
    pages: list[Figure] = []
    continued: list[tuple[str, list[str], list[str]]] = []
    for chapter in chapters:
        sheet = handout_sheet(ds, chapter, total=len(chapters), lang=lang, basemap=basemap,
                              base_url=base_url, paper=paper)  # fmt: skip
        pages.append(sheet.figure)
        short = t("paper.page_short", lang, n=len(pages))
        continued.append((sheet.figure.get_label(), sheet.overflow, sheet.notes, short))
    title = t("presenter.handout.title", lang)
    link = story.chapter_url(chapters[0], lang, base_url=base_url)
    pages += sources_figures(
        ds, paper, continued, title=title, lang=lang, body_pt=HANDOUT_BODY_PT, permalink_url=link
    )
    return pdf_bytes(pages, title=title)


def write_handout(
    ds: Dataset,
    chapters: Sequence[story.Chapter],
    out_path: Path | str,
    *,
    lang: str = "en",
    base_url: str = view.APP_URL,
    paper: Paper | None = None,
) -> Path:
    """Write the handout PDF to ``out_path`` atomically (temporary file, then rename).

    Returns
    -------
    pathlib.Path
        ``out_path``.

    Raises
    ------
    FileNotFoundError
        If the folder does not exist.
    OSError
        If the file cannot be written (nothing is left behind).
    """
    data = handout_bytes(ds, chapters, lang=lang, base_url=base_url, paper=paper)
    return files.write_atomic(Path(out_path), data)
