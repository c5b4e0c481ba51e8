"""An analyst's overlay as display data: GeoJSON with escaped popups, compact points, legend rows.

Pure and folium-free (like :mod:`explorer.web.popups`), so the result can be kept in session state
and tested as data; :func:`explorer.web.folium_map.overlay_group` turns it into a folium layer.
Text from
the file becomes HTML only through :mod:`explorer.overlay.popups` (escaped).
"""

from __future__ import annotations

import base64
from typing import Any, Final

import numpy as np
import shapely
from shapely.geometry import mapping

from explorer import i18n, legend
from explorer.overlay.model import KINDS, Overlay
from explorer.overlay.popups import esc, label_html, popup_html, tooltip_html

__all__ = [
    "CANVAS_MIN_FEATURES",
    "CANVAS_MIN_VERTICES",
    "OVERLAY_COLOUR",
    "canvas_data",
    "legend_items",
    "overlay_collection",
    "path_style",
]

#: The overlay's colour (Paul Tol's indigo: apart from every programme and treaty colour).
OVERLAY_COLOUR: Final[str] = "#332288"
#: From this many features of one kind (points, lines or polygons) on, or this many vertices,
#: that kind is drawn on one canvas from typed arrays (:func:`canvas_data`; the technique measured
#: in ``benchmarks/large_overlay_app.py``), with a short label each instead of a table: as
#: GeoJSON through folium, 100,000 points were 3.3 MB and 20,000 polygons 11.6 MB per rerun.
CANVAS_MIN_FEATURES: Final[int] = 2000
CANVAS_MIN_VERTICES: Final[int] = 50_000
#: Coordinates sent to the browser keep 5 decimals (about 1 m).
DECIMALS: Final[int] = 5


def path_style(kind: str) -> dict[str, object]:
    """Return the Leaflet path style of overlay ``point``, ``line`` or ``polygon`` features.

    Examples
    --------
    >>> path_style("polygon")["fillColor"]
    '#332288'
    """
    base: dict[str, object] = {
        "color": OVERLAY_COLOUR,
        "weight": 2.5,
        "opacity": 0.95,
        "className": "bfe-layer-overlay",
    }
    if kind == "point":
        return {**base, "color": "#ffffff", "weight": 1.5, "fillColor": OVERLAY_COLOUR,
                "fillOpacity": 0.9, "radius": 6}  # fmt: skip
    if kind == "polygon":
        return {**base, "weight": 2.0, "fillColor": OVERLAY_COLOUR, "fillOpacity": 0.25}
    if kind == "line":
        return base
    raise ValueError(f"unknown overlay kind {kind!r}; expected point, line or polygon")


def _round(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda c: np.round(c, DECIMALS))


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def canvas_data(
    geoms: np.ndarray,
    kind: str,
    *,
    labels: list[str | None] | None = None,
    first: int = 1,
    lang: str = "en",
    title: str = "",
) -> dict[str, Any]:
    """Encode features of one kind compactly for the overlay's canvas layer (JSON-able).

    Coordinates become one base64 little-endian ``float32`` array (8 bytes a vertex, ~1 m at
    these longitudes) instead of GeoJSON text; the browser decodes it into a typed array.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        All ``point`` (Point, MultiPoint), ``line`` (LineString, MultiLineString) or ``polygon``
        (Polygon, MultiPolygon) features, in order.
    kind : {"point", "line", "polygon"}
        Their kind.
    labels : list of str or None, optional
        Escaped HTML label per feature; None (for one or all) means "Feature <number>".
    first : int, default 1
        Number of the first feature in the default label (features are numbered in order).
    lang : {"en", "pl"}, default "en"
        Language of the default label.
    title : str, default ""
        Escaped HTML heading of every popup.

    Returns
    -------
    dict
        ``kind``, ``count`` (features), ``coords`` (base64 float32 lon, lat pairs; polygon rings
        without their closing vertex, exteriors counter-clockwise and holes clockwise),
        ``parts`` (base64 uint32 vertices per ring or line part; "" for points, where each
        vertex is one point), ``groups`` (base64 uint32 parts or points per feature; "" when
        every feature has exactly one), ``labels`` (the escaped labels joined by ``|``, a
        literal ``|`` in them as ``&#124;``, "" for a default one; None when all are the
        default), ``prefix`` and ``suffix`` (escaped text around the number of the default
        label), ``first``, ``title`` and ``colour``.

    Examples
    --------
    >>> d = canvas_data(np.array([shapely.Point(21, 52)]), "point")
    >>> d["count"], d["parts"], d["groups"], d["prefix"], d["suffix"]
    (1, '', '', 'Feature ', '')
    >>> canvas_data(np.array([], dtype=object), "point")["coords"]
    ''
    """
    geoms = np.asarray(geoms, dtype=object)
    if kind == "point":
        coords, owner = shapely.get_coordinates(geoms, return_index=True)
        sizes = None
    elif kind in ("line", "polygon"):
        parts, owner = shapely.get_parts(geoms, return_index=True)
        if kind == "polygon":
            # Exteriors one way, holes the other: the canvas fills all rings as one path with the
            # nonzero rule, so holes stay open and neighbours simply overlap.
            parts = shapely.orient_polygons(parts)
            parts, ring_owner = shapely.get_rings(parts, return_index=True)
            owner = owner[ring_owner]
        coords, vertex_part = shapely.get_coordinates(parts, return_index=True)
        sizes = np.bincount(vertex_part, minlength=len(parts))
        if kind == "polygon" and len(coords):  # rings close themselves: drop the repeated vertex
            coords = np.delete(coords, np.cumsum(sizes) - 1, axis=0)
            sizes = sizes - 1
    else:
        raise ValueError(f"unknown overlay kind {kind!r}; expected point, line or polygon")
    per_feature = np.bincount(owner, minlength=len(geoms))
    prefix, _, suffix = i18n.t("overlay.popup.feature", lang, n="\x00").partition("\x00")
    return {
        "kind": kind,
        "count": len(geoms),
        "coords": _b64(coords.astype("<f4")),
        "parts": "" if sizes is None else _b64(sizes.astype("<u4")),
        "groups": "" if (per_feature == 1).all() else _b64(per_feature.astype("<u4")),
        # One string, not a JSON list: ~5 bytes less per label once the script is itself quoted
        # inside the component's JSON (100,000 labels: 0.5 MB less). "|" cannot occur in them.
        "labels": None
        if labels is None or all(x is None for x in labels)
        else "|".join("" if x is None else x.replace("|", "&#124;") for x in labels),
        "prefix": esc(prefix),
        "suffix": esc(suffix),
        "first": first,
        "title": title,
        "colour": OVERLAY_COLOUR,
    }


def _use_canvas(geoms: np.ndarray) -> bool:
    n = len(geoms)
    return n >= CANVAS_MIN_FEATURES or (
        n > 0 and int(shapely.get_num_coordinates(geoms).sum()) >= CANVAS_MIN_VERTICES
    )


def overlay_collection(overlay: Overlay, lang: str = "en") -> dict:
    """Return the overlay as display data (plain JSON-able; keep it, build folium from it).

    Parameters
    ----------
    overlay : Overlay
        From :func:`explorer.overlay.read_overlay`.
    lang : {"en", "pl"}, default "en"
        Language of the popups' fixed text.

    Returns
    -------
    dict
        ``name`` (escaped HTML of the legend heading), ``kinds`` (counts), and per kind either a
        GeoJSON FeatureCollection under ``point``, ``line``, ``polygon`` whose features carry
        escaped ``tooltip`` and ``popup`` properties, or, for a kind with
        :data:`CANVAS_MIN_FEATURES` features or :data:`CANVAS_MIN_VERTICES` vertices or more,
        its :func:`canvas_data` under ``canvas[kind]`` (popups with the feature's name only).
    """
    gdf = overlay.gdf
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    # (no property at all: to_dict gives no records, not one empty record per feature)
    records = gdf[columns].to_dict("records") if columns else [{} for _ in range(len(gdf))]
    geoms = gdf.geometry.values
    kinds = gdf.geometry.geom_type.map(KINDS).to_numpy(dtype=object)
    out: dict[str, Any] = {
        "name": esc(i18n.t("overlay.legend.group", lang, name=overlay.name)),
        "kinds": {k: int((kinds == k).sum()) for k in ("point", "line", "polygon")},
    }
    for kind in ("point", "line", "polygon"):
        rows = np.flatnonzero(kinds == kind)
        if not len(rows):
            continue
        if _use_canvas(geoms[rows]):
            labels: list[str | None] = [label_html(records[i]) for i in rows]
            contiguous = rows[-1] - rows[0] == len(rows) - 1
            if not contiguous:  # the default label's number cannot be counted from the first
                labels = [tooltip_html(records[i], int(i) + 1, lang) for i in rows]
            out.setdefault("canvas", {})[kind] = canvas_data(
                np.asarray(geoms[rows], dtype=object),
                kind,
                labels=labels,
                first=int(rows[0]) + 1,
                lang=lang,
                title=out["name"],
            )
            continue
        feats = [
            {
                "type": "Feature",
                "id": f"overlay-{i + 1}",
                "properties": {
                    "layer": "overlay",
                    "tooltip": tooltip_html(records[i], int(i) + 1, lang),
                    "popup": popup_html(records[i], int(i) + 1, overlay.name, lang),
                },
                "geometry": mapping(_round(geoms[i])),
            }
            for i in rows
        ]
        out[kind] = {"type": "FeatureCollection", "features": feats}
    return out


def legend_items(overlay: Overlay, lang: str = "en") -> list[legend.LegendItem]:
    """Return legend rows for the overlay: one per kind present, under "Your overlay: <name>".

    The texts are plain (the file name as given): :func:`explorer.web.legend_html.legend_html`
    escapes them for HTML and :mod:`explorer.printmap` draws them as text.
    """
    group = i18n.t("overlay.legend.group", lang, name=overlay.name)
    items = []
    for kind, n in overlay.counts().items():
        if not n:
            continue
        s = path_style(kind)
        items.append(
            legend.LegendItem(
                layer="overlay",
                group=group,
                label=i18n.t(f"overlay.legend.{kind}", lang, n=f"{n:,}"),
                kind="fill" if kind == "polygon" else kind,  # type: ignore[typeddict-item]
                colour=OVERLAY_COLOUR,
                dash=None,
                weight=float(s["weight"]),
                opacity=0.6 if kind == "polygon" else 0.95,
                hatch=False,
                outline=OVERLAY_COLOUR if kind == "polygon" else None,
            )
        )
    return items
