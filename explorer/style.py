"""Map styling as data: layer titles, colours, dash patterns, Leaflet path styles, the legend.

Nothing here draws: the web map (:mod:`explorer.web`) and the printed map
(:mod:`explorer.printmap`) turn these into drawings, and render the legend from
:func:`legend_items`. Colours come from colour-vision-deficiency-safe palettes: programme lines from
Okabe & Ito (2008, "Color Universal Design"), treaty fills from Paul Tol's schemes
(https://personal.sron.nl/~pault/). What a feature *is* is never told by colour alone: precision is
also a dash pattern, build state also an opacity, and every feature has a text popup.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Final, Literal, NotRequired, TypedDict

from explorer.i18n import t
from explorer.layers import DATA_LAYERS, DEFAULT_LAYERS, LAYER_IDS
from explorer.schema import PRECISION, PROGRAMMES, TREATY_STATUSES

__all__ = [
    "BORDER_COLOURS",
    "DATA_LAYERS",
    "DEFAULT_LAYERS",
    "FORT_STATES",
    "HOW_TO_READ",
    "LAKE_COLOUR",
    "LAND_COLOUR",
    "LAND_OUTLINE_COLOUR",
    "LAYERS",
    "LAYER_IDS",
    "LAYER_TITLES",
    "PRECISION_DASH",
    "PROGRAMME_COLOURS",
    "SEA_COLOUR",
    "TREATY_STATUS_COLOURS",
    "TREATY_STATUS_HATCH",
    "LegendItem",
    "border_style",
    "corridor_class",
    "fortification_style",
    "hatch_pattern_id",
    "lake_style",
    "land_style",
    "layer_title",
    "layers",
    "legend_items",
    "point_style",
    "state_label",
    "status_label",
    "treaty_hatch",
    "treaty_style",
]

# --- Layers (the registry is :mod:`explorer.layers`) ----------------------------------------

#: Every map layer in order as ``(layer_id, English title)``; :func:`layers` gives other languages.
LAYERS: Final[tuple[tuple[str, str], ...]] = tuple((i, t(f"layer.{i}", "en")) for i in LAYER_IDS)

#: Layer id -> English title.
LAYER_TITLES: Final[dict[str, str]] = dict(LAYERS)

# --- Colours -----------------------------------------------------------------------------------

#: Background of the map div: the sea (there are no tiles).
SEA_COLOUR: Final[str] = "#b5d0e6"
#: Basemap land fill: a warm light grey, neutral under every treaty colour.
LAND_COLOUR: Final[str] = "#f4f2ec"
#: Thin outline of every basemap country (tracked or not).
LAND_OUTLINE_COLOUR: Final[str] = "#b9b4aa"
#: Lakes: the sea colour, with a slightly darker shore.
LAKE_COLOUR: Final[str] = SEA_COLOUR
_LAKE_SHORE: Final[str] = "#86abc9"

#: Programme line/fill colours: Okabe–Ito, the five that contrast best with a light background.
PROGRAMME_COLOURS: Final[dict[str, str]] = {
    "east-shield": "#D55E00",  # vermillion
    "pl-by-barrier": "#CC79A7",  # reddish purple
    "pl-ru-barrier": "#0072B2",  # blue
    "baltic-defence-line": "#009E73",  # bluish green
    "border-fence": "#E69F00",  # orange
}

#: Treaty status fills: green for "in", yellow for signed, orange then deep red for leaving,
#: magenta for never joining, brown for disputed. No land category uses a water hue (cyan to
#: blue-violet, CIELAB hue 180–290°: the old pale-cyan "signatory" read as sea). Tuned so that,
#: as drawn (fill opacity 0.55 over the land colour), every pair stays at least CIEDE2000 ΔE 10
#: apart, and apart from the land and the sea, under simulated protanopia, deuteranopia and
#: tritanopia (Machado et al. 2009); in greyscale the plain fills differ by at least 12 L* and
#: the others carry a hatch (:data:`TREATY_STATUS_HATCH`). See tests/test_accessibility.py.
TREATY_STATUS_COLOURS: Final[dict[str, str]] = {
    "non-party": "#AD468E",  # magenta
    "signatory": "#FFED00",  # yellow (dotted)
    "party": "#12C690",  # green
    "withdrawal-pending": "#FB9339",  # orange (hatched)
    "withdrawn": "#8E0016",  # deep red
    "disputed": "#81683D",  # brown (cross-hatched)
}

#: Treaty statuses that also carry a hatch (matplotlib hatch strings; None: plain fill), so that
#: in greyscale every pair of statuses differs by at least 12 L* or by a pattern: six fills at
#: a translucent opacity cannot all be 12 L* apart. Static maps and their legends draw these;
#: :func:`treaty_hatch` gives them to other renderers.
TREATY_STATUS_HATCH: Final[dict[str, str | None]] = {
    "non-party": None,
    "signatory": "..",
    "party": None,
    "withdrawal-pending": "///",
    "withdrawn": None,
    "disputed": "xx",
}

#: Border segment ink: near-black for the three required segments, dark grey for the others.
BORDER_COLOURS: Final[dict[str, str]] = {"required": "#111111", "expected": "#4a4a4a"}

# --- Line patterns -----------------------------------------------------------------------------

#: SVG ``stroke-dasharray`` by precision (None: solid). Corridors are a hatched, translucent fill
#: with a dotted outline.
PRECISION_DASH: Final[dict[str, str | None]] = {
    "exact": None,
    "approximate": "8 6",
    "corridor": "2 5",
}

#: Build states of a fortification on a date (see :func:`explorer.timeline.fortification_state`)
#: with their English labels, in time order (:func:`state_label` for other languages).
FORT_STATES: Final[dict[str, str]] = {
    state: t(f"state.{state}", "en") for state in ("announced", "under-construction", "complete")
}

#: Opacity by build state: complete features are solid, announced ones faint.
_STATE_OPACITY: Final[dict[str, float]] = {
    "announced": 0.45,
    "under-construction": 0.75,
    "complete": 0.95,
}

_BORDER_WEIGHT: Final[dict[str, float]] = {"required": 4.0, "expected": 2.0}
_FORT_LINE_WEIGHT: Final[float] = 11.0  # wide band under the border line it follows
_POINT_RADIUS: Final[float] = 7.0

#: ``label``: a figure written on the map instead of a line (works not drawn; static maps).
Kind = Literal["line", "fill", "point", "label"]

#: Layer id of the legend rows that explain precision and build state.
HOW_TO_READ: Final[str] = "how-to-read"


class LegendItem(TypedDict):
    """One legend row: a swatch and its label.

    ``kind`` is ``line``, ``fill`` or ``point``; ``dash`` an SVG dash array or None; ``hatch`` tells
    a corridor fill; ``outline`` the fill's border colour (None: none); ``group`` the layer title.
    """

    layer: str
    group: str
    label: str
    kind: Kind
    colour: str
    dash: str | None
    weight: float
    opacity: float
    hatch: bool
    outline: str | None
    pattern: NotRequired[str | None]


# --- Labels ------------------------------------------------------------------------------------


def layer_title(layer_id: str, lang: str = "en") -> str:
    """Return a layer's title in ``lang``.

    Examples
    --------
    >>> layer_title("east-shield", "pl")
    'Tarcza Wschód (Polska)'
    >>> layer_title("roads")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown layer 'roads'; expected one of [...]
    """
    _check(layer_id, LAYER_IDS, "layer")
    return t(f"layer.{layer_id}", lang)


def layers(lang: str = "en") -> tuple[tuple[str, str], ...]:
    """Return every layer as ``(layer_id, title in lang)``, in :data:`LAYER_IDS` order.

    Examples
    --------
    >>> layers("pl")[0]
    ('borders', 'Odcinki granic')
    """
    return tuple((layer_id, t(f"layer.{layer_id}", lang)) for layer_id in LAYER_IDS)


def status_label(status: str, lang: str = "en") -> str:
    """Return a treaty status as words in ``lang`` (lower case).

    Examples
    --------
    >>> status_label("withdrawal-pending"), status_label("withdrawn", "pl")
    ('withdrawal pending', 'wystąpiło')
    """
    _check(status, TREATY_STATUSES, "status")
    return t(f"status.{status}", lang)


def state_label(state: str, lang: str = "en") -> str:
    """Return a fortification's build state (or stored status, e.g. ``planned``) in ``lang``.

    Examples
    --------
    >>> state_label("under-construction", "pl")
    'w budowie'
    """
    _check(state, (*FORT_STATES, "planned"), "state")
    return t(f"state.{state}", lang)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- Path styles (Leaflet path options) ---------------------------------------------------------


def _check(value: str, allowed: Iterable[str], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; expected one of {sorted(allowed)}")


def land_style() -> dict[str, object]:
    """Return the Leaflet style of basemap countries.

    Examples
    --------
    >>> land_style()["fillColor"] == LAND_COLOUR
    True
    """
    return {
        "color": LAND_OUTLINE_COLOUR,
        "weight": 0.7,
        "opacity": 1.0,
        "fillColor": LAND_COLOUR,
        "fillOpacity": 1.0,
    }


def lake_style() -> dict[str, object]:
    """Return the Leaflet style of basemap lakes (sea-coloured, thin shore line).

    Examples
    --------
    >>> lake_style()["fillColor"] == SEA_COLOUR
    True
    """
    return {
        "color": _LAKE_SHORE,
        "weight": 0.6,
        "opacity": 1.0,
        "fillColor": LAKE_COLOUR,
        "fillOpacity": 1.0,
    }


def border_style(priority: str, precision: str) -> dict[str, object]:
    """Return the style of a border segment piece: heavier and darker when ``required``.

    Parameters
    ----------
    priority : str
        ``required`` or ``expected`` (:data:`explorer.schema.SEGMENT_PRIORITY`).
    precision : str
        ``exact`` (OpenStreetMap land border) or ``approximate`` (Natural Earth gap fill).

    Returns
    -------
    dict
        Leaflet path options (``color``, ``weight``, ``opacity``, ``dashArray``, ``lineCap``).

    Examples
    --------
    >>> border_style("required", "exact")["weight"] > border_style("expected", "exact")["weight"]
    True
    >>> border_style("expected", "approximate")["dashArray"]
    '8 6'
    >>> border_style("optional", "exact")
    Traceback (most recent call last):
    ...
    ValueError: unknown priority 'optional'; expected one of ['expected', 'required']
    """
    _check(priority, BORDER_COLOURS, "priority")
    _check(precision, PRECISION, "precision")
    return {
        "color": BORDER_COLOURS[priority],
        "weight": _BORDER_WEIGHT[priority],
        "opacity": 1.0,
        "dashArray": PRECISION_DASH[precision],
        "lineCap": "butt" if PRECISION_DASH[precision] else "round",
    }


def hatch_pattern_id(programme: str) -> str:
    """Return the DOM id of the SVG hatch pattern for a programme's corridors.

    Examples
    --------
    >>> hatch_pattern_id("east-shield")
    'bfe-hatch-east-shield'
    """
    _check(programme, PROGRAMMES, "programme")
    return f"bfe-hatch-{programme}"


def corridor_class(programme: str) -> str:
    """Return the CSS class given to a programme's corridor paths (it applies the hatch).

    Examples
    --------
    >>> corridor_class("border-fence")
    'bfe-corridor bfe-corridor-border-fence'
    """
    _check(programme, PROGRAMMES, "programme")
    return f"bfe-corridor bfe-corridor-{programme}"


def fortification_style(programme: str, precision: str, state: str) -> dict[str, object]:
    """Return the style of a fortification line or corridor.

    Lines are wide translucent bands (the border line is drawn over them); corridors are a
    hatched, translucent fill with a dotted outline. Opacity grows with the build state.

    Parameters
    ----------
    programme : str
        One of :data:`explorer.schema.PROGRAMMES`.
    precision : str
        ``exact``, ``approximate`` or ``corridor``.
    state : str
        ``announced``, ``under-construction`` or ``complete`` on the date shown.

    Returns
    -------
    dict
        Leaflet path options.

    Examples
    --------
    >>> s = fortification_style("east-shield", "corridor", "announced")
    >>> s["dashArray"], s["className"]
    ('2 5', 'bfe-corridor bfe-corridor-east-shield')
    >>> fortification_style("east-shield", "approximate", "complete")["dashArray"]
    '8 6'
    >>> fortification_style("east-shield", "exact", "planned")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown state 'planned'; expected one of [...]
    """
    _check(programme, PROGRAMMES, "programme")
    _check(precision, PRECISION, "precision")
    _check(state, FORT_STATES, "state")
    colour = PROGRAMME_COLOURS[programme]
    opacity = _STATE_OPACITY[state]
    if precision == "corridor":
        # The outline stays strong even when only announced: a strip a few km wide is a few
        # pixels at the zoom a whole border is seen at, and a faint one vanished (state still
        # shows in the fill and the legend's line shades).
        return {
            "color": colour,
            "weight": 2.5,
            "opacity": max(0.8, min(1.0, opacity + 0.05)),
            "dashArray": PRECISION_DASH["corridor"],
            "fillColor": colour,
            "fillOpacity": round(opacity * 0.6, 3),
            "className": corridor_class(programme),
        }
    return {
        "color": colour,
        "weight": _FORT_LINE_WEIGHT,
        "opacity": round(opacity * 0.85, 3),
        "dashArray": PRECISION_DASH[precision],
        "lineCap": "butt",
    }


def point_style(programme: str, state: str) -> dict[str, object]:
    """Return the style of a fortification site drawn as a circle marker.

    Examples
    --------
    >>> point_style("east-shield", "complete")["fillColor"]
    '#D55E00'
    """
    _check(programme, PROGRAMMES, "programme")
    _check(state, FORT_STATES, "state")
    return {
        "radius": _POINT_RADIUS,
        "color": "#ffffff",
        "weight": 2.0,
        "opacity": 1.0,
        "fillColor": PROGRAMME_COLOURS[programme],
        "fillOpacity": _STATE_OPACITY[state],
    }


def treaty_hatch(status: str) -> str | None:
    """Return the hatch a treaty ``status`` carries besides its colour (None: a plain fill).

    Examples
    --------
    >>> treaty_hatch("withdrawal-pending"), treaty_hatch("party")
    ('///', None)
    """
    _check(status, TREATY_STATUS_COLOURS, "status")
    return TREATY_STATUS_HATCH[status]


def treaty_style(status: str) -> dict[str, object]:
    """Return the fill style of a country with a treaty ``status``.

    Examples
    --------
    >>> treaty_style("withdrawn")["fillColor"]
    '#8E0016'
    >>> treaty_style("left")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown status 'left'; expected one of [...]
    """
    _check(status, TREATY_STATUS_COLOURS, "status")
    return {
        "color": "#7d7d7d",
        "weight": 0.8,
        "opacity": 0.8,
        "fillColor": TREATY_STATUS_COLOURS[status],
        "fillOpacity": 0.55,
    }


# --- Legend ------------------------------------------------------------------------------------


def _item(
    layer: str,
    label: str,
    kind: Kind,
    colour: str,
    *,
    dash: str | None = None,
    weight: float = 0.0,
    opacity: float = 1.0,
    hatch: bool = False,
    outline: str | None = None,
    group: str | None = None,
    lang: str = "en",
) -> LegendItem:
    return LegendItem(
        layer=layer,
        group=group or layer_title(layer, lang),
        label=label,
        kind=kind,
        colour=colour,
        dash=dash,
        weight=weight,
        opacity=opacity,
        hatch=hatch,
        outline=outline,
    )


def _layer_items(layer: str, lang: str) -> list[LegendItem]:
    if layer == "borders":
        req = border_style("required", "exact")
        exp = border_style("expected", "exact")
        approx = border_style("expected", "approximate")
        return [
            _item(
                layer,
                t("legend.required", lang),
                "line",
                str(req["color"]),
                weight=float(req["weight"]),
                lang=lang,
            ),
            _item(
                layer,
                t("legend.other", lang),
                "line",
                str(exp["color"]),
                weight=float(exp["weight"]),
                lang=lang,
            ),
            _item(
                layer,
                t("legend.water", lang),
                "line",
                str(approx["color"]),
                dash=PRECISION_DASH["approximate"],
                weight=float(approx["weight"]),
                lang=lang,
            ),
        ]
    if layer in PROGRAMME_COLOURS:
        return [
            _item(
                layer,
                layer_title(layer, lang),
                "line",
                PROGRAMME_COLOURS[layer],
                weight=_FORT_LINE_WEIGHT / 2,
                opacity=0.85,
                group=t("legend.fort_group", lang),
            ),
        ]
    if layer == "treaty":
        return [
            _item(
                layer,
                _capital(status_label(status, lang)),
                "fill",
                TREATY_STATUS_COLOURS[status],
                opacity=float(treaty_style(status)["fillOpacity"]),
                outline="#7d7d7d",
                lang=lang,
            )
            | {"pattern": TREATY_STATUS_HATCH[status]}
            for status in TREATY_STATUSES
        ]
    if layer == "basemap":
        return [
            _item(
                layer,
                t("legend.land", lang),
                "fill",
                LAND_COLOUR,
                outline=LAND_OUTLINE_COLOUR,
                lang=lang,
            ),
            _item(
                layer,
                t("legend.sea", lang),
                "fill",
                SEA_COLOUR,
                outline=_LAKE_SHORE,
                lang=lang,
            ),
        ]
    raise ValueError(f"unknown layer {layer!r}; expected one of {list(LAYER_IDS)}")


def _reading_items(lang: str) -> list[tuple[str, LegendItem]]:
    """How precision and build state look, shown once when any programme layer is visible.

    Each row comes with the category it explains: a precision, ``site`` (a point) or a build
    state (see :func:`explorer.scene.shown_categories`).
    """
    grey = "#555555"
    group = t("legend.read_group", lang)
    dash = PRECISION_DASH
    opacity = _STATE_OPACITY
    return [
        ("exact", _reading(group, t("legend.exact", lang), "line", grey, dash["exact"])),
        (
            "approximate",
            _reading(group, t("legend.approximate", lang), "line", grey, dash["approximate"]),
        ),
        (
            "corridor",
            _reading(group, t("legend.corridor", lang), "fill", grey, dash["corridor"], hatch=True),
        ),
        ("site", _reading(group, t("legend.site", lang), "point", grey, None)),
        (
            "complete",
            _reading(
                group, t("legend.complete", lang), "line", grey, None, opacity=opacity["complete"]
            ),
        ),
        (
            "under-construction",
            _reading(
                group,
                t("legend.under_construction", lang),
                "line",
                grey,
                None,
                opacity=opacity["under-construction"],
            ),
        ),
        (
            "announced",
            _reading(
                group,
                t("legend.announced", lang),
                "line",
                grey,
                None,
                opacity=opacity["announced"],
            ),
        ),
    ]


def _reading(
    group: str,
    label: str,
    kind: Kind,
    colour: str,
    dash: str | None,
    *,
    hatch: bool = False,
    opacity: float = 0.85,
) -> LegendItem:
    return LegendItem(
        layer=HOW_TO_READ,
        group=group,
        label=label,
        kind=kind,
        colour=colour,
        dash=dash,
        weight=4.0 if kind == "line" else 1.5,
        opacity=opacity,
        hatch=hatch,
        outline=colour if kind == "fill" else None,
    )


def legend_items(
    visible_layers: Iterable[str],
    lang: str = "en",
    *,
    shown: Mapping[str, Collection[str]] | None = None,
) -> list[LegendItem]:
    """Describe exactly what the visible layers draw, in :data:`LAYERS` order.

    Parameters
    ----------
    visible_layers : iterable of str
        Layer ids from :data:`LAYER_IDS`.
    lang : {"en", "pl"}, default "en"
        Language of the group titles and labels.
    shown : mapping of str to collection of str, optional
        What is actually drawn (on the date, or in view): layer id -> the categories present,
        as :func:`explorer.scene.shown_categories` returns them. With it, treaty rows are only
        the statuses
        present, a programme is listed only if it has features, and the how-to-read rows only
        explain the precisions and build states present. None (default): every category of
        every visible layer.

    Returns
    -------
    list of LegendItem
        One row per swatch. When any programme layer is visible (and, with ``shown``, drawn),
        rows explaining precision (solid / dashed / hatched corridor) and build state (opacity)
        follow the programmes, under the layer id ``how-to-read``.

    Raises
    ------
    ValueError
        If a layer id is unknown.

    Examples
    --------
    >>> [i["label"] for i in legend_items(["east-shield"])][:2]
    ['East Shield (Poland)', 'Exact line']
    >>> {i["layer"] for i in legend_items(["borders"])}
    {'borders'}
    >>> [i["label"] for i in legend_items(["treaty"], "pl")][:2]
    ['Nie jest stroną', 'Sygnatariusz']
    >>> [i["label"] for i in legend_items(["treaty"], shown={"treaty": {"party"}})]
    ['Party']
    >>> legend_items(["east-shield"], shown={"east-shield": set()})
    []
    >>> legend_items([])
    []
    >>> legend_items(["roads"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown layer 'roads'; expected one of [...]
    """
    visible = set(visible_layers)
    for layer in sorted(visible):
        if layer not in LAYER_TITLES:
            raise ValueError(f"unknown layer {layer!r}; expected one of {list(LAYER_IDS)}")
    shown_layers = [layer for layer in LAYER_IDS if layer in visible]
    if shown is not None:
        shown_layers = [
            layer
            for layer in shown_layers
            if (layer not in PROGRAMME_COLOURS and layer != "treaty") or shown.get(layer)
        ]
    programmes = [layer for layer in shown_layers if layer in PROGRAMME_COLOURS]
    present = (
        None
        if shown is None
        else {category for layer in programmes for category in shown.get(layer, ())}
    )
    items: list[LegendItem] = []
    for layer in shown_layers:
        rows = _layer_items(layer, lang)
        if layer == "treaty" and shown is not None:
            wanted = set(shown.get("treaty", ()))
            rows = [
                row for row, status in zip(rows, TREATY_STATUSES, strict=True) if status in wanted
            ]
        items.extend(rows)
        if programmes and layer == programmes[-1]:
            items.extend(
                row
                for category, row in _reading_items(lang)
                if present is None or category in present
            )
    return items


def with_partial_row(
    items: list[LegendItem], lang: str = "en", *, colour: str = "#1f1f1f"
) -> list[LegendItem]:
    """Add the row that explains the mark of works not drawn ("about N of M km").

    It goes after the "how to read" rows, or at the end.

    Examples
    --------
    >>> rows = with_partial_row(legend_items(["border-fence"]))
    >>> [r["kind"] for r in rows].count("label")
    1
    """
    reading = [n for n, i in enumerate(items) if i["layer"] == HOW_TO_READ]
    at = reading[-1] + 1 if reading else len(items)
    mark = LegendItem(
        layer=HOW_TO_READ,
        group=t("legend.read_group", lang),
        label=t("legend.partial", lang),
        kind="label",
        colour=colour,
        dash=None,
        weight=1.0,
        opacity=1.0,
        hatch=False,
        outline=None,
    )
    return [*items[:at], mark, *items[at:]]
