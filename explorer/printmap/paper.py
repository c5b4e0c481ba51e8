"""Map files on paper: the pages of one view or of a comparison, as figures and as bytes.

:func:`map_pages` returns the figures of an export on a :class:`~explorer.paper.Paper` (what
tests inspect): the map page (:func:`.sheet.render_sheet`), for a PDF comparison the page of
what changed (:func:`.changes_page.changes_figure`), and for a PDF the sources page(s) holding
what did not fit (:mod:`.sources_page`). :func:`paper_bytes` writes them as PNG, SVG (one page)
or PDF (every page).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from explorer import view
from explorer.paper import Paper
from explorer.printmap.output import DEFAULT_DPI, figure_bytes
from explorer.printmap.sheet import render_sheet
from explorer.printmap.sources_page import pdf_bytes, sources_figures

if TYPE_CHECKING:
    import geopandas as gpd

    from explorer.data import Dataset
    from explorer.overlay import Overlay

__all__ = ["map_pages", "paper_bytes"]


def map_pages(
    ds: Dataset,
    *,
    paper: Paper,
    fmt: str,
    layers: Iterable[str],
    date: dt.date,
    bbox: Sequence[float] | None = None,
    title: str | None = None,
    lang: str = "en",
    permalink_url: str | None = None,
    treaty: str = "APMBC",
    basemap: Mapping[str, gpd.GeoDataFrame] | None = None,
    overlay: Overlay | None = None,
    compare: dt.date | None = None,
) -> list[Figure]:
    """Return the pages of a map file on ``paper``: the map, then (PDF) what continues.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    paper : Paper
        The sheet.
    fmt : {"png", "svg", "pdf"}
        A PNG or SVG is the map page alone (source ids that do not fit say where the rest are);
        a PDF adds the page of what changed (a comparison) and the sources page(s).
    layers, date, bbox, title, lang, permalink_url, treaty, basemap, overlay, compare
        As :func:`.sheet.render_sheet`.

    Returns
    -------
    list of matplotlib.figure.Figure
        Each exactly ``paper.size_in``.
    """
    continued = "paper.more_pdf" if fmt == "pdf" else "paper.more_file"
    layers = list(layers)
    link = permalink_url or _link(layers, date, bbox, lang, compare)
    sheet = render_sheet(
        ds, paper=paper, layers=layers, date=date, bbox=bbox, title=title, lang=lang,
        permalink_url=link, treaty=treaty, basemap=basemap, overlay=overlay,
        compare=compare, continued=continued,
    )  # fmt: skip
    pages = [sheet.figure]
    if fmt != "pdf":
        return pages
    if compare is not None:
        from explorer.printmap.changes_page import changes_figure  # local: comparisons only

        pages.append(changes_figure(ds, compare, date, lang=lang, permalink_url=link,
                                    paper=paper))  # fmt: skip
    heading = sheet.figure.get_label()
    pages += sources_figures(
        ds, paper, [(heading, sheet.overflow, sheet.notes)], title=heading, permalink_url=link,
        lang=lang,
    )  # fmt: skip
    return pages


def _link(
    layers: Iterable[str],
    date: dt.date,
    bbox: Sequence[float] | None,
    lang: str,
    compare: dt.date | None,
) -> str:
    """Return the view's permalink (a comparison's has ``compare=A``), as the map page prints it."""
    link = view.permalink_url(layers=layers, date=date, bbox=bbox or view.DEFAULT_BBOX,
                              lang=lang)  # fmt: skip
    return link if compare is None else f"{link}&compare={compare.isoformat()}"


def paper_bytes(
    ds: Dataset, *, paper: Paper, fmt: str, dpi: int = DEFAULT_DPI, **options: object
) -> bytes:
    """Return a map file on ``paper`` as PNG, SVG or PDF bytes (:func:`map_pages`).

    A PNG is ``paper.size_in × dpi`` pixels; an SVG's and a PDF's page is the paper's size in
    points.
    """
    pages = map_pages(ds, paper=paper, fmt=fmt, **options)  # type: ignore[arg-type]
    if fmt == "pdf":
        return pdf_bytes(pages, title=pages[0].get_label() or "Map")
    return figure_bytes(pages[0], fmt, dpi=dpi)
