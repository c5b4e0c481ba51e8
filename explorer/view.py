"""What a map view shows: its bounding box, the features visible in it on a date, their sources.

Shared by the static renderer (:mod:`explorer.render`) and the exports (:mod:`explorer.export`), so
a PNG's "Sources" line and a GeoPackage's ``sources`` column always describe the same features.
Pure: no folium, no matplotlib, no Streamlit.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final
from urllib.parse import urlencode

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiLineString, box
from shapely.geometry.base import BaseGeometry

from explorer import config, geometry, permalink, style, timeline
from explorer.config import DATA_AS_OF, DISPLAY_CRS, GEODATA_DIR
from explorer.i18n import number

if TYPE_CHECKING:
    from explorer.data import Dataset

__all__ = [
    "APP_URL",
    "ATTRIBUTION_TEXT",
    "COLUMNS",
    "DEFAULT_BBOX",
    "Bbox",
    "bbox_data_coverage",
    "data_window",
    "data_window_text",
    "default_date",
    "features_in_view",
    "parse_bbox",
    "permalink_url",
    "source_refs",
    "sources_of",
    "validate_bbox",
    "view_bbox",
    "view_centre_zoom",
]

#: ``(west, south, east, north)`` in degrees (EPSG:4326).
Bbox = tuple[float, float, float, float]

#: Plain-text attribution of the map data (the HTML version with links is ``maps.ATTRIBUTION``).
ATTRIBUTION_TEXT: Final[str] = "© OpenStreetMap contributors (ODbL) · Natural Earth (public domain)"

#: The app's default view as a box: centred on the permalink default (60°N 25°E), tall enough for
#: Norway–Russia in the north (69.8°N) and Poland–Ukraine in the south (49.0°N) with a margin.
#: (Zoom 4 in a browser shows far more; a printed map should frame the data.)
DEFAULT_BBOX: Final[Bbox] = (13.0, 48.5, 37.0, 71.5)

#: Address of the app a permalink points at (``python -m explorer app`` serves it on port 8501).
APP_URL: Final[str] = "http://localhost:8501/"

#: Size of the app's map in CSS pixels, to turn a centre and zoom into a box and back.
_MAP_PX: Final[tuple[int, int]] = (900, 620)

#: Columns of :func:`features_in_view`, in order (``geometry`` last).
COLUMNS: Final[tuple[str, ...]] = (
    "layer",
    "id",
    "name",
    "element",
    "country",
    "segment_ids",
    "priority",
    "state",
    "since",
    "status",
    "precision",
    "confidence",
    "official_km",
    "measured_km",
    "length_km",
    "status_as_of",
    "status_source",
    "verified",
    "date",
    "data_as_of",
    "sources",
    "source_refs",
    "attribution",
    "geometry",
)

#: Separator of list values in one cell (``sources``, ``segment_ids``, ``country``).
LIST_JOIN: Final[str] = "; "
#: Separator of full references in ``source_refs`` (titles may hold semicolons).
REFS_JOIN: Final[str] = " | "

_LANGS: Final[tuple[str, ...]] = config.LANGUAGES


# --- Boxes ---------------------------------------------------------------------------------------


def validate_bbox(bbox: Sequence[float]) -> Bbox:
    """Check a ``(west, south, east, north)`` box and return it as a tuple of floats.

    Parameters
    ----------
    bbox : sequence of 4 numbers
        Degrees; west < east, south < north, longitudes in [-180, 180], latitudes in [-85, 85]
        (the Web Mercator limit the app's map has).

    Returns
    -------
    tuple of float

    Raises
    ------
    ValueError
        Naming what is wrong.

    Examples
    --------
    >>> validate_bbox([14, 49, 24.5, 55])
    (14.0, 49.0, 24.5, 55.0)
    >>> validate_bbox((24, 49, 14, 55))
    Traceback (most recent call last):
    ...
    ValueError: bbox west (24) must be less than east (14)
    """
    values = tuple(float(v) for v in bbox)
    if len(values) != 4:
        raise ValueError(f"bbox needs 4 numbers W,S,E,N, got {len(values)}")
    if not all(math.isfinite(v) for v in values):
        raise ValueError("bbox values must be finite numbers")
    west, south, east, north = values
    for name, value, limit in (("west", west, 180), ("east", east, 180)):
        if abs(value) > limit:
            raise ValueError(f"bbox {name} ({value:g}) must be within -{limit}..{limit}")
    for name, value in (("south", south), ("north", north)):
        if abs(value) > 85:
            raise ValueError(f"bbox {name} ({value:g}) must be within -85..85")
    if not west < east:
        raise ValueError(f"bbox west ({west:g}) must be less than east ({east:g})")
    if not south < north:
        raise ValueError(f"bbox south ({south:g}) must be less than north ({north:g})")
    return values  # type: ignore[return-value]


@functools.cache
def data_window() -> Bbox:
    """Return the box the map has data for: the basemap's window (lon/lat degrees).

    Land, country shading and borders exist only inside it (``geodata/basemap_manifest.json``,
    parameter ``window_lonlat``; the country shapes lie within it); outside, a map is plain sea.

    Examples
    --------
    >>> data_window()
    (3.0, 42.5, 46.0, 72.5)
    """
    manifest = json.loads((GEODATA_DIR / "basemap_manifest.json").read_text(encoding="utf-8"))
    return validate_bbox(manifest["parameters"]["window_lonlat"])


def bbox_data_coverage(bbox: Sequence[float]) -> str:
    """Tell whether a box lies inside the map's data (:func:`data_window`).

    Returns
    -------
    {"inside", "partial", "outside"}
        ``outside`` when the box does not overlap the data at all (a map would be all sea),
        ``partial`` when part of it lies outside.

    Examples
    --------
    >>> bbox_data_coverage((14, 49, 24.5, 55)), bbox_data_coverage((40, 60, 50, 65))
    ('inside', 'partial')
    >>> bbox_data_coverage((-80, 10, -60, 20))
    'outside'
    """
    west, south, east, north = validate_bbox(bbox)
    w0, s0, e0, n0 = data_window()
    if west >= e0 or east <= w0 or south >= n0 or north <= s0:
        return "outside"
    if west < w0 or east > e0 or south < s0 or north > n0:
        return "partial"
    return "inside"


def data_window_text(lang: str = "en") -> str:
    """Return :func:`data_window` as text, e.g. ``3–46°E, 42.5–72.5°N`` (decimal comma in Polish).

    Examples
    --------
    >>> data_window_text("pl")
    '3–46°E, 42,5–72,5°N'
    """
    w, s, e, n = data_window()
    lon = f"{number(w, lang=lang)}–{number(e, lang=lang)}°E"
    return f"{lon}, {number(s, lang=lang)}–{number(n, lang=lang)}°N"


def parse_bbox(text: str) -> Bbox:
    """Parse ``"W,S,E,N"`` (degrees) into a checked box.

    Examples
    --------
    >>> parse_bbox("14,49,24.5,55")
    (14.0, 49.0, 24.5, 55.0)
    >>> parse_bbox("14,49,24")
    Traceback (most recent call last):
    ...
    ValueError: bbox needs 4 numbers W,S,E,N, got '14,49,24'
    """
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4:
        raise ValueError(f"bbox needs 4 numbers W,S,E,N, got {text!r}")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"bbox needs 4 numbers W,S,E,N, got {text!r}") from None
    return validate_bbox(numbers)


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _mercator_lat(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def view_bbox(
    lat: float, lon: float, zoom: int, *, width_px: int = _MAP_PX[0], height_px: int = _MAP_PX[1]
) -> Bbox:
    """Return the box a Web Mercator map of ``width_px`` × ``height_px`` shows at a centre and zoom.

    For the app's export panel: the app keeps a centre and zoom, exports take a box.

    Examples
    --------
    >>> [round(v, 2) for v in view_bbox(0, 0, 1, width_px=512, height_px=512)]
    [-180.0, -85.0, 180.0, 85.0]
    >>> w, s, e, n = view_bbox(54.0, 23.0, 7)
    >>> round(e - w, 2), s < 54 < n
    (9.89, True)
    """
    world_px = 256 * 2**zoom
    half_lon = width_px / world_px * 180.0
    half_y = height_px / world_px * math.pi
    y = _mercator_y(max(-85.0, min(85.0, lat)))
    south = max(-85.0, _mercator_lat(y - half_y))
    north = min(85.0, _mercator_lat(y + half_y))
    west, east = max(-180.0, lon - half_lon), min(180.0, lon + half_lon)
    return (round(west, 4), round(south, 4), round(east, 4), round(north, 4))


def view_centre_zoom(
    bbox: Sequence[float], *, width_px: int = _MAP_PX[0], height_px: int = _MAP_PX[1]
) -> tuple[float, float, int]:
    """Return the centre ``(lat, lon)`` and the largest zoom at which the app's map shows ``bbox``.

    Examples
    --------
    >>> view_centre_zoom((13.0, 48.5, 37.0, 71.5))  # the Mercator middle is north of 60°
    (62.1002, 25.0, 4)
    >>> view_centre_zoom((22, 53, 24, 54))[2]
    9
    """
    west, south, east, north = validate_bbox(bbox)
    lon = (west + east) / 2
    y_s, y_n = _mercator_y(south), _mercator_y(north)
    lat = _mercator_lat((y_s + y_n) / 2)
    zoom_x = math.log2(width_px * 360.0 / (east - west) / 256)
    zoom_y = math.log2(height_px * 2 * math.pi / (y_n - y_s) / 256)
    zoom = math.floor(min(zoom_x, zoom_y))
    zoom = max(permalink.ZOOM_MIN, min(permalink.ZOOM_MAX, zoom))
    return round(lat, 4), round(lon, 4), zoom


def default_date(today: dt.date | None = None) -> dt.date:
    """Return today (or ``today``) clamped to the app's date range, as the app opens.

    Examples
    --------
    >>> default_date(dt.date(1990, 1, 1))
    datetime.date(1997, 1, 1)
    """
    day = today or dt.date.today()
    return min(max(day, config.DATE_MIN), config.DATE_MAX)


def permalink_url(
    *,
    layers: Iterable[str],
    date: dt.date,
    bbox: Sequence[float],
    lang: str = "en",
    base_url: str = APP_URL,
) -> str:
    """Return the app's permalink for a view (centre and zoom fitted to ``bbox``).

    Examples
    --------
    >>> permalink_url(layers=["borders"], date=dt.date(2026, 1, 1), bbox=(13, 48.5, 37, 71.5))
    'http://localhost:8501/?layers=borders&date=2026-01-01&lat=62.1002&lon=25.0000&zoom=4&lang=en'
    """
    lat, lon, zoom = view_centre_zoom(bbox)
    wanted = set(layers)
    state = permalink.State(
        layers=tuple(i for i in style.LAYER_IDS if i in wanted),
        date=date,
        lat=lat,
        lon=lon,
        zoom=zoom,
        lang=lang,
    )
    return f"{base_url}?{urlencode(permalink.to_query(state), safe=',')}"


# --- Features in a view ------------------------------------------------------------------------


def _join(values: Iterable[object]) -> str:
    return LIST_JOIN.join(dict.fromkeys(str(v) for v in values if v is not None and v != ""))


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _round_km(value: object) -> float | None:
    return None if _is_missing(value) else round(float(value), 2)  # type: ignore[arg-type]


def _check(layers: Iterable[str], lang: str) -> set[str]:
    wanted = set(layers)
    unknown = wanted - set(style.LAYER_IDS)
    if unknown:
        raise ValueError(f"unknown layer(s) {sorted(unknown)}; expected {list(style.LAYER_IDS)}")
    if lang not in _LANGS:
        raise ValueError(f"unsupported language {lang!r}; expected one of {list(_LANGS)}")
    return wanted


def _border_rows(ds: Dataset, lang: str) -> list[dict]:
    segments = ds.segments.set_index("id")
    lengths = ds.border_lengths
    preferred = lengths[lengths["preferred"].astype(bool)].set_index("segment_id")
    rows = []
    for piece in ds.border_lines.to_dict("records"):
        seg = segments.loc[piece["segment_id"]]
        confidence = (
            preferred.loc[piece["segment_id"], "confidence"]
            if piece["segment_id"] in preferred.index
            else None
        )
        rows.append(
            {
                "layer": "borders",
                "id": piece["id"],
                "name": seg[f"name_{lang}"],
                "element": "border",
                "country": _join(seg["countries"]),
                "segment_ids": piece["segment_id"],
                "priority": seg["priority"],
                "precision": piece["precision"],
                "confidence": confidence,
                "official_km": _round_km(seg["official_km"]),
                "measured_km": _round_km(piece["measured_km"]),
                "sources": [*piece["sources"], *seg["official_sources"]],
                "geometry": piece["geometry"],
            }
        )
    return rows


def _fort_measured_km(segment_km: pd.Series, rec: dict) -> float | None:
    """Geodesic length along the followed border segments, or of the drawn line; None for areas."""
    if rec["derive_method"] in ("segment", "corridor") and rec["derive_segments"]:
        return float(sum(segment_km.get(s, 0.0) for s in rec["derive_segments"]))
    geom = rec["geometry"]
    if isinstance(geom, LineString | MultiLineString):
        return geometry.geodesic_length_m(geom) / 1000.0
    return None


def _fort_rows(ds: Dataset, programme: str, date: dt.date, lang: str) -> list[dict]:
    forts = ds.fortifications[ds.fortifications["programme"] == programme]
    segment_km = ds.segments.set_index("id")["measured_km"]
    rows = []
    for rec in forts.to_dict("records"):
        state = timeline.fortification_state(
            rec["announced_date"], rec["start_date"], rec["completed_date"], date
        )
        if state is None or rec["geometry"] is None or rec["geometry"].is_empty:
            continue
        rows.append(
            {
                "layer": programme,
                "id": rec["id"],
                "name": rec[f"name_{lang}"],
                "element": rec["element"],
                "country": rec["country"],
                "segment_ids": _join(rec["derive_segments"] or []),
                "state": state,
                "status": rec["status"],
                "precision": rec["precision"],
                "confidence": rec["confidence"],
                "official_km": _round_km(rec["length_km"]),
                "measured_km": _round_km(_fort_measured_km(segment_km, rec)),
                # The work's sourced length, its status date and source, and audit date (issue 14).
                "length_km": _round_km(rec["length_km"]),
                "status_as_of": rec["status_as_of"],
                "status_source": rec["status_source"],
                "verified": rec["verified"] or "",
                "sources": list(rec["sources"]),
                "geometry": rec["geometry"],
            }
        )
    return rows


def _treaty_rows(ds: Dataset, date: dt.date, lang: str, treaty: str) -> list[dict]:
    events = ds.treaty_events.set_index("id")
    rows = []
    for rec in ds.country_shapes.to_dict("records"):
        iso3 = rec["iso3"]
        status = timeline.status_on(ds.treaty_events, iso3, treaty, date)
        confidence = (
            events.loc[status.event_id, "confidence"] if status.event_id in events.index else None
        )
        name = ds.countries.loc[iso3, f"name_{lang}"] if iso3 in ds.countries.index else iso3
        rows.append(
            {
                "layer": "treaty",
                "id": f"{treaty}-{iso3}",
                "name": name,
                "element": "country",
                "country": iso3,
                "state": status.status,
                "since": status.since.isoformat() if status.since else None,
                "confidence": confidence,
                "sources": [*status.sources, *rec["sources"]],
                "geometry": rec["geometry"],
            }
        )
    return rows


def _area(bbox: Sequence[float] | BaseGeometry | None) -> BaseGeometry | None:
    if bbox is None or isinstance(bbox, BaseGeometry):
        return bbox
    return box(*validate_bbox(bbox))


def source_refs(ds: Dataset, source_ids: Iterable[str]) -> list[str]:
    """Return one short full reference per source id: ``publisher: title (date) URL``.

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> source_refs(load_dataset(), ["ne-world-atlas-2.0.2", "nope"])[1]
    'nope'
    """
    refs = []
    for sid in source_ids:
        if sid not in ds.sources.index:
            refs.append(sid)
            continue
        src = ds.sources.loc[sid]
        ref = f"{src['publisher']}: {src['title']}"
        if isinstance(src["date"], str) and src["date"]:
            ref += f" ({src['date']})"
        if isinstance(src["url"], str) and src["url"]:
            ref += f" {src['url']}"
        refs.append(ref)
    return refs


def sources_of(frame: pd.DataFrame) -> list[str]:
    """Return the distinct source ids of a :func:`features_in_view` frame, sorted.

    Examples
    --------
    >>> sources_of(pd.DataFrame({"sources": ["b; a", "a", ""]}))
    ['a', 'b']
    """
    ids = {s.strip() for cell in frame["sources"] for s in str(cell).split(LIST_JOIN.strip())}
    return sorted(ids - {""})


def features_in_view(
    ds: Dataset,
    *,
    layers: Iterable[str],
    date: dt.date,
    bbox: Sequence[float] | BaseGeometry | None = DEFAULT_BBOX,
    lang: str = "en",
    treaty: str = "APMBC",
) -> gpd.GeoDataFrame:
    """Return every feature the visible layers show on ``date`` that touches ``bbox``.

    Border pieces (one row per piece, with its segment's official length), fortifications that
    exist on the date (announced, under construction or complete, see
    :func:`explorer.timeline.fortification_state`) and the tracked countries with their treaty
    status on the date. Geometries are the stored (full-resolution) ones, whole, not clipped.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    layers : iterable of str
        Layer ids from :data:`explorer.style.LAYER_IDS` (``basemap`` has no features).
    date : datetime.date
        The day shown.
    bbox : (west, south, east, north) or shapely geometry or None, default :data:`DEFAULT_BBOX`
        Keep features intersecting it (lon/lat); None keeps everything.
    lang : {"en", "pl"}, default "en"
        Language of ``name``.
    treaty : {"APMBC", "CCM"}, default "APMBC"
        Treaty whose status the ``treaty`` rows give.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, columns :data:`COLUMNS`: ``state`` is the build state on ``date`` (or treaty
        status), ``status`` the build status as of ``data_as_of``; ``sources`` are ids joined with
        ``"; "`` (see ``geodata/sources.csv``), ``source_refs`` the full references joined with
        ``" | "``, ``attribution`` the map data's attribution. List cells are plain strings, so the
        frame writes to any format.

    Raises
    ------
    ValueError
        For an unknown layer, language or a malformed bbox.

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> ds = load_dataset()
    >>> gdf = features_in_view(ds, layers=["pl-by-barrier"], date=dt.date(2021, 1, 1))
    >>> len(gdf)  # nothing was built yet
    0
    >>> gdf = features_in_view(ds, layers=["borders"], date=dt.date(2026, 1, 1),
    ...                        bbox=(22, 53, 24.5, 54))
    >>> sorted(set(gdf["segment_ids"]))
    ['LTU-BLR', 'POL-BLR', 'POL-LTU']
    """
    wanted = _check(layers, lang)
    if treaty not in ("APMBC", "CCM"):
        raise ValueError(f"unknown treaty {treaty!r}; expected 'APMBC' or 'CCM'")
    area = _area(bbox)
    rows: list[dict] = []
    for layer in style.DATA_LAYERS:
        if layer not in wanted:
            continue
        if layer == "borders":
            rows += _border_rows(ds, lang)
        elif layer == "treaty":
            rows += _treaty_rows(ds, date, lang, treaty)
        else:
            rows += _fort_rows(ds, layer, date, lang)
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    gdf = gpd.GeoDataFrame(frame, geometry="geometry", crs=DISPLAY_CRS)
    if area is not None and len(gdf):
        gdf = gdf[shapely.intersects(gdf.geometry.values, area)]
    gdf = gdf.reset_index(drop=True)
    gdf["source_refs"] = [REFS_JOIN.join(source_refs(ds, dict.fromkeys(s))) for s in gdf["sources"]]
    gdf["sources"] = [_join(s) for s in gdf["sources"]]
    gdf["date"] = date.isoformat()
    gdf["data_as_of"] = DATA_AS_OF
    gdf["attribution"] = ATTRIBUTION_TEXT
    for column in ("official_km", "measured_km", "length_km"):
        gdf[column] = gdf[column].astype(float)
    for column in ("status_as_of", "status_source", "verified"):
        gdf[column] = gdf[column].fillna("").astype(str)
    return gdf
