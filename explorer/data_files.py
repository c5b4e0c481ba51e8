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
    "to_csv_bytes",
    "to_geojson_bytes",
    "to_gpkg_bytes",
    "with_overlay_rows",
]

#: Decimals kept in GeoJSON/CSV coordinates (about 0.1 m; the data has 5).
COORD_DECIMALS: Final[int] = 6


def _rounded(gdf: gpd.GeoDataFrame) -> gpd.GeoSeries:
    return gdf.geometry.apply(
        lambda g: g if g is None else shapely.transform(g, lambda c: np.round(c, COORD_DECIMALS))
    )


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

    The collection carries ``attribution``, ``date``, ``data_as_of`` and ``title`` as foreign
    members; every feature keeps its ``sources`` and ``source_refs`` properties.

    Examples
    --------
    >>> empty = gpd.GeoDataFrame({"sources": []}, geometry=[], crs="EPSG:4326")
    >>> json.loads(to_geojson_bytes(empty))["features"]
    []
    """
    lonlat = gdf.to_crs("EPSG:4326") if gdf.crs is not None else gdf
    features = []
    columns = [c for c in lonlat.columns if c != lonlat.geometry.name]
    for geom, rec in zip(_rounded(lonlat), lonlat[columns].to_dict("records"), strict=True):
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


def to_gpkg_bytes(gdf: gpd.GeoDataFrame, *, ds: Dataset | None = None) -> bytes:
    """Return the features as a GeoPackage: layer ``features`` (and ``sources`` with ``ds``).

    Written with pyogrio to a temporary file (GeoPackage is SQLite: it needs a real file), then
    read back as bytes. With ``ds``, a non-spatial ``sources`` table lists every cited source in
    full (id, publisher, title, url, date, accessed, note).
    """
    with tempfile.TemporaryDirectory(prefix="bfe-gpkg-") as folder:
        path = Path(folder) / "export.gpkg"
        description = f"Border Fortification Explorer, data as of {DATA_AS_OF}. "
        description += text.attribution_text()
        gdf.to_file(
            path,
            layer="features",
            driver="GPKG",
            engine="pyogrio",
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
