"""Geometry to matplotlib artists: paths, line parts, line styles, collections, legend swatches.

Also what the other parts share about drawing: the order of the map's layers (:data:`_Z`), the
conversion of the app's CSS-pixel styles to points (:data:`PX_TO_PT`), the look of the mark of
works that are not drawn, and keeping a user's text literal (:func:`_plain`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.path import Path as MplPath
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry

from explorer import legend
from explorer.layers import PRINT_Z

__all__ = ["PX_TO_PT"]

#: Leaflet styles are in CSS pixels (1/96 in); matplotlib widths are points (1/72 in).
PX_TO_PT: Final[float] = 0.75

#: Drawing order (z-order by part), the same as the browser's panes: one definition,
#: :data:`explorer.layers.DRAW_ORDER`.
_Z: Final[dict[str, float]] = PRINT_Z

#: Text colour and "halo" of the figures of works that are not drawn. The halo is a translucent
#: white box: a stroke path effect would turn the text into outlines in SVG and PDF.
_PARTIAL_TEXT: Final[str] = "#1f1f1f"
_PARTIAL_HALO: Final[dict[str, Any]] = {
    "boxstyle": "round,pad=0.25",
    "facecolor": (1, 1, 1, 0.82),
    "edgecolor": "#9a9a9a",
    "linewidth": 0.4,
}


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


def _partial_dot(ax: Axes, x: float, y: float, **kwargs: Any) -> None:
    """Draw the mark on a border where the figure of a work that is not drawn is written."""
    ax.plot(x, y, marker="o", markersize=5.5, markerfacecolor="white", markeredgecolor="#1f1f1f",
            markeredgewidth=1.4, linestyle="none", **kwargs)  # fmt: skip


def _swatch(ax: Axes, item: legend.LegendItem, x: float, y: float) -> None:
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


def _plain(text: str) -> str:
    r"""Keep text from a user's file literal: ``$`` would start matplotlib's mathtext.

    Examples
    --------
    >>> _plain("a $x$ b")
    'a \\$x\\$ b'
    """
    return text.replace("$", r"\$")
