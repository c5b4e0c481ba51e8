"""Layer documents for the browser: geometry once, with every feature's looks over time.

One document per data layer and language (plus one for the basemap) holds each feature's display
geometry, its ``[from, to)`` intervals (:mod:`explorer.intervals`) and, per interval, a *look*:
the Leaflet path style, the tooltip and the popup (escaped HTML, the scene rendered by
:mod:`explorer.web.popups`). The browser downloads a document once per data version and, for any
date, picks the interval that holds it: no rule of the timeline is written twice.

Documents are plain JSON-able dicts, written byte-deterministically (sorted keys, no spaces) so
that every worker serving the same data names them with the same content hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from shapely.geometry import mapping

from explorer import intervals, layers, scene, style
from explorer.web import decor, popups

if TYPE_CHECKING:
    import geopandas as gpd

    from explorer.data import Dataset

__all__ = ["PANES", "basemap_document", "dumps", "layer_document", "version_of"]

#: Leaflet panes (z-index), from the one drawing order (:data:`explorer.layers.DRAW_ORDER`):
#: land < treaty shading < lakes < corridors < fortification lines < borders < sites.
PANES: Final[dict[str, int]] = layers.PANES

#: A day before every event (the "since always" state is looked up on it).
_EARLIEST: Final[dt.date] = dt.date(1900, 1, 1)


def dumps(doc: Mapping[str, Any]) -> bytes:
    """Serialise a document byte-deterministically (UTF-8, sorted keys, compact).

    Examples
    --------
    >>> dumps({"b": 1, "a": [1.5, None]})
    b'{"a":[1.5,null],"b":1}'
    """
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def version_of(payload: bytes) -> str:
    """Return the content hash that names a file (12 hex digits of SHA-256).

    Examples
    --------
    >>> version_of(b"")
    'e3b0c44298fc'
    """
    return hashlib.sha256(payload).hexdigest()[:12]


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _with_class(style_dict: Mapping[str, object], layer: str) -> dict[str, object]:
    out = dict(style_dict)
    out["className"] = " ".join(filter(None, [str(out.get("className", "")), f"bfe-layer-{layer}"]))
    return out


def _kind(feat: Mapping[str, Any]) -> str:
    gtype = feat["geometry"]["type"]
    if gtype in ("Point", "MultiPoint"):
        return "point"
    if gtype in ("Polygon", "MultiPolygon"):
        return "area"
    return "line"


def _look(layer: str, feat: Mapping[str, Any]) -> dict[str, Any]:
    """Return the style, tooltip and popup of one feature as :mod:`explorer.web.popups` made it."""
    props = feat["properties"]
    kind = _kind(feat)
    family = layers.family(layer)
    if family == "border":
        path = _with_class(style.border_style(props["priority"], props["precision"]), layer)
    elif family == "treaty":
        path = _with_class(style.treaty_style(props["status"]), layer)
        hatch = decor.treaty_class(props["status"])  # greyscale: a pattern besides the colour
        path["className"] = f"{path['className']} {hatch}".strip()
    elif props.get("partial"):  # a work not drawn: a hollow ring on its border, with its figure
        path = {
            **style.point_style(layer, props["state"]),
            "radius": 8,
            "color": style.PROGRAMME_COLOURS[layer],
            "weight": 3.0,
            "dashArray": "3 3",
            "fillColor": "#ffffff",
            "fillOpacity": 0.85,
            "className": f"bfe-layer-{layer} bfe-partial",
        }
    elif kind == "point":
        path = {**style.point_style(layer, props["state"]), "className": f"bfe-layer-{layer}"}
    else:
        # a corridor known only as a line is drawn like an approximate line
        precision = "corridor" if kind == "area" else props["precision"]
        if kind == "line" and precision == "corridor":
            precision = "approximate"
        path = _with_class(style.fortification_style(layer, precision, props["state"]), layer)
    return {"style": path, "tooltip": props["tooltip"], "popup": props["popup"]}


def _pane(layer: str, kind: str) -> str:
    return f"bfe-{layers.draw_part(layer, kind)}"


def _record(feat: Mapping[str, Any]) -> str:
    """Return the data record a feature draws: the country (treaty), the work (works and marks)."""
    props = feat["properties"]
    return str(props.get("iso3") or props.get("work") or feat["id"])


def layer_document(
    ds: Dataset, layer: str, *, lang: str = "en", treaty: str = "APMBC"
) -> dict[str, Any]:
    """Return one data layer for the browser: geometry, intervals and looks.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    layer : str
        A data layer id (:data:`explorer.layers.DATA_LAYERS`).
    lang : {"en", "pl"}, default "en"
        Language of tooltips and popups.
    treaty : {"APMBC", "CCM"}, default "APMBC"
        Treaty the ``treaty`` layer shades.

    Returns
    -------
    dict
        ``{"layer", "looks": [...], "features": [GeoJSON Feature]}``; a look is ``style``,
        ``tooltip``, ``popup`` and ``state`` (``[state, event id]``, None for borders); each
        feature's properties
        hold ``kind`` (line, area, point), ``pane`` and ``iv``: ``[from, to, look]`` rows with ISO
        dates (None for open ends), ``to`` exclusive. A date no row holds hides the feature.
    """
    looks: list[dict[str, Any]] = []
    look_index: dict[bytes, int] = {}
    out: dict[str, dict[str, Any]] = {}

    def add(
        feat: Mapping[str, Any], start: dt.date | None, end: dt.date | None, state: Any = None
    ) -> None:
        look = {**_look(layer, feat), "state": None if state is None else list(state)}
        blob = dumps(look)
        if blob not in look_index:
            look_index[blob] = len(looks)
            looks.append(look)
        fid = str(feat["id"])
        if fid not in out:
            kind = _kind(feat)
            out[fid] = {
                "type": "Feature",
                "id": fid,
                "geometry": feat["geometry"],
                "properties": {"kind": kind, "pane": _pane(layer, kind), "iv": []},
            }
            if feat["properties"].get("partial"):
                out[fid]["properties"]["partial"] = True
        out[fid]["properties"]["iv"].append([_iso(start), _iso(end), look_index[blob]])

    if layers.family(layer) == "border":
        frame = scene.layer_frame(ds, layer, _EARLIEST)
        for feat in popups.collection(ds, frame, lang)["features"]:
            add(feat, None, None)
    else:
        timelines = intervals.layer_intervals(ds, layer, treaty=treaty)
        by_day: dict[dt.date, dict[str, list[dict]]] = {}
        for fid, runs in timelines.items():
            for run in runs:
                day = run.start or _EARLIEST
                if day not in by_day:  # the scene on the run's first day, drawn marks included
                    frame = scene.layer_frame(ds, layer, day, treaty)
                    by_day[day] = {}
                    for f in popups.collection(ds, frame, lang, treaty)["features"]:
                        by_day[day].setdefault(_record(f), []).append(f)
                # none: no display geometry (e.g. all simplified away)
                for feat in by_day[day].get(fid, []):
                    add(feat, run.start, run.end, run.state)
    # Insertion order is the features' own (required border segments last: drawn on top).
    return {"layer": layer, "looks": looks, "features": list(out.values())}


def basemap_document(basemap: Mapping[str, gpd.GeoDataFrame]) -> dict[str, Any]:
    """Return the local vector basemap (land and lakes) for the browser, with its styles.

    Parameters
    ----------
    basemap : mapping of str to geopandas.GeoDataFrame
        ``countries`` and ``lakes`` (:func:`explorer.basemap.load_basemap`); missing keys are
        skipped.

    Returns
    -------
    dict
        ``{"layer": "basemap", "parts": [{"pane", "style", "geometry": [...]}, ...]}``.
    """
    parts = []
    for key, pane, path_style in (
        ("countries", "bfe-land", style.land_style()),
        ("lakes", "bfe-lakes", style.lake_style()),
    ):
        if key not in basemap:
            continue
        geoms = [
            mapping(geom)
            for geom in basemap[key].geometry
            if geom is not None and not geom.is_empty
        ]
        parts.append({"name": key, "pane": pane, "style": dict(path_style), "geometry": geoms})
    return {"layer": "basemap", "parts": parts}


def data_window(basemap: Mapping[str, gpd.GeoDataFrame]) -> tuple[float, float, float, float]:
    """Return the basemap's extent ``(west, south, east, north)``: the map never looks past it."""
    west, south, east, north = basemap["countries"].total_bounds
    return (float(west), float(south), float(east), float(north))
