"""What the map shows: one derivation, read by every renderer.

``Dataset + View -> Scene``: one language-neutral GeoDataFrame per visible data layer, with each
feature's state on the view's date (and the date range that state holds for), its measured and
sourced lengths, its precision and its source ids, cut to the view's box. The browser's layer
documents (:mod:`explorer.web.bundle`), the folium page (:mod:`explorer.web`), the printed map
(:mod:`explorer.printmap`), the data exports (:mod:`explorer.table`), the text summary
(:mod:`explorer.summary`), the legend and the panels all read it, so they agree by construction;
popups, labels and tables are renderings of it in one language.

The rules of time are :mod:`explorer.timeline`'s and the intervals :mod:`explorer.intervals`';
nothing here decides a state by itself. Pure: no folium, no matplotlib, no Streamlit.
"""

from __future__ import annotations

import bisect
import datetime as dt
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiLineString, Point, box
from shapely.geometry.base import BaseGeometry

from explorer import geometry, intervals, layers, timeline
from explorer.config import DISPLAY_CRS, LANGUAGES
from explorer.partial_works import partial_works
from explorer.view import View

if TYPE_CHECKING:
    from explorer.data import Dataset

__all__ = [
    "COLUMNS",
    "Scene",
    "geometry_kind",
    "layer_frame",
    "make_scene",
    "shown_categories",
    "treaty_statuses",
]

#: Columns of every scene frame, in order (``geometry`` last). Lists are tuples; a missing
#: number is NaN, a missing text None.
COLUMNS: Final[tuple[str, ...]] = (
    "id",  # feature id: border piece id, work id, "<work>@<segment>" (marks), "<treaty>-<ISO3>"
    "layer",
    "family",
    "record",  # id of the data record: segment, work or ISO3 code
    "kind",  # line | area | point
    "partial",  # True for the mark of a work whose sections are not public
    *(f"name_{lang}" for lang in LANGUAGES),
    "element",  # border | a fortification element | country
    "country",  # tuple of ISO3 codes
    "segment_ids",  # tuple of border segment ids (a mark: all of its work's, the mark's in its id)
    "priority",  # border segments: required | expected
    "precision",  # exact | approximate | corridor
    "confidence",
    "state",  # on the date: build state (works), treaty status (countries); None for borders
    "event",  # treaty event that set the status
    "since",  # day the treaty status holds from (datetime.date)
    "valid_from",  # first day of the interval the state holds in (None: since always)
    "valid_to",  # first day after it (None: for ever)
    "status",  # a work's build status as of status_as_of
    "status_as_of",
    "status_source",
    "verified",
    "announced",
    "start",
    "completed",
    "target",
    "official_km",  # official length of the border segment, or a work's sourced length
    "measured_km",  # geodesic length of the piece, or along the work's segments / line
    "length_km",  # a work's sourced length (marks: the figure they show)
    "sources",  # tuple of source ids
    "geometry",  # the data's geometry (full resolution; marks: the label point)
)


@dataclass(frozen=True)
class Scene:
    """What one view of the map shows.

    Attributes
    ----------
    view : View
        The view it was derived for.
    frames : mapping of str to geopandas.GeoDataFrame
        Visible data layer id -> its features in view on the date (columns :data:`COLUMNS`),
        in registry order; a layer with nothing to show has an empty frame.
    """

    view: View
    frames: Mapping[str, gpd.GeoDataFrame]

    def __iter__(self) -> Iterator[tuple[str, gpd.GeoDataFrame]]:
        """Iterate over ``(layer id, frame)`` in drawing order."""
        return iter(self.frames.items())

    def features(self) -> gpd.GeoDataFrame:
        """Return every layer's features in one frame (drawing order)."""
        frames = [f for f in self.frames.values() if len(f)]
        if not frames:
            return _empty()
        return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=DISPLAY_CRS)

    def drawn(self) -> gpd.GeoDataFrame:
        """Return :meth:`features` without the marks of works not drawn."""
        out = self.features()
        return out[~out["partial"].astype(bool)].reset_index(drop=True)


def _empty() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        pd.DataFrame({c: [] for c in COLUMNS}, dtype=object), geometry="geometry", crs=DISPLAY_CRS
    )


def geometry_kind(geom: BaseGeometry | None) -> str:
    """Return ``point``, ``area`` or ``line`` for a geometry (``line`` for None).

    Examples
    --------
    >>> geometry_kind(Point(0, 0)), geometry_kind(box(0, 0, 1, 1))
    ('point', 'area')
    """
    gtype = "" if geom is None else geom.geom_type
    if "Point" in gtype:
        return "point"
    if "Polygon" in gtype:
        return "area"
    return "line"


def _nan(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")
    return number


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value)
    return text if text.strip() else None


def _names(rec: Mapping[str, Any]) -> dict[str, str]:
    english = str(rec.get("name_en") or "")
    return {
        f"name_{lang}": str(rec.get(f"name_{lang}") or english) if lang != "en" else english
        for lang in LANGUAGES
    }


def _row(**values: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(partial=False, sources=(), country=(), segment_ids=())
    for column in ("official_km", "measured_km", "length_km"):
        row[column] = float("nan")
    row.update(values)
    return row


# --- Each family ----------------------------------------------------------------------------


def _border_rows(ds: Dataset) -> list[dict[str, Any]]:
    segments = ds.segments.set_index("id")
    lengths = ds.border_lengths
    preferred = lengths[lengths["preferred"].astype(bool)].set_index("segment_id")
    rows = []
    for piece in ds.border_lines.to_dict("records"):
        sid = piece["segment_id"]
        seg = segments.loc[sid]
        rows.append(
            _row(
                id=str(piece["id"]),
                layer="borders",
                family="border",
                record=str(sid),
                kind="line",
                **_names(seg),
                element="border",
                country=tuple(str(c) for c in seg["countries"]),
                segment_ids=(str(sid),),
                priority=seg["priority"],
                precision=piece["precision"],
                confidence=preferred.loc[sid, "confidence"] if sid in preferred.index else None,
                official_km=_nan(seg["official_km"]),
                measured_km=_nan(piece["measured_km"]),
                sources=tuple(dict.fromkeys([*piece["sources"], *seg["official_sources"]])),
                geometry=piece["geometry"],
            )
        )
    # Required segments last, so they are drawn over the others where they meet.
    rows.sort(key=lambda r: (r["priority"] == "required", r["id"]))
    return rows


def _work_measured_km(segment_km: Mapping[str, float], rec: Mapping[str, Any]) -> float:
    """Geodesic length along the followed border segments, or of the drawn line; NaN for areas."""
    if rec["derive_method"] in ("segment", "corridor") and rec["derive_segments"]:
        return float(sum(segment_km.get(s, 0.0) for s in rec["derive_segments"]))
    geom = rec["geometry"]
    if isinstance(geom, LineString | MultiLineString):
        return geometry.geodesic_length_m(geom) / 1000.0
    return float("nan")


def _work_facts(rec: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "element": rec["element"],
        "country": (str(rec["country"]),),
        "segment_ids": tuple(str(s) for s in (rec["derive_segments"] or ())),
        "confidence": rec["confidence"],
        "status": rec["status"],
        "status_as_of": _text(rec["status_as_of"]),
        "status_source": _text(rec["status_source"]),
        "verified": _text(rec["verified"]),
        **{key: _text(rec[key]) for key in ("announced", "start", "completed", "target")},
        "length_km": _nan(rec["length_km"]),
        **_names(rec),
    }


def _programme_rows(ds: Dataset, layer: str, day: dt.date) -> list[dict[str, Any]]:
    forts = ds.fortifications[ds.fortifications["programme"] == layer]
    segment_km = {
        str(k): float(v) for k, v in zip(ds.segments["id"], ds.segments["measured_km"], strict=True)
    }
    runs = _intervals(ds, layer, "APMBC")
    rows = []
    for rec in forts.to_dict("records"):
        state = timeline.fortification_state(
            rec["announced_date"], rec["start_date"], rec["completed_date"], day
        )
        geom = rec["geometry"]
        if state is None or geom is None or geom.is_empty:
            continue  # not yet announced, or not drawn (a mark, below)
        run = _run_holding(runs.get(str(rec["id"]), ()), day)
        rows.append(
            _row(
                id=str(rec["id"]),
                layer=layer,
                family="programme",
                record=str(rec["id"]),
                kind=geometry_kind(geom),
                precision=rec["precision"],
                state=state,
                valid_from=run[0],
                valid_to=run[1],
                official_km=_nan(rec["length_km"]),
                measured_km=_work_measured_km(segment_km, rec),
                sources=tuple(str(s) for s in rec["sources"]),
                geometry=geom,
                **_work_facts(rec),
            )
        )
    forts_by_id = forts.set_index("id")
    for mark in partial_works(ds, day):
        if mark["layer"] != layer:
            continue
        rec = forts_by_id.loc[mark["id"]].to_dict()
        run = _run_holding(runs.get(mark["id"], ()), day)
        rows.append(
            _row(
                id=f"{mark['id']}@{mark['segment']}",
                layer=layer,
                family="programme",
                record=mark["id"],
                kind="point",
                partial=True,
                precision=rec["precision"],
                state=mark["state"],
                valid_from=run[0],
                valid_to=run[1],
                official_km=_nan(mark["segment_km"]),
                sources=tuple(mark["sources"]),
                geometry=Point(mark["lon"], mark["lat"]),
                **{**_work_facts(rec), "length_km": _nan(mark["length_km"])},
            )
        )
    return rows


def _treaty_rows(ds: Dataset, day: dt.date, treaty: str) -> list[dict[str, Any]]:
    events = ds.treaty_events.set_index("id")
    runs = _intervals(ds, "treaty", treaty)
    rows = []
    for rec in ds.country_shapes.to_dict("records"):
        iso3 = str(rec["iso3"])
        status = timeline.status_on(ds.treaty_events, iso3, treaty, day)
        country = ds.countries.loc[iso3].to_dict() if iso3 in ds.countries.index else {}
        names = (
            _names(country)
            if country
            else dict.fromkeys((f"name_{lang}" for lang in LANGUAGES), iso3)
        )
        confidence = (
            events.loc[status.event_id, "confidence"] if status.event_id in events.index else None
        )
        run = _run_holding(runs.get(iso3, ()), day)
        rows.append(
            _row(
                id=f"{treaty}-{iso3}",
                layer="treaty",
                family="treaty",
                record=iso3,
                kind="area",
                **names,
                element="country",
                country=(iso3,),
                confidence=confidence,
                state=status.status,
                event=status.event_id,
                since=status.since,
                valid_from=run[0],
                valid_to=run[1],
                sources=tuple(dict.fromkeys([*status.sources, *rec["sources"]])),
                geometry=rec["geometry"],
            )
        )
    return rows


# --- Caches (per data version, checked by weak reference) ------------------------------------

_INTERVALS: dict[tuple[int, str, str], tuple[weakref.ref, dict]] = {}
_FRAMES: dict[tuple[int, str, str, int], tuple[weakref.ref, gpd.GeoDataFrame]] = {}
_FRAMES_MAX: Final[int] = 512


def _intervals(ds: Dataset, layer: str, treaty: str) -> dict[str, list[intervals.Interval]]:
    key = (id(ds), layer, treaty)
    hit = _INTERVALS.get(key)
    if hit is not None and hit[0]() is ds:
        return hit[1]
    runs = intervals.layer_intervals(ds, layer, treaty=treaty)
    _INTERVALS[key] = (weakref.ref(ds), runs)
    return runs


def _run_holding(runs: object, day: dt.date) -> tuple[dt.date | None, dt.date | None]:
    for run in runs:  # type: ignore[attr-defined]
        if run.holds(day):
            return run.start, run.end
    return None, None


def layer_frame(ds: Dataset, layer: str, day: dt.date, treaty: str = "APMBC") -> gpd.GeoDataFrame:
    """Return every feature a data layer shows on ``day``, anywhere (columns :data:`COLUMNS`).

    Memoised per data version and *step*: the days between two consecutive change days of the
    layer (:func:`explorer.intervals.change_dates`) show the same, so a class dragging the date
    hits the memo. Treat the frame as read-only.

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> frame = layer_frame(load_dataset(), "treaty", dt.date(2026, 2, 20))
    >>> frame.set_index("record").loc["POL", ["state", "since"]].tolist()
    ['withdrawn', datetime.date(2026, 2, 20)]
    """
    family = layers.family(layer)
    days = intervals.change_dates(ds, layer, treaty=treaty) if family != "border" else []
    step = bisect.bisect_right(days, day)
    key = (id(ds), layer, treaty if family == "treaty" else "", step)
    hit = _FRAMES.get(key)
    if hit is not None and hit[0]() is ds:
        return hit[1]
    match family:
        case "border":
            rows = _border_rows(ds)
        case "programme":
            rows = _programme_rows(ds, layer, day)
        case "treaty":
            rows = _treaty_rows(ds, day, treaty)
        case _:
            rows = []
    frame = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=list(COLUMNS)), geometry="geometry", crs=DISPLAY_CRS
    )
    if len(_FRAMES) >= _FRAMES_MAX:
        _FRAMES.clear()
    _FRAMES[key] = (weakref.ref(ds), frame)
    return frame


def _area(view: View) -> BaseGeometry | None:
    if view.bbox is None or isinstance(view.bbox, BaseGeometry):
        return view.bbox
    return box(*view.bbox)


def make_scene(ds: Dataset, view: View) -> Scene:
    """Derive what ``view`` shows of ``ds``: each visible data layer's features in view.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    view : View
        Layers, date, box, language and treaty (already validated).

    Returns
    -------
    Scene

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> sc = make_scene(load_dataset(), View(layers=("borders",), date=dt.date(2026, 1, 1),
    ...                                      bbox=(22, 53, 24.5, 54)))
    >>> sorted({s for ids in sc.frames["borders"]["segment_ids"] for s in ids})
    ['LTU-BLR', 'POL-BLR', 'POL-LTU']
    """
    area = _area(view)
    frames: dict[str, gpd.GeoDataFrame] = {}
    for layer in view.layers:
        if layers.family(layer) == "basemap":
            continue
        frame = layer_frame(ds, layer, view.date, view.treaty)
        if area is not None and len(frame):
            frame = frame[shapely.intersects(frame.geometry.values, area)]
        frames[layer] = frame.reset_index(drop=True)
    return Scene(view=view, frames=frames)


def treaty_statuses(ds: Dataset, day: dt.date, treaty: str = "APMBC") -> pd.DataFrame:
    """Return every tracked country's status on ``day`` (the summary's and panel's table).

    Columns ``country``, ``status``, ``since``, ``event``, ``sources``.
    """
    rows = []
    for iso3 in ds.countries.index:
        status = timeline.status_on(ds.treaty_events, str(iso3), treaty, day)
        rows.append(
            {
                "country": str(iso3),
                "status": status.status,
                "since": status.since,
                "event": status.event_id,
                "sources": tuple(status.sources),
            }
        )
    return pd.DataFrame(rows, columns=["country", "status", "since", "event", "sources"])


def shown_categories(frames: Mapping[str, pd.DataFrame]) -> dict[str, set[str]]:
    """Return what each layer's features draw, for :func:`explorer.legend.legend_items`.

    ``treaty``: the statuses present; a programme: the build states and precisions of its drawn
    features (``site`` for points); the borders: ``{"drawn"}``. Layers without features are left
    out; the marks of works not drawn count for their state only.

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> sc = make_scene(load_dataset(), View(layers=("treaty",), date=dt.date(2000, 1, 1)))
    >>> sorted(shown_categories(sc.frames)["treaty"])
    ['non-party', 'party', 'signatory']
    """
    out: dict[str, set[str]] = {}
    for layer, frame in frames.items():
        categories: set[str] = set()
        match layers.family(layer):
            case "treaty":
                categories.update(str(s) for s in frame["state"])
            case "programme":
                for rec in frame[["state", "kind", "precision", "partial"]].to_dict("records"):
                    categories.add(str(rec["state"]))
                    if not rec["partial"]:
                        categories.add("site" if rec["kind"] == "point" else str(rec["precision"]))
            case _:
                if len(frame):
                    categories.add("drawn")
        if categories:
            out[layer] = categories
    return out
