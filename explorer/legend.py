"""What a legend says: its rows (swatch and label) for the layers shown, in one language.

Pure data: :func:`legend_items` lists the rows of the layers shown (only the categories the
scene has, :func:`explorer.scene.shown_categories`), and every map draws the same rows: the
browser (:mod:`explorer.web.legend_html`), the folium page and paper
(:mod:`explorer.printmap.furniture`). Colours and patterns come from :mod:`explorer.style`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Final, Literal, NotRequired, TypedDict

from explorer.i18n import t
from explorer.layers import LAYER_IDS
from explorer.schema import TREATY_STATUSES
from explorer.style import (
    _FORT_LINE_WEIGHT,
    _LAKE_SHORE,
    _STATE_OPACITY,
    LAND_COLOUR,
    LAND_OUTLINE_COLOUR,
    LAYER_TITLES,
    PRECISION_DASH,
    PROGRAMME_COLOURS,
    SEA_COLOUR,
    TREATY_STATUS_COLOURS,
    TREATY_STATUS_HATCH,
    _capital,
    border_style,
    layer_title,
    status_label,
    treaty_style,
)

__all__ = ["HOW_TO_READ", "LegendItem", "legend_items", "with_partial_row"]

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
