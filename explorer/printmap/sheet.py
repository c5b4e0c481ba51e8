"""A map on a real sheet of paper: A4, A3, Letter or Legal, portrait or landscape (issue 18).

:func:`render_sheet` lays one view (or two dates of it, ``compare``) out on exactly the
paper's size, at true size (a point on the figure is a point on paper):

* title, subtitle (the date, the data's date, the treaty) and any caption across the top;
* the attribution and the permalink along the bottom;
* landscape: the map on the left, the legend and the text (what the map shows, how to read it,
  its projection, its sources) in a column on the right;
* portrait: the map across the page, the legend under it in two columns, then the text.

Every block is measured before the next is placed (:mod:`.pagetext`), type never goes below
7 pt, and the source ids that do not fit are returned (:attr:`Sheet.overflow`) to be continued
on a sources page (:mod:`.sources_page`). The map panels are drawn exactly like the screen
map's (:func:`.layout._draw_map` from :func:`.layout._layer_frames`: the scene).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final, NamedTuple

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from pyproj import CRS, Transformer

from explorer import scene, view
from explorer.config import DATA_AS_OF, DISPLAY_CRS
from explorer.i18n import t
from explorer.paper import Paper
from explorer.printmap.artists import _plain
from explorer.printmap.compare import _date_label
from explorer.printmap.furniture import (
    _about_paragraphs,
    _draw_legend,
    _draw_north_arrow,
    _legend_for,
    _overlay_legend,
)
from explorer.printmap.labels import _partial_rows
from explorer.printmap.layers import load_basemap
from explorer.printmap.layout import _basemap_source_ids, _draw_map, _layer_frames, _MapBox
from explorer.printmap.output import _rc
from explorer.printmap.pagetext import (
    MIN_PT,
    Para,
    fit_text,
    footer_block,
    measure,
    sources_para,
    title_block,
)
from explorer.printmap.projection import _extent, _visible_lonlat, map_crs, north_angle_deg

if TYPE_CHECKING:
    import geopandas as gpd

    from explorer.data import Dataset
    from explorer.overlay import Overlay

__all__ = ["Sheet", "render_sheet"]

#: Room left of the map for the latitudes and under it for the longitudes, inches.
_LAT_ROOM: Final[float] = 0.45
_LON_ROOM: Final[float] = 0.3
#: Room right of a map for half of a longitude label at its corner, inches.
_LON_HALF: Final[float] = 0.2
#: Gap between the map and the column or blocks beside it, inches.
_GAP: Final[float] = 0.2
#: Body text of a map page (points).
BODY_PT: Final[float] = 8.0


class Sheet(NamedTuple):
    """One map page, the source ids and the paragraphs that did not fit on it."""

    figure: Figure
    overflow: list[str]
    notes: list[str]


def render_sheet(
    ds: Dataset,
    *,
    paper: Paper,
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
    top: Sequence[Para] = (),
    facts: Sequence[Para] = (),
    extra_sources: Sequence[str] = (),
    body_pt: float = BODY_PT,
    continued: str = "paper.more_pdf",
    about: bool = True,
    floor_pt: float = MIN_PT,
    map_share: float = 0.4,
) -> Sheet:
    """Draw a print map of a view on one sheet of ``paper``.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    paper : Paper
        The sheet (:class:`explorer.paper.Paper`): the figure is exactly its size.
    layers, date, bbox, title, lang, permalink_url, treaty, basemap, overlay
        As :func:`explorer.printmap.render_static`.
    compare : datetime.date, optional
        An earlier date: two panels, A on ``compare`` and B on ``date`` (side by side on a
        landscape sheet, one above the other on a portrait one), one legend.
    top : sequence of Para
        Paragraphs under the subtitle (the handout's caption).
    facts : sequence of Para
        Paragraphs before the map's explanation (an atlas page's segment facts).
    extra_sources : sequence of str
        Source ids cited by ``top`` or ``facts``, listed with the map's.
    body_pt : float, default :data:`BODY_PT`
        Type size of the text beside the map (the handout: 9).
    continued : str
        Key of the words saying where source ids that do not fit continue.
    about : bool, default True
        Explain the map (what it shows, how to read it, its projection) after ``facts``; an
        atlas's segment pages leave it to the cover.
    floor_pt : float, default :data:`~explorer.printmap.pagetext.MIN_PT`
        The smallest the text and the legend may get to fit (the handout: 9).
    map_share : float, default 0.4
        With the legend under the map: the least share of the height between the titles and
        the footer that the map takes (the handout: 0.5); what does not fit continues.

    Returns
    -------
    Sheet
        The figure and the source ids left over for a sources page.

    Raises
    ------
    explorer.view.ViewError
        (a ``ValueError``) for unknown layers, language or treaty, a malformed box or a date
        outside the range; ``ValueError`` when ``compare`` is not before ``date``.
    """
    with_about = about
    checked = view.View(layers=tuple(layers), date=date, bbox=bbox or view.DEFAULT_BBOX,
                        lang=lang, treaty=treaty)  # fmt: skip
    dates = [date]
    if compare is not None:
        view.View(layers=checked.layers, date=compare, lang=lang, treaty=treaty)
        if not compare < date:
            raise ValueError(f"compare date {compare} must be before the map's date {date}")
        dates = [compare, date]
    visible_layers = list(checked.layers)
    bbox = checked.bbox  # type: ignore[assignment]
    if title is None:
        title = t("render.compare_title" if compare else "export.default_title", lang)
    if permalink_url is None:
        permalink_url = view.permalink_url(layers=visible_layers, date=date, bbox=bbox, lang=lang)
        if compare is not None:
            permalink_url += f"&compare={compare.isoformat()}"
    if "basemap" in visible_layers and basemap is None:
        basemap = load_basemap()
    base = basemap if "basemap" in visible_layers else None
    crs = map_crs(bbox)
    centre = ((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
    treaty_name = t(f"treaty.{treaty}.short", lang)
    if compare is None:
        subtitle = t("render.subtitle", lang, date=date.isoformat(), as_of=DATA_AS_OF,
                     treaty=treaty_name)  # fmt: skip
    else:
        subtitle = t("render.compare_subtitle", lang, a=compare.isoformat(), b=date.isoformat(),
                     as_of=DATA_AS_OF, treaty=treaty_name)  # fmt: skip
    with _rc():
        fig = Figure(figsize=paper.size_in, dpi=100, facecolor="white")
        fig.set_label(title)
        m = paper.margin_in
        fw, _ = paper.size_in
        title_bottom = title_block(fig, m, title, subtitle, extra=top) - 0.05
        footer_top = footer_block(fig, m, permalink_url, lang, size=max(8.0, body_pt)) + 0.12

        def frames(rects: list[tuple[float, float, float, float]]) -> list:
            extent = _extent(bbox, crs, rects[0][2] / rects[0][3])
            boxes = [_MapBox(r, extent, _visible_lonlat(extent, crs)) for r in rects]
            data = [
                _layer_frames(
                    ds,
                    layers=visible_layers,
                    date=day,
                    lang=lang,
                    treaty=treaty,
                    crs=crs,
                    visible=b.visible,
                )
                for b, day in zip(boxes, dates, strict=True)
            ]
            return [boxes, data]

        def legend_items(data: list, partial: list) -> list:
            items = _legend_for(visible_layers, _both(data), lang, partial=partial)
            return items + (_overlay_legend(overlay, lang) if overlay is not None else [])

        def paragraphs(partial: list) -> list[Para]:
            about = _about_paragraphs(layers=visible_layers, date=date, treaty=treaty, crs=crs,
                                      lang=lang)  # fmt: skip
            if compare is not None:
                key = "render.compare_note" if paper.landscape else "paper.compare_note_stacked"
                note = t(key, lang, a=compare.isoformat(), b=date.isoformat())
                about = [f"{note} {t('render.as_of', lang, date=DATA_AS_OF)} {about[-1]}"]
            elif partial:
                about.insert(min(2, len(about)), t("render.partial_note", lang))
            if overlay is not None:
                about.append(_plain(t("overlay.about", lang, name=overlay.name,
                                      counts=overlay.counts_text(lang))))  # fmt: skip
            if not with_about:
                about = []
            return [*facts, *(Para(p, body_pt, colour="#333333") for p in about)]

        def sources_of(data: list, partial: list) -> list[str]:
            ids = {s for d in data for s in d.sources} | set(extra_sources)
            if base:
                ids |= set(_basemap_source_ids(ds))
            ids |= {s for row in partial for s in row["sources"]}
            return sorted(ids)

        legend_sizes = [x / 2 for x in range(19, int(2 * max(MIN_PT, floor_pt)) - 1, -1)]
        beside = paper.landscape  # the legend beside the map, if it fits there
        if beside:
            col_h = title_bottom - 0.05 - footer_top
            base_w = min(3.8, max(2.6, 0.3 * (fw - 2 * m)))
            region = [m + _LAT_ROOM, footer_top + _LON_ROOM, fw - m - base_w - _GAP,
                      title_bottom - 0.05]  # fmt: skip
            boxes, data = frames(_panels(region, len(dates), side_by_side=True))
            partial = _predict_partial(ds, visible_layers, dates, crs, boxes[0].extent)
            items = legend_items(data, partial)
            widest = _legend_width(paper, items, lang, legend_sizes[-1])
            for n, share in ((1, 0.4), (2, 0.6)):  # one column, or two if one is too tall
                col_w = min(max(base_w, n * widest), share * (fw - 2 * m))
                plan = _legend_plan(paper, items, lang, col_w, col_h, (n,), legend_sizes)
                if plan.fits:
                    break
            beside = plan.fits
        if beside:
            if col_w != base_w:
                region[2] = fw - m - col_w - _GAP
                boxes, data = frames(_panels(region, len(dates), side_by_side=True))
            sources = sources_of(data, partial)
            whole = [*paragraphs(partial), sources_para(sources, len(sources), body_pt, lang,
                                                        continued=continued)]  # fmt: skip
            in_column = plan.height + 0.12 + measure(fig, col_w, whole) <= col_h
            if not in_column:  # the text goes under the map, across it
                band_w = region[2] - m
                need = measure(fig, band_w, whole)
                least = measure(fig, band_w, paragraphs(partial)) + 0.3
                band = min(need, max(least, 0.35 * col_h), 0.42 * col_h)
                region[1] = footer_top + band + _LON_ROOM + 0.05
                boxes, data = frames(_panels(region, len(dates), side_by_side=True))
        else:  # portrait, or a legend too long to stand beside the map: under it
            col_w = fw - 2 * m
            middle = title_bottom - 0.05 - footer_top
            guess = [m + _LAT_ROOM, title_bottom - 0.55 * middle, fw - m - _LON_HALF,
                     title_bottom - 0.05]  # fmt: skip
            boxes, data = frames(_panels(guess, len(dates), side_by_side=paper.landscape))
            partial = _predict_partial(ds, visible_layers, dates, crs, boxes[0].extent)
            plan = _legend_plan(paper, legend_items(data, partial), lang, col_w, 0.3 * middle,
                                (2,), legend_sizes)  # fmt: skip
            sources = sources_of(data, partial)
            text_h = measure(fig, col_w, [*paragraphs(partial), sources_para(
                sources, len(sources), body_pt, lang, continued=continued)])  # fmt: skip
            below = _LON_ROOM + plan.height + 0.15 + text_h + 0.05
            map_h = max(map_share * middle, min(0.8 * middle, middle - below))
            # the legend and the sources line must fit under the map (the rest can continue)
            least = measure(fig, col_w, [sources_para(sources, 0, body_pt, lang,
                                                      continued=continued)])  # fmt: skip
            room = middle - _LON_ROOM - plan.height - 0.27 - least
            map_h = max(0.25 * middle, min(map_h, room))
            region = [m + _LAT_ROOM, title_bottom - 0.05 - map_h, fw - m - _LON_HALF,
                      title_bottom - 0.05]  # fmt: skip
            boxes, data = frames(_panels(region, len(dates), side_by_side=paper.landscape))

        partial = []
        for i, (b, d, day) in enumerate(zip(boxes, data, dates, strict=True)):
            partial += _draw_map(
                fig, ds, box=b, crs=crs, centre=centre, bbox=bbox, basemap=base, data=d,
                layers=visible_layers, date=day, lang=lang, overlay=overlay, graticule=i == 0,
                min_pt=MIN_PT,
            )  # fmt: skip
            if compare is not None:
                _date_label(fig, b.rect, "AB"[i], day)
        arrow_at = boxes[-1].rect
        if compare is not None:  # top left holds the date: the arrow goes bottom right
            arrow_at = (arrow_at[0], arrow_at[1], arrow_at[2], 0.86)
        _draw_north_arrow(fig, arrow_at, north_angle_deg(crs, *centre))

        items = legend_items(data, partial)
        low = min(b.rect[1] for b in boxes)
        if beside:
            left = region[2] + _GAP
            legend_h = _draw_legend(fig, (left, footer_top, col_w, region[3] - footer_top),
                                    items, plan.columns, lang, size=plan.size)  # fmt: skip
            column = (left, footer_top, col_w, region[3] - legend_h - 0.12)
            band = (m, footer_top, region[2] - m, low - _LON_ROOM)
            text_rects = [column] if in_column else [band, column]
        else:
            top_y = low - _LON_ROOM
            legend_h = _draw_legend(fig, (m, footer_top, col_w, top_y - footer_top), items,
                                    plan.columns, lang, size=plan.size)  # fmt: skip
            text_rects = [(m, footer_top, col_w, top_y - legend_h - 0.12)]
        left_over = fit_text(fig, text_rects, paragraphs(partial), sources_of(data, partial),
                             lang, body_pt=body_pt, continued=continued,
                             floor_pt=floor_pt)  # fmt: skip
        return Sheet(fig, left_over.sources, left_over.paragraphs)


class _Plan(NamedTuple):
    """A legend's type size, columns and height, and whether it fits its box."""

    size: float
    columns: int
    height: float
    fits: bool


def _legend_width(paper: Paper, items: list, lang: str, size: float) -> float:
    """Return the width (inches) one legend column needs at ``size``."""
    fig = Figure(figsize=paper.size_in, dpi=100)
    _draw_legend(fig, (0, 0, 50, 50), items, 1, lang, size=size)
    renderer = FigureCanvasAgg(fig).get_renderer()
    right = max((a.get_window_extent(renderer).x1 for a in fig.axes[0].texts), default=0)
    return right / fig.dpi / 0.97 + 0.05


def _legend_plan(
    paper: Paper,
    items: list,
    lang: str,
    width: float,
    height: float,
    columns: Sequence[int],
    sizes: Sequence[float],
) -> _Plan:
    """Choose the largest legend type (and fewest columns) whose rows fit ``width`` × ``height``.

    When none fits, the smallest type in the most columns (``fits`` False).
    """
    got = height
    for n in columns:
        for size in sizes:
            fig = Figure(figsize=paper.size_in, dpi=100)
            got = _draw_legend(fig, (0, 0, width, 50), items, n, lang, size=size)
            renderer = FigureCanvasAgg(fig).get_renderer()
            right = max((a.get_window_extent(renderer).x1 for a in fig.axes[0].texts), default=0)
            if right <= width * fig.dpi * 0.97 and got <= height:
                return _Plan(size, n, got, True)
    return _Plan(sizes[-1], columns[-1], got, False)


def _panels(
    region: tuple[float, float, float, float], n: int, *, side_by_side: bool
) -> list[tuple[float, float, float, float]]:
    """Split ``region`` (x0, y0, x1, y1 inches) into ``n`` equal map rects (left, bottom, w, h).

    Side by side the second panel has no graticule, so the gap is small; one above the other
    the gap holds the upper panel's longitudes.
    """
    x0, y0, x1, y1 = region
    if n == 1:
        return [(x0, y0, x1 - x0, y1 - y0)]
    if side_by_side:
        w = (x1 - x0 - _GAP) / 2
        return [(x0, y0, w, y1 - y0), (x0 + w + _GAP, y0, w, y1 - y0)]
    gap = _LON_ROOM + 0.1
    h = (y1 - y0 - gap) / 2
    return [(x0, y0 + h + gap, x1 - x0, h), (x0, y0, x1 - x0, h)]


def _both(data: list) -> scene.Scene:
    """One scene of what any panel shows in view (for one legend)."""
    if len(data) == 1:
        return data[0].in_view
    last = data[-1].in_view
    frames = {
        layer: pd.concat(
            [f for f in (d.in_view.frames[layer] for d in data) if len(f)] or [frame],
            ignore_index=True,
        )
        for layer, frame in last
    }
    return scene.Scene(view=last.view, frames=frames)


def _predict_partial(
    ds: Dataset, layers: Sequence[str], dates: Sequence[dt.date], crs: CRS, extent: Sequence[float]
) -> list:
    """Return the figures of works not drawn that a panel will write (those in ``extent``)."""
    to_map = Transformer.from_crs(DISPLAY_CRS, crs, always_xy=True)
    x0, x1, y0, y1 = extent
    out = []
    for day in dates:
        for row in _partial_rows(ds, layers, day):
            x, y = to_map.transform(row["lon"], row["lat"])
            if x0 <= x <= x1 and y0 <= y <= y1:
                out.append(row)
    return out
