"""What every map draws besides its layers: corridor hatch patterns and popup CSS (no folium).

Shared by the Streamlit map component (:mod:`explorer.web.frontend`) and the folium map of the
HTML export (:mod:`explorer.web.folium_map`), so both hatch a corridor and lay out a popup alike.
"""

from __future__ import annotations

from explorer import style

__all__ = ["BLANK_COLOUR", "decor", "hatch_svg", "map_css"]

#: The map's background when the basemap is off: a neutral paper colour, never the sea's.
BLANK_COLOUR = "#f7f7f5"


def hatch_svg() -> str:
    """SVG ``<pattern>`` definitions for the corridor hatching, one per programme colour."""
    patterns = []
    for programme, colour in style.PROGRAMME_COLOURS.items():
        patterns.append(
            f'<pattern id="{style.hatch_pattern_id(programme)}" patternUnits="userSpaceOnUse"'
            ' width="7" height="7" patternTransform="rotate(45)">'
            f'<rect width="7" height="7" fill="{colour}" fill-opacity="0.25"/>'
            f'<line x1="0" y1="0" x2="0" y2="7" stroke="{colour}" stroke-width="3"/>'
            "</pattern>"
        )
    patterns += _treaty_patterns()
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0" aria-hidden="true"'
        ' style="position:absolute;width:0;height:0;overflow:hidden">'
        f"<defs>{''.join(patterns)}</defs></svg>"
    )


#: SVG marks of the treaty statuses that carry a hatch (:data:`explorer.style.TREATY_STATUS_HATCH`),
#: drawn in dark ink over the status colour, as the static maps draw them.
_TREATY_MARKS = {
    "..": (6, '<circle cx="3" cy="3" r="1.1" fill="#222"/>', ""),
    "///": (7, '<line x1="0" y1="0" x2="0" y2="7" stroke="#222" stroke-width="1.2"/>',
            ' patternTransform="rotate(45)"'),
    "xx": (8, '<path d="M0,0 L8,8 M8,0 L0,8" stroke="#222" stroke-width="1"/>', ""),
}  # fmt: skip


def treaty_pattern_id(status: str) -> str:
    """Return the DOM id of a treaty status's hatch pattern.

    Examples
    --------
    >>> treaty_pattern_id("disputed")
    'bfe-treaty-hatch-disputed'
    """
    return f"bfe-treaty-hatch-{status}"


def treaty_class(status: str) -> str:
    """Return the extra CSS class of a country shaded with ``status`` ('' without a hatch)."""
    return f"bfe-treaty-{status}" if style.treaty_hatch(status) else ""


def _treaty_patterns() -> list[str]:
    out = []
    for status, colour in style.TREATY_STATUS_COLOURS.items():
        hatch = style.treaty_hatch(status)
        if not hatch:
            continue
        size, marks, transform = _TREATY_MARKS[hatch]
        out.append(
            f'<pattern id="{treaty_pattern_id(status)}" patternUnits="userSpaceOnUse"'
            f' width="{size}" height="{size}"{transform}>'
            f'<rect width="{size}" height="{size}" fill="{colour}"/>{marks}</pattern>'
        )
    return out


def map_css() -> str:
    """CSS for the map: sea background, popups, corridor fills by pattern."""
    rules = [
        f".leaflet-container.bfe-map {{ background: {style.SEA_COLOUR}; }}",
        ".bfe-popup { font-size: 12px; line-height: 1.35; max-width: 360px; }",
        ".bfe-popup h4 { margin: 0 0 4px; font-size: 14px; }",
        ".bfe-popup th { text-align: left; vertical-align: top; padding-right: 6px;"
        " font-weight: 600; white-space: nowrap; }",
        ".bfe-popup p { margin: 6px 0; }",
        ".bfe-popup ul { margin: 2px 0 0; padding-left: 16px; }",
        ".leaflet-popup-content { max-height: 60vh; overflow-y: auto; }",
        # every feature under a click, listed (the web map and the HTML export)
        ".bfe-multi-head { font-weight: 600; margin: 0 0 4px; }",
        ".bfe-multi details { border-top: 1px solid #ddd; padding: 4px 0; }",
        ".bfe-multi summary { cursor: pointer; }",
    ]
    for programme in style.PROGRAMME_COLOURS:
        rules.append(
            f"path.bfe-corridor-{programme} {{ fill: url(#{style.hatch_pattern_id(programme)}); }}"
        )
    for status in style.TREATY_STATUS_COLOURS:
        if style.treaty_hatch(status):
            rules.append(f"path.bfe-treaty-{status} {{ fill: url(#{treaty_pattern_id(status)}); }}")
    return "\n".join(rules)


def decor() -> dict[str, str]:
    """Return the hatch patterns, the CSS and the background colours, for the map component.

    Examples
    --------
    >>> sorted(decor())
    ['blank', 'css', 'sea', 'svg']
    """
    return {"svg": hatch_svg(), "css": map_css(), "sea": style.SEA_COLOUR, "blank": BLANK_COLOUR}
