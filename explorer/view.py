"""A view of the map: the validated :class:`View`, boxes, the data window and permalinks.

A :class:`View` (layers, date, box, language, treaty) is what the CLI, a link, a story chapter
and the export panel all build; :func:`explorer.scene.make_scene` derives what it shows. Boxes
are checked and converted here (to and from a centre and zoom). Pure: no folium, no
matplotlib, no Streamlit.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlencode

from shapely.geometry.base import BaseGeometry

from explorer import config, permalink
from explorer.config import GEODATA_DIR
from explorer.i18n import number
from explorer.layers import LAYER_IDS
from explorer.text import Message

__all__ = [
    "APP_URL",
    "DEFAULT_BBOX",
    "Bbox",
    "View",
    "ViewError",
    "bbox_data_coverage",
    "data_window",
    "data_window_text",
    "default_date",
    "parse_bbox",
    "permalink_url",
    "validate_bbox",
    "view_bbox",
    "view_centre_zoom",
]

#: ``(west, south, east, north)`` in degrees (EPSG:4326).
Bbox = tuple[float, float, float, float]

#: The app's default view as a box: centred on the permalink default (60°N 25°E), tall enough for
#: Norway–Russia in the north (69.8°N) and Poland–Ukraine in the south (49.0°N) with a margin.
#: (Zoom 4 in a browser shows far more; a printed map should frame the data.)
DEFAULT_BBOX: Final[Bbox] = (13.0, 48.5, 37.0, 71.5)

#: Address of the app a permalink points at (``python -m explorer app`` serves it on port 8501).
APP_URL: Final[str] = "http://localhost:8501/"

#: Size of the app's map in CSS pixels, to turn a centre and zoom into a box and back.
_MAP_PX: Final[tuple[int, int]] = (900, 620)


# --- The view ----------------------------------------------------------------------------------


class ViewError(ValueError):
    """A view that cannot be shown; ``problems`` lists every reason (one :class:`Message` each)."""

    def __init__(self, problems: Sequence[Message]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class View:
    """One view of the map: which layers, on which day, in which box, language and treaty.

    Built from the CLI, a link, a story chapter or the export panel, and checked once here:
    every problem is collected and raised together (:class:`ViewError`). ``layers`` is kept in
    registry order (:data:`explorer.layers.LAYER_IDS`), ``bbox`` as floats.

    Attributes
    ----------
    layers : tuple of str
        Visible layer ids.
    date : datetime.date
        The day shown, within :data:`explorer.config.DATE_MIN` .. ``DATE_MAX``.
    bbox : (west, south, east, north) or shapely geometry or None, default :data:`DEFAULT_BBOX`
        What is "in view" (lon/lat); None: everything.
    lang : {"en", "pl"}, default "en"
        Language of what is rendered from the view.
    treaty : {"APMBC", "CCM"}, default "APMBC"
        The treaty the ``treaty`` layer shades.

    Examples
    --------
    >>> View(layers=["treaty", "borders"], date=dt.date(2026, 1, 1)).layers
    ('borders', 'treaty')
    >>> try:
    ...     View(layers=["roads"], date=dt.date(1990, 1, 1), lang="de")
    ... except ViewError as err:
    ...     [p.key for p in err.problems]
    ['view.unknown_layers', 'view.date_outside', 'view.bad_lang']
    """

    layers: tuple[str, ...]
    date: dt.date
    bbox: Bbox | BaseGeometry | None = DEFAULT_BBOX
    lang: str = "en"
    treaty: str = config.DEFAULT_TREATY

    def __post_init__(self) -> None:
        """Check every field; normalise ``layers`` and ``bbox``."""
        problems: list[Message] = []
        wanted = (
            [str(i) for i in self.layers] if not isinstance(self.layers, str) else [self.layers]
        )
        unknown = sorted(set(wanted) - set(LAYER_IDS))
        if unknown:
            problems.append(
                Message(
                    "view.unknown_layers", layers=", ".join(unknown), expected=", ".join(LAYER_IDS)
                )
            )
        object.__setattr__(self, "layers", tuple(i for i in LAYER_IDS if i in set(wanted)))
        if not isinstance(self.date, dt.date) or isinstance(self.date, dt.datetime):
            problems.append(Message("view.bad_date", value=self.date))
        elif not config.DATE_MIN <= self.date <= config.DATE_MAX:
            problems.append(
                Message(
                    "view.date_outside",
                    value=self.date.isoformat(),
                    first=config.DATE_MIN.isoformat(),
                    last=config.DATE_MAX.isoformat(),
                )
            )
        if self.bbox is not None and not isinstance(self.bbox, BaseGeometry):
            try:
                object.__setattr__(self, "bbox", validate_bbox(self.bbox))
            except (TypeError, ValueError) as exc:
                problems.append(Message("view.bad_bbox", why=exc))
        if self.lang not in config.LANGUAGES:
            problems.append(
                Message("view.bad_lang", value=self.lang, options=", ".join(config.LANGUAGES))
            )
        if self.treaty not in config.TREATIES:
            problems.append(
                Message("view.bad_treaty", value=self.treaty, options=", ".join(config.TREATIES))
            )
        if problems:
            raise ViewError(problems)


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
        layers=tuple(i for i in LAYER_IDS if i in wanted),
        date=date,
        lat=lat,
        lon=lon,
        zoom=zoom,
        lang=lang,
    )
    return f"{base_url}?{urlencode(permalink.to_query(state), safe=',')}"
