"""The layer registry: every map layer once, with its family, and the drawing order of the map.

A layer's *family* says how it is derived and drawn; every consumer dispatches on it
(``match layers.family(layer_id)``) instead of testing ids:

``border``
    The border segments (one feature per line piece; no state over time).
``programme``
    One fortification programme (:data:`explorer.schema.PROGRAMMES`): works with a build state on
    each date (announced, under construction, complete).
``treaty``
    The tracked countries shaded by their status under a treaty on each date.
``basemap``
    Land, lakes and sea; drawn by the base map, with no features of its own.

The drawing order (:data:`DRAW_ORDER`) is shared by the browser's Leaflet panes
(:data:`PANES`) and the printed map's z-order (:data:`PRINT_Z`): the two renderers stack the
same parts the same way. Titles are translated (keys ``layer.<id>``,
:func:`explorer.style.layer_title`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "DATA_LAYERS",
    "DEFAULT_LAYERS",
    "DRAW_ORDER",
    "LAYERS",
    "LAYER_IDS",
    "PANES",
    "PRINT_Z",
    "PROGRAMME_LAYERS",
    "Family",
    "LayerSpec",
    "check_layers",
    "draw_part",
    "family",
    "spec",
]

Family = Literal["border", "programme", "treaty", "basemap"]


@dataclass(frozen=True)
class LayerSpec:
    """One map layer.

    Attributes
    ----------
    id : str
        Layer id, as in links (``layers=``), the CLI (``--layers``) and the data.
    family : {"border", "programme", "treaty", "basemap"}
        How the layer is derived and drawn (see the module docstring).
    default : bool
        Whether the layer is on when the app opens.
    """

    id: str
    family: Family
    default: bool = True


#: Every layer in drawing and legend order (bottom of the legend last).
LAYERS: Final[tuple[LayerSpec, ...]] = (
    LayerSpec("borders", "border"),
    LayerSpec("east-shield", "programme"),
    LayerSpec("pl-by-barrier", "programme"),
    LayerSpec("pl-ru-barrier", "programme"),
    LayerSpec("baltic-defence-line", "programme"),
    LayerSpec("border-fence", "programme"),
    LayerSpec("treaty", "treaty"),
    LayerSpec("basemap", "basemap"),
)

_BY_ID: Final[dict[str, LayerSpec]] = {s.id: s for s in LAYERS}

#: Layer ids in order.
LAYER_IDS: Final[tuple[str, ...]] = tuple(_BY_ID)
#: Layers drawn from the dataset (every family but the basemap).
DATA_LAYERS: Final[tuple[str, ...]] = tuple(s.id for s in LAYERS if s.family != "basemap")
#: The fortification programmes, in order (:data:`explorer.schema.PROGRAMMES` as a set).
PROGRAMME_LAYERS: Final[tuple[str, ...]] = tuple(s.id for s in LAYERS if s.family == "programme")
#: Layers on when the app opens.
DEFAULT_LAYERS: Final[frozenset[str]] = frozenset(s.id for s in LAYERS if s.default)

#: The parts of a map from bottom to top: ``(part, Leaflet pane z-index or None, print z-order)``.
#: The graticule, labels and furniture are drawn only on paper; Leaflet's own panes (tiles 200,
#: overlays 400, popups 700) sit around these.
DRAW_ORDER: Final[tuple[tuple[str, int | None, float], ...]] = (
    ("land", 210, 1.0),
    ("graticule", None, 1.5),
    ("shading", 300, 2.0),
    ("lakes", 350, 3.0),
    ("corridors", 390, 4.0),
    ("forts", 410, 5.0),
    ("borders", 450, 6.0),
    ("points", 500, 7.0),
    ("labels", None, 8.0),
    ("partial", None, 8.5),
    ("furniture", None, 10.0),
)

#: Leaflet pane name -> z-index, for the parts the browser draws.
PANES: Final[dict[str, int]] = {f"bfe-{part}": z for part, z, _ in DRAW_ORDER if z is not None}
#: Part -> matplotlib z-order on a printed map.
PRINT_Z: Final[dict[str, float]] = {part: z for part, _, z in DRAW_ORDER}


def spec(layer_id: str) -> LayerSpec:
    """Return a layer's :class:`LayerSpec`.

    Raises
    ------
    ValueError
        For an unknown id.

    Examples
    --------
    >>> spec("treaty").family
    'treaty'
    """
    try:
        return _BY_ID[layer_id]
    except KeyError:
        raise ValueError(f"unknown layer {layer_id!r}; expected one of {list(LAYER_IDS)}") from None


def family(layer_id: str) -> Family:
    """Return a layer's family (``border``, ``programme``, ``treaty`` or ``basemap``).

    Examples
    --------
    >>> family("east-shield"), family("borders")
    ('programme', 'border')
    """
    return spec(layer_id).family


def check_layers(layer_ids: object) -> tuple[str, ...]:
    """Return known layer ids in registry order, or raise listing the unknown ones.

    Examples
    --------
    >>> check_layers(["treaty", "borders", "treaty"])
    ('borders', 'treaty')
    """
    wanted = {str(i) for i in layer_ids}  # type: ignore[attr-defined]
    unknown = wanted - set(LAYER_IDS)
    if unknown:
        raise ValueError(f"unknown layer(s) {sorted(unknown)}; expected {list(LAYER_IDS)}")
    return tuple(i for i in LAYER_IDS if i in wanted)


def draw_part(layer_id: str, kind: str) -> str:
    """Return the part of the map (:data:`DRAW_ORDER`) a feature is drawn in.

    Parameters
    ----------
    layer_id : str
        A data layer.
    kind : {"line", "area", "point"}
        The feature's geometry kind.

    Examples
    --------
    >>> draw_part("treaty", "area"), draw_part("east-shield", "area"), draw_part("borders", "line")
    ('shading', 'corridors', 'borders')
    """
    match family(layer_id):
        case "border":
            return "borders"
        case "treaty":
            return "shading"
        case "programme":
            return {"point": "points", "area": "corridors"}.get(kind, "forts")
        case _:
            return "land"
