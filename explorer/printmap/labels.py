"""Text placed on the print map: country names and the figures of works that are not drawn.

Country names go inside each country's visible part, clear of every drawn line
(:func:`_label_countries`); a fortification work whose course is not drawn is written as its
figure ("about N of M km") at the middle of its border, clear of the other figures
(:func:`_draw_partial`).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd
import numpy as np
import shapely
import shapely.prepared
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from pyproj import CRS, Transformer
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from explorer import partial_works
from explorer.config import DISPLAY_CRS
from explorer.layers import PROGRAMME_LAYERS
from explorer.printmap.artists import _PARTIAL_HALO, _PARTIAL_TEXT, _Z, _partial_dot, _plain

if TYPE_CHECKING:
    from explorer.data import Dataset

__all__: list[str] = []

#: Type size (points) and line length (characters) of the figures of works not drawn.
_PARTIAL_PT: Final[float] = 6.0
_PARTIAL_WRAP: Final[int] = 46


def _label_countries(
    ax: Axes,
    ds: Dataset,
    crs: CRS,
    extent: Sequence[float],
    lang: str,
    fontsize: float,
    *,
    obstacles: BaseGeometry | None = None,
    units_per_pt: float = 0.0,
) -> None:
    """Name the tracked countries inside their visible part, clear of lines, edges and furniture.

    Each label's box is placed inside the country where no drawn line (``obstacles``: border
    lines, fortifications, country outlines, lake shores) crosses it, as near the middle of the
    country as possible; where no such place exists the label gets a light halo box instead
    (path-effect halos would turn the text into outlines in SVG and PDF).
    """
    x0, x1, y0, y1 = extent
    w, h = x1 - x0, y1 - y0
    # where a label may sit: inset from the frame, minus the north arrow and scale bar corners
    room = box(x0 + 0.09 * w, y0 + 0.04 * h, x1 - 0.09 * w, y1 - 0.04 * h)
    room = room.difference(box(x1 - 0.22 * w, y1 - 0.16 * h, x1, y1))
    room = room.difference(box(x0, y0, x0 + 0.4 * w, y0 + 0.16 * h))
    shapes = ds.country_shapes.to_crs(crs)
    blocked = None if obstacles is None or obstacles.is_empty else shapely.prepared.prep(obstacles)
    for iso3, geom in zip(shapes["iso3"], shapes.geometry, strict=True):
        part = shapely.intersection(geom, room)
        if part.is_empty or part.area < room.area * 0.004:
            continue
        part = max(shapely.get_parts(part), key=lambda p: p.area)
        name = ds.countries.loc[iso3, f"name_{lang}"] if iso3 in ds.countries.index else iso3
        text = str(name).upper()
        half_w = 0.5 * units_per_pt * fontsize * 0.72 * len(text)
        half_h = 0.5 * units_per_pt * fontsize * 1.3
        point = _label_spot(part, half_w, half_h, blocked)
        halo = None
        if point is None:
            point = part.representative_point()
            halo = {"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.7,
                    "edgecolor": "none"}  # fmt: skip
        ax.text(
            point.x, point.y, text, fontsize=fontsize, color="#3d3d3d", ha="center",
            va="center", zorder=_Z["labels"], fontweight="bold", alpha=0.75, bbox=halo,
        )  # fmt: skip


def _label_spot(
    part: BaseGeometry, half_w: float, half_h: float, blocked: Any, steps: int = 24
) -> shapely.Point | None:
    """Return the centre nearest the middle of ``part`` for a label box inside it, clear of lines.

    Candidates lie on a ``steps`` × ``steps`` grid over the part; None when none fits.
    """
    if half_w <= 0 or half_h <= 0:
        return None
    middle = part.representative_point()
    inside = shapely.prepared.prep(part)
    bx0, by0, bx1, by1 = part.bounds
    xs = np.linspace(bx0 + half_w, bx1 - half_w, steps) if bx1 - bx0 > 2 * half_w else []
    ys = np.linspace(by0 + half_h, by1 - half_h, steps) if by1 - by0 > 2 * half_h else []
    spots = sorted(
        ((x, y) for x in xs for y in ys),
        key=lambda xy: (xy[0] - middle.x) ** 2 + (xy[1] - middle.y) ** 2,
    )
    for x, y in spots:
        label = box(x - half_w, y - half_h, x + half_w, y + half_h)
        if inside.contains(label) and (blocked is None or not blocked.intersects(label)):
            return shapely.Point(x, y)
    return None


def _line_obstacles(
    frames: Mapping[str, gpd.GeoDataFrame],
    basemap: Mapping[str, gpd.GeoDataFrame] | None,
    crs: CRS,
    extent: Sequence[float],
) -> BaseGeometry:
    """Every line drawn on the map (as map-CRS lines) that a label must not sit on."""
    view_box = box(extent[0], extent[2], extent[1], extent[3])
    geoms: list[BaseGeometry] = []
    for gdf in frames.values():
        geoms.extend(g for g in gdf.geometry if g is not None and not g.is_empty)
    for key in ("countries", "lakes"):
        if basemap and key in basemap:
            geoms.extend(basemap[key].to_crs(crs).geometry)
    lines = [
        g.boundary if g.geom_type in ("Polygon", "MultiPolygon") else g
        for g in shapely.clip_by_rect(np.asarray(geoms, dtype=object), *view_box.bounds)
        if g is not None and not g.is_empty and g.geom_type not in ("Point", "MultiPoint")
    ]
    points = [
        g.buffer(1) for g in geoms if g is not None and g.geom_type in ("Point", "MultiPoint")
    ]
    return shapely.union_all([*lines, *points]) if lines or points else shapely.GeometryCollection()


# --- Works not drawn: their figure on their border ------------------------------------------


def _partial_rows(
    ds: Dataset, layers: Sequence[str], date: dt.date
) -> list[partial_works.PartialWork]:
    """Return the not-drawn works of the visible programme layers shown on ``date``."""
    visible = {i for i in layers if i in PROGRAMME_LAYERS}
    return [r for r in partial_works.partial_works(ds, date) if r["layer"] in visible]


def _draw_partial(
    ax: Axes,
    rows: Sequence[partial_works.PartialWork],
    crs: CRS,
    extent: Sequence[float],
    lang: str,
    *,
    fontsize: float = _PARTIAL_PT,
) -> list[partial_works.PartialWork]:
    """Write each work's "about N of M km" at the middle of its border; return those written.

    Works on the same segment share one dot and one block of text; a work along several
    segments is written once, at the first of them in view. A block goes right or left of its
    dot, moved up or down (with a thin dotted leader) when it would cover a block already placed
    or leave the map.
    """
    x0, x1, y0, y1 = extent
    to_map = Transformer.from_crs(DISPLAY_CRS, crs, always_xy=True)
    blocks: dict[str, list[partial_works.PartialWork]] = {}
    where: dict[str, tuple[float, float]] = {}
    seen: set[str] = set()
    for row in rows:
        x, y = to_map.transform(row["lon"], row["lat"])
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            continue
        where[row["segment"]] = (x, y)
        if row["id"] in seen:
            continue
        seen.add(row["id"])
        blocks.setdefault(row["segment"], []).append(row)
    ax.apply_aspect()
    renderer = FigureCanvasAgg(ax.figure).get_renderer()
    frame = ax.get_window_extent(renderer)
    placed: list[Any] = []
    written: list[partial_works.PartialWork] = []
    gap = 5.0 / 72 * ax.figure.dpi  # 5 pt from the dot
    for segment in where:
        _partial_dot(ax, *where[segment], zorder=_Z["partial"])
    for segment in sorted(blocks, key=lambda k: (-where[k][1], k)):
        group = blocks[segment]
        x, y = where[segment]
        lines = [
            textwrap.fill(
                partial_works.partial_label(r, lang), _PARTIAL_WRAP, subsequent_indent="   ",
                break_on_hyphens=False,
            )
            for r in group
        ]  # fmt: skip
        px, py = ax.transData.transform((x, y))
        artist = ax.text(
            x, y, _plain("\n".join(lines)), fontsize=fontsize, color=_PARTIAL_TEXT,
            zorder=_Z["partial"], bbox=_PARTIAL_HALO, linespacing=1.15, clip_on=True,
            va="center",
        )  # fmt: skip
        height = artist.get_window_extent(renderer).height
        best = None
        for k in (0, 1, -1, 2, -2, 3, -3, 4, -4):
            for dx, ha in ((gap, "left"), (-gap, "right")):
                dy = k * 0.55 * height
                artist.set_position(ax.transData.inverted().transform((px + dx, py + dy)))
                artist.set_ha(ha)
                bb = artist.get_window_extent(renderer).expanded(1.04, 1.1)
                inside = frame.x0 <= bb.x0 and bb.x1 <= frame.x1 and frame.y0 <= bb.y0
                inside = inside and bb.y1 <= frame.y1
                clear = not any(bb.overlaps(other) for other in placed)
                score = 2 * (not clear) + (not inside)
                if best is None or score < best[0]:
                    best = (score, dx, dy, ha, bb)
            if best is not None and best[0] == 0:
                break
        assert best is not None
        _, dx, dy, ha, bb = best
        tx, ty = ax.transData.inverted().transform((px + dx, py + dy))
        artist.set_position((tx, ty))
        artist.set_ha(ha)
        if dy:
            ax.plot([x, tx], [y, ty], color="#555555", linewidth=0.5, linestyle=(0, (1, 1.5)),
                    zorder=_Z["partial"] - 0.1)  # fmt: skip
        placed.append(bb)
        written.extend(group)
    return written
