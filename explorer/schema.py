"""Schemas of every file in ``geodata/``: fields, types, allowed values, geometry types.

This is the one place where the data's shape is written down. :mod:`explorer.validation` checks
files against these specs and :mod:`explorer.data` loads them; nothing else hard-codes column
names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

from explorer import config

FieldKind = Literal["str", "int", "float", "signed", "bool", "date", "partial_date", "list", "enum"]

# --- Allowed values --------------------------------------------------------------------------

#: How sure we are of a value: the body itself said it, media/NGOs reported it, or we derived it.
CONFIDENCE: Final[frozenset[str]] = frozenset({"official", "reported", "estimate"})

#: How exactly a geometry is known. ``exact``: surveyed or from a boundary dataset;
#: ``approximate``: a sourced place or line whose precise extent is not public;
#: ``corridor``: only "somewhere along this border, within this depth" is known.
PRECISION: Final[frozenset[str]] = frozenset({"exact", "approximate", "corridor"})

#: Build state of a fortification as of :data:`explorer.config.DATA_AS_OF`.
FORT_STATUS: Final[frozenset[str]] = frozenset({"planned", "under-construction", "complete"})

#: Kinds of fortification element.
ELEMENT_TYPES: Final[frozenset[str]] = frozenset(
    {
        "fence",
        "barrier",
        "electronic-barrier",
        "anti-tank-obstacles",
        "ditch",
        "bunkers",
        "surveillance",
        "mine-capability",
        "storage",
        "defence-line",
    }
)

#: Fortification programmes (one map layer each in the app).
PROGRAMMES: Final[frozenset[str]] = frozenset(
    {
        "east-shield",
        "pl-by-barrier",
        "pl-ru-barrier",
        "baltic-defence-line",
        "border-fence",
    }
)

#: How a fortification's geometry is obtained: stored in the file (``none``), the border line
#: itself (``segment``), a strip of ``derive_width_km`` on one side of the border (``corridor``),
#: or not drawn at all (``not-drawn``): the sources give only "about N km along this border"
#: (or a site without coordinates) and no sections, so the work has no geometry; it is listed
#: with its sourced ``length_km`` among the works along its ``derive_segments`` in the panel.
DERIVE_METHODS: Final[frozenset[str]] = frozenset({"none", "segment", "corridor", "not-drawn"})

#: A drawn line may be at most this factor longer than the work's sourced ``length_km``
#: (checked by the tests against the measured geometry).
MAX_DRAWN_LENGTH_FACTOR: Final[float] = 1.3

#: Treaty events. Only those in :data:`STATUS_EVENTS` change a country's status; the others are
#: milestones on the timeline (an announcement alone changes nothing).
TREATY_EVENTS: Final[frozenset[str]] = frozenset(
    {
        "signature",
        "ratification",
        "accession",
        "entry-into-force",
        # Ministers or officials recommend leaving the treaty (a recommendation, not a decision
        # of the state): a milestone that changes no status, like ``withdrawal-announced``.
        "withdrawal-recommended",
        "withdrawal-announced",
        "withdrawal-approved",
        "withdrawal-deposited",
        "withdrawal-effective",
        "suspension-notified",
        "milestone",
        # A source (a country profile, the list of States Parties) saying the country is not
        # party to the treaty: changes no status, but non-party rows cite it.
        "not-party",
    }
)

#: Status a country has under a treaty on a date.
TREATY_STATUSES: Final[tuple[str, ...]] = (
    "non-party",
    "signatory",
    "party",
    "withdrawal-pending",
    "withdrawn",
    "disputed",
)

#: Event -> status it sets from its date on (see :func:`explorer.timeline.status_on`).
STATUS_EVENTS: Final[dict[str, str]] = {
    "signature": "signatory",
    "entry-into-force": "party",
    "withdrawal-deposited": "withdrawal-pending",
    "withdrawal-effective": "withdrawn",
    "suspension-notified": "disputed",
}

#: Parts of a border an official length can describe.
LENGTH_PARTS: Final[frozenset[str]] = frozenset(
    {"total", "land", "water", "river", "lake", "lagoon", "sea"}
)

#: How a border line piece was obtained (see scripts/build_geodata.py).
LINE_BASIS: Final[frozenset[str]] = frozenset({"osm-land", "ne-gap-fill"})

#: Whether a segment is one of the three the product must show, or one it should show.
SEGMENT_PRIORITY: Final[frozenset[str]] = frozenset({"required", "expected"})

#: Treaties a ``treaty_events.csv`` row may name (:data:`explorer.config.TREATIES`).
TREATIES: Final[frozenset[str]] = frozenset(config.TREATIES)


# --- Specs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One column or GeoJSON property.

    Attributes
    ----------
    name : str
        Column / property name.
    kind : FieldKind
        ``str``, ``int``, ``float`` (both not negative), ``signed`` (a number that may be
        negative, e.g. a longitude), ``bool`` (``true``/``false``), ``date`` (``YYYY-MM-DD``),
        ``partial_date`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), ``list`` (of strings) or
        ``enum`` (one of ``allowed``).
    required : bool
        Whether an empty value is a problem.
    allowed : frozenset of str, optional
        Allowed values for ``enum`` (and for each item of a ``list`` when given).
    ref : str, optional
        Name of the table whose ids every value must resolve to (e.g. ``"sources"``).
    required_with : str, optional
        Name of a field in the same record: this one is required whenever that one has a value
        (a translation of optional text, e.g. ``note_pl`` with ``note``).
    """

    name: str
    kind: FieldKind = "str"
    required: bool = True
    allowed: frozenset[str] | None = None
    ref: str | None = None
    required_with: str | None = None


#: The audit date of a record: the day each of its claims (status, dates, length, names) was
#: compared with a named source, listed with the quoted passage in ``geodata/AUDIT.md``; empty while
#: any claim is unchecked. One definition, used by every table that carries it
#: (:data:`VERIFIED_TABLES`); :mod:`explorer.validation` rejects a date in the future.
VERIFIED_FIELD: Final[Field] = Field("verified", "date", required=False)


@dataclass(frozen=True)
class TableSpec:
    """A file in ``geodata/``.

    Attributes
    ----------
    name : str
        Table name used in references and messages.
    filename : str
        File name inside the data folder (``.csv`` or ``.geojson``).
    id_field : str or None
        Field whose values must be unique (None: no id; uniqueness not checked).
    fields : tuple of Field
        The columns / properties.
    geometry_types : frozenset of str or None
        Allowed geometry types for GeoJSON files; None for CSV.
    geometry_optional : bool
        GeoJSON only: whether a feature may have a null geometry (then it must be derivable).
    """

    name: str
    filename: str
    id_field: str | None
    fields: tuple[Field, ...]
    geometry_types: frozenset[str] | None = None
    geometry_optional: bool = False
    extra_fields_allowed: bool = field(default=False)

    @property
    def is_geojson(self) -> bool:
        """Whether the table is a GeoJSON FeatureCollection."""
        return self.filename.endswith(".geojson")

    def field_names(self) -> tuple[str, ...]:
        """Return the field names in order."""
        return tuple(f.name for f in self.fields)


SOURCES = TableSpec(
    name="sources",
    filename="sources.csv",
    id_field="id",
    fields=(
        Field("id"),
        Field("publisher"),
        Field("title"),
        Field("url"),
        # Publication date; "n.d." is not allowed: leave the year if only the year is known.
        Field("date", "partial_date", required=False),
        Field("accessed", "date"),
        Field("note", required=False),
    ),
)

COUNTRIES = TableSpec(
    name="countries",
    filename="countries.csv",
    id_field="iso3",
    fields=(
        Field("iso3"),
        Field("name_en"),
        Field("name_pl"),
    ),
)

SEGMENTS = TableSpec(
    name="segments",
    filename="segments.csv",
    id_field="id",
    fields=(
        Field("id"),
        Field("country_a", ref="countries"),
        Field("country_b", ref="countries"),
        Field("name_en"),
        Field("name_pl"),
        Field("priority", "enum", allowed=SEGMENT_PRIORITY),
        Field("note", required=False),
        Field("note_pl", required=False, required_with="note"),
        VERIFIED_FIELD,
    ),
)

BORDER_LENGTHS = TableSpec(
    name="border_lengths",
    filename="border_lengths.csv",
    id_field="id",
    fields=(
        Field("id"),
        Field("segment_id", ref="segments"),
        Field("part", "enum", allowed=LENGTH_PARTS),
        Field("km", "float"),
        Field("preferred", "bool"),
        Field("sources", "list", ref="sources"),
        Field("confidence", "enum", allowed=CONFIDENCE),
        Field("note", required=False),
    ),
)

BORDER_LINES = TableSpec(
    name="border_lines",
    filename="border_lines.geojson",
    id_field="id",
    fields=(
        Field("id"),
        Field("segment_id", ref="segments"),
        Field("basis", "enum", allowed=LINE_BASIS),
        Field("precision", "enum", allowed=PRECISION),
        Field("sources", "list", ref="sources"),
    ),
    geometry_types=frozenset({"LineString", "MultiLineString"}),
)

COUNTRY_SHAPES = TableSpec(
    name="country_shapes",
    filename="country_shapes.geojson",
    id_field="iso3",
    fields=(
        Field("iso3", ref="countries"),
        Field("sources", "list", ref="sources"),
    ),
    geometry_types=frozenset({"Polygon", "MultiPolygon"}),
)

FORTIFICATIONS = TableSpec(
    name="fortifications",
    filename="fortifications.geojson",
    id_field="id",
    fields=(
        Field("id"),
        Field("name_en"),
        Field("name_pl"),
        Field("programme", "enum", allowed=PROGRAMMES),
        Field("element", "enum", allowed=ELEMENT_TYPES),
        Field("country", ref="countries"),
        Field("status", "enum", allowed=FORT_STATUS),
        Field("announced", "partial_date", required=False),
        Field("start", "partial_date", required=False),
        Field("completed", "partial_date", required=False),
        Field("target", "partial_date", required=False),
        Field("precision", "enum", allowed=PRECISION),
        Field("derive_method", "enum", allowed=DERIVE_METHODS),
        Field("derive_segments", "list", required=False, ref="segments"),
        Field("derive_width_km", "float", required=False),
        Field("description_en"),
        Field("description_pl"),
        Field("length_km", "float", required=False),
        Field("length_note", required=False),
        Field("length_note_pl", required=False, required_with="length_note"),
        Field("budget", required=False),
        Field("budget_pl", required=False, required_with="budget"),
        Field("sources", "list", ref="sources"),
        Field("confidence", "enum", allowed=CONFIDENCE),
        # Publication date of the newest source that states the status (never the day it was
        # checked) and that source's id.
        Field("status_as_of", "partial_date"),
        Field("status_source", ref="sources"),
        VERIFIED_FIELD,
    ),
    geometry_types=frozenset(
        {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
    ),
    geometry_optional=True,
)

TREATY_EVENTS_TABLE = TableSpec(
    name="treaty_events",
    filename="treaty_events.csv",
    id_field="id",
    fields=(
        Field("id"),
        Field("country", ref="countries"),
        Field("treaty", "enum", allowed=TREATIES),
        Field("event", "enum", allowed=TREATY_EVENTS),
        Field("date", "date"),
        # Where sources disagree on a date, every version is kept; exactly one per
        # (country, treaty, event) is preferred and that one drives the status.
        Field("preferred", "bool"),
        Field("label_en"),
        Field("label_pl"),
        Field("sources", "list", ref="sources"),
        Field("confidence", "enum", allowed=CONFIDENCE),
        Field("note", required=False),
        VERIFIED_FIELD,
    ),
)

#: The presenter's story: one row per chapter, shown in ``chapter`` order (1..N, consecutive).
#: ``west``..``north`` is the view in degrees, ``layers`` are :data:`explorer.LAYER_IDS`
#: (checked by :mod:`explorer.validation`, which may import the style), and every chapter cites
#: its sources. Titles, captions and speaker notes are in each language of the interface.
#: ``compare`` (optional) makes the chapter a comparison: the map on that earlier date beside
#: the map on ``date`` (the handout prints both panels). ``play_to`` (optional) makes it play:
#: the presenter's map steps from ``date`` to that later day by itself (the handout prints the
#: first and the last day).
STORY = TableSpec(
    name="story",
    filename="story.csv",
    id_field="id",
    fields=(
        Field("chapter", "int"),
        Field("id"),
        Field("date", "date"),
        Field("west", "signed"),
        Field("south", "signed"),
        Field("east", "signed"),
        Field("north", "signed"),
        Field("layers", "list"),
        Field("title_en"),
        Field("title_pl"),
        Field("caption_en"),
        Field("caption_pl"),
        Field("notes_en"),
        Field("notes_pl"),
        Field("sources", "list", ref="sources"),
        VERIFIED_FIELD,
        Field("compare", "date", required=False),
        Field("play_to", "date", required=False),
    ),
)

#: Every table, in load order (referenced tables first).
TABLES: Final[tuple[TableSpec, ...]] = (
    SOURCES,
    COUNTRIES,
    SEGMENTS,
    BORDER_LENGTHS,
    BORDER_LINES,
    COUNTRY_SHAPES,
    FORTIFICATIONS,
    TREATY_EVENTS_TABLE,
    STORY,
)

TABLES_BY_NAME: Final[dict[str, TableSpec]] = {t.name: t for t in TABLES}

#: Tables whose records carry :data:`VERIFIED_FIELD`, in load order.
VERIFIED_TABLES: Final[tuple[TableSpec, ...]] = tuple(
    t for t in TABLES if VERIFIED_FIELD in t.fields
)


# --- What depends on what ----------------------------------------------------------------------

#: Tables everything needs (source ids, country names, the border segments and their lines): a
#: problem in one of these files stops the app with a message naming it.
CORE_TABLES: Final[tuple[str, ...]] = ("sources", "countries", "segments", "border_lines")

#: Map layer id (:data:`explorer.LAYER_IDS`) -> the tables it is drawn from beyond
#: :data:`CORE_TABLES`. A problem in one of these files disables only the layers listed with it;
#: the rest of the app keeps working. ``borders`` shows the official lengths; each programme layer
#: draws its features, and a corridor lies on one country's side of the border, so a programme
#: with corridor features (``derive_method`` ``corridor``) also needs ``country_shapes`` (worked
#: out from the data by :func:`explorer.data.load_dataset`); the treaty layer shades the country
#: shapes by the events.
LAYER_TABLES: Final[dict[str, tuple[str, ...]]] = {
    "borders": ("border_lengths",),
    **dict.fromkeys(sorted(PROGRAMMES), ("fortifications",)),
    "treaty": ("country_shapes", "treaty_events"),
    "basemap": (),
}
