"""Two dates on one page: the same view on date A (left) and date B (right), one legend.

The comparison figure of issue 16 (``export … --compare A``, a story chapter with a
``compare`` date): each panel is drawn exactly like a single map (:func:`layout._draw_map`,
from the scene of its date), both panels share the box and the projection, and the page has
one title, one legend (what either date shows), one north arrow, the sources of what is in view
on either date, the attribution and the comparison's permalink.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final

import pandas as pd
from matplotlib.figure import Figure

from explorer import scene, view
from explorer.config import DATA_AS_OF
from explorer.i18n import t
from explorer.layers import LAYER_IDS
from explorer.printmap.artists import _Z
from explorer.printmap.furniture import (
    _about_paragraphs,
    _draw_footer,
    _draw_legend,
    _draw_north_arrow,
    _fit_text,
    _legend_for,
)
from explorer.printmap.layers import load_basemap
from explorer.printmap.layout import (
    _GAP,
    _MAP_BOTTOM,
    _MAP_TOP,
    _MARGIN,
    _TEXT_PT,
    FIGSIZE_IN,
    _basemap_source_ids,
    _draw_map,
    _layer_frames,
    _MapBox,
)
from explorer.printmap.output import _rc
from explorer.printmap.projection import _extent, _visible_lonlat, map_crs, north_angle_deg

if TYPE_CHECKING:
    import geopandas as gpd

    from explorer.data import Dataset

__all__ = ["compare_permalink", "render_compare"]

#: Width of the right column (legend and text), inches; the two maps share the rest.
_RIGHT_W: Final[float] = 5.2
#: Gap between the two maps, inches.
_PANEL_GAP: Final[float] = 0.3
#: Height of the text band under the two maps (what the panels are, projection, sources).
_TEXT_BAND: Final[float] = 1.9


def compare_permalink(
    *,
    layers: Iterable[str],
    date_a: dt.date,
    date_b: dt.date,
    bbox: Sequence[float],
    lang: str = "en",
    base_url: str = view.APP_URL,
) -> str:
    """Return the app's link to the comparison: the view on ``date_b`` with ``compare=date_a``.

    Examples
    --------
    >>> compare_permalink(layers=["treaty"], date_a=dt.date(2025, 1, 1),
    ...                   date_b=dt.date(2026, 3, 1), bbox=(13, 48.5, 37, 71.5))[-18:]
    'compare=2025-01-01'
    """
    link = view.permalink_url(layers=layers, date=date_b, bbox=bbox, lang=lang, base_url=base_url)
    return f"{link}&compare={date_a.isoformat()}"


def _panel_boxes(bbox: Sequence[float], crs: object) -> tuple[_MapBox, _MapBox]:
    """Two equal map boxes side by side, left of the right column."""
    fw, fh = FIGSIZE_IN
    bottom = _MAP_BOTTOM + _TEXT_BAND
    map_h = fh - _MAP_TOP - bottom
    left = _MARGIN + 0.25  # room for latitude labels
    width = (fw - _MARGIN - _RIGHT_W - _GAP - left - _PANEL_GAP) / 2
    extent = _extent(bbox, crs, width / map_h)
    visible = _visible_lonlat(extent, crs)
    a = _MapBox((left, bottom, width, map_h), extent, visible)
    b = _MapBox((left + width + _PANEL_GAP, bottom, width, map_h), extent, visible)
    return a, b


def _date_label(fig: Figure, rect: Sequence[float], letter: str, day: dt.date) -> None:
    """Write "A · 2025-01-01" large over the top left corner of a panel."""
    fw, fh = fig.get_size_inches()
    fig.text(
        (rect[0] + 0.12) / fw, (rect[1] + rect[3] - 0.12) / fh, f"{letter} · {day.isoformat()}",
        fontsize=16, fontweight="bold", va="top", ha="left", color="#111111",
        zorder=_Z["furniture"] + 2,
        bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#444444",
              "linewidth": 0.8, "alpha": 0.92},
    )  # fmt: skip


def render_compare(
    ds: Dataset,
    *,
    layers: Iterable[str],
    date_a: dt.date,
    date_b: dt.date,
    bbox: Sequence[float] | None = None,
    title: str | None = None,
    lang: str = "en",
    permalink_url: str | None = None,
    treaty: str = "APMBC",
    basemap: Mapping[str, gpd.GeoDataFrame] | None = None,
) -> Figure:
    """Draw the view on ``date_a`` and on ``date_b`` side by side, print-ready.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    layers : iterable of str
        Visible layer ids (:data:`explorer.LAYER_IDS`); ``basemap`` draws land and lakes.
    date_a, date_b : datetime.date
        The earlier date (left panel) and the later one (right panel).
    bbox : (west, south, east, north), optional
        Degrees; default :data:`explorer.view.DEFAULT_BBOX`. Both panels show the same box.
    title : str, optional
        Default "… : what changed" (in ``lang``).
    lang : {"en", "pl"}, default "en"
        Language of every label.
    permalink_url : str, optional
        The link printed under the maps; default :func:`compare_permalink` of this view.
    treaty : {"APMBC", "CCM"}, default "APMBC"
        The treaty whose status shades countries.
    basemap : mapping, optional
        Pre-loaded :func:`~explorer.printmap.load_basemap`.

    Returns
    -------
    matplotlib.figure.Figure
        :data:`~explorer.printmap.FIGSIZE_IN`, two map panels, one legend.

    Raises
    ------
    explorer.view.ViewError
        (a ``ValueError``) for unknown layers, language or treaty, a malformed box or a date
        outside the range; ``ValueError`` when ``date_a`` is not before ``date_b``.
    """
    visible_layers = [i for i in LAYER_IDS if i in set(layers)]
    checked = view.View(layers=tuple(layers), date=date_b, bbox=bbox or view.DEFAULT_BBOX,
                        lang=lang, treaty=treaty)  # fmt: skip
    view.View(layers=tuple(layers), date=date_a, lang=lang, treaty=treaty)  # checks date A
    if not date_a < date_b:
        raise ValueError(f"compare date {date_a} must be before the map's date {date_b}")
    bbox = checked.bbox  # type: ignore[assignment]
    title = title if title is not None else t("render.compare_title", lang)
    permalink_url = permalink_url or compare_permalink(
        layers=visible_layers, date_a=date_a, date_b=date_b, bbox=bbox, lang=lang
    )
    crs = map_crs(bbox)
    box_a, box_b = _panel_boxes(bbox, crs)
    data_a = _layer_frames(ds, layers=visible_layers, date=date_a, lang=lang, treaty=treaty,
                           crs=crs, visible=box_a.visible)  # fmt: skip
    data_b = _layer_frames(ds, layers=visible_layers, date=date_b, lang=lang, treaty=treaty,
                           crs=crs, visible=box_b.visible)  # fmt: skip
    if "basemap" in visible_layers and basemap is None:
        basemap = load_basemap()
    base = basemap if "basemap" in visible_layers else None
    centre = ((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
    with _rc():
        fw, fh = FIGSIZE_IN
        fig = Figure(figsize=FIGSIZE_IN, dpi=100, facecolor="white")
        fig.set_label(title)
        partial = []
        for box, data, day, letter in ((box_a, data_a, date_a, "A"), (box_b, data_b, date_b, "B")):
            partial += _draw_map(
                fig, ds, box=box, crs=crs, centre=centre, bbox=bbox, basemap=base, data=data,
                layers=visible_layers, date=day, lang=lang, graticule=letter == "A",
            )  # fmt: skip
            _date_label(fig, box.rect, letter, day)
        _draw_north_arrow(fig, box_b.rect, north_angle_deg(crs, *centre))

        fig.text(_MARGIN / fw, 1 - 0.25 / fh, title, fontsize=21, fontweight="bold", va="top",
                 color="#111111")  # fmt: skip
        subtitle = t(
            "render.compare_subtitle", lang, a=date_a.isoformat(), b=date_b.isoformat(),
            as_of=DATA_AS_OF, treaty=t(f"treaty.{treaty}.short", lang),
        )  # fmt: skip
        fig.text(_MARGIN / fw, 1 - 0.78 / fh, subtitle, fontsize=11.5, va="top",
                 color="#333333")  # fmt: skip

        # One legend: what either date shows in view.
        both = scene.Scene(
            view=data_b.in_view.view,
            frames={
                layer: pd.concat(
                    [f for f in (data_a.in_view.frames[layer], frame) if len(f)] or [frame],
                    ignore_index=True,
                )
                for layer, frame in data_b.in_view
            },
        )
        right_left = box_b.rect[0] + box_b.rect[2] + _GAP
        right_w = fw - _MARGIN - right_left
        column_h = fh - _MAP_TOP - _MAP_BOTTOM
        items = _legend_for(visible_layers, both, lang, partial=partial)
        _draw_legend(fig, (right_left, _MAP_BOTTOM, right_w, column_h), items, 1, lang)
        sources = sorted({*data_a.sources, *data_b.sources})
        if base:
            sources = sorted({*sources, *_basemap_source_ids(ds)})
        if partial:
            sources = sorted({*sources, *(s for row in partial for s in row["sources"])})
        # The legend names the layers; the text says what the two panels are, how to read them
        # and the projection (the single map's "shows ... on <date>" would be half wrong here).
        about = _about_paragraphs(
            layers=visible_layers, date=date_b, treaty=treaty, crs=crs, lang=lang
        )
        note = t("render.compare_note", lang, a=date_a.isoformat(), b=date_b.isoformat())
        # How to read the bands is in the legend; keep the panels' meaning and the projection.
        paragraphs = [f"{note} {t('render.as_of', lang, date=DATA_AS_OF)} {about[-1]}"]
        # Under the maps, across both: the panels' meaning, the projection, the sources.
        band = (box_a.rect[0], _MAP_BOTTOM + 0.05, box_b.rect[0] + box_b.rect[2] - box_a.rect[0],
                box_a.rect[1] - 0.45)  # fmt: skip
        _fit_text(fig, band, paragraphs, sources, _TEXT_PT, lang)
        _draw_footer(fig, permalink_url, _MARGIN, lang, app_name=False)  # the link is long
        return fig
