"""Static cartographic maps (PNG, SVG, PDF) drawn with matplotlib, styled like the app.

The same layers, colours and line patterns as the interactive map (:mod:`explorer.style`, geometry
from :func:`explorer.features.layer_collections`) on the local vector basemap, in a Lambert
azimuthal equal-area projection centred on the view, with the furniture a briefing needs: title,
legend of what is shown, scale bar and north arrow (both computed for the map centre), graticule,
the view's date, the data's as-of date, attribution, the sources of what is shown and the view's
permalink. No browser, no network, no folium; output is deterministic (fixed fonts, no dates in
file metadata, fixed SVG id salt).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
import textwrap
import threading
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import shapely
import shapely.prepared
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon as MplPolygon
from matplotlib.patches import Rectangle
from matplotlib.path import Path as MplPath
from pyproj import CRS, Geod, Transformer
from shapely.geometry import LineString, Polygon, box
from shapely.geometry.base import BaseGeometry

from explorer import features, files, partial_works, style, view
from explorer.config import DATA_AS_OF, DISPLAY_CRS, ELLIPSOID, GEODATA_DIR
from explorer.i18n import number, t

if TYPE_CHECKING:
    from explorer.data import Dataset
    from explorer.overlay import Overlay

__all__ = [
    "BASEMAP_FILES",
    "DEFAULT_DPI",
    "DPI_RANGE",
    "FIGSIZE_IN",
    "STATIC_FORMATS",
    "figure_bytes",
    "load_basemap",
    "map_crs",
    "north_angle_deg",
    "render_static",
    "save_static",
    "scale_bar",
]

#: Figure size in inches (16:10, a slide or A4/Letter landscape). At 100 dpi 1600 px wide.
FIGSIZE_IN: Final[tuple[float, float]] = (16.0, 10.0)
#: Default PNG resolution: 2400 × 1500 px, about 200 dpi when printed across A4 landscape.
DEFAULT_DPI: Final[int] = 150
#: Accepted ``dpi`` (inclusive): below 50 text is unreadable, above 600 a PNG passes 50 MB.
DPI_RANGE: Final[tuple[int, int]] = (50, 600)
STATIC_FORMATS: Final[tuple[str, ...]] = ("png", "svg", "pdf")

#: The display-only basemap (same files as ``explorer.maps.BASEMAP_FILES``; this module must
#: not import folium).
BASEMAP_FILES: Final[dict[str, str]] = {
    "countries": "basemap_countries.geojson",
    "lakes": "basemap_lakes.geojson",
}

#: Leaflet styles are in CSS pixels (1/96 in); matplotlib widths are points (1/72 in).
PX_TO_PT: Final[float] = 0.75

#: matplotlib settings for every figure made and saved here: text stays text in SVG (no glyph
#: paths) and PDF (TrueType, searchable), one bundled font on every machine, fixed SVG ids.
_RC: Final[dict[str, Any]] = {
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.hashsalt": "border-fortification-explorer",
    "font.family": "DejaVu Sans",
    "hatch.linewidth": 1.1,
    "lines.scale_dashes": True,
    "axes.unicode_minus": False,
}
#: rcParams are global: figures are made and saved under this lock (the app exports from
#: several threads).
_RC_LOCK: Final = threading.RLock()

_GEOD: Final = Geod(ellps=ELLIPSOID)
_NICE_KM: Final[tuple[float, ...]] = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000)

#: Treaties a map can shade by; their names are translated (keys ``treaty.<id>.short``).
_TREATIES: Final[tuple[str, ...]] = ("APMBC", "CCM")

# Layout, in inches from the figure's edges.
_MARGIN: Final[float] = 0.3
_MAP_TOP: Final[float] = 1.2  # below title and subtitle
_MAP_BOTTOM: Final[float] = 0.8  # above the footer
_MAP_MIN_W: Final[float] = 5.4
_MAP_MAX_W: Final[float] = 7.6  # leaves room for a two-column legend
_GAP: Final[float] = 0.4
_ROW_IN: Final[float] = 0.24
_TEXT_PT: Final[float] = 8.0
_LINE_SPACING: Final[float] = 1.2

# Drawing order, like the app's map panes: land < graticule < shading < lakes < corridors <
# fortification bands < borders < sites < labels < furniture.
_Z: Final[dict[str, float]] = {
    "land": 1,
    "graticule": 1.5,
    "treaty": 2,
    "lakes": 3,
    "corridors": 4,
    "forts": 5,
    "borders": 6,
    "points": 7,
    "labels": 8,
    "partial": 8.5,
    "furniture": 10,
}


@contextlib.contextmanager
def _rc() -> Iterator[None]:
    with _RC_LOCK, mpl.rc_context(_RC):
        yield


# --- Projection, scale, north ---------------------------------------------------------------


def map_crs(bbox: Sequence[float]) -> CRS:
    """Return the map's projection: Lambert azimuthal equal-area centred on the box (GRS80).

    Centred on the view, north is straight up along the central meridian and both scale and
    areas are nearly true across a country-sized map (ETRS89-LAEA, EPSG:3035, is the same
    projection centred on 52°N 10°E, where north at 25°E leans 12°).

    Examples
    --------
    >>> _crs_centre(map_crs((13, 48.5, 37, 71.5)))
    (60.0, 25.0)
    """
    west, south, east, north = view.validate_bbox(bbox)
    lat0, lon0 = round((south + north) / 2, 2), round((west + east) / 2, 2)
    return CRS.from_proj4(
        f"+proj=laea +lat_0={lat0} +lon_0={lon0} +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
    )


def _crs_centre(crs: CRS) -> tuple[float, float]:
    """Return ``(lat_0, lon_0)`` of a :func:`map_crs` projection."""
    params = {p.name: p.value for p in crs.coordinate_operation.params}
    return (
        float(params["Latitude of natural origin"]),
        float(params["Longitude of natural origin"]),
    )


def north_angle_deg(crs: CRS | str, lon: float, lat: float) -> float:
    """Return where north points on the map at ``(lon, lat)``: degrees clockwise from "up".

    Examples
    --------
    >>> round(north_angle_deg(map_crs((13, 48.5, 37, 71.5)), 25, 60), 6)
    0.0
    >>> round(north_angle_deg("EPSG:3035", 25, 60), 1)  # LAEA Europe leans east of 10°E
    -12.8
    """
    to_map = Transformer.from_crs(DISPLAY_CRS, crs, always_xy=True)
    x0, y0 = to_map.transform(lon, lat)
    x1, y1 = to_map.transform(lon, min(lat + 0.01, 89.999))
    return math.degrees(math.atan2(x1 - x0, y1 - y0))


def scale_bar(crs: CRS | str, lon: float, lat: float, target_m: float) -> tuple[float, float]:
    """Choose a round scale-bar length near ``target_m`` map units and measure it at a place.

    The length on the ground is geodesic (WGS84, :class:`pyproj.Geod`) eastwards from
    ``(lon, lat)``, and its length on the map is measured in the projection, so the bar is right
    at that latitude whatever the projection's scale there.

    Parameters
    ----------
    crs : pyproj.CRS or str
        A projected CRS in metres.
    lon, lat : float
        Where the bar should be true (the map centre).
    target_m : float
        About how long the bar should be, in map units.

    Returns
    -------
    (float, float)
        The bar's ground length in km and its length in map units.

    Examples
    --------
    >>> km, map_m = scale_bar(map_crs((13, 48.5, 37, 71.5)), 25, 60, 300_000)
    >>> km, round(map_m / 1000, 1)
    (250, 250.0)
    >>> km, map_m = scale_bar("EPSG:3857", 25, 60, 500_000)  # Mercator doubles lengths at 60°N
    >>> km, round(map_m / km / 1000, 2)
    (250, 1.99)
    """
    to_map = Transformer.from_crs(DISPLAY_CRS, crs, always_xy=True)
    x0, y0 = to_map.transform(lon, lat)

    def map_length(km: float) -> float:
        lon2, lat2, _ = _GEOD.fwd(lon, lat, 90.0, km * 1000.0)
        x1, y1 = to_map.transform(lon2, lat2)
        return math.hypot(x1 - x0, y1 - y0)

    per_km = map_length(10.0) / 10.0
    fitting = [km for km in _NICE_KM if km * per_km <= target_m]
    km = fitting[-1] if fitting else _NICE_KM[0]
    return km, map_length(km)


# --- Geometry to matplotlib ------------------------------------------------------------------


def _polygon_path(geom: BaseGeometry) -> MplPath | None:
    """One compound path per (Multi)Polygon, rings oriented so holes stay holes."""
    rings = []
    for part in shapely.get_parts(shapely.orient_polygons(geom)):
        if not isinstance(part, Polygon) or part.is_empty:
            continue
        rings.append(MplPath(np.asarray(part.exterior.coords)[:, :2], closed=True))
        rings.extend(MplPath(np.asarray(r.coords)[:, :2], closed=True) for r in part.interiors)
    return MplPath.make_compound_path(*rings) if rings else None


def _line_parts(geom: BaseGeometry) -> list[np.ndarray]:
    return [
        np.asarray(p.coords)[:, :2]
        for p in shapely.get_parts(geom)
        if isinstance(p, LineString) and len(p.coords) >= 2
    ]


def _linestyle(dash: object, width_pt: float) -> Any:
    """Turn an SVG dash array in px into a matplotlib dash pattern (matplotlib scales by width)."""
    if not dash:
        return "solid"
    lengths = [float(v) * PX_TO_PT / max(width_pt, 0.1) for v in str(dash).split()]
    return (0, tuple(lengths))


def _add_polygons(ax: Axes, geoms: Iterable[BaseGeometry], zorder: float, **kwargs: Any) -> None:
    paths = [p for p in (_polygon_path(g) for g in geoms if g is not None) if p is not None]
    if paths:
        ax.add_collection(PathCollection(paths, zorder=zorder, **kwargs), autolim=False)


def _add_lines(ax: Axes, geoms: Iterable[BaseGeometry], zorder: float, **kwargs: Any) -> None:
    segments = [part for g in geoms if g is not None for part in _line_parts(g)]
    if segments:
        ax.add_collection(LineCollection(segments, zorder=zorder, **kwargs), autolim=False)


def _poly_kwargs(s: Mapping[str, Any]) -> dict[str, Any]:
    width = float(s["weight"]) * PX_TO_PT
    return {
        "facecolors": [to_rgba(s["fillColor"], float(s["fillOpacity"]))],
        "edgecolors": [to_rgba(s["color"], float(s["opacity"]))],
        "linewidths": [width],
        "linestyles": [_linestyle(s.get("dashArray"), width)],
    }


def _line_kwargs(s: Mapping[str, Any]) -> dict[str, Any]:
    width = float(s["weight"]) * PX_TO_PT
    return {
        "colors": [to_rgba(s["color"], float(s["opacity"]))],
        "linewidths": [width],
        "linestyles": [_linestyle(s.get("dashArray"), width)],
        "capstyle": "round" if s.get("lineCap") == "round" else "butt",
        "joinstyle": "round",
    }


def _frame(fc: Mapping[str, Any], crs: CRS) -> gpd.GeoDataFrame:
    """Turn a FeatureCollection from :mod:`explorer.features` into a projected GeoDataFrame."""
    if not fc["features"]:
        return gpd.GeoDataFrame({"geometry": []}, geometry="geometry", crs=crs)
    gdf = gpd.GeoDataFrame.from_features(fc["features"], crs=DISPLAY_CRS)
    return gdf.to_crs(crs)


# --- Map layers ------------------------------------------------------------------------------


def load_basemap(data_dir: Path | str = GEODATA_DIR) -> dict[str, gpd.GeoDataFrame]:
    """Read the display-only basemap (countries and lakes, EPSG:4326).

    Examples
    --------
    >>> sorted(load_basemap())
    ['countries', 'lakes']
    """
    return {key: gpd.read_file(Path(data_dir) / name) for key, name in BASEMAP_FILES.items()}


def _draw_basemap(ax: Axes, basemap: Mapping[str, gpd.GeoDataFrame], crs: CRS) -> None:
    if "countries" in basemap:
        land = basemap["countries"].to_crs(crs).geometry
        _add_polygons(ax, land, _Z["land"], **_poly_kwargs(style.land_style()))
    if "lakes" in basemap:
        lakes = basemap["lakes"].to_crs(crs).geometry
        _add_polygons(ax, lakes, _Z["lakes"], **_poly_kwargs(style.lake_style()))


def _draw_programme(ax: Axes, programme: str, gdf: gpd.GeoDataFrame) -> None:
    """Corridors hatched and translucent, lines as wide bands, sites as circles (as in the app)."""
    for rec in gdf.to_dict("records"):
        geom, state = rec["geometry"], rec["state"]
        if geom is None or geom.is_empty:
            continue
        if geom.geom_type in ("Point", "MultiPoint"):
            s = style.point_style(programme, state)
            for pt in shapely.get_parts(geom):
                ax.plot(
                    pt.x,
                    pt.y,
                    marker="o",
                    markersize=2 * float(s["radius"]) * PX_TO_PT,
                    markerfacecolor=to_rgba(s["fillColor"], float(s["fillOpacity"])),
                    markeredgecolor=to_rgba(s["color"], float(s["opacity"])),
                    markeredgewidth=float(s["weight"]) * PX_TO_PT,
                    linestyle="none",
                    zorder=_Z["points"],
                )
            continue
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            s = style.fortification_style(programme, "corridor", state)
            colour, fill = s["fillColor"], float(s["fillOpacity"])
            # Translucent tint, then the hatch in the programme colour (its colour is the edge
            # colour, with no edge drawn), then the dotted outline.
            _add_polygons(
                ax, [geom], _Z["corridors"], facecolors=[to_rgba(colour, fill * 0.45)],
                edgecolors=["none"], linewidths=[0],
            )  # fmt: skip
            _add_polygons(
                ax, [geom], _Z["corridors"], facecolors=["none"],
                edgecolors=[to_rgba(colour, min(1.0, fill + 0.2))], linewidths=[0], hatch="////",
            )  # fmt: skip
            outline = dict(s, fillOpacity=0.0)
            _add_polygons(ax, [geom], _Z["corridors"], **_poly_kwargs(outline))
            continue
        precision = "approximate" if rec["precision"] == "corridor" else rec["precision"]
        s = style.fortification_style(programme, precision, state)
        _add_lines(ax, [geom], _Z["forts"], **_line_kwargs(s))


def _draw_layers(ax: Axes, frames: Mapping[str, gpd.GeoDataFrame]) -> None:
    for layer, gdf in frames.items():
        if gdf.empty:
            continue
        if layer == "treaty":
            for status, part in gdf.groupby("status", sort=True):
                s = style.treaty_style(str(status))
                _add_polygons(ax, part.geometry, _Z["treaty"], **_poly_kwargs(s))
                hatch = style.treaty_hatch(str(status))
                if hatch:  # a pattern too, so the status reads in greyscale
                    _add_polygons(
                        ax, part.geometry, _Z["treaty"], facecolors=["none"],
                        edgecolors=[to_rgba(str(s["fillColor"]), 0.8)], linewidths=[0],
                        hatch=hatch,
                    )  # fmt: skip
        elif layer == "borders":
            # expected first, required over them (as the app sorts its features)
            order = {"expected": 0, "required": 1}
            for (priority, precision), part in sorted(
                gdf.groupby(["priority", "precision"]), key=lambda kv: order[kv[0][0]]
            ):
                s = style.border_style(str(priority), str(precision))
                _add_lines(ax, part.geometry, _Z["borders"], **_line_kwargs(s))
        else:
            _draw_programme(ax, layer, gdf)


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


# --- Works not drawn: their figure on their border ------------------------------------------

#: Text colour and "halo" of the figures of works that are not drawn. The halo is a translucent
#: white box: a stroke path effect would turn the text into outlines in SVG and PDF.
_PARTIAL_TEXT: Final[str] = "#1f1f1f"
_PARTIAL_HALO: Final[dict[str, Any]] = {
    "boxstyle": "round,pad=0.25",
    "facecolor": (1, 1, 1, 0.82),
    "edgecolor": "#9a9a9a",
    "linewidth": 0.4,
}
_PARTIAL_PT: Final[float] = 6.0
_PARTIAL_WRAP: Final[int] = 46


def _partial_dot(ax: Axes, x: float, y: float, **kwargs: Any) -> None:
    """Draw the mark on a border where the figure of a work that is not drawn is written."""
    ax.plot(x, y, marker="o", markersize=5.5, markerfacecolor="white", markeredgecolor="#1f1f1f",
            markeredgewidth=1.4, linestyle="none", **kwargs)  # fmt: skip


def _partial_rows(
    ds: Dataset, layers: Sequence[str], date: dt.date
) -> list[partial_works.PartialWork]:
    """Return the not-drawn works of the visible programme layers shown on ``date``."""
    visible = {i for i in layers if i in style.PROGRAMME_COLOURS}
    return [r for r in partial_works.partial_works(ds, date) if r["layer"] in visible]


def _draw_partial(
    ax: Axes,
    rows: Sequence[partial_works.PartialWork],
    crs: CRS,
    extent: Sequence[float],
    lang: str,
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
            x, y, _plain("\n".join(lines)), fontsize=_PARTIAL_PT, color=_PARTIAL_TEXT,
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


# --- Furniture -------------------------------------------------------------------------------


def _extent(
    bbox: Sequence[float], crs: CRS, aspect: float | None = None
) -> tuple[float, float, float, float]:
    """Projected bounds of ``bbox``, grown to the map box's width/height ``aspect`` if given."""
    outline = box(*bbox).segmentize(0.25)
    projected = gpd.GeoSeries([outline], crs=DISPLAY_CRS).to_crs(crs).iloc[0]
    x0, y0, x1, y1 = projected.bounds
    width, height = x1 - x0, y1 - y0
    if aspect is None:
        return x0, x1, y0, y1
    if width / height < aspect:
        grow = (height * aspect - width) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = (width / aspect - height) / 2
        y0, y1 = y0 - grow, y1 + grow
    return x0, x1, y0, y1


def _visible_lonlat(extent: Sequence[float], crs: CRS) -> BaseGeometry:
    """Return the map rectangle as a lon/lat polygon (for "what is in view")."""
    x0, x1, y0, y1 = extent
    rect = box(x0, y0, x1, y1).segmentize((x1 - x0) / 60)
    return gpd.GeoSeries([rect], crs=crs).to_crs(DISPLAY_CRS).iloc[0]


def _graticule(
    ax: Axes, crs: CRS, extent: Sequence[float], visible: BaseGeometry, lang: str = "en"
) -> None:
    """Meridians and parallels, labelled where they leave the map's bottom and left edges."""
    x0, x1, y0, y1 = extent
    west, south, east, north = visible.bounds
    span = max(north - south, (east - west) / 2)
    step = 1 if span <= 4 else 2 if span <= 12 else 5 if span <= 40 else 10
    to_map = Transformer.from_crs(DISPLAY_CRS, crs, always_xy=True)
    bottom, left = LineString([(x0, y0), (x1, y0)]), LineString([(x0, y0), (x0, y1)])
    kw = {"colors": ["#7f93a6"], "linewidths": [0.4], "alpha": 0.6}
    label = {"fontsize": 7.5, "color": "#4d4d4d", "clip_on": False, "zorder": _Z["furniture"]}
    lat_lo, lat_hi = max(-89.0, south - step), min(89.0, north + step)
    for lon in np.arange(math.floor(west / step) * step, east + step, step):
        lats = np.linspace(lat_lo, lat_hi, 200)
        line = LineString(np.column_stack(to_map.transform(np.full_like(lats, lon), lats)))
        _add_lines(ax, [line], _Z["graticule"], **kw)
        hit = line.intersection(bottom)
        if not hit.is_empty:
            pt = shapely.get_parts(hit)[0]
            ax.text(pt.x, y0, f"\n{_deg(lon, 'E', 'W', lang)}", ha="center", va="top", **label)
    for lat in np.arange(math.floor(south / step) * step, north + step, step):
        if abs(lat) >= 89.0:
            continue
        lons = np.linspace(west - step, east + step, 200)
        line = LineString(np.column_stack(to_map.transform(lons, np.full_like(lons, lat))))
        _add_lines(ax, [line], _Z["graticule"], **kw)
        hit = line.intersection(left)
        if not hit.is_empty:
            pt = shapely.get_parts(hit)[0]
            ax.text(x0, pt.y, f"{_deg(lat, 'N', 'S', lang)} ", ha="right", va="center", **label)


def _deg(value: float, positive: str, negative: str, lang: str = "en") -> str:
    """Format a longitude or latitude, with a decimal comma in Polish.

    Examples
    --------
    >>> _deg(54.5, "N", "S"), _deg(54.5, "N", "S", "pl"), _deg(-3, "E", "W")
    ('54.5°N', '54,5°N', '3°W')
    """
    return f"{number(abs(value), lang=lang)}°{positive if value >= 0 else negative}"


def _draw_scale_bar(
    ax: Axes, crs: CRS, centre: tuple[float, float], extent: Sequence[float], lang: str = "en"
) -> float:
    """Draw an alternating black/white bar in the lower left, true at the map centre."""
    x0, x1 = extent[0], extent[1]
    km, length = scale_bar(crs, centre[0], centre[1], (x1 - x0) * 0.22)
    frac = length / (x1 - x0)
    left, base, height = 0.03, 0.045, 0.011
    z = _Z["furniture"]
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
    true_at = t("render.scale_true", lang, lat=_deg(round(centre[1], 1), "N", "S", lang))
    ax.text(left, base - 0.006, true_at, ha="left", va="top", **dict(text, fontsize=6.5))
    return km


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


def _legend_rows(items: Sequence[style.LegendItem]) -> list[tuple[str, style.LegendItem]]:
    rows: list[tuple[str, style.LegendItem]] = []
    group = None
    for item in items:
        if item["group"] != group:
            group = item["group"]
            rows.append(("group", item))
        rows.append(("item", item))
    return rows


def _swatch(ax: Axes, item: style.LegendItem, x: float, y: float) -> None:
    """Draw one legend swatch 0.5 in wide centred on ``y`` (axes units are inches)."""
    colour, opacity = item["colour"], float(item["opacity"])
    if item["kind"] == "line":
        width = max(1.0, min(float(item["weight"]) * PX_TO_PT * 1.4, 7.0))
        ax.add_line(
            Line2D(
                [x, x + 0.5], [y, y], color=to_rgba(colour, opacity), linewidth=width,
                linestyle=_linestyle(item["dash"], width), solid_capstyle="butt",
                dash_capstyle="butt",
            )
        )  # fmt: skip
    elif item["kind"] == "label":
        _partial_dot(ax, x + 0.12, y)
        ax.text(x + 0.2, y, "km", fontsize=7, va="center", ha="left", color=_PARTIAL_TEXT,
                bbox=_PARTIAL_HALO)  # fmt: skip
    elif item["kind"] == "point":
        ax.add_line(
            Line2D(
                [x + 0.25], [y], marker="o", markersize=9, linestyle="none",
                markerfacecolor=to_rgba(colour, opacity), markeredgecolor="white",
                markeredgewidth=1.4,
            )
        )  # fmt: skip
        ax.add_line(
            Line2D([x + 0.25], [y], marker="o", markersize=11.2, linestyle="none",
                   markerfacecolor="none", markeredgecolor="#999999", markeredgewidth=0.6)
        )  # fmt: skip
    else:
        outline = item["outline"] or "none"
        ax.add_patch(
            Rectangle(
                (x + 0.02, y - 0.075), 0.46, 0.15,
                facecolor=to_rgba(colour, opacity * (0.35 if item["hatch"] else 1.0)),
                edgecolor=outline, linewidth=1.0, linestyle=_linestyle(item["dash"], 1.0),
            )
        )  # fmt: skip
        pattern = "////" if item["hatch"] else item.get("pattern")
        if pattern:
            ax.add_patch(
                Rectangle(
                    (x + 0.02, y - 0.075), 0.46, 0.15, facecolor="none",
                    edgecolor=to_rgba(colour, opacity if item["hatch"] else 0.8), linewidth=0,
                    hatch=pattern,
                )
            )  # fmt: skip


def _draw_legend(
    fig: Figure,
    rect: Sequence[float],
    items: Sequence[style.LegendItem],
    columns: int,
    lang: str = "en",
) -> float:
    """Draw the legend into ``rect`` (inches: left, bottom, width, height); return its height."""
    fw, fh = fig.get_size_inches()
    left, bottom, width, height = rect
    ax = fig.add_axes((left / fw, bottom / fh, width / fw, height / fh))
    ax.set_xlim(0, width)
    ax.set_ylim(-height, 0)  # y: inches below the top
    ax.axis("off")
    ax.text(0, -0.02, t("legend.title", lang), fontsize=12.5, fontweight="bold", va="top")
    top = -0.42
    if not items:
        ax.text(0, top, t("legend.empty", lang), fontsize=9.5, va="top")
        return 0.7
    rows = _legend_rows(items)
    heights = [_ROW_IN + (0.1 if kind == "group" else 0.0) for kind, _ in rows]
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
                    y -= 0.1
                ax.text(x, y - _ROW_IN / 2, item["group"], fontsize=10, fontweight="bold",
                        va="center", color="#222222")  # fmt: skip
            else:
                _swatch(ax, item, x + 0.05, y - _ROW_IN / 2)
                ax.text(x + 0.66, y - _ROW_IN / 2, item["label"], fontsize=9.5, va="center",
                        color="#222222")  # fmt: skip
            y -= _ROW_IN
        lowest = min(lowest, y)
    return -lowest


def _legend_for(
    layers: Iterable[str],
    shown: gpd.GeoDataFrame,
    lang: str = "en",
    *,
    partial: Sequence[partial_works.PartialWork] = (),
) -> list[style.LegendItem]:
    """Legend rows for what is drawn in view (:func:`explorer.style.legend_items` ``shown``).

    A programme whose works in view are only figures on their border (``partial``: not drawn)
    keeps its row, and a row after "how to read" explains the figure's mark.
    """
    categories: dict[str, set[str]] = {}
    for rec in shown.to_dict("records"):
        layer = str(rec["layer"])
        found = categories.setdefault(layer, set())
        if layer == "treaty":
            found.add(str(rec["state"]))
        elif layer in style.PROGRAMME_COLOURS:
            geom = rec.get("geometry")
            point = geom is not None and geom.geom_type in ("Point", "MultiPoint")
            found.update({str(rec["state"]), "site" if point else str(rec["precision"])})
        else:
            found.add("drawn")
    for row in partial:  # a programme drawn only as figures keeps its row
        categories.setdefault(row["layer"], set()).add(row["state"])
    out = style.legend_items(layers, lang, shown=categories)
    return style.with_partial_row(out, lang, colour=_PARTIAL_TEXT) if partial else out


def _about_paragraphs(
    *, layers: Sequence[str], date: dt.date, treaty: str, crs: CRS, lang: str = "en"
) -> list[str]:
    """Return the explanatory text: what is shown, how to read it, the projection."""
    data_layers = [style.layer_title(i, lang) for i in style.DATA_LAYERS if i in set(layers)]
    lat0, lon0 = _crs_centre(crs)
    programmes = any(i in style.PROGRAMME_COLOURS for i in layers)
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


# --- The figure ------------------------------------------------------------------------------


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
        Visible layer ids (:data:`explorer.style.LAYER_IDS`); ``basemap`` draws land and lakes.
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
        Pre-loaded :func:`load_basemap` (to cache it); read from ``geodata/`` when None.
    overlay : Overlay, optional
        An analyst's overlay (:func:`explorer.overlay.read_overlay`), drawn over the layers with
        a legend entry "Your overlay: <file name>" and a line saying it is the user's own data.

    Returns
    -------
    matplotlib.figure.Figure
        :data:`FIGSIZE_IN`, not attached to pyplot (nothing global to close). Save it with
        :func:`save_static` or :func:`figure_bytes`.

    Raises
    ------
    ValueError
        For an unknown layer, language or treaty, or a malformed bbox.
    """
    visible_layers = [i for i in style.LAYER_IDS if i in set(layers)]
    unknown = set(layers) - set(style.LAYER_IDS)
    if unknown:
        raise ValueError(f"unknown layer(s) {sorted(unknown)}; expected {list(style.LAYER_IDS)}")
    if treaty not in _TREATIES:
        raise ValueError(f"unknown treaty {treaty!r}; expected one of {list(_TREATIES)}")
    bbox = view.validate_bbox(bbox or view.DEFAULT_BBOX)
    title = title if title is not None else t("export.default_title", lang)
    permalink_url = permalink_url or view.permalink_url(
        layers=visible_layers, date=date, bbox=bbox, lang=lang
    )
    collections = features.layer_collections(
        ds, date=date, visible=visible_layers, lang=lang, treaty=treaty
    )
    if "basemap" in visible_layers and basemap is None:
        basemap = load_basemap()
    crs = map_crs(bbox)
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
            collections=collections,
            crs=crs,
            centre=centre,
            overlay=overlay,
        )


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
    collections: Mapping[str, Any],
    crs: CRS,
    centre: tuple[float, float],
    overlay: Overlay | None = None,
) -> Figure:
    fw, fh = FIGSIZE_IN
    fig = Figure(figsize=FIGSIZE_IN, dpi=100, facecolor="white")
    fig.set_label(title)

    # Map box: as wide as the box's shape asks, within limits; the extent then fills it.
    map_h = fh - _MAP_TOP - _MAP_BOTTOM
    x0, x1, y0, y1 = _extent(bbox, crs)
    map_w = min(_MAP_MAX_W, max(_MAP_MIN_W, map_h * (x1 - x0) / (y1 - y0)))
    map_rect = (_MARGIN + 0.25, _MAP_BOTTOM, map_w, map_h)  # room for latitude labels
    extent = _extent(bbox, crs, map_w / map_h)
    visible = _visible_lonlat(extent, crs)

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
    _graticule(ax, crs, extent, visible, lang)
    frames = {layer: _frame(fc, crs) for layer, fc in collections.items()}
    _draw_layers(ax, frames)
    if overlay is not None:
        _draw_overlay(ax, overlay, crs)
    label_size = 9.0 if map_w < 7 else 10.0
    _label_countries(
        ax, ds, crs, extent, lang, label_size,
        obstacles=_line_obstacles(frames, basemap, crs, extent),
        units_per_pt=(extent[1] - extent[0]) / (map_w * 72.0),
    )  # fmt: skip
    partial = _draw_partial(ax, _partial_rows(ds, layers, date), crs, extent, lang)
    _draw_scale_bar(ax, crs, centre, extent, lang)
    if view.bbox_data_coverage(bbox) != "inside":
        _draw_outside_notice(ax, bbox, lang)
    _draw_north_arrow(fig, map_rect, north_angle_deg(crs, *centre))

    # What is in view: legend rows and the sources line describe only that.
    shown = view.features_in_view(
        ds, layers=layers, date=date, bbox=visible, lang=lang, treaty=treaty
    )
    sources = view.sources_of(shown)
    if basemap:
        sources = sorted({*sources, *_basemap_source_ids(ds)})
    if partial:
        sources = sorted({*sources, *(s for row in partial for s in row["sources"])})

    # Title, subtitle.
    fig.text(_MARGIN / fw, 1 - 0.25 / fh, title, fontsize=21, fontweight="bold", va="top",
             color="#111111")  # fmt: skip
    subtitle = t(
        "render.subtitle",
        lang,
        date=date.isoformat(),
        as_of=DATA_AS_OF,
        treaty=t(f"treaty.{treaty}.short", lang),
    )
    fig.text(_MARGIN / fw, 1 - 0.78 / fh, subtitle, fontsize=11.5, va="top", color="#333333")

    # Right column: legend, then the about/sources text.
    right_left = map_rect[0] + map_w + _GAP
    right_w = fw - _MARGIN - right_left
    columns = 2 if right_w >= 6.8 else 1
    items = _legend_for(layers, shown, lang, partial=partial)
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

    # Footer: attribution and permalink.
    attribution = t(
        "render.map_data",
        lang,
        attribution=t("map.attribution", lang, osm="OpenStreetMap", ne="Natural Earth"),
    )
    fig.text(_MARGIN / fw, 0.47 / fh, attribution, fontsize=9, va="center",
             color="#222222")  # fmt: skip
    fig.text(_MARGIN / fw, 0.2 / fh, t("render.permalink", lang, url=permalink_url),
             fontsize=8.5, va="center", color="#1a4f8a")  # fmt: skip
    fig.text((fw - _MARGIN) / fw, 0.2 / fh, t("app.title", lang), fontsize=8,
             va="center", ha="right", color="#777777")  # fmt: skip
    return fig


def _plain(text: str) -> str:
    r"""Keep text from a user's file literal: ``$`` would start matplotlib's mathtext.

    Examples
    --------
    >>> _plain("a $x$ b")
    'a \\$x\\$ b'
    """
    return text.replace("$", r"\$")


def _overlay_legend(overlay: Overlay, lang: str) -> list[style.LegendItem]:
    from explorer.overlay import display  # local: only exports with an overlay need it

    items = display.legend_items(overlay, lang)
    return [style.LegendItem(**{**i, "group": _plain(i["group"])}) for i in items]  # type: ignore[typeddict-item]


def _draw_overlay(ax: Axes, overlay: Overlay, crs: CRS) -> None:
    """Draw an analyst's overlay over the data layers: polygons, lines, then points."""
    from explorer.overlay import display  # local: only exports with an overlay need it

    colour = display.OVERLAY_COLOUR
    with warnings.catch_warnings():
        # pyproj warns (NumPy deprecation) when a single point is transformed
        warnings.simplefilter("ignore", DeprecationWarning)
        geoms = overlay.gdf.geometry.to_crs(crs).values.to_numpy()
    kinds = overlay.gdf.geometry.geom_type.to_numpy()
    finite = np.isfinite(shapely.bounds(geoms)).all(axis=1)
    polygons = geoms[finite & np.isin(kinds, ["Polygon", "MultiPolygon"])]
    lines = geoms[finite & np.isin(kinds, ["LineString", "MultiLineString"])]
    points = geoms[finite & np.isin(kinds, ["Point", "MultiPoint"])]
    z = _Z["points"] + 0.5
    _add_polygons(ax, polygons, z, facecolors=[to_rgba(colour, 0.25)],
                  edgecolors=[to_rgba(colour, 0.95)], linewidths=[1.5 * PX_TO_PT])  # fmt: skip
    _add_lines(ax, lines, z, colors=[to_rgba(colour, 0.95)], linewidths=[2.5 * PX_TO_PT])
    if len(points):
        xy = shapely.get_coordinates(points)
        ax.scatter(xy[:, 0], xy[:, 1], s=(8 if len(xy) < 2000 else 2) ** 2 * 0.5,
                   c=[to_rgba(colour, 0.9)], edgecolors="white", linewidths=0.5,
                   zorder=z + 0.1)  # fmt: skip


def _basemap_source_ids(ds: Dataset) -> list[str]:
    """Source ids of the basemap's upstreams, when the data lists them."""
    ids = [i for i in ds.sources.index if str(i).startswith(("ne-world-atlas", "osm-geo-maps"))]
    return ids


# --- Saving ----------------------------------------------------------------------------------


def _metadata(fmt: str, title: str) -> dict[str, str | None]:
    """File metadata without dates, so the same map gives the same bytes."""
    creator = "Border Fortification Explorer (matplotlib)"
    if fmt == "pdf":
        return {"Title": title, "Creator": creator, "CreationDate": None, "ModDate": None}
    if fmt == "svg":
        return {"Title": title, "Creator": creator, "Date": None, "Rights": view.ATTRIBUTION_TEXT}
    return {"Title": title, "Software": creator, "Copyright": view.ATTRIBUTION_TEXT}


def _check_static(fmt: str, dpi: int) -> None:
    if fmt not in STATIC_FORMATS:
        raise ValueError(f"unknown static format {fmt!r}; expected one of {list(STATIC_FORMATS)}")
    if not isinstance(dpi, int) or not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        raise ValueError(f"dpi must be a whole number {DPI_RANGE[0]}–{DPI_RANGE[1]}, got {dpi!r}")


def figure_bytes(fig: Figure, fmt: str = "png", *, dpi: int = DEFAULT_DPI) -> bytes:
    """Return the figure as PNG, SVG or PDF bytes (for a download button or an atomic write).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        From :func:`render_static`.
    fmt : {"png", "svg", "pdf"}, default "png"
        SVG keeps text as ``<text>``; PDF embeds TrueType fonts so text can be searched.
    dpi : int, default :data:`DEFAULT_DPI`
        Resolution of the PNG (and of any raster part of SVG/PDF), within :data:`DPI_RANGE`.

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        For an unknown format or a dpi out of range.
    """
    _check_static(fmt, dpi)
    buffer = io.BytesIO()
    with _rc():
        fig.savefig(
            buffer,
            format=fmt,
            dpi=dpi,
            facecolor="white",
            metadata=_metadata(fmt, fig.get_label() or "Map"),
        )
    return buffer.getvalue()


def save_static(
    fig: Figure, path: Path | str, fmt: str | None = None, *, dpi: int = DEFAULT_DPI
) -> Path:
    """Write the figure to ``path`` atomically (format from ``fmt`` or the file's extension).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        For an unknown format or extension, or a dpi out of range.
    FileNotFoundError
        If the folder does not exist.
    """
    target = Path(path)
    fmt = fmt or target.suffix.lower().lstrip(".")
    return files.write_atomic(target, figure_bytes(fig, fmt, dpi=dpi))
