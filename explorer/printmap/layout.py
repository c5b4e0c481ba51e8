"""The print map's figure layout: title, map box, legend and text column, footer.

:func:`render_static` checks the view, gets the data layers in map coordinates
(:func:`_layer_frames`, the one place the print map reads the features), sizes the map box to
the view's shape (:func:`_map_box`) and draws the figure (:func:`_compose`) from the other parts:

* title and subtitle across the top;
* the map on the left: basemap, graticule, data layers, overlay (:mod:`.layers`), country names
  and figures of works not drawn (:mod:`.labels`), scale bar, north arrow and a notice when the
  view leaves the data (:mod:`.furniture`);
* on the right the legend of what is drawn in view, then what the map shows, how to read it,
  its projection and its sources (:mod:`.furniture`);
* the attribution and the view's permalink along the bottom.

The handout (:mod:`.handout`) adds a caption band between the titles and the map.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final, NamedTuple

import geopandas as gpd
from matplotlib.figure import Figure
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from explorer import config, display, scene, style, table, view
from explorer.config import DISPLAY_CRS
from explorer.i18n import t
from explorer.layers import LAYER_IDS
from explorer.printmap.artists import _Z, _plain
from explorer.printmap.furniture import (
    _about_paragraphs,
    _draw_footer,
    _draw_legend,
    _draw_north_arrow,
    _draw_outside_notice,
    _draw_scale_bar,
    _draw_titles,
    _fit_text,
    _legend_for,
    _overlay_legend,
)
from explorer.printmap.labels import _draw_partial, _label_countries, _line_obstacles, _partial_rows
from explorer.printmap.layers import (
    _draw_basemap,
    _draw_layers,
    _draw_overlay,
    _graticule,
    load_basemap,
)
from explorer.printmap.output import _rc
from explorer.printmap.projection import _extent, _visible_lonlat, map_crs, north_angle_deg
from explorer.view import View

if TYPE_CHECKING:
    from explorer.data import Dataset
    from explorer.overlay import Overlay

__all__ = ["FIGSIZE_IN", "render_static"]

#: Figure size in inches (16:10, a slide or A4/Letter landscape). At 100 dpi 1600 px wide.
FIGSIZE_IN: Final[tuple[float, float]] = (16.0, 10.0)

#: Treaties a map can shade by; their names are translated (keys ``treaty.<id>.short``).
_TREATIES: Final[tuple[str, ...]] = config.TREATIES

# Layout, in inches from the figure's edges.
_MARGIN: Final[float] = 0.3
_MAP_TOP: Final[float] = 1.2  # below title and subtitle
_MAP_BOTTOM: Final[float] = 0.8  # above the footer
_MAP_MIN_W: Final[float] = 5.4
_MAP_MAX_W: Final[float] = 7.6  # leaves room for a two-column legend
_GAP: Final[float] = 0.4
_TEXT_PT: Final[float] = 8.0


def render_static(
    ds: Dataset,
    *,
    layers: Iterable[str],
    date: dt.date,
    bbox: Sequence[float] | None = None,
    title: str | None = None,
    lang: str = "en",
    permalink_url: str | None = None,
    treaty: str = "APMBC",
    basemap: Mapping[str, gpd.GeoDataFrame] | None = None,
    overlay: Overlay | None = None,
) -> Figure:
    """Draw a print-ready map of a view, styled like the app.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    layers : iterable of str
        Visible layer ids (:data:`explorer.LAYER_IDS`); ``basemap`` draws land and lakes.
    date : datetime.date
        The day shown: fortifications by :func:`explorer.timeline.fortification_state`, treaty
        shading by :func:`explorer.timeline.status_on`.
    bbox : (west, south, east, north), optional
        Degrees; default :data:`explorer.view.DEFAULT_BBOX`. The map shows at least this box,
        widened to fill the map frame.
    title : str, optional
        Default "Border fortifications on NATO's eastern flank" (in ``lang``).
    lang : {"en", "pl"}, default "en"
        Language of every label: title, legend, scale bar, notes, country names, permalink.
    permalink_url : str, optional
        The link printed under the map; default :func:`explorer.view.permalink_url` of this view.
    treaty : {"APMBC", "CCM"}, default "APMBC"
        The treaty whose status shades countries.
    basemap : mapping, optional
        Pre-loaded :func:`~explorer.printmap.load_basemap` (to cache it); read from
        ``geodata/`` when None.
    overlay : Overlay, optional
        An analyst's overlay (:func:`explorer.overlay.read_overlay`), drawn over the layers with
        a legend entry "Your overlay: <file name>" and a line saying it is the user's own data.

    Returns
    -------
    matplotlib.figure.Figure
        :data:`FIGSIZE_IN`, not attached to pyplot (nothing global to close). Save it with
        :func:`~explorer.printmap.save_static` or :func:`~explorer.printmap.figure_bytes`.

    Raises
    ------
    ValueError
        For an unknown layer, language or treaty, or a malformed bbox.
    """
    visible_layers = [i for i in LAYER_IDS if i in set(layers)]
    unknown = set(layers) - set(LAYER_IDS)
    if unknown:
        raise ValueError(f"unknown layer(s) {sorted(unknown)}; expected {list(LAYER_IDS)}")
    if treaty not in _TREATIES:
        raise ValueError(f"unknown treaty {treaty!r}; expected one of {list(_TREATIES)}")
    bbox = view.validate_bbox(bbox or view.DEFAULT_BBOX)
    title = title if title is not None else t("export.default_title", lang)
    permalink_url = permalink_url or view.permalink_url(
        layers=visible_layers, date=date, bbox=bbox, lang=lang
    )
    crs = map_crs(bbox)
    box = _map_box(bbox, crs)
    data = _layer_frames(
        ds, layers=visible_layers, date=date, lang=lang, treaty=treaty, crs=crs,
        visible=box.visible,
    )  # fmt: skip
    if "basemap" in visible_layers and basemap is None:
        basemap = load_basemap()
    centre = ((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
    with _rc():
        return _compose(
            ds,
            layers=visible_layers,
            date=date,
            bbox=bbox,
            title=title,
            lang=lang,
            permalink_url=permalink_url,
            treaty=treaty,
            basemap=basemap if "basemap" in visible_layers else None,
            data=data,
            box=box,
            crs=crs,
            centre=centre,
            overlay=overlay,
        )


class _MapBox(NamedTuple):
    """Where the map sits on the page and what it shows."""

    #: left, bottom, width, height, in inches from the figure's lower left corner
    rect: tuple[float, float, float, float]
    #: x0, x1, y0, y1 in the map's projection
    extent: tuple[float, float, float, float]
    #: the map rectangle as a lon/lat polygon (for what is in view)
    visible: BaseGeometry


def _map_box(bbox: Sequence[float], crs: CRS) -> _MapBox:
    """Size the map box: as wide as the box's shape asks, within limits; the extent fills it."""
    map_h = FIGSIZE_IN[1] - _MAP_TOP - _MAP_BOTTOM
    x0, x1, y0, y1 = _extent(bbox, crs)
    map_w = min(_MAP_MAX_W, max(_MAP_MIN_W, map_h * (x1 - x0) / (y1 - y0)))
    map_rect = (_MARGIN + 0.25, _MAP_BOTTOM, map_w, map_h)  # room for latitude labels
    extent = _extent(bbox, crs, map_w / map_h)
    return _MapBox(map_rect, extent, _visible_lonlat(extent, crs))


class _LayerData(NamedTuple):
    """The data layers of a view, as the figure draws and describes them."""

    #: each visible data layer's drawn features in the map's projection (in layer order)
    frames: dict[str, gpd.GeoDataFrame]
    #: the scene of the map rectangle (:func:`explorer.scene.make_scene`), for the legend
    in_view: scene.Scene
    #: the source ids of the features in view, sorted, for the sources line
    sources: list[str]


def _layer_frames(
    ds: Dataset,
    *,
    layers: Sequence[str],
    date: dt.date,
    lang: str,
    treaty: str,
    crs: CRS,
    visible: BaseGeometry,
) -> _LayerData:
    """Return the data layers to draw and what of them is in view: all the map's feature input.

    Both from the scene (:mod:`explorer.scene`): the layers' features anywhere, in their display
    geometry (:func:`explorer.display.display_geometries`, as the browser draws them) and the
    map's projection; and the scene of the map rectangle (``visible``, lon/lat), whose features'
    sources the map cites (:func:`explorer.table.features_table`).
    """
    whole = View(layers=tuple(layers), date=date, bbox=None, lang=lang, treaty=treaty)
    frames = {layer: _frame(ds, frame, crs) for layer, frame in scene.make_scene(ds, whole)}
    in_view = scene.make_scene(ds, dataclasses.replace(whole, bbox=visible))
    shown = table.features_table(ds, in_view)
    return _LayerData(frames, in_view, table.sources_of(shown))


def _frame(ds: Dataset, frame: gpd.GeoDataFrame, crs: CRS) -> gpd.GeoDataFrame:
    """Return a scene frame's drawn features in display geometry, projected to ``crs``."""
    drawn = frame[~frame["partial"].astype(bool)] if len(frame) else frame
    geoms = display.display_geometries(ds, drawn) if len(drawn) else []
    gdf = gpd.GeoDataFrame(drawn.drop(columns="geometry"), geometry=list(geoms), crs=DISPLAY_CRS)
    gdf = gdf[gdf.geometry.notna()]
    return gdf.to_crs(crs)


def _compose(
    ds: Dataset,
    *,
    layers: list[str],
    date: dt.date,
    bbox: Sequence[float],
    title: str,
    lang: str,
    permalink_url: str,
    treaty: str,
    basemap: Mapping[str, gpd.GeoDataFrame] | None,
    data: _LayerData,
    box: _MapBox,
    crs: CRS,
    centre: tuple[float, float],
    overlay: Overlay | None = None,
) -> Figure:
    """Draw the figure of a checked view (under :func:`~explorer.printmap.output._rc`)."""
    fw = FIGSIZE_IN[0]
    fig = Figure(figsize=FIGSIZE_IN, dpi=100, facecolor="white")
    fig.set_label(title)

    map_rect = box.rect
    map_w, map_h = map_rect[2], map_rect[3]

    partial = _draw_map(
        fig, ds, box=box, crs=crs, centre=centre, bbox=bbox, basemap=basemap, data=data,
        layers=layers, date=date, lang=lang, overlay=overlay,
    )  # fmt: skip
    _draw_north_arrow(fig, map_rect, north_angle_deg(crs, *centre))

    # What is in view: legend rows and the sources line describe only that.
    sources = data.sources
    if basemap:
        sources = sorted({*sources, *_basemap_source_ids(ds)})
    if partial:
        sources = sorted({*sources, *(s for row in partial for s in row["sources"])})

    _draw_titles(fig, title, _MARGIN, date=date, treaty=treaty, lang=lang)

    # Right column: legend, then the about/sources text.
    right_left = map_rect[0] + map_w + _GAP
    right_w = fw - _MARGIN - right_left
    columns = 2 if right_w >= 6.8 else 1
    items = _legend_for(layers, data.in_view, lang, partial=partial)
    if overlay is not None:
        items += _overlay_legend(overlay, lang)
    legend_h = _draw_legend(fig, (right_left, _MAP_BOTTOM, right_w, map_h), items, columns, lang)
    text_top = _MAP_BOTTOM + map_h - legend_h - 0.25
    paragraphs = _about_paragraphs(layers=layers, date=date, treaty=treaty, crs=crs, lang=lang)
    if partial:
        paragraphs.insert(min(2, len(paragraphs)), t("render.partial_note", lang))
    if overlay is not None:
        about = t("overlay.about", lang, name=overlay.name, counts=overlay.counts_text(lang))
        paragraphs.append(_plain(about))
    text_rect = (right_left, _MAP_BOTTOM, right_w, text_top)
    _fit_text(fig, text_rect, paragraphs, sources, _TEXT_PT, lang)

    _draw_footer(fig, permalink_url, _MARGIN, lang)
    return fig


def _draw_map(
    fig: Figure,
    ds: Dataset,
    *,
    box: _MapBox,
    crs: CRS,
    centre: tuple[float, float],
    bbox: Sequence[float],
    basemap: Mapping[str, gpd.GeoDataFrame] | None,
    data: _LayerData,
    layers: Sequence[str],
    date: dt.date,
    lang: str,
    overlay: Overlay | None = None,
    graticule: bool = True,
    min_pt: float = 0.0,
) -> list:
    """Draw one map panel in ``box.rect`` (inches): basemap, layers, labels, scale bar.

    ``min_pt`` raises the map's smallest type (the scale's note, the figures of works not
    drawn) to that size: paper pages (:mod:`.sheet`) print nothing under 7 pt.

    Returns the figures of works not drawn that were written on it (for the legend).
    """
    fw, fh = fig.get_size_inches()
    map_rect, extent, visible = box
    map_w = map_rect[2]
    ax = fig.add_axes(
        (map_rect[0] / fw, map_rect[1] / fh, map_rect[2] / fw, map_rect[3] / fh),
        facecolor=style.SEA_COLOUR,
    )
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
        spine.set_color("#444444")
        spine.set_zorder(_Z["furniture"] + 1)

    if basemap:
        _draw_basemap(ax, basemap, crs)
    if graticule:
        _graticule(ax, crs, extent, visible, lang)
    _draw_layers(ax, data.frames)
    if overlay is not None:
        _draw_overlay(ax, overlay, crs)
    label_size = 9.0 if map_w < 7 else 10.0
    _label_countries(
        ax, ds, crs, extent, lang, label_size,
        obstacles=_line_obstacles(data.frames, basemap, crs, extent),
        units_per_pt=(extent[1] - extent[0]) / (map_w * 72.0),
    )  # fmt: skip
    partial = _draw_partial(
        ax, _partial_rows(ds, layers, date), crs, extent, lang, fontsize=max(6.0, min_pt)
    )
    _draw_scale_bar(ax, crs, centre, extent, lang, min_pt=min_pt)
    if view.bbox_data_coverage(bbox) != "inside":
        _draw_outside_notice(ax, bbox, lang)
    return partial


def _basemap_source_ids(ds: Dataset) -> list[str]:
    """Source ids of the basemap's upstreams, when the data lists them."""
    ids = [i for i in ds.sources.index if str(i).startswith(("ne-world-atlas", "osm-geo-maps"))]
    return ids
