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
#: Height of a line of DejaVu Sans (ascent + descent), in ems.
_EM_HEIGHT: Final[float] = 1.17
#: Share of a block's width its lines may fill (glyph widths vary a little with the dpi).
_WIDTH_SHARE: Final[float] = 0.97
#: Gap between blocks, inches.
_GAP_IN: Final[float] = 0.08


class Para(NamedTuple):
    """A paragraph of a text block: its text, type size (pt), weight and colour."""

    text: str
    size: float
    weight: str = "normal"
    colour: str = "#222222"


def _height_in(fig: Figure, artist: Text) -> float:
    """Return a text's height in inches, the most it takes at any resolution.

    Agg rounds each line's height to whole pixels, so the same lines measure up to a fifth
    taller or shorter at another dpi; blocks are placed by the larger of the measured height
    and the type's own line height (DejaVu Sans: 1.17 em) times the line spacing.
    """
    measured = artist.get_window_extent(_renderer(fig)).height / fig.dpi
    lines = artist.get_text().count("\n") + 1
    return max(measured, lines * artist.get_fontsize() * _LINE_SPACING * _EM_HEIGHT / 72)


def _renderer(fig: Figure) -> object:
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    return canvas.get_renderer()


def _wrap_to(fig: Figure, artist: Text, text: str, width_in: float) -> str:
    """Set ``artist`` to ``text`` wrapped so that no line is wider than ``width_in``."""
    renderer = _renderer(fig)
    size = artist.get_fontsize()
    limit = width_in * fig.dpi * _WIDTH_SHARE
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
    return _height_in(fig, artist)


def measure(fig: Figure, width_in: float, paras: Sequence[Para]) -> float:
    """Return the height (inches) ``paras`` take wrapped to ``width_in``, gaps included."""
    total = 0.0
    for para in paras:
        artist = fig.text(0, 0, "", fontsize=para.size, fontweight=para.weight, va="top",
                          linespacing=_LINE_SPACING)  # fmt: skip
        _wrap_to(fig, artist, para.text, width_in)
        total += _height_in(fig, artist) + _GAP_IN
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
    rects: Sequence[Sequence[float]],
    paras: Sequence[Para],
    sources: Sequence[str],
    lang: str,
    *,
    body_pt: float,
    continued: str,
    floor_pt: float = MIN_PT,
) -> Fitted:
    """Flow ``paras`` and as many source ids as fit through ``rects``; return what is left.

    Each rect is (left, bottom, width, top) in inches; paragraphs fill the first, then the
    next. The type goes down from ``body_pt`` in half points, at most 1 pt and never below
    ``floor_pt`` (:data:`MIN_PT`), before ids are left out; ``continued`` is the key of the
    words saying where the rest are. When not even the paragraphs fit, the last ones are left
    out too (a sources page prints them).
    """
    sizes = [body_pt]
    while sizes[-1] - 0.5 >= max(MIN_PT, floor_pt, body_pt - 1.0):
        sizes.append(sizes[-1] - 0.5)

    def block(size: float, n: int, keep: int) -> list[Para]:
        scaled = [p._replace(size=p.size - body_pt + size) for p in paras[:n]]
        return [*scaled, sources_para(sources, keep, size, lang, continued=continued)]

    def place(blocks: list[Para], write: bool) -> bool:
        """Flow ``blocks`` through the rects; tell whether they all fit."""
        i, y = 0, rects[0][3] if rects else 0.0
        for para in blocks:
            while i < len(rects):
                left, bottom, width, _ = rects[i]
                need = measure(fig, width, [para])
                if y - need >= bottom:
                    if write:
                        put(fig, left, y, width, para)
                    y -= need
                    break
                i += 1
                y = rects[i][3] if i < len(rects) else 0.0
            else:
                return False
        return True

    for size in sizes:
        if place(block(size, len(paras), len(sources)), write=False):
            place(block(size, len(paras), len(sources)), write=True)
            return Fitted([], [])
    size = sizes[-1]
    n = len(paras)
    while n > 0 and not place(block(size, n, 0), write=False):
        n -= 1
    lo, hi = 0, len(sources)  # the most ids that fit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if place(block(size, n, mid), write=False):
            lo = mid
        else:
            hi = mid - 1
    place(block(size, n, lo), write=True)
    return Fitted(list(sources[lo:]), [p.text for p in paras[n:]])
