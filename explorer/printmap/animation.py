"""The frames of an animation: the map of one view on each date of a range, drawn fast.

Every frame is a full cartographic frame: title, the date large, a bar showing where the date
lies in the range, the legend of what is shown on that date, scale bar, north arrow, graticule,
country names, attribution and permalink. A closing card lists the sources of everything the
animation showed in view, with the attribution (:meth:`Animation.card_rgb`).

One figure serves every frame. What never changes is drawn once: the basemap, graticule,
borders, country names, scale bar, north arrow, titles and footer (through the print map's own
:func:`.layout._draw_map` and :mod:`.furniture`). Per date, only the layers whose state changes
(treaty shading, fortification programmes, figures of works not drawn) and the legend are
removed and drawn again, and only when what they show changed
(:func:`explorer.intervals.signature`); the drawing is then kept as a background, and each
frame restores it and draws just the date stamp and the bar on it (blitting).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Final

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from explorer import config, intervals, scene, style, view
from explorer.config import DATA_AS_OF
from explorer.i18n import t
from explorer.layers import DATA_LAYERS, family
from explorer.printmap.furniture import (
    _about_paragraphs,
    _draw_footer,
    _draw_legend,
    _draw_north_arrow,
    _fit_text,
    _legend_for,
)
from explorer.printmap.labels import _draw_partial, _partial_rows
from explorer.printmap.layers import _draw_layers, load_basemap
from explorer.printmap.layout import (
    _basemap_source_ids,
    _draw_map,
    _layer_frames,
    _LayerData,
    _MapBox,
)
from explorer.printmap.output import _rc
from explorer.printmap.projection import _extent, _visible_lonlat, map_crs, north_angle_deg

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes

    from explorer.data import Dataset

__all__ = [
    "CARD_SECONDS",
    "PALETTE_SAMPLES",
    "WIDTH_IN",
    "Animation",
    "animation_frames",
    "card_frames",
]

#: Width of every frame in inches, whatever its pixels: the layout and type scale with the
#: frame (1280 px wide is about 89 dpi, 1920 px 133 dpi), so a small GIF looks like a large MP4.
#: 14.4 × 8.1 in at 16:9 leaves room for a two-column legend beside the map.
WIDTH_IN: Final[float] = 14.4
#: How long the closing card (sources and attribution) stays, in seconds.
CARD_SECONDS: Final[float] = 3.0
#: Sample frames drawn ahead for a GIF's palette (:func:`explorer.video.write_video`): the
#: first, middle and last dates and the closing card, which between them hold the colours.
PALETTE_SAMPLES: Final[int] = 4

# Layout, in inches from the figure's edges (the print map's, on a 16:9 frame).
_MARGIN: Final[float] = 0.3
_TOP: Final[float] = 1.2  # title and subtitle above the map
_BOTTOM: Final[float] = 0.8  # attribution and permalink below it
_GAP: Final[float] = 0.4
_RIGHT_MIN_W: Final[float] = 7.0  # the legend's column
_TWO_COLUMNS_W: Final[float] = 6.6  # wide enough for two legend columns
_MAP_MIN_W: Final[float] = 5.6
_STAMP_PT: Final[float] = 30.0  # the date stamp
_STAMP_H: Final[float] = 0.62  # its height
_BAR_H: Final[float] = 0.09  # the range bar under it
_BAR_ROOM: Final[float] = 0.5  # the bar and its end dates
_TIMELINE_COLOUR: Final[str] = "#1a4f8a"
#: The key of the figures of works not drawn among the changing parts.
_PARTIAL: Final[str] = "partial works"


def card_frames(fps: int) -> int:
    """Return how many frames the closing card takes at ``fps`` (:data:`CARD_SECONDS`).

    Examples
    --------
    >>> card_frames(4), card_frames(1)
    (12, 3)
    """
    return max(1, round(CARD_SECONDS * fps))


def _figure(size: tuple[int, int], title: str) -> Figure:
    """Return a white figure of ``size`` pixels, :data:`WIDTH_IN` wide, on an Agg canvas."""
    dpi = size[0] / WIDTH_IN
    # A quarter pixel more: Agg truncates inches × dpi to whole pixels (720 would give 719).
    inches = ((size[0] + 0.25) / dpi, (size[1] + 0.25) / dpi)
    fig = Figure(figsize=inches, dpi=dpi, facecolor="white")
    fig.set_label(title)
    FigureCanvasAgg(fig)
    return fig


def _rgb(fig: Figure, size: tuple[int, int]) -> bytes:
    """Return the pixels last drawn on ``fig`` as raw RGB bytes, checked against ``size``."""
    pixels = np.asarray(fig.canvas.buffer_rgba())  # type: ignore[attr-defined]
    if pixels.shape[:2] != (size[1], size[0]):
        raise RuntimeError(f"frame is {pixels.shape[1]}x{pixels.shape[0]}, not {size}")
    return pixels[:, :, :3].tobytes()


def _map_box(bbox: Sequence[float], crs: object, fw: float, fh: float) -> _MapBox:
    """Place the map on a ``fw`` × ``fh`` in frame: as wide as the box asks, within limits."""
    map_h = fh - _TOP - _BOTTOM
    x0, x1, y0, y1 = _extent(bbox, crs)
    most = fw - 2 * _MARGIN - 0.25 - _GAP - _RIGHT_MIN_W
    map_w = min(most, max(min(_MAP_MIN_W, most), map_h * (x1 - x0) / (y1 - y0)))
    extent = _extent(bbox, crs, map_w / map_h)
    return _MapBox((_MARGIN + 0.25, _BOTTOM, map_w, map_h), extent, _visible_lonlat(extent, crs))


class Animation:
    """One view's map, drawn on date after date into the same figure.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    layers : iterable of str
        Visible layer ids (:data:`explorer.LAYER_IDS`); ``basemap`` draws land and lakes.
    start, end : datetime.date
        The range the animation covers (for the subtitle, the range bar and the card).
    step : str
        What one frame moves by (:data:`explorer.config.TIME_STEPS`), for the subtitle.
    bbox : (west, south, east, north), optional
        Degrees; default :data:`explorer.view.DEFAULT_BBOX`, widened to fill the map's box.
    title : str, optional
        Default "Border fortifications on NATO's eastern flank" (in ``lang``).
    lang : {"en", "pl"}, default "en"
        Language of every label.
    treaty : {"APMBC", "CCM"}, default "APMBC"
        The treaty whose status shades countries.
    size : (width, height), default (1280, 720)
        Pixels of each frame.
    basemap : mapping, optional
        Pre-loaded :func:`~explorer.printmap.load_basemap`.
    base_url : str, optional
        The app's address for the permalink (the view on ``end``).

    Raises
    ------
    explorer.view.ViewError
        For unknown layers, language or treaty, a malformed box, or a date outside the range.
    """

    def __init__(
        self,
        ds: Dataset,
        *,
        layers: Iterable[str],
        start: dt.date,
        end: dt.date,
        step: str = "month",
        bbox: Sequence[float] | None = None,
        title: str | None = None,
        lang: str = "en",
        treaty: str = config.DEFAULT_TREATY,
        size: tuple[int, int] = (1280, 720),
        basemap: Mapping[str, gpd.GeoDataFrame] | None = None,
        base_url: str = view.APP_URL,
    ) -> None:
        checked = view.View(layers=tuple(layers), date=start, bbox=bbox or view.DEFAULT_BBOX,
                            lang=lang, treaty=treaty)  # fmt: skip
        view.View(layers=checked.layers, date=end, lang=lang, treaty=treaty)  # checks the end
        self.ds, self.layers, self.lang, self.treaty = ds, list(checked.layers), lang, treaty
        self.start, self.end, self.step = start, end, step
        self.bbox = tuple(checked.bbox)  # type: ignore[arg-type]
        self.size = size
        self.title = title if title is not None else t("export.default_title", lang)
        self.permalink = view.permalink_url(
            layers=self.layers, date=end, bbox=self.bbox, lang=lang, base_url=base_url
        )
        if "basemap" in self.layers and basemap is None:
            basemap = load_basemap()
        self.basemap = basemap if "basemap" in self.layers else None
        #: Layers drawn once (borders have no state over time) and those drawn per change.
        self.fixed = [i for i in self.layers if family(i) == "border"]
        self.changing = [i for i in self.layers if family(i) in ("treaty", "programme")]
        self.crs = map_crs(self.bbox)
        self.centre = ((self.bbox[0] + self.bbox[2]) / 2, (self.bbox[1] + self.bbox[3]) / 2)
        self.fig = _figure(size, self.title)
        self.box = _map_box(self.bbox, self.crs, *self.fig.get_size_inches())
        self.fixed_data = self._data(self.fixed, start)
        #: Source ids of everything shown in view on any frame drawn so far.
        self.sources: set[str] = set(self.fixed_data.sources)
        if self.basemap:
            self.sources.update(_basemap_source_ids(ds))
        #: Per changing layer (and ``_PARTIAL``): what it shows, its data, its artists.
        self._keys: dict[str, object] = {}
        self._data_of: dict[str, _LayerData] = {}
        self._artists: dict[str, list[Artist]] = {}
        self._partial: list = []
        self._legend: tuple[list, Axes | None] = ([], None)
        with _rc():
            self._ax, self._arrow = self._draw_fixed()
            self._stamp, self._bar = self._draw_stamp()
            # Everything but the map, its north arrow, the legend, the stamp and the bar: the
            # map is drawn onto this whenever a layer changes (its labels spill over its edges,
            # so it is left out rather than drawn twice), the stamp and bar onto every frame.
            for part in (self._ax, self._arrow):
                part.set_visible(False)
            self.canvas.draw()
            self._base = self.canvas.copy_from_bbox(self.fig.bbox)
            for part in (self._ax, self._arrow):
                part.set_visible(True)
        self._background = self._base

    @property
    def canvas(self) -> FigureCanvasAgg:
        """The figure's canvas (a part that measures text may give the figure a new one)."""
        return self.fig.canvas  # type: ignore[return-value]

    # --- Drawn once ------------------------------------------------------------------------

    def _data(self, layers: Sequence[str], day: dt.date) -> _LayerData:
        return _layer_frames(
            self.ds, layers=layers, date=day, lang=self.lang, treaty=self.treaty, crs=self.crs,
            visible=self.box.visible,
        )  # fmt: skip

    def _draw_fixed(self) -> tuple[Axes, Axes]:
        """Draw what every frame shares; return the map's axes and the north arrow's."""
        fig, lang = self.fig, self.lang
        fw, fh = fig.get_size_inches()
        _draw_map(
            fig, self.ds, box=self.box, crs=self.crs, centre=self.centre, bbox=self.bbox,
            basemap=self.basemap, data=self.fixed_data, layers=self.fixed, date=self.start,
            lang=lang,
        )  # fmt: skip
        ax = fig.axes[-1]  # _draw_map adds one axes: the map
        _draw_north_arrow(fig, self.box.rect, north_angle_deg(self.crs, *self.centre))
        arrow = fig.axes[-1]
        fig.text(_MARGIN / fw, 1 - 0.25 / fh, self.title, fontsize=21, fontweight="bold",
                 va="top", color="#111111")  # fmt: skip
        subtitle = t(
            "animate.subtitle", lang, start=self.start.isoformat(), end=self.end.isoformat(),
            step=t(f"animate.step.{self.step}", lang), as_of=DATA_AS_OF,
            treaty=t(f"treaty.{self.treaty}.short", lang),
        )  # fmt: skip
        fig.text(_MARGIN / fw, 1 - 0.78 / fh, subtitle, fontsize=11.5, va="top", color="#333333")
        _draw_footer(fig, self.permalink, _MARGIN, lang, app_name=False)  # the link is long
        return ax, arrow

    def _right(self) -> tuple[float, float, float]:
        """Return the right column's left edge, width and top (inches)."""
        fw, fh = self.fig.get_size_inches()
        left = self.box.rect[0] + self.box.rect[2] + _GAP
        return left, fw - _MARGIN - left, fh - _TOP

    def _draw_stamp(self) -> tuple[Text, Rectangle]:
        """Draw the date stamp and the range bar (animated: drawn per frame), and the bar's ends."""
        fig = self.fig
        fw, fh = fig.get_size_inches()
        left, width, top = self._right()
        stamp = fig.text(
            left / fw, top / fh, self.start.isoformat(), fontsize=_STAMP_PT, fontweight="bold",
            va="top", ha="left", color="#111111", animated=True,
        )  # fmt: skip
        y = top - _STAMP_H - _BAR_H
        fig.add_artist(Rectangle((left / fw, y / fh), width / fw, _BAR_H / fh,
                                 facecolor="#dddddd", edgecolor="none",
                                 transform=fig.transFigure))  # fmt: skip
        bar = Rectangle((left / fw, y / fh), 0, _BAR_H / fh, facecolor=_TIMELINE_COLOUR,
                        edgecolor="none", transform=fig.transFigure, animated=True)  # fmt: skip
        fig.add_artist(bar)
        ends = {"fontsize": 8.5, "va": "top", "color": "#555555"}
        fig.text(left / fw, (y - 0.05) / fh, self.start.isoformat(), ha="left", **ends)
        fig.text((left + width) / fw, (y - 0.05) / fh, self.end.isoformat(), ha="right", **ends)
        return stamp, bar

    # --- Drawn per change --------------------------------------------------------------------

    def _update(self, day: dt.date) -> None:
        """Redraw the layers whose state on ``day`` differs from the last frame's, and the map.

        Each changing layer is compared by :func:`explorer.intervals.signature`, the figures of
        works not drawn by their ids and states; only what changed is removed and drawn again.
        """
        changed = False
        for n, layer in enumerate(self.changing):
            key = intervals.signature(self.ds, [layer], day, treaty=self.treaty)
            if self._keys.get(layer) != key:
                data = self._data([layer], day)
                self._replace(layer, lambda d=data: _draw_layers(self._ax, d.frames), n)
                self._data_of[layer], self._keys[layer] = data, key
                self.sources.update(data.sources)
                changed = True
        rows = _partial_rows(self.ds, self.layers, day)
        key = tuple((r["id"], r["state"]) for r in rows)
        if self._keys.get(_PARTIAL) != key:

            def draw_partial() -> None:
                self._partial = _draw_partial(self._ax, rows, self.crs, self.box.extent, self.lang)

            self._replace(_PARTIAL, draw_partial, len(self.changing))
            self._keys[_PARTIAL] = key
            self.sources.update(s for row in self._partial for s in row["sources"])
            changed = True
        if changed:
            frames = dict(self.fixed_data.in_view.frames)
            for data in self._data_of.values():
                frames.update(data.in_view.frames)
            in_view = scene.Scene(view=self.fixed_data.in_view.view, frames=frames)
            self._draw_legend(_legend_for(self.layers, in_view, self.lang, partial=self._partial))
            canvas = self.canvas
            canvas.restore_region(self._base)
            for part in (self._ax, self._arrow, self._legend[1]):
                self.fig.draw_artist(part)
            self._background = canvas.copy_from_bbox(self.fig.bbox)

    def _replace(self, part: str, draw: Callable[[], None], order: int) -> None:
        """Remove ``part``'s artists from the map, ``draw`` it anew and keep its artists.

        Parts keep the print map's order among equal z-orders (layer order) however often each
        is redrawn: its artists are lifted by a tiny step per place in the layer order.
        """
        for artist in self._artists.pop(part, []):
            artist.remove()
        before = set(self._ax.get_children())
        draw()
        added = [a for a in self._ax.get_children() if a not in before]
        for artist in added:
            artist.set_zorder(artist.get_zorder() + order * 1e-3)
        self._artists[part] = added

    def _draw_legend(self, items: list) -> None:
        """Draw the legend under the range bar (anew only when its rows change).

        When it would run past the map's bottom, the basemap's rows (land, sea) go first.
        """
        old_items, old_ax = self._legend
        if old_ax is not None and items == old_items:
            return
        if old_ax is not None:
            old_ax.remove()
        left, width, top = self._right()
        height = top - _STAMP_H - _BAR_ROOM - _BOTTOM
        columns = 2 if width >= _TWO_COLUMNS_W else 1
        rect = (left, _BOTTOM, width, height)
        drawn = _draw_legend(self.fig, rect, items, columns, self.lang)
        if drawn > height and any(i["layer"] == "basemap" for i in items):
            self.fig.axes[-1].remove()
            shorter = [i for i in items if i["layer"] != "basemap"]
            _draw_legend(self.fig, rect, shorter, columns, self.lang)
        self._legend = (items, self.fig.axes[-1])

    # --- Frames ------------------------------------------------------------------------------

    def draw(self, day: dt.date) -> None:
        """Make the figure show ``day`` (its layers, legend, date stamp and range bar)."""
        with _rc():
            self._update(day)
            self.canvas.restore_region(self._background)
            self._stamp.set_text(day.isoformat())
            span = (self.end - self.start).days
            fraction = (day - self.start).days / span if span else 1.0
            _, width, _ = self._right()
            self._bar.set_width(width / self.fig.get_size_inches()[0] * fraction)
            self.fig.draw_artist(self._bar)
            self.fig.draw_artist(self._stamp)

    def rgb(self) -> bytes:
        """Return the frame last drawn as raw RGB bytes (``width * height * 3``)."""
        return _rgb(self.fig, self.size)

    def frame(self, day: dt.date) -> bytes:
        """Draw ``day`` and return its frame as raw RGB bytes."""
        self.draw(day)
        return self.rgb()

    def texts(self) -> list[str]:
        """Every text on the frame last drawn (titles, date stamp, legend, footer...)."""
        return [
            a.get_text()
            for a in self.fig.findobj(Text)
            if a.get_visible() and a.get_text() and a.figure is not None
        ]

    # --- Closing card ------------------------------------------------------------------------

    def card(self) -> Figure:
        """Return the closing card: title, range, what was shown, its sources, attribution."""
        lang = self.lang
        with _rc():
            fig = _figure(self.size, self.title)
            fw, fh = fig.get_size_inches()
            fig.text(_MARGIN / fw, 1 - 0.25 / fh, self.title, fontsize=21, fontweight="bold",
                     va="top", color="#111111")  # fmt: skip
            period = f"{self.start.isoformat()} → {self.end.isoformat()}"
            fig.text(_MARGIN / fw, 1 - 0.85 / fh, period, fontsize=_STAMP_PT, fontweight="bold",
                     va="top", color="#111111")  # fmt: skip
            names = [style.layer_title(i, lang) for i in DATA_LAYERS if i in set(self.layers)]
            shows = t(
                "animate.card_about", lang,
                layers=", ".join(names) or t("render.no_data_layer", lang),
                start=self.start.isoformat(), end=self.end.isoformat(),
                step=t(f"animate.step.{self.step}", lang),
            )  # fmt: skip
            # What is shown, as of when; then the print map's "how to read" and projection.
            about = _about_paragraphs(
                layers=self.layers, date=self.end, treaty=self.treaty, crs=self.crs, lang=lang
            )[1:]
            paragraphs = [f"{shows} {t('render.as_of', lang, date=DATA_AS_OF)}", *about]
            rect = (_MARGIN, _BOTTOM, fw - 2 * _MARGIN, fh - 1.75)
            _fit_text(fig, rect, paragraphs, sorted(self.sources), 12.0, lang)
            _draw_footer(fig, self.permalink, _MARGIN, lang, app_name=False)
        return fig

    def card_rgb(self) -> bytes:
        """Return the closing card as raw RGB bytes."""
        fig = self.card()
        with _rc():
            fig.canvas.draw()
        return _rgb(fig, self.size)


def animation_frames(
    ds: Dataset,
    *,
    dates: Sequence[dt.date],
    fps: int,
    palette_samples: bool = False,
    on_date: Callable[[int], None] | None = None,
    **options: object,
) -> Iterator[bytes]:
    """Yield an animation's frames as raw RGB bytes: one per date, then the closing card.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    dates : sequence of datetime.date
        The frames' dates (:func:`explorer.steps.step_dates`), at least one.
    fps : int
        Frames per second (the card lasts :data:`CARD_SECONDS`: :func:`card_frames`).
    palette_samples : bool, default False
        First yield :data:`PALETTE_SAMPLES` sample frames for a GIF's palette (the first,
        middle and last dates and the card), not part of the film.
    on_date : callable, optional
        Called with the number of dated frames drawn so far, after each one.
    **options
        :class:`Animation`'s keyword arguments but ``start`` and ``end`` (the first and last
        date): ``layers``, ``step``, ``bbox``, ``title``, ``lang``, ``treaty``, ``size``,
        ``basemap``, ``base_url``.

    Yields
    ------
    bytes
        ``len(dates) + card_frames(fps)`` frames (after the samples), drawn one at a time, so
        memory stays flat.
    """
    animation = Animation(ds, start=dates[0], end=dates[-1], **options)  # type: ignore[arg-type]
    if palette_samples:
        for day in (dates[0], dates[len(dates) // 2], dates[-1]):
            yield animation.frame(day)
        yield animation.card_rgb()
    for n, day in enumerate(dates, start=1):
        yield animation.frame(day)
        if on_date is not None:
            on_date(n)
    card = animation.card_rgb()
    for _ in range(card_frames(fps)):
        yield card
