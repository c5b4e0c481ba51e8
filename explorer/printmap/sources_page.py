"""Sources pages: the source references that did not fit on a map page, and multi-page PDFs.

A paper page lists as many source ids as fit beside its map (:func:`.pagetext.fit_text`); the
rest continue here, with their full references (``publisher: title (date) URL``), after the
map pages of the same PDF. :func:`pdf_bytes` joins pages with matplotlib's ``PdfPages``
(deterministic: no dates in the file).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from explorer import table
from explorer.i18n import t
from explorer.paper import Paper
from explorer.printmap.output import _metadata, _rc
from explorer.printmap.pagetext import Para, footer_block, measure, put, title_block

if TYPE_CHECKING:
    from explorer.data import Dataset

__all__ = ["pdf_bytes", "sources_figures"]

#: Type size of the references (points): body text, above the 7 pt floor.
_REF_PT: Final[float] = 8.0


def sources_figures(
    ds: Dataset,
    paper: Paper,
    continued: Sequence[tuple],
    *,
    title: str,
    permalink_url: str,
    lang: str = "en",
    body_pt: float = _REF_PT,
) -> list[Figure]:
    """Draw the sources pages: for each (heading, source ids) the ids with full references.

    Parameters
    ----------
    ds : Dataset
        For the references (``geodata/sources.csv``).
    paper : Paper
        The sheet, the same as the map pages'.
    continued : sequence of (str, sequence of str, sequence of str[, str])
        Per page: a heading (e.g. "Page 2: Poland–Belarus"), the source ids and the paragraphs
        (notes) that did not fit on it, and optionally a short name ("p. 2"). Notes are printed
        under their page's heading; sources once each, in id order, followed by the short names
        of the pages they continue from (when there are several pages).
    title : str
        The document's title (the pages say "<title>: sources, continued").
    permalink_url : str
        The link printed in the footer.
    lang : {"en", "pl"}, default "en"
    body_pt : float, default 8
        Type size of the references.

    Returns
    -------
    list of matplotlib.figure.Figure
        None when nothing continues.
    """
    entries: list[Para] = []
    cited: dict[str, list[str]] = {}
    for heading, ids, notes, *short in continued:
        if notes:
            entries.append(Para(heading, body_pt + 1.5, "bold", "#111111"))
            entries += [Para(note, body_pt) for note in notes]
        for sid in ids:
            cited.setdefault(sid, []).append(short[0] if short else heading)
    if cited:  # each source once, with the pages it continues from
        entries.append(Para(t("paper.sources_heading", lang), body_pt + 1.5, "bold", "#111111"))
        ids = sorted(cited)
        for sid, ref in zip(ids, table.source_refs(ds, ids), strict=True):
            text = f"{sid}: {ref}" if ref != sid else sid
            if len(continued) > 1:
                text += f" ({', '.join(dict.fromkeys(cited[sid]))})"
            entries.append(Para(text, body_pt))
    pages: list[Figure] = []
    with _rc():
        while entries:
            fig = _blank(paper, title)
            fw = paper.size_in[0]
            m = paper.margin_in
            head = t("paper.sources_title", lang, title=title)
            top = title_block(fig, m, head, t("paper.sources_note", lang)) - 0.1
            bottom = footer_block(fig, m, permalink_url, lang, size=max(8.0, body_pt)) + 0.15
            width = fw - 2 * m
            written = 0
            for para in entries:
                need = measure(fig, width, [para])
                if top - need < bottom and written:
                    break
                top -= put(fig, m, top, width, para) + 0.02
                written += 1
            entries = entries[written:]
            pages.append(fig)
    return pages


def _blank(paper: Paper, title: str) -> Figure:
    fig = Figure(figsize=paper.size_in, dpi=100, facecolor="white")
    fig.set_label(title)
    return fig


def pdf_bytes(figures: Sequence[Figure], *, title: str) -> bytes:
    """Return the figures as one PDF, a page each, in order (no dates in the file)."""
    buffer = io.BytesIO()
    with _rc(), PdfPages(buffer, metadata=_metadata("pdf", title)) as pdf:
        for fig in figures:
            pdf.savefig(fig, facecolor="white")
    return buffer.getvalue()
