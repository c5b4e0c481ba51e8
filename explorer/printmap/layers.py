"""What the print map draws on its axes: the basemap, the data layers, an overlay, the graticule.

Styled like the app's map (:mod:`explorer.style`): treaty shading with a hatch per status,
borders by priority and precision, each fortification programme's corridors, lines and sites.
Text placed on the map (country names, figures of works not drawn) is :mod:`.labels`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from explorer import style
from explorer.basemap import BASEMAP_FILES, load_basemap
from explorer.layers import family
from explorer.printmap.artists import (
    _Z,
    PX_TO_PT,
    _add_lines,
    _add_polygons,
    _line_kwargs,
    _poly_kwargs,
)
from explorer.printmap.projection import _deg, _graticule_lines

if TYPE_CHECKING:
    from explorer.overlay import Overlay

__all__ = ["BASEMAP_FILES", "load_basemap"]  # re-exported: read by explorer.basemap


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
        if family(layer) == "treaty":
            for status, part in gdf.groupby("state", sort=True):
                s = style.treaty_style(str(status))
                _add_polygons(ax, part.geometry, _Z["shading"], **_poly_kwargs(s))
                hatch = style.treaty_hatch(str(status))
                if hatch:  # a pattern too, so the status reads in greyscale
                    _add_polygons(
                        ax, part.geometry, _Z["shading"], facecolors=["none"],
                        edgecolors=[to_rgba(str(s["fillColor"]), 0.8)], linewidths=[0],
                        hatch=hatch,
                    )  # fmt: skip
        elif family(layer) == "border":
            # expected first, required over them (as the app sorts its features)
            order = {"expected": 0, "required": 1}
            for (priority, precision), part in sorted(
                gdf.groupby(["priority", "precision"]), key=lambda kv: order[kv[0][0]]
            ):
                s = style.border_style(str(priority), str(precision))
                _add_lines(ax, part.geometry, _Z["borders"], **_line_kwargs(s))
        else:
            _draw_programme(ax, layer, gdf)


def _draw_overlay(ax: Axes, overlay: Overlay, crs: CRS) -> None:
    """Draw an analyst's overlay over the data layers: polygons, lines, then points."""
    from explorer.overlay import display as overlay_display  # local: only overlay exports

    colour = overlay_display.OVERLAY_COLOUR
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


def _graticule(
    ax: Axes, crs: CRS, extent: Sequence[float], visible: BaseGeometry, lang: str = "en"
) -> None:
    """Meridians and parallels, labelled where they leave the map's bottom and left edges."""
    x0, y0 = extent[0], extent[2]
    kw = {"colors": ["#7f93a6"], "linewidths": [0.4], "alpha": 0.6}
    label = {"fontsize": 7.5, "color": "#4d4d4d", "clip_on": False, "zorder": _Z["furniture"]}
    meridians, parallels = _graticule_lines(crs, extent, visible)
    for lon, line, x in meridians:
        _add_lines(ax, [line], _Z["graticule"], **kw)
        if x is not None:
            ax.text(x, y0, f"\n{_deg(lon, 'E', 'W', lang)}", ha="center", va="top", **label)
    for lat, line, y in parallels:
        _add_lines(ax, [line], _Z["graticule"], **kw)
        if y is not None:
            ax.text(x0, y, f"{_deg(lat, 'N', 'S', lang)} ", ha="right", va="center", **label)
