"""Checks of a paper page's figure: its texts, their sizes, and boxes that overlap (issue 18).

Which texts count: every visible text of the page (titles, caption, footer, legend, the text
beside the map, scale bar, north arrow, graticule labels, date labels), except the labels
placed *on* the map (country names, the figures of works not drawn): those have their own
collision handling (:mod:`explorer.printmap.labels`) and may sit under the furniture's
translucent boxes by design. They are recognised as texts in a map axes' data coordinates
whose anchor lies inside the map frame, or clipped to it (graticule labels lie outside it
and do count).
"""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from explorer import style


def _map_axes(fig: Figure) -> list:
    colour = style.SEA_COLOUR.lower()
    from matplotlib.colors import to_hex

    return [ax for ax in fig.axes if to_hex(ax.get_facecolor()).lower() == colour]


def furniture_texts(fig: Figure) -> list[Text]:
    """Every visible, non-empty text of the page but the labels placed on the map."""
    maps = _map_axes(fig)
    out = []
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        ax = text.axes
        if ax in maps and text.get_clip_on():
            continue  # clipped to the map frame: a label on the map
        if ax in maps and text.get_transform() == ax.transData:
            x, y = text.get_position()
            x0, x1 = sorted(ax.get_xlim())
            y0, y1 = sorted(ax.get_ylim())
            if x0 < x < x1 and y0 < y < y1:
                continue  # a label on the map (countries, figures of works not drawn)
        out.append(text)
    return out


def all_texts(fig: Figure) -> list[str]:
    """The text of every visible text artist (map labels included)."""
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def overlaps(fig: Figure, *, slack_px: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of furniture texts whose boxes overlap by more than ``slack_px`` each way."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    boxes = [(t.get_text()[:40], t.get_window_extent(renderer)) for t in furniture_texts(fig)]
    found = []
    for i, (a, ba) in enumerate(boxes):
        for b, bb in boxes[i + 1 :]:
            w = min(ba.x1, bb.x1) - max(ba.x0, bb.x0)
            h = min(ba.y1, bb.y1) - max(ba.y0, bb.y0)
            if w > slack_px and h > slack_px:
                found.append((a, b))
    return found


def off_page(fig: Figure, margin_in: float = 0.0) -> list[str]:
    """Furniture texts that run outside the page (less ``margin_in`` inches inside each edge)."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    fw, fh = fig.get_size_inches() * fig.dpi
    pad = margin_in * fig.dpi - 1
    out = []
    for t in furniture_texts(fig):
        b = t.get_window_extent(renderer)
        if b.x0 < pad or b.y0 < pad or b.x1 > fw - pad or b.y1 > fh - pad:
            out.append(t.get_text()[:40])
    return out


def smallest_pt(texts: list[Text]) -> float:
    """The smallest type size among ``texts``, in points."""
    return min(t.get_fontsize() for t in texts)
