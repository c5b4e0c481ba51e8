"""Exports of a map view: static maps (PNG, SVG, PDF), a standalone HTML map, and the data.

Every export describes one view (visible layers, date, bounding box, language):

* ``png``, ``svg``, ``pdf``: the print map of :func:`explorer.printmap.render_static`;
* ``html``: the interactive map as one offline file (Leaflet, data, legend and popups inlined);
* ``geojson``, ``gpkg``, ``csv``: the features in the view on that date
  (:func:`explorer.table.features_in_view`) with their source ids, full references and the data
  attribution.

For the app, :func:`export_bytes` returns the file's bytes (for ``st.download_button``, with
:data:`MIME_TYPES` and :func:`default_filename`); for scripts, :func:`export` writes a file
atomically (:func:`write_atomic`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import mapping

from explorer import printmap, table, text, view
from explorer.config import DATA_AS_OF
from explorer.files import write_atomic
from explorer.i18n import t
from explorer.layers import DEFAULT_LAYERS, LAYER_IDS
from explorer.overlay import KINDS
from explorer.overlay import popups as overlay_popups
from explorer.table import features_in_view
from explorer.view import DEFAULT_BBOX

if TYPE_CHECKING:
    from explorer.data import Dataset
    from explorer.overlay import Overlay

__all__ = [
    "DEFAULT_BBOX",
    "EXTENSIONS",
    "FORMATS",
    "MIME_TYPES",
    "ExportError",
    "default_filename",
    "export",
    "export_bytes",
    "features_in_view",
    "format_for",
    "to_csv_bytes",
    "to_geojson_bytes",
    "to_gpkg_bytes",
    "write_atomic",
]

#: Every export format, static maps first.
FORMATS: Final[tuple[str, ...]] = ("png", "svg", "pdf", "html", "geojson", "gpkg", "csv")

#: File extension -> format.
EXTENSIONS: Final[dict[str, str]] = {
    ".png": "png",
    ".svg": "svg",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".geojson": "geojson",
    ".gpkg": "gpkg",
    ".csv": "csv",
}

#: Format -> MIME type (for download buttons).
MIME_TYPES: Final[dict[str, str]] = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "html": "text/html",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "csv": "text/csv",
}

#: Decimals kept in GeoJSON/CSV coordinates (about 0.1 m; the data has 5).
COORD_DECIMALS: Final[int] = 6


class ExportError(ValueError):
    """An export was asked for with a bad argument (format, extension, dpi, layer)."""


class OutsideDataError(ExportError):
    """The export's box lies entirely outside the map's data (:func:`explorer.view.data_window`)."""


def check_data_coverage(bbox: Sequence[float], lang: str = "en") -> str | None:
    """Refuse a box outside the map's data; return a warning when it is partly outside.

    Parameters
    ----------
    bbox : (west, south, east, north)
        Degrees.
    lang : {"en", "pl"}, default "en"
        Language of the message.

    Returns
    -------
    str or None
        One line saying which part of the box has no data (also printed on static maps), or
        None when the box lies inside the data.

    Raises
    ------
    OutsideDataError
        When the box does not overlap the data at all: the map would be all sea.

    Examples
    --------
    >>> check_data_coverage((14, 49, 24.5, 55)) is None
    True
    >>> check_data_coverage((40, 60, 50, 65))  # doctest: +ELLIPSIS
    "Part of the box 40,60,50,65 lies outside the map's data (3–46°E, 42.5–72.5°N): ..."
    """
    coverage = view.bbox_data_coverage(bbox)
    if coverage == "inside":
        return None
    values = {"bbox": ",".join(f"{v:g}" for v in bbox), "window": view.data_window_text(lang)}
    if coverage == "outside":
        raise OutsideDataError(t("export.outside_data", lang, **values))
    return t("export.partly_outside", lang, **values)


# --- Arguments ---------------------------------------------------------------------------------


def format_for(path: Path | str, fmt: str | None = None) -> str:
    """Return the export format for ``path``: ``fmt`` if given, else from the file's extension.

    Raises
    ------
    ExportError
        For an unknown format or extension, or an extension naming another format.

    Examples
    --------
    >>> format_for("map.PNG")
    'png'
    >>> format_for("map.txt")
    Traceback (most recent call last):
    ...
    explorer.export.ExportError: cannot tell the format from the extension '.txt': use one of .png, .svg, .pdf, .html, .htm, .geojson, .gpkg, .csv or give the format
    >>> format_for("map.png", "pdf")
    Traceback (most recent call last):
    ...
    explorer.export.ExportError: the extension '.png' does not match the format 'pdf'
    """  # noqa: E501
    suffix = Path(path).suffix.lower()
    if fmt is not None:
        if fmt not in FORMATS:
            raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
        if suffix in EXTENSIONS and EXTENSIONS[suffix] != fmt:
            raise ExportError(f"the extension {suffix!r} does not match the format {fmt!r}")
        return fmt
    if suffix not in EXTENSIONS:
        raise ExportError(
            f"cannot tell the format from the extension {suffix or '(none)'!r}: use one of "
            f"{', '.join(EXTENSIONS)} or give the format"
        )
    return EXTENSIONS[suffix]


def default_filename(fmt: str, date: dt.date) -> str:
    """Return a file name for a download.

    Examples
    --------
    >>> default_filename("gpkg", dt.date(2026, 2, 20))
    'border-fortifications-2026-02-20.gpkg'
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return f"border-fortifications-{date.isoformat()}.{fmt}"


def _check_layers(layers: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(layers))
    unknown = [i for i in wanted if i not in LAYER_IDS]
    if unknown:
        raise ExportError(f"unknown layer(s) {', '.join(unknown)}: use {', '.join(LAYER_IDS)}")
    return [i for i in LAYER_IDS if i in wanted]


def _check_dpi(dpi: int) -> int:
    low, high = printmap.DPI_RANGE
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not low <= dpi <= high:
        raise ExportError(f"dpi must be a whole number {low}–{high}, got {dpi!r}")
    return dpi


# --- Data formats ------------------------------------------------------------------------------


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


# --- One entry point ------------------------------------------------------------------------------


def export_bytes(
    ds: Dataset,
    *,
    fmt: str,
    layers: Iterable[str],
    date: dt.date,
    bbox: Sequence[float] | None = None,
    title: str | None = None,
    lang: str = "en",
    dpi: int = printmap.DEFAULT_DPI,
    treaty: str = "APMBC",
    overlay: Overlay | None = None,
    base_url: str = view.APP_URL,
) -> bytes:
    """Return one export of a view as bytes (for a download button).

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    fmt : {"png", "svg", "pdf", "html", "geojson", "gpkg", "csv"}
        The format.
    layers : iterable of str
        Visible layer ids (:data:`explorer.LAYER_IDS`).
    date : datetime.date
        The day shown.
    bbox : (west, south, east, north), optional
        Degrees; default :data:`DEFAULT_BBOX`. Maps show at least this box; data exports keep
        the features touching it.
    title : str, optional
        Map title (static and HTML maps, GeoJSON ``title``).
    lang : {"en", "pl"}, default "en"
        Language of names.
    dpi : int, default :data:`explorer.printmap.DEFAULT_DPI`
        PNG resolution (50–600); 150 gives 2400 × 1500 px.
    treaty : {"APMBC", "CCM"}, default "APMBC"
        Treaty whose status shades countries.
    overlay : Overlay, optional
        An analyst's overlay (:func:`explorer.overlay.read_overlay`): drawn on maps with a legend
        entry; in data exports its features touching the box are rows with ``layer`` "overlay",
        their properties as JSON text in ``properties`` and empty ``sources``.
    base_url : str, default :data:`explorer.view.APP_URL`
        The app's address, for the permalink printed on maps (PNG, SVG, PDF, HTML).

    Returns
    -------
    bytes

    Raises
    ------
    ExportError
        For an unknown format or layer or a dpi out of range.
    OutsideDataError
        When the box lies entirely outside the map's data (:func:`check_data_coverage`); a box
        partly outside is exported with a notice on the map.
    ValueError
        For a malformed bbox or an unknown language.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    visible = _check_layers(layers)
    _check_dpi(dpi)
    bbox = view.validate_bbox(bbox or DEFAULT_BBOX)
    check_data_coverage(bbox, lang)
    if fmt in printmap.STATIC_FORMATS:
        link = view.permalink_url(
            layers=visible, date=date, bbox=bbox, lang=lang, base_url=base_url
        )
        fig = printmap.render_static(
            ds, layers=visible, date=date, bbox=bbox, title=title, lang=lang, treaty=treaty,
            overlay=overlay, permalink_url=link,
        )  # fmt: skip
        return printmap.figure_bytes(fig, fmt, dpi=dpi)
    if fmt == "html":
        from explorer.web import page  # local: folium only for this format

        return page.to_html_bytes(
            ds, layers=visible, date=date, bbox=bbox, title=title, lang=lang, treaty=treaty,
            overlay=overlay, base_url=base_url,
        )  # fmt: skip
    gdf = features_in_view(ds, layers=visible, date=date, bbox=bbox, lang=lang, treaty=treaty)
    if overlay is not None:
        gdf = with_overlay_rows(gdf, overlay, bbox=bbox, lang=lang)
    if fmt == "geojson":
        return to_geojson_bytes(gdf, title=title, date=date, lang=lang)
    if fmt == "gpkg":
        return to_gpkg_bytes(gdf, ds=ds)
    return to_csv_bytes(gdf)


def export(
    ds: Dataset,
    *,
    out_path: Path | str,
    fmt: str | None = None,
    layers: Iterable[str] = DEFAULT_LAYERS,
    date: dt.date | None = None,
    bbox: Sequence[float] | None = None,
    title: str | None = None,
    lang: str = "en",
    dpi: int = printmap.DEFAULT_DPI,
    treaty: str = "APMBC",
    overlay: Overlay | None = None,
    base_url: str = view.APP_URL,
) -> Path:
    """Write one export of a view to ``out_path`` atomically.

    The format is ``fmt`` or follows the extension (:func:`format_for`); the date defaults to
    today clamped to the app's range (:func:`explorer.view.default_date`). The file is made in
    memory and written with :func:`write_atomic`: a failure leaves no partial file and an
    existing file untouched; concurrent exports never share a temporary file.

    Returns
    -------
    pathlib.Path
        ``out_path``.

    Raises
    ------
    ExportError
        For a bad format, extension, layer or dpi.
    FileNotFoundError
        If the output folder does not exist.
    """
    target = Path(out_path)
    fmt = format_for(target, fmt)
    if not target.parent.is_dir():
        raise FileNotFoundError(f"output folder does not exist: {target.parent}")
    data = export_bytes(
        ds,
        fmt=fmt,
        layers=layers,
        date=date or view.default_date(),
        bbox=bbox,
        title=title,
        lang=lang,
        dpi=dpi,
        treaty=treaty,
        overlay=overlay,
        base_url=base_url,
    )
    return write_atomic(target, data)
