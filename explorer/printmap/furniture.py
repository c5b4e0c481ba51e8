"""The print map's furniture: scale bar, north arrow, notices, legend and explanatory text.

The scale bar and the north arrow are true at the map centre (:mod:`.projection`); the legend
lists only what is drawn in view, in one or two columns; the text beside it says what the map
shows, how to read it, its projection and as many of its sources as fit.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Polygon as MplPolygon
from matplotlib.patches import Rectangle
from pyproj import CRS

from explorer import legend, partial_works, scene, style, view
from explorer.config import DATA_AS_OF
from explorer.i18n import number, t
from explorer.layers import DATA_LAYERS, PROGRAMME_LAYERS
from explorer.printmap.artists import _PARTIAL_TEXT, _Z, _plain, _swatch
from explorer.printmap.projection import _crs_centre, _deg, scale_bar
from explorer.text import attribution_text

if TYPE_CHECKING:
    from explorer.overlay import Overlay

__all__: list[str] = []

#: Height of a legend row and the line spacing of the text beside the map (inches, factor).
_ROW_IN: Final[float] = 0.24
_LINE_SPACING: Final[float] = 1.2


def _draw_scale_bar(
    ax: Axes,
    crs: CRS,
    centre: tuple[float, float],
    extent: Sequence[float],
    lang: str = "en",
    *,
    min_pt: float = 0.0,
) -> float:
    """Draw an alternating black/white bar in the lower left, true at the map centre."""
    x0, x1 = extent[0], extent[1]
    km, length = scale_bar(crs, centre[0], centre[1], (x1 - x0) * 0.22)
    frac = length / (x1 - x0)
    z = _Z["furniture"]
    true_at = t("render.scale_true", lang, lat=_deg(round(centre[1], 1), "N", "S", lang))
    if min_pt:
        _paper_scale_bar(ax, km, frac, true_at, lang, min_pt)
        return km
    left, base, height = 0.03, 0.045, 0.011
    ax.add_patch(
        Rectangle(
            (left - 0.012, base - 0.032), frac + 0.07, 0.082, transform=ax.transAxes,
            facecolor=(1, 1, 1, 0.85), edgecolor="#888888", linewidth=0.5, zorder=z,
        )
    )  # fmt: skip
    for i in range(4):
        ax.add_patch(
            Rectangle(
                (left + frac * i / 4, base), frac / 4, height, transform=ax.transAxes,
                facecolor="#222222" if i % 2 == 0 else "white", edgecolor="#222222",
                linewidth=0.6, zorder=z + 0.1,
            )
        )  # fmt: skip
    text = {"transform": ax.transAxes, "fontsize": 8, "zorder": z + 0.2, "color": "#222222"}
    for value, x in ((0, left), (km / 2, left + frac / 2), (km, left + frac)):
        ax.text(
            x, base + height + 0.006, number(value, lang=lang), ha="center", va="bottom", **text
        )
    ax.text(left + frac + 0.008, base + height / 2, "km", ha="left", va="center", **text)
    ax.text(left, base - 0.006, true_at, ha="left", va="top", **dict(text, fontsize=6.5))
    return km


def _paper_scale_bar(
    ax: Axes, km: float, frac: float, true_at: str, lang: str, min_pt: float
) -> None:
    """Draw the scale bar of a paper page, laid out in inches (maps there can be small).

    From the bottom: the "true at" note, the bar, its numbers (the unit after the last; the
    middle number only on a bar of 1.2 in or more), in a white box round all three.
    """
    fig = ax.get_figure()
    fw, fh = fig.get_size_inches()
    pos = ax.get_position()
    w_in, h_in = pos.width * fw, pos.height * fh
    bar_in = frac * w_in
    z = _Z["furniture"]
    left = 0.12 / w_in
    text = {"transform": ax.transAxes, "fontsize": 8, "zorder": z + 0.2, "color": "#222222"}
    note_pt = max(6.5, min_pt)
    box_w = max(bar_in + 0.45, len(true_at) * note_pt * 0.6 / 72 + 0.1)
    ax.add_patch(
        Rectangle(
            (0.06 / w_in, 0.05 / h_in), box_w / w_in, 0.47 / h_in, transform=ax.transAxes,
            facecolor=(1, 1, 1, 0.85), edgecolor="#888888", linewidth=0.5, zorder=z,
        )
    )  # fmt: skip
    base, height = 0.25 / h_in, 0.06 / h_in
    for i in range(4):
        ax.add_patch(
            Rectangle(
                (left + frac * i / 4, base), frac / 4, height, transform=ax.transAxes,
                facecolor="#222222" if i % 2 == 0 else "white", edgecolor="#222222",
                linewidth=0.6, zorder=z + 0.1,
            )
        )  # fmt: skip
    marks = [(0, left, "center"), (km, left + frac, "center")]
    if bar_in >= 1.2:
        marks.insert(1, (km / 2, left + frac / 2, "center"))
    for value, x, ha in marks:
        label = number(value, lang=lang) + (" km" if value == km else "")
        ax.text(x, base + height + 0.03 / h_in, label, ha=ha, va="bottom", **text)
    ax.text(left, 0.09 / h_in, true_at, ha="left", va="bottom", **dict(text, fontsize=note_pt))


def _draw_outside_notice(ax: Axes, bbox: Sequence[float], lang: str) -> None:
    """Say on the map, at its top, that part of the view has no data (it is drawn as sea)."""
    values = {"bbox": ",".join(f"{v:g}" for v in bbox), "window": view.data_window_text(lang)}
    text = textwrap.fill(t("export.partly_outside", lang, **values), 70)
    ax.text(
        0.5, 0.985, text, transform=ax.transAxes, ha="center", va="top", fontsize=9.5,
        color="#7a1d00", zorder=_Z["furniture"] + 0.5,
        bbox={"boxstyle": "round,pad=0.4", "facecolor": "#fff4d6", "edgecolor": "#b35c00",
              "linewidth": 0.8},
    )  # fmt: skip


def _draw_titles(
    fig: Figure, title: str, margin: float, *, date: dt.date, treaty: str, lang: str = "en"
) -> None:
    """Write the title and the subtitle (the day, the data's date, the treaty) across the top."""
    fw, fh = fig.get_size_inches()
    fig.text(margin / fw, 1 - 0.25 / fh, title, fontsize=21, fontweight="bold", va="top",
             color="#111111")  # fmt: skip
    subtitle = t(
        "render.subtitle",
        lang,
        date=date.isoformat(),
        as_of=DATA_AS_OF,
        treaty=t(f"treaty.{treaty}.short", lang),
    )
    fig.text(margin / fw, 1 - 0.78 / fh, subtitle, fontsize=11.5, va="top", color="#333333")


def _draw_footer(
    fig: Figure, permalink_url: str, margin: float, lang: str = "en", *, app_name: bool = True
) -> None:
    """Write the attribution and the permalink along the bottom, the app's name at the right."""
    fw, fh = fig.get_size_inches()
    attribution = t("render.map_data", lang, attribution=attribution_text(lang))
    fig.text(margin / fw, 0.47 / fh, attribution, fontsize=9, va="center",
             color="#222222")  # fmt: skip
    fig.text(margin / fw, 0.2 / fh, t("render.permalink", lang, url=permalink_url),
             fontsize=8.5, va="center", color="#1a4f8a")  # fmt: skip
    if app_name:
        fig.text((fw - margin) / fw, 0.2 / fh, t("app.title", lang), fontsize=8,
                 va="center", ha="right", color="#777777")  # fmt: skip


def _draw_north_arrow(fig: Figure, map_rect: Sequence[float], angle: float) -> None:
    """Draw an arrow pointing to true north at the map centre (top right of the map)."""
    fw, fh = fig.get_size_inches()
    left, bottom, width, height = map_rect
    size = 0.62
    inset = fig.add_axes(
        (
            (left + width - size - 0.12) / fw,
            (bottom + height - size - 0.12) / fh,
            size / fw,
            size / fh,
        ),
        zorder=_Z["furniture"],
    )
    inset.set_xlim(-1, 1)
    inset.set_ylim(-1, 1)
    inset.set_aspect("equal")
    inset.axis("off")
    inset.add_patch(
        Rectangle((-1, -1), 2, 2, facecolor=(1, 1, 1, 0.85), edgecolor="#888888", linewidth=0.5)
    )
    rad = math.radians(angle)

    def rot(x: float, y: float) -> tuple[float, float]:
        return x * math.cos(rad) + y * math.sin(rad), -x * math.sin(rad) + y * math.cos(rad)

    left_half = [rot(0, 0.3), rot(-0.24, -0.72), rot(0, -0.5)]
    right_half = [rot(0, 0.3), rot(0.24, -0.72), rot(0, -0.5)]
    inset.add_patch(MplPolygon(left_half, closed=True, facecolor="#222222", linewidth=0))
    inset.add_patch(
        MplPolygon(right_half, closed=True, facecolor="white", edgecolor="#222222", linewidth=0.8)
    )
    nx, ny = rot(0, 0.58)
    inset.text(nx, ny, "N", ha="center", va="center", fontsize=9.5, fontweight="bold")


def _legend_rows(items: Sequence[legend.LegendItem]) -> list[tuple[str, legend.LegendItem]]:
    rows: list[tuple[str, legend.LegendItem]] = []
    group = None
    for item in items:
        if item["group"] != group:
            group = item["group"]
            rows.append(("group", item))
        rows.append(("item", item))
    return rows


def _draw_legend(
    fig: Figure,
    rect: Sequence[float],
    items: Sequence[legend.LegendItem],
    columns: int,
    lang: str = "en",
    *,
    size: float = 9.5,
) -> float:
    """Draw the legend into ``rect`` (inches: left, bottom, width, height); return its height.

    ``size`` is the labels' type size in points (the title, group names and rows scale with
    it; paper pages pick the largest that fits, :mod:`.sheet`).
    """
    fw, fh = fig.get_size_inches()
    left, bottom, width, height = rect
    k = size / 9.5
    row = _ROW_IN * k
    ax = fig.add_axes((left / fw, bottom / fh, width / fw, height / fh))
    ax.set_xlim(0, width)
    ax.set_ylim(-height, 0)  # y: inches below the top
    ax.axis("off")
    ax.text(0, -0.02, t("legend.title", lang), fontsize=12.5 * k, fontweight="bold", va="top")
    top = -0.42 * k
    if not items:
        ax.text(0, top, t("legend.empty", lang), fontsize=size, va="top")
        return 0.7 * k
    rows = _legend_rows(items)
    heights = [row + (0.1 * k if kind == "group" else 0.0) for kind, _ in rows]
    # split at a group boundary near the middle
    breaks = [0]
    if columns > 1:
        half = sum(heights) / 2
        starts = [i for i, (kind, _) in enumerate(rows) if kind == "group" and i > 0]
        if starts:
            breaks.append(min(starts, key=lambda i: abs(sum(heights[:i]) - half)))
    breaks.append(len(rows))
    col_width = width / max(1, len(breaks) - 1)
    lowest = top
    for c in range(len(breaks) - 1):
        x, y = c * col_width, top
        for n in range(breaks[c], breaks[c + 1]):
            kind, item = rows[n]
            if kind == "group":
                if n != breaks[c]:
                    y -= 0.1 * k
                ax.text(x, y - row / 2, item["group"], fontsize=10 * k, fontweight="bold",
                        va="center", color="#222222")  # fmt: skip
            else:
                _swatch(ax, item, x + 0.05, y - row / 2)
                ax.text(x + 0.66, y - row / 2, item["label"], fontsize=size, va="center",
                        color="#222222")  # fmt: skip
            y -= row
        lowest = min(lowest, y)
    return -lowest


def _legend_for(
    layers: Iterable[str],
    in_view: scene.Scene,
    lang: str = "en",
    *,
    partial: Sequence[partial_works.PartialWork] = (),
) -> list[legend.LegendItem]:
    """Legend rows for what is drawn in view (:func:`explorer.scene.shown_categories`).

    A programme whose works in view are only figures on their border (``partial``: not drawn)
    keeps its row, and a row after "how to read" explains the figure's mark.
    """
    drawn = {
        layer: frame[~frame["partial"].astype(bool)] if len(frame) else frame
        for layer, frame in in_view
    }
    categories = scene.shown_categories(drawn)
    for row in partial:  # a programme drawn only as figures keeps its row
        categories.setdefault(row["layer"], set()).add(row["state"])
    out = legend.legend_items(layers, lang, shown=categories)
    return legend.with_partial_row(out, lang, colour=_PARTIAL_TEXT) if partial else out


def _overlay_legend(overlay: Overlay, lang: str) -> list[legend.LegendItem]:
    from explorer.overlay import display as overlay_display  # local: only overlay exports

    items = overlay_display.legend_items(overlay, lang)
    return [legend.LegendItem(**{**i, "group": _plain(i["group"])}) for i in items]  # type: ignore[typeddict-item]


def _about_paragraphs(
    *, layers: Sequence[str], date: dt.date, treaty: str, crs: CRS, lang: str = "en"
) -> list[str]:
    """Return the explanatory text: what is shown, how to read it, the projection."""
    data_layers = [style.layer_title(i, lang) for i in DATA_LAYERS if i in set(layers)]
    lat0, lon0 = _crs_centre(crs)
    programmes = any(i in PROGRAMME_LAYERS for i in layers)
    names = ", ".join(data_layers) or t("render.no_data_layer", lang)
    shows = [t("render.shows", lang, layers=names, date=date.isoformat())]
    if programmes:
        shows.append(t("render.forts_appear", lang))
    if "treaty" in layers:
        shows.append(t("render.treaty_shading", lang, treaty=t(f"treaty.{treaty}.short", lang)))
    shows.append(t("render.as_of", lang, date=DATA_AS_OF))
    paragraphs = [" ".join(shows)]
    if programmes:
        paragraphs.append(t("render.not_public", lang))
    paragraphs.append(
        t("render.projection", lang, lat=_deg(lat0, "N", "S", lang), lon=_deg(lon0, "E", "W", lang))
    )
    return paragraphs


def _sources_paragraph(sources: Sequence[str], keep: int, lang: str = "en") -> str:
    shown = list(sources[:keep])
    ids = ", ".join(shown) or t("render.none", lang)
    text = t("render.sources", lang, n=len(sources), ids=ids)
    if len(sources) > len(shown):
        text += t("render.more", lang, n=len(sources) - len(shown))
    return text + "."


def _fit_text(
    fig: Figure,
    rect: Sequence[float],
    paragraphs: Sequence[str],
    sources: Sequence[str],
    fontsize: float,
    lang: str = "en",
) -> None:
    """Write paragraphs and the sources into ``rect`` (inches), listing as many sources as fit.

    Lines are wrapped by an estimated character count, then measured with the Agg renderer:
    narrower if a line sticks out, fewer source ids if the block runs below the box.
    """
    fw, fh = fig.get_size_inches()
    left, bottom, width, top = rect[0], rect[1], rect[2], rect[3]
    renderer = FigureCanvasAgg(fig).get_renderer()
    artist = fig.text(left / fw, top / fh, "", va="top", color="#333333",
                      linespacing=_LINE_SPACING)  # fmt: skip

    def layout(size: float, chars: int, keep: int) -> tuple[bool, bool]:
        """Set the text; return whether it fits the width and the height."""
        blocks = [*paragraphs, _sources_paragraph(sources, keep, lang)]
        text = "\n\n".join(textwrap.fill(b, chars, break_on_hyphens=False) for b in blocks)
        artist.set_text(text)
        artist.set_fontsize(size)
        extent = artist.get_window_extent(renderer)
        return extent.x1 <= (left + width) * fig.dpi + 1, extent.y0 >= bottom * fig.dpi - 1

    for size in (fontsize, fontsize - 0.5, fontsize - 1.0, fontsize - 1.5, fontsize - 2.0):
        chars = max(20, int(width * 72 / (size * 0.56)))
        while chars > 20 and not layout(size, chars, len(sources))[0]:
            chars = int(chars * 0.95)
        if layout(size, chars, 0)[1] is False:
            continue  # too long even without source ids: smaller type
        lo, hi = 0, len(sources)  # the most ids that fit: lo fits, hi + 1 does not
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if layout(size, chars, mid)[1]:
                lo = mid
            else:
                hi = mid - 1
        layout(size, chars, lo)
        return
