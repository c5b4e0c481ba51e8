"""GeoJSON: a FeatureCollection, one Feature or one bare geometry (RFC 7946, old ``crs`` member).

Checked object by object (types, nesting, positions) so that a bad file gets one message naming
the feature and what was found. :func:`read_geojson` returns the features' properties, their
geometries (None for a null one) and the CRS the file names, if any;
:func:`explorer.overlay.checks.finish` does the rest.
"""

from __future__ import annotations

import json
from typing import Final

import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from explorer.overlay.model import OverlayError, OverlayLimits, clean
from explorer.overlay.text import decode_text

__all__ = ["read_geojson"]

#: Nesting depth of a position inside each GeoJSON geometry type's ``coordinates``.
_DEPTH: Final[dict[str, int]] = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}


def _json_kind(value: object) -> str:
    """Name a JSON value's type for a message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_coords(coords: object, depth: int, gtype: str, n: int) -> None:
    """Check the nesting of ``coordinates`` and that every position holds 2–3 numbers."""
    if depth == 0:
        if not isinstance(coords, list) or not 2 <= len(coords) <= 4:
            got = _json_kind(coords) if not isinstance(coords, list) else f"{len(coords)} values"
            raise OverlayError("overlay.error.position", n=n, type=gtype, got=got)
        for value in coords:
            if not _is_number(value):
                raise OverlayError(
                    "overlay.error.coordinate_type", n=n, type=gtype, got=_json_kind(value),
                    value=json.dumps(value, ensure_ascii=False)[:40],
                )  # fmt: skip
        return
    if not isinstance(coords, list):
        raise OverlayError("overlay.error.nesting", n=n, type=gtype, got=_json_kind(coords))
    for item in coords:
        _check_coords(item, depth - 1, gtype, n)


def _geometry(geom: object, n: int) -> shapely.Geometry | None:
    """Build one geometry from a GeoJSON geometry object (None for a null geometry)."""
    if geom is None:
        return None
    if not isinstance(geom, dict):
        raise OverlayError("overlay.error.geometry_object", n=n, got=_json_kind(geom))
    gtype = geom.get("type")
    if gtype == "GeometryCollection":
        raise OverlayError("overlay.error.collection", n=n)
    if gtype not in _DEPTH:
        raise OverlayError("overlay.error.geometry_type", n=n, type=clean(json.dumps(gtype), 40))
    coords = geom.get("coordinates")
    _check_coords(coords, _DEPTH[gtype], gtype, n)
    try:
        return shapely.geometry.shape({"type": gtype, "coordinates": coords})
    except (ValueError, TypeError, shapely.errors.ShapelyError):
        return shapely.Point()  # malformed (e.g. a one-point line): dropped as unrepairable


def _properties(props: object, n: int) -> dict:
    if props is None:
        return {}
    if not isinstance(props, dict):
        raise OverlayError("overlay.error.properties", n=n, got=_json_kind(props))
    return {
        (k if k != "geometry" else "geometry (property)"): (
            json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
        )
        for k, v in props.items()
    }


def _crs_member(doc: dict) -> CRS | None:
    """Read the pre-RFC 7946 ``crs`` member (``{"type": "name", "properties": {"name": ...}}``)."""
    member = doc.get("crs")
    if member is None:
        return None
    name = member.get("properties", {}).get("name") if isinstance(member, dict) else None
    if not isinstance(name, str):
        raise OverlayError("overlay.error.crs", crs=clean(json.dumps(member), 60))
    try:
        return CRS.from_user_input(name)
    except CRSError:
        raise OverlayError("overlay.error.crs", crs=name) from None


def read_geojson(data: bytes, lim: OverlayLimits) -> tuple[list[dict], list, CRS | None]:
    """Parse GeoJSON: a FeatureCollection, one Feature or one bare geometry.

    Parameters
    ----------
    data : bytes
        The file's content.
    lim : OverlayLimits
        The feature limit is checked before any feature is built.

    Returns
    -------
    props : list of dict
        Each feature's properties (nested values as JSON text).
    geoms : list
        Each feature's shapely geometry; None for a null geometry, an empty one for a malformed
        one (e.g. a line of one point).
    crs : pyproj.CRS or None
        From the old ``crs`` member; None without one (RFC 7946: WGS84).

    Raises
    ------
    OverlayError
        For text that is not JSON, wrong JSON types, bad nesting or positions, a
        GeometryCollection, no features or too many.
    """
    text = decode_text(data, "geojson")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OverlayError(
            "overlay.error.json", line=exc.lineno, col=exc.colno, why=exc.msg
        ) from None
    except RecursionError:
        raise OverlayError(
            "overlay.error.json", line="?", col="?", why="nested too deeply"
        ) from None
    if not isinstance(doc, dict):
        raise OverlayError("overlay.error.json_type", got=_json_kind(doc))
    gtype = doc.get("type")
    if gtype == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list):
            raise OverlayError("overlay.error.features", got=_json_kind(feats))
    elif gtype == "Feature":
        feats = [doc]
    elif gtype in _DEPTH or gtype == "GeometryCollection":
        feats = [{"type": "Feature", "properties": {}, "geometry": doc}]
    else:
        raise OverlayError("overlay.error.geojson_type", type=clean(json.dumps(gtype), 40))
    if not feats:
        raise OverlayError("overlay.error.no_features")
    if len(feats) > lim.max_features:
        raise OverlayError(
            "overlay.error.too_many", n=f"{len(feats):,}", limit=f"{lim.max_features:,}"
        )
    crs = _crs_member(doc)
    props, geoms = [], []
    for n, feat in enumerate(feats, start=1):
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            got = _json_kind(feat) if not isinstance(feat, dict) else repr(feat.get("type"))
            raise OverlayError("overlay.error.feature", n=n, got=clean(got, 40))
        props.append(_properties(feat.get("properties"), n))
        geom = feat.get("geometry")
        if isinstance(geom, dict) and geom.get("type") == "Point":
            _check_coords(geom.get("coordinates"), 0, "Point", n)
            coords = geom["coordinates"]
            geoms.append(shapely.Point(*coords[:3]))
        else:
            geoms.append(_geometry(geom, n))
    return props, geoms, crs
