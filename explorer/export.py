"""Exports of a map view: static maps (PNG, SVG, PDF), a standalone HTML map, and the data.

Every export describes one view (visible layers, date, bounding box, language):

* ``png``, ``svg``, ``pdf``: the print map of :func:`explorer.printmap.render_static`;
* ``html``: the interactive map as one offline file (Leaflet, data, legend and popups inlined);
* ``geojson``, ``gpkg``, ``csv``: the features in the view on that date
  (:func:`explorer.view.features_in_view`) with their source ids, full references and the data
  attribution.

For the app, :func:`export_bytes` returns the file's bytes (for ``st.download_button``, with
:data:`MIME_TYPES` and :func:`default_filename`); for scripts, :func:`export` writes a file
atomically (:func:`write_atomic`).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import mapping

from explorer import features, overlay_features, printmap, style, view
from explorer.config import DATA_AS_OF
from explorer.files import write_atomic
from explorer.i18n import t
from explorer.view import DEFAULT_BBOX, features_in_view

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
    "to_html_bytes",
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
    unknown = [i for i in wanted if i not in style.LAYER_IDS]
    if unknown:
        raise ExportError(
            f"unknown layer(s) {', '.join(unknown)}: use {', '.join(style.LAYER_IDS)}"
        )
    return [i for i in style.LAYER_IDS if i in wanted]


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
        "attribution": view.ATTRIBUTION_TEXT,
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
        description += view.ATTRIBUTION_TEXT
        gdf.to_file(
            path,
            layer="features",
            driver="GPKG",
            engine="pyogrio",
            layer_options={"DESCRIPTION": description},
        )
        if ds is not None:
            table = _sources_table(ds, view.sources_of(gdf))
            if len(table):  # a plain attribute table (no geometry column)
                pyogrio.write_dataframe(table, path, layer="sources", driver="GPKG")
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
    label = overlay_features.label_column(columns)
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
                "element": overlay_features.KINDS[geom.geom_type],
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


# --- Standalone HTML -----------------------------------------------------------------------------


def _header_html(title: str, date: dt.date, permalink_url: str, lang: str = "en") -> str:
    def esc(text: str, quote: bool = True) -> str:
        # Braces as references: folium reads this element as a Jinja template ("{{ }}" runs).
        return html.escape(text, quote=quote).replace("{", "&#123;").replace("}", "&#125;")

    map_on = t("export.html_map_on", lang, date=date.isoformat(), as_of=DATA_AS_OF)
    return (
        '<div class="bfe-export-header" style="position:absolute;top:10px;left:50%;'
        "transform:translateX(-50%);z-index:1000;background:rgba(255,255,255,0.92);"
        "padding:6px 12px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,0.3);"
        'font:13px/1.35 sans-serif;color:#222;max-width:60%;text-align:center">'
        f'<div style="font-weight:700;font-size:15px">{esc(title)}</div>'
        f"<div>{esc(map_on)} "
        f'<a href="{esc(permalink_url, quote=True)}" target="_blank" rel="noopener">'
        f"{esc(t('export.open_in_app', lang))}</a></div>"
        f'<div style="font-size:11px;color:#555">{esc(view.ATTRIBUTION_TEXT)} · '
        f"{esc(t('export.click_feature', lang))}</div></div>"
    )


def to_html_bytes(
    ds: Dataset,
    *,
    layers: Iterable[str],
    date: dt.date,
    bbox: Sequence[float] | None = None,
    title: str | None = None,
    lang: str = "en",
    treaty: str = "APMBC",
    basemap: Mapping[str, gpd.GeoDataFrame] | None = None,
    overlay: Overlay | None = None,
    base_url: str = view.APP_URL,
) -> bytes:
    """Return the interactive map of a view as one standalone HTML page that works offline.

    The app's base map (:func:`explorer.maps.build_base_map`), its layers on ``date``
    (:func:`explorer.maps.layer_groups`, with popups and sources) and its legend
    (:func:`explorer.maps.legend_control`), fitted to ``bbox``, with Leaflet and every image
    inlined (:func:`explorer.map_assets.standalone_html`): no outside request. An ``overlay``
    (:func:`explorer.overlay.read_overlay`) is drawn as its own layer with escaped popups and a
    legend entry "Your overlay: <file name>".

    Raises
    ------
    ExportError
        For an unknown layer.
    """
    # folium is imported here, not at the top: PNG/SVG/PDF exports from the command line do not
    # need it, and it is ~0.2 s of their start-up (the export budget is 3 s, interpreter included).
    import folium

    from explorer import map_assets, maps

    visible = _check_layers(layers)
    bbox = view.validate_bbox(bbox or DEFAULT_BBOX)
    west, south, east, north = bbox
    lat, lon, zoom = view.view_centre_zoom(bbox)
    if "basemap" in visible:
        base_layers = basemap if basemap is not None else maps.load_basemap()
    else:
        base_layers = {}
    m = maps.build_base_map(center=(lat, lon), zoom=zoom, basemap=base_layers, lang=lang)
    for group in maps.layer_groups(ds, date=date, visible=visible, lang=lang, treaty=treaty):
        group.add_to(m)
    collections = features.layer_collections(
        ds, date=date, visible=visible, lang=lang, treaty=treaty
    )  # cached by the map layer too; here only to list what is drawn
    legend = style.legend_items(visible, lang, shown=style.shown_categories(collections))
    if overlay is not None:
        maps.overlay_group(overlay_features.overlay_collection(overlay, lang)).add_to(m)
        legend += overlay_features.legend_items(overlay, lang)
    maps.legend_control(legend).add_to(m)
    m.fit_bounds([[south, west], [north, east]])
    title = title or t("export.default_title", lang)
    link = view.permalink_url(layers=visible, date=date, bbox=bbox, lang=lang, base_url=base_url)
    root = m.get_root()
    root.title = html.escape(title)  # branca writes it into <title> as it is
    root.html.add_child(folium.Element(_header_html(title, date, link, lang)))
    return map_assets.standalone_html(m).encode("utf-8")


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
        Visible layer ids (:data:`explorer.style.LAYER_IDS`).
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
        return to_html_bytes(
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
    layers: Iterable[str] = style.DEFAULT_LAYERS,
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
