"""The data in view as files: GeoJSON, GeoPackage and CSV, with sources and attribution.

Each writer takes the flat table of a scene (:func:`explorer.table.features_table`) and keeps
its source ids, full references and the map data's credit in every row; an analyst's overlay
becomes rows of its own (:func:`with_overlay_rows`). :mod:`explorer.export` picks the writer
for a format.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import mapping

from explorer import table, text
from explorer.config import DATA_AS_OF
from explorer.i18n import t
from explorer.overlay import KINDS
from explorer.overlay import popups as overlay_popups

if TYPE_CHECKING:
    from explorer.data import Dataset
    from explorer.overlay import Overlay

__all__ = [
    "COORD_DECIMALS",
    "GPKG_LAYERS",
    "to_csv_bytes",
    "to_geojson_bytes",
    "to_gpkg_bytes",
    "with_overlay_rows",
]

#: Decimals kept in GeoJSON/CSV coordinates (about 0.1 m; the data has 5).
COORD_DECIMALS: Final[int] = 6


#: GeoPackage feature layers, one geometry type each: element -> (layer name, geometry type).
#: Lines and polygons are always written as multi-part types, so a layer's type does not depend
#: on the view; points are ``Point`` unless a row is a ``MultiPoint`` (an overlay's).
GPKG_LAYERS: Final[dict[str, tuple[str, str]]] = {
    "point": ("features_points", "Point"),
    "line": ("features_lines", "MultiLineString"),
    "polygon": ("features_polygons", "MultiPolygon"),
}

#: GeoPackage version written: 1.2, which every GDAL since 2.2 (Debian's ``ogrinfo`` among them),
#: QGIS and ArcGIS read without a warning; pyogrio's own GDAL would write 1.4.
GPKG_VERSION: Final[str] = "1.2"

#: shapely type id -> element (:data:`GPKG_LAYERS`); -1 is a missing geometry.
_ELEMENT_OF_TYPE_ID: Final[dict[int, str]] = {
    0: "point",
    4: "point",
    1: "line",
    5: "line",
    3: "polygon",
    6: "polygon",
}


def _rfc7946_geometries(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Geometries rounded to :data:`COORD_DECIMALS`, polygons oriented by the right-hand rule.

    RFC 7946 (section 3.1.6): a polygon's exterior ring is counter-clockwise and its holes are
    clockwise. Oriented after rounding, so rounding cannot undo it.

    Examples
    --------
    >>> clockwise = shapely.Polygon([(0, 0), (0, 1), (1, 1), (1, 0)])
    >>> frame = gpd.GeoDataFrame(geometry=[clockwise, None], crs="EPSG:4326")
    >>> [g if g is None else g.exterior.is_ccw for g in _rfc7946_geometries(frame)]
    [True, None]
    """
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    rounded = shapely.transform(geoms, lambda c: np.round(c, COORD_DECIMALS))
    return shapely.orient_polygons(rounded, exterior_cw=False)


def _json_value(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def to_geojson_bytes(
    gdf: gpd.GeoDataFrame,
    *,
    title: str | None = None,
    date: dt.date | None = None,
    lang: str = "en",
) -> bytes:
    """Return the features as an RFC 7946 FeatureCollection (UTF-8).

    As the RFC asks: longitude and latitude on WGS 84 (no ``crs`` member), polygons by the
    right-hand rule (exterior rings counter-clockwise, holes clockwise). The collection carries
    ``attribution``, ``date``, ``data_as_of`` and ``title`` as foreign members; every feature
    keeps its ``sources`` and ``source_refs`` properties.

    Examples
    --------
    >>> empty = gpd.GeoDataFrame({"sources": []}, geometry=[], crs="EPSG:4326")
    >>> json.loads(to_geojson_bytes(empty))["features"]
    []
    """
    lonlat = gdf.to_crs("EPSG:4326") if gdf.crs is not None else gdf
    features = []
    columns = [c for c in lonlat.columns if c != lonlat.geometry.name]
    records = lonlat[columns].to_dict("records")
    for geom, rec in zip(_rfc7946_geometries(lonlat), records, strict=True):
        features.append(
            {
                "type": "Feature",
                "properties": {k: _json_value(v) for k, v in rec.items()},
                "geometry": None if geom is None else mapping(geom),
            }
        )
    day = date.isoformat() if date is not None else None
    if day is None and "date" in lonlat.columns and len(lonlat):
        day = lonlat["date"].iloc[0]
    collection = {
        "type": "FeatureCollection",
        "title": title or t("export.default_title", lang),
        "date": _json_value(day),
        "data_as_of": DATA_AS_OF,
        "attribution": text.attribution_text(),
        "sources_note": "source ids resolve to geodata/sources.csv; source_refs has them in full",
        "features": features,
    }
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _sources_table(ds: Dataset, ids: Sequence[str]) -> pd.DataFrame:
    known = [i for i in ids if i in ds.sources.index]
    table = ds.sources.loc[known].reset_index()
    return table.astype(object).where(table.notna(), None)


def _gpkg_parts(gdf: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """Split the rows by element (:data:`GPKG_LAYERS`), keeping their order.

    Raises
    ------
    ValueError
        For a row with no geometry or a geometry collection (no layer type fits it).
    """
    type_ids = shapely.get_type_id(np.asarray(gdf.geometry.values, dtype=object))
    elements = pd.Series([_ELEMENT_OF_TYPE_ID.get(int(i)) for i in type_ids], index=gdf.index)
    if elements.isna().any():
        found = gdf.geometry[elements.isna()].geom_type.fillna("no geometry")
        raise ValueError(f"no GeoPackage layer for {', '.join(sorted(set(found)))}")
    return {element: gdf[elements == element] for element in GPKG_LAYERS}


def to_gpkg_bytes(gdf: gpd.GeoDataFrame, *, ds: Dataset | None = None) -> bytes:
    """Return the features as a GeoPackage: one layer per geometry type, and ``sources``.

    Points, lines and polygons go to the layers ``features_points`` (``Point``, or
    ``MultiPoint`` when a row is one), ``features_lines`` (``MultiLineString``) and
    ``features_polygons`` (``MultiPolygon``), each only when it has rows, so every layer has
    one geometry type, as GIS tools expect (:data:`GPKG_LAYERS`). A view with no features gets
    the three layers empty, so the file still shows the columns. With ``ds``, a non-spatial
    ``sources`` table lists every cited source in full (id, publisher, title, url, date,
    accessed, note).

    Written with pyogrio to a temporary file (GeoPackage is SQLite: it needs a real file), then
    read back as bytes, as GeoPackage :data:`GPKG_VERSION`.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The features (:func:`explorer.table.features_in_view`, perhaps
        :func:`with_overlay_rows`).
    ds : Dataset, optional
        The loaded data, for the ``sources`` table.

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        For a row with no geometry or a geometry collection.
    """
    parts = _gpkg_parts(gdf)
    written = {k: part for k, part in parts.items() if len(part)} or parts
    with tempfile.TemporaryDirectory(prefix="bfe-gpkg-") as folder:
        path = Path(folder) / "export.gpkg"
        description = f"Border Fortification Explorer, data as of {DATA_AS_OF}. "
        description += text.attribution_text()
        for n, (element, part) in enumerate(written.items()):
            layer, geometry_type = GPKG_LAYERS[element]
            if element == "point" and (part.geom_type == "MultiPoint").any():
                geometry_type = "MultiPoint"
            pyogrio.write_dataframe(
                part,
                path,
                layer=layer,
                driver="GPKG",
                geometry_type=geometry_type,
                promote_to_multi=geometry_type.startswith("Multi"),
                dataset_options=None if n else {"VERSION": GPKG_VERSION},
                layer_options={"DESCRIPTION": description},
            )
        if ds is not None:
            refs = _sources_table(ds, table.sources_of(gdf))
            if len(refs):  # a plain attribute table (no geometry column)
                pyogrio.write_dataframe(refs, path, layer="sources", driver="GPKG")
        return path.read_bytes()


def to_csv_bytes(gdf: gpd.GeoDataFrame) -> bytes:
    """Return the features as CSV (UTF-8), with a point and the geometry as text.

    Columns: the attributes (``sources``, ``source_refs``, ``attribution`` included), ``lon`` and
    ``lat`` of a point on each feature, and the geometry as ``wkt`` (last).

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"id": ["a"], "sources": ["s1; s2"]}, geometry=[Point(21, 54)],
    ...                      crs="EPSG:4326")
    >>> print(to_csv_bytes(g).decode().strip())
    id,sources,lon,lat,wkt
    a,s1; s2,21.0,54.0,POINT (21 54)
    """
    lonlat = gdf.to_crs("EPSG:4326") if gdf.crs is not None else gdf
    frame = pd.DataFrame(lonlat.drop(columns=lonlat.geometry.name))
    geoms = lonlat.geometry.values
    points = shapely.point_on_surface(geoms)
    frame["lon"] = np.round(shapely.get_x(points), 5)
    frame["lat"] = np.round(shapely.get_y(points), 5)
    frame["wkt"] = shapely.to_wkt(geoms, rounding_precision=COORD_DECIMALS, trim=True)
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def with_overlay_rows(
    gdf: gpd.GeoDataFrame, overlay: Overlay, *, bbox: Sequence[float], lang: str = "en"
) -> gpd.GeoDataFrame:
    """Append an overlay's features touching ``bbox`` to the data of a view.

    Overlay rows have ``layer`` "overlay", ``id`` "overlay-<n>" (n: the feature's number in the
    file), ``name`` its name-like property, ``element`` point/line/polygon, empty ``sources``,
    ``attribution`` "Your overlay: <file name>" and every property as JSON text in
    ``properties`` (a column added for all rows).
    """
    area = shapely.box(*bbox)
    src = overlay.gdf
    columns = [c for c in src.columns if c != src.geometry.name]
    label = overlay_popups.label_column(columns)
    records = src[columns].to_dict("records")
    rows = [
        {**rec, "properties": None, "geometry": geom}
        for rec, geom in zip(
            pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).to_dict("records"),
            gdf.geometry.values,
            strict=True,
        )
    ]
    attribution = t("overlay.legend.group", lang, name=overlay.name)
    for n, (rec, geom) in enumerate(zip(records, src.geometry.values, strict=True), start=1):
        if not geom.intersects(area):
            continue
        values = {k: _json_value(v) for k, v in rec.items()}
        rows.append(
            {
                "layer": "overlay",
                "id": f"overlay-{n}",
                "name": None if label is None else _json_value(rec[label]),
                "element": KINDS[geom.geom_type],
                "sources": "",
                "source_refs": "",
                "attribution": attribution,
                "properties": json.dumps(values, ensure_ascii=False, default=str),
                "geometry": geom,
            }
        )
    order = [c for c in gdf.columns if c != gdf.geometry.name] + ["properties", "geometry"]
    frame = pd.DataFrame.from_records(rows, columns=order)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")
