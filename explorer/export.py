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
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from explorer import config, printmap, view
from explorer.config import DATA_AS_OF
from explorer.data_files import (
    to_csv_bytes,
    to_geojson_bytes,
    to_gpkg_bytes,
    with_overlay_rows,
)
from explorer.files import write_atomic
from explorer.i18n import t
from explorer.layers import DEFAULT_LAYERS, LAYER_IDS
from explorer.table import features_in_view
from explorer.view import DEFAULT_BBOX

if TYPE_CHECKING:
    from explorer.data import Dataset
    from explorer.overlay import Overlay
    from explorer.paper import Paper

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
    "with_overlay_rows",
    "write_atomic",
    "write_changes",
]

#: Every export format, static maps first.
FORMATS: Final[tuple[str, ...]] = ("png", "svg", "pdf", "html", "geojson", "gpkg", "csv")
#: Formats that hold the data in view (not a drawing).
DATA_FORMATS: Final[tuple[str, ...]] = ("geojson", "gpkg", "csv")

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
    compare: dt.date | None = None,
    paper: Paper | None = None,
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
    compare : datetime.date, optional
        An earlier date: maps (PNG, SVG, PDF) show the view on ``compare`` and on ``date`` side
        by side (:func:`explorer.printmap.compare.render_compare`), a PDF adds a page with the
        progress chart and the changes; data files hold ``date``'s features (:func:`export`
        writes the changes beside them).
    paper : Paper, optional
        A sheet (:class:`explorer.paper.Paper`) for maps (PNG, SVG, PDF): the page is exactly
        its size, laid out for it; a PDF adds sources pages for what does not fit
        (:func:`explorer.printmap.paper.map_pages`). None: the 16 × 10 in screen layout.

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
    if compare is not None:
        check_compare(compare, date, fmt)
    if paper is not None:
        if fmt not in printmap.STATIC_FORMATS:
            raise ExportError("--paper is for maps: png, svg or pdf")
        from explorer.printmap import paper as on_paper  # local: only paper exports need it

        link = view.permalink_url(
            layers=visible, date=date, bbox=bbox, lang=lang, base_url=base_url
        ) + (f"&compare={compare.isoformat()}" if compare is not None else "")
        return on_paper.paper_bytes(
            ds, paper=paper, fmt=fmt, dpi=dpi, layers=visible, date=date, bbox=bbox,
            title=title, lang=lang, permalink_url=link, treaty=treaty, overlay=overlay,
            compare=compare,
        )  # fmt: skip
    if compare is not None and fmt in printmap.STATIC_FORMATS:
        from explorer.printmap import compare as two_dates  # local: only comparisons need it

        link = two_dates.compare_permalink(
            layers=visible, date_a=compare, date_b=date, bbox=bbox, lang=lang, base_url=base_url
        )
        fig = two_dates.render_compare(
            ds, layers=visible, date_a=compare, date_b=date, bbox=bbox, title=title, lang=lang,
            treaty=treaty, permalink_url=link,
        )  # fmt: skip
        data = printmap.figure_bytes(fig, fmt, dpi=dpi)
        if fmt != "pdf":
            return data
        from explorer.printmap import changes_page  # a PDF is a briefing: what changed, too

        return changes_page.with_changes_page(
            data, ds, compare, date, lang=lang, permalink_url=link
        )
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


def check_compare(compare: dt.date, date: dt.date, fmt: str) -> None:
    """Check a comparison: an earlier date within the range, for a format that can show it.

    Raises
    ------
    ExportError
        One line saying what is wrong.

    Examples
    --------
    >>> check_compare(dt.date(2026, 1, 1), dt.date(2025, 1, 1), "png")
    Traceback (most recent call last):
    ...
    explorer.export.ExportError: --compare 2026-01-01 must be before the map's date 2025-01-01
    """
    if fmt == "html":
        raise ExportError("--compare makes a two-panel png, svg or pdf, or data with its changes")
    if not config.DATE_MIN <= compare <= config.DATE_MAX:
        raise ExportError(f"--compare {compare} is outside {config.DATE_MIN}..{config.DATE_MAX}")
    if not compare < date:
        raise ExportError(f"--compare {compare} must be before the map's date {date}")


def changes_paths(target: Path) -> tuple[Path, Path]:
    """Where a comparison's changes go beside a data export: ``<stem>.changes.csv`` / ``.json``.

    Examples
    --------
    >>> [p.name for p in changes_paths(Path("out/view.geojson"))]
    ['view.changes.csv', 'view.changes.json']
    """
    return target.with_name(f"{target.stem}.changes.csv"), target.with_name(
        f"{target.stem}.changes.json"
    )


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
    compare: dt.date | None = None,
    paper: Paper | None = None,
) -> Path:
    """Write one export of a view to ``out_path`` atomically.

    ``paper`` lays a map out on a sheet (:func:`export_bytes`).

    With ``compare`` (an earlier date), maps show both dates side by side, and a data export
    gets the changes between the two dates beside it (:func:`changes_paths`, from
    :func:`explorer.changes.changes_between`).

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
        compare=compare,
        paper=paper,
    )
    path = write_atomic(target, data)
    if compare is not None and fmt in DATA_FORMATS:
        write_changes(ds, target, start=compare, end=date or view.default_date(), treaty=treaty)
    return path


def write_changes(
    ds: Dataset, target: Path, *, start: dt.date, end: dt.date, treaty: str = "APMBC"
) -> tuple[Path, Path]:
    """Write the changes between ``start`` and ``end`` beside ``target`` as CSV and JSON.

    The language-neutral rows of :func:`explorer.changes.changes_between` (one per change:
    kind, country, segment, id, what, from and to state, date with its precision, km, sources).
    """
    from explorer import changes  # local: only comparisons need it

    frame = changes.changes_between(ds, start, end, treaty=treaty)
    csv_path, json_path = changes_paths(target)
    write_atomic(csv_path, changes.to_csv(frame).encode("utf-8"))
    records = [
        {k: (list(v) if isinstance(v, tuple) else v) for k, v in rec.items()}
        for rec in frame.to_dict("records")
    ]
    payload = {"from": start.isoformat(), "to": end.isoformat(), "treaty": treaty,
               "data_as_of": DATA_AS_OF, "changes": records}  # fmt: skip
    write_atomic(json_path, json.dumps(payload, ensure_ascii=False, indent=1, default=str).encode())
    return csv_path, json_path
