"""Load the validated geodata into pandas / geopandas tables, deriving what is not stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from explorer import geometry, schema, validation
from explorer.config import DISPLAY_CRS, GEODATA_DIR
from explorer.validation import DataError, Problem, parse_partial_date

__all__ = ["DataError", "Dataset", "load_dataset"]


@dataclass(frozen=True)
class Dataset:
    """Every table of the explorer, validated, with derived columns.

    Attributes
    ----------
    sources : pandas.DataFrame
        Indexed by source id: ``publisher``, ``title``, ``url``, ``date``, ``accessed``, ``note``.
    countries : pandas.DataFrame
        Indexed by ISO3: ``name_en``, ``name_pl``.
    segments : geopandas.GeoDataFrame
        One row per border segment: ``id``, ``countries`` (two ISO3 codes), ``name_en``,
        ``priority``, ``official_km`` (preferred figure), ``official_sources``,
        ``measured_km`` (geodesic, computed here), ``measured_exact_km`` and
        ``measured_approx_km`` (OSM land line vs Natural Earth gap fill), geometry.
    border_lines : geopandas.GeoDataFrame
        The pieces each segment is made of, with ``basis``, ``precision`` and ``measured_km``.
    border_lengths : pandas.DataFrame
        Every official length figure, preferred or not.
    country_shapes : geopandas.GeoDataFrame
        Land polygons of the tracked countries.
    fortifications : geopandas.GeoDataFrame
        Features with geometry derived where not stored, and ``*_date`` columns
        (``datetime.date``, first day of a partial date).
    treaty_events : pandas.DataFrame
        Dated treaty events, ``date`` as ``datetime.date``.
    data_dir : pathlib.Path
        Where the data was read from.
    problems : tuple of Problem
        What was wrong (only ever non-empty for ``load_dataset(..., partial=True)``).
    broken_tables : frozenset of str
        Names of the tables (:data:`explorer.schema.TABLES`) that had problems; each is loaded
        as an empty table with the right columns so nothing from a broken file is shown.
    unavailable_layers : mapping of str to tuple of str
        Layer id -> the broken files it depends on (see :data:`explorer.schema.LAYER_TABLES`),
        in :data:`explorer.schema.LAYER_TABLES` order. Such layers must not be drawn.
    """

    sources: pd.DataFrame
    countries: pd.DataFrame
    segments: gpd.GeoDataFrame
    border_lines: gpd.GeoDataFrame
    border_lengths: pd.DataFrame
    country_shapes: gpd.GeoDataFrame
    fortifications: gpd.GeoDataFrame
    treaty_events: pd.DataFrame
    data_dir: Path
    problems: tuple[Problem, ...] = ()
    broken_tables: frozenset[str] = frozenset()
    unavailable_layers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def problems_in(self, filename: str) -> list[Problem]:
        """Return the problems found in one file (e.g. ``"fortifications.geojson"``)."""
        return [p for p in self.problems if p.file == filename]


def _frame(records: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(records, columns=columns)


def _geo(records: list[dict], columns: list[str]) -> gpd.GeoDataFrame:
    frame = _frame(records, [*columns, "geometry"])
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=DISPLAY_CRS)


def build_segments(
    segment_rows: pd.DataFrame, lines: gpd.GeoDataFrame, lengths: pd.DataFrame
) -> gpd.GeoDataFrame:
    """Join segment metadata, merged border lines, measured and official lengths.

    Parameters
    ----------
    segment_rows : pandas.DataFrame
        Rows of ``segments.csv``.
    lines : geopandas.GeoDataFrame
        Rows of ``border_lines.geojson`` with a ``measured_km`` column.
    lengths : pandas.DataFrame
        Rows of ``border_lengths.csv``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per segment (see :class:`Dataset`).
    """
    rows = []
    for seg in segment_rows.to_dict("records"):
        pieces = lines[lines["segment_id"] == seg["id"]]
        preferred = lengths[(lengths["segment_id"] == seg["id"]) & lengths["preferred"]]
        pref = preferred.iloc[0] if len(preferred) else None
        exact = pieces.loc[pieces["precision"] == "exact", "measured_km"].sum()
        approx = pieces.loc[pieces["precision"] != "exact", "measured_km"].sum()
        rows.append(
            {
                **seg,
                "countries": [seg["country_a"], seg["country_b"]],
                "official_km": float(pref["km"]) if pref is not None else None,
                "official_part": pref["part"] if pref is not None else None,
                "official_sources": list(pref["sources"]) if pref is not None else [],
                "measured_km": round(float(exact + approx), 1),
                "measured_exact_km": round(float(exact), 1),
                "measured_approx_km": round(float(approx), 1),
                "geometry": geometry.merge_lines(pieces.geometry),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=DISPLAY_CRS)


def derive_fortification_geometry(
    forts: gpd.GeoDataFrame, segments: gpd.GeoDataFrame, shapes: gpd.GeoDataFrame | None
) -> gpd.GeoDataFrame:
    """Fill in geometries of features whose location is only known as "along the border".

    ``segment``: the merged line of the listed segments. ``corridor``: the strip of
    ``derive_width_km`` on the feature country's side of those segments; without ``shapes``
    (country shapes unavailable) a corridor's side is unknown and its geometry is left None.
    ``not-drawn``: not drawn (None); the sources give a length along the border but no
    sections, and a line along the whole border would show far more than exists.
    """
    seg_geom = dict(zip(segments["id"], segments.geometry, strict=True))
    if shapes is None:
        side = None
    else:
        side = dict(zip(shapes["iso3"], shapes.geometry, strict=True))
    out = forts.copy()
    geoms = []
    for rec in forts.to_dict("records"):
        method = rec["derive_method"]
        if method == "none":
            geoms.append(rec["geometry"])
            continue
        if method == "not-drawn":
            geoms.append(None)
            continue
        line = geometry.merge_lines(seg_geom[s] for s in rec["derive_segments"])
        if method == "segment":
            geoms.append(line)
        elif side is None:
            geoms.append(None)
        else:
            geoms.append(geometry.corridor(line, side.get(rec["country"]), rec["derive_width_km"]))
    out["geometry"] = gpd.GeoSeries(geoms, index=out.index, crs=DISPLAY_CRS)
    return out


def _date_or_none(value: object) -> dt.date | None:
    return parse_partial_date(value) if isinstance(value, str) and value else None


def _broken_tables(problems: Iterable[Problem]) -> set[str]:
    """Names of the tables the problems are in."""
    by_file = {spec.filename: spec.name for spec in schema.TABLES}
    return {by_file.get(p.file, p.file) for p in problems}


def _unavailable_layers(broken: set[str], forts: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Layer id -> broken files it depends on (:data:`explorer.schema.LAYER_TABLES`)."""
    corridor_programmes = set(forts.loc[forts["derive_method"] == "corridor", "programme"])
    out = {}
    for layer, needs in schema.LAYER_TABLES.items():
        tables = [t for t in needs if t in broken]
        if layer in corridor_programmes and "country_shapes" in broken:
            tables.append("country_shapes")
        if tables:
            out[layer] = tuple(schema.TABLES_BY_NAME[t].filename for t in tables)
    return out


def load_dataset(data_dir: Path | str = GEODATA_DIR, *, partial: bool = False) -> Dataset:
    """Validate and load every table in ``data_dir``.

    Parameters
    ----------
    data_dir : path, default ``geodata/``
        Folder holding the data files.
    partial : bool, default False
        False: any problem raises. True: a file with problems that only some map layers need
        (see :data:`explorer.schema.LAYER_TABLES`) is loaded as an empty table and those layers
        are listed in ``Dataset.unavailable_layers``, with the problems in ``Dataset.problems``;
        only a problem in a file everything needs (:data:`explorer.schema.CORE_TABLES`) raises.

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        Listing every problem found in every file (nothing is loaded if anything is wrong, or,
        with ``partial``, if a core file is wrong).

    Examples
    --------
    >>> ds = load_dataset()
    >>> float(ds.segments.set_index("id").loc["POL-BLR", "official_km"])
    418.0
    >>> load_dataset("/nonexistent")
    Traceback (most recent call last):
    ...
    explorer.validation.problems.DataError: 9 problem(s) in geodata:
    ...
    >>> load_dataset(partial=True).unavailable_layers
    {}
    """
    data_dir = Path(data_dir)
    tables, problems = validation.validate_dir(data_dir)
    broken = _broken_tables(problems)
    if problems and (not partial or broken & set(schema.CORE_TABLES)):
        raise DataError(problems)
    for name in broken:
        tables[name] = []  # nothing from a broken file is shown

    def cols(spec: schema.TableSpec) -> list[str]:
        return list(spec.field_names())

    sources = _frame(tables["sources"], cols(schema.SOURCES)).set_index("id")
    countries = _frame(tables["countries"], cols(schema.COUNTRIES)).set_index("iso3")
    lengths = _frame(tables["border_lengths"], cols(schema.BORDER_LENGTHS))
    lines = _geo(tables["border_lines"], cols(schema.BORDER_LINES))
    lines["measured_km"] = geometry.lengths_km(lines.geometry)
    segment_rows = _frame(tables["segments"], cols(schema.SEGMENTS))
    segments = build_segments(segment_rows, lines, lengths)
    shapes = _geo(tables["country_shapes"], cols(schema.COUNTRY_SHAPES))
    forts = _geo(tables["fortifications"], cols(schema.FORTIFICATIONS))
    forts = derive_fortification_geometry(
        forts, segments, None if "country_shapes" in broken else shapes
    )
    geoms = forts.geometry.values
    invalid = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    if invalid.any():  # pragma: no cover - defensive: derived geometry should always be valid
        problems = sorted(
            {
                *problems,
                *(
                    Problem(
                        schema.FORTIFICATIONS.filename, b, "geometry", "derived geometry is invalid"
                    )
                    for b in forts.loc[invalid, "id"]
                ),
            }
        )
        if not partial:
            raise DataError(problems)
        broken.add("fortifications")
        forts = forts.iloc[0:0].copy()
    for key in ("announced", "start", "completed", "target"):
        forts[f"{key}_date"] = forts[key].map(_date_or_none)
    events = _frame(tables["treaty_events"], cols(schema.TREATY_EVENTS_TABLE))
    events = events.sort_values(["country", "treaty", "date", "id"]).reset_index(drop=True)
    return Dataset(
        sources=sources,
        countries=countries,
        segments=segments,
        border_lines=lines,
        border_lengths=lengths,
        country_shapes=shapes,
        fortifications=forts,
        treaty_events=events,
        data_dir=data_dir,
        problems=tuple(problems),
        broken_tables=frozenset(broken),
        unavailable_layers=_unavailable_layers(
            broken, _frame(tables["fortifications"], cols(schema.FORTIFICATIONS))
        ),
    )
