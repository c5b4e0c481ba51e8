"""Measured text on a sheet of paper: wrapped to a width, placed by its real height (issue 18).

Every block of text on a paper page is wrapped to the width it is given and measured with the
Agg renderer before the next one is placed, so nothing runs off the page or into its neighbour.
Text never shrinks below :data:`MIN_PT`: what does not fit (source ids) is returned to the
caller, who continues it on a sources page (:mod:`.sources_page`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Final, NamedTuple

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from explorer.i18n import t
from explorer.text import attribution_text

__all__ = ["MIN_PT"]

#: The smallest type on paper, points (maps' furniture); the handout's body text is 9 pt.
MIN_PT: Final[float] = 7.0
#: Line spacing of wrapped text (a factor of the type size).
_LINE_SPACING: Final[float] = 1.2
#: Gap between blocks, inches.
_GAP_IN: Final[float] = 0.08


class Para(NamedTuple):
    """A paragraph of a text block: its text, type size (pt), weight and colour."""

    text: str
    size: float
    weight: str = "normal"
    colour: str = "#222222"


def _renderer(fig: Figure) -> object:
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    return canvas.get_renderer()


def _wrap_to(fig: Figure, artist: Text, text: str, width_in: float) -> str:
    """Set ``artist`` to ``text`` wrapped so that no line is wider than ``width_in``."""
    renderer = _renderer(fig)
    size = artist.get_fontsize()
    limit = width_in * fig.dpi
    chars = max(8, int(width_in * 72 / (size * 0.5)))
    while True:
        lines = [
            textwrap.fill(part, chars, break_on_hyphens=False, break_long_words=True) or ""
            for part in text.split("\n")
        ]
        wrapped = "\n".join(lines)
        artist.set_text(wrapped)
        if artist.get_window_extent(renderer).width <= limit or chars <= 8:
            return wrapped
        chars = max(8, int(chars * 0.94))


def put(
    fig: Figure,
    x_in: float,
    top_in: float,
    width_in: float,
    para: Para,
    *,
    ha: str = "left",
) -> float:
    """Write ``para`` wrapped to ``width_in`` with its top at ``top_in``; return its height (in).

    ``x_in`` is the left edge (``ha="left"``) or the right edge (``ha="right"``) in inches
    from the page's left.
    """
    fw, fh = fig.get_size_inches()
    artist = fig.text(
        x_in / fw, top_in / fh, "", fontsize=para.size, fontweight=para.weight,
        color=para.colour, va="top", ha=ha, linespacing=_LINE_SPACING,
    )  # fmt: skip
    _wrap_to(fig, artist, para.text, width_in)
    return artist.get_window_extent(_renderer(fig)).height / fig.dpi


def measure(fig: Figure, width_in: float, paras: Sequence[Para]) -> float:
    """Return the height (inches) ``paras`` take wrapped to ``width_in``, gaps included."""
    total = 0.0
    for para in paras:
        artist = fig.text(0, 0, "", fontsize=para.size, fontweight=para.weight, va="top",
                          linespacing=_LINE_SPACING)  # fmt: skip
        _wrap_to(fig, artist, para.text, width_in)
        total += artist.get_window_extent(_renderer(fig)).height / fig.dpi + _GAP_IN
        artist.remove()
    return total


def stack(fig: Figure, x_in: float, top_in: float, width_in: float, paras: Sequence[Para]) -> float:
    """Write ``paras`` one under the other from ``top_in``; return the bottom (inches)."""
    y = top_in
    for para in paras:
        y -= put(fig, x_in, y, width_in, para) + _GAP_IN
    return y


def title_block(
    fig: Figure, margin: float, title: str, subtitle: str, *, extra: Sequence[Para] = ()
) -> float:
    """Write the title, the subtitle (and ``extra``, e.g. a caption) at the top; return the bottom.

    The title is 18 pt on a sheet wider than 9 in, else 16 pt; the subtitle 10 pt.
    """
    fw, fh = fig.get_size_inches()
    width = fw - 2 * margin
    size = 18.0 if fw > 9 else 16.0
    paras = [Para(title, size, "bold", "#111111"), Para(subtitle, 10.0, colour="#333333")]
    return stack(fig, margin, fh - margin, width, [*paras, *extra])


def footer_block(
    fig: Figure, margin: float, permalink_url: str, lang: str, *, size: float = 8.0
) -> float:
    """Write the attribution and the permalink along the bottom; return the top of the footer."""
    fw, _ = fig.get_size_inches()
    width = fw - 2 * margin
    credit = Para(t("render.map_data", lang, attribution=attribution_text(lang)), size)
    link = Para(t("render.permalink", lang, url=permalink_url), size, colour="#1a4f8a")
    height = measure(fig, width, [credit, link])
    stack(fig, margin, margin + height, width, [credit, link])
    return margin + height


def sources_para(
    sources: Sequence[str], keep: int, size: float, lang: str, *, continued: str
) -> Para:
    """Return the sources line: the first ``keep`` ids, then where the rest are (``continued``)."""
    if sources and not keep:  # none fits: say where they all are
        return Para(t("paper.sources_later", lang, n=len(sources)) + t(continued, lang,
                    n=len(sources)) + ".", size, colour="#333333")  # fmt: skip
    ids = ", ".join(sources[:keep]) or t("render.none", lang)
    text = t("paper.sources", lang, n=len(sources), ids=ids)
    if keep < len(sources):
        text += t(continued, lang, n=len(sources) - keep)
    return Para(text + ".", size, colour="#333333")


class Fitted(NamedTuple):
    """What :func:`fit_text` could not place: source ids, and whole paragraphs (last first)."""

    sources: list[str]
    paragraphs: list[str]


def fit_text(
    fig: Figure,
    rect: Sequence[float],
    paras: Sequence[Para],
    sources: Sequence[str],
    lang: str,
    *,
    body_pt: float,
    continued: str,
) -> Fitted:
    """Write ``paras`` and as many source ids as fit into ``rect``; return what is left over.

    ``rect`` is (left, bottom, width, top) in inches. The type goes down from ``body_pt`` in
    half points to :data:`MIN_PT` (never below ``body_pt`` when that is larger) before ids are
    left out; ``continued`` is the key of the words saying where the rest are. When not even
    the paragraphs fit, the last ones are left out too (a sources page prints them).
    """
    left, bottom, width, top = rect
    room = top - bottom
    sizes = [body_pt]
    while sizes[-1] - 0.5 >= max(MIN_PT, body_pt - 1.0):
        sizes.append(sizes[-1] - 0.5)

    def scaled(size: float, n: int) -> list[Para]:
        return [p._replace(size=p.size - body_pt + size) for p in paras[:n]]

    def block(size: float, n: int, keep: int) -> list[Para]:
        src = sources_para(sources, keep, size, lang, continued=continued)
        return [*scaled(size, n), src]

    for size in sizes:
        if measure(fig, width, block(size, len(paras), len(sources))) <= room:
            stack(fig, left, top, width, block(size, len(paras), len(sources)))
            return Fitted([], [])
    size = sizes[-1]
    n = len(paras)
    while n > 0 and measure(fig, width, block(size, n, 0)) > room:
        n -= 1
    lo, hi = 0, len(sources)  # the most ids that fit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if measure(fig, width, block(size, n, mid)) <= room:
            lo = mid
        else:
            hi = mid - 1
    stack(fig, left, top, width, block(size, n, lo))
    return Fitted(list(sources[lo:]), [p.text for p in paras[n:]])
