"""Map styling as data: layer titles, colours, dash patterns, Leaflet path styles, the legend.

Nothing here draws: the web map (:mod:`explorer.web`) and the printed map
(:mod:`explorer.printmap`) turn these into drawings, and render the legend from
:func:`legend_items`. Colours come from colour-vision-deficiency-safe palettes: programme lines from
Okabe & Ito (2008, "Color Universal Design"), treaty fills from Paul Tol's schemes
(https://personal.sron.nl/~pault/). What a feature *is* is never told by colour alone: precision is
also a dash pattern, build state also an opacity, and every feature has a text popup.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from explorer.i18n import t
from explorer.layers import DATA_LAYERS, DEFAULT_LAYERS, LAYER_IDS
from explorer.schema import PRECISION, PROGRAMMES, TREATY_STATUSES

__all__ = [
    "BORDER_COLOURS",
    "DATA_LAYERS",
    "DEFAULT_LAYERS",
    "FORT_STATES",
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
    "border_style",
    "corridor_class",
    "fortification_style",
    "hatch_pattern_id",
    "lake_style",
    "land_style",
    "layer_title",
    "layers",
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

#: Country lines of the progress chart (app and paper), in the series' order: Okabe–Ito,
#: colour-vision-deficiency safe.
COUNTRY_COLOURS: Final[tuple[str, ...]] = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
)  # fmt: skip

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
