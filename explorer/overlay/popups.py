"""Text from an overlay's file as HTML: escaped tooltips, popups and labels.

Every property name and value, and the file name, comes from an untrusted file: each is passed
through :func:`html.escape` (braces too, see :func:`esc`) before it becomes HTML (folium's
``GeoJsonTooltip``/``GeoJsonPopup`` and Leaflet's ``setContent`` insert the strings as HTML).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

from explorer import i18n
from explorer.text import html_text

__all__ = [
    "LABEL_MAX_CHARS",
    "POPUP_MAX_CHARS",
    "POPUP_MAX_PROPERTIES",
    "esc",
    "label_column",
    "label_html",
    "popup_html",
    "tooltip_html",
]

#: Popups list at most this many properties, each value cut to this many characters.
POPUP_MAX_PROPERTIES: Final[int] = 25
POPUP_MAX_CHARS: Final[int] = 200
#: Canvas labels and tooltips are cut to this many characters.
LABEL_MAX_CHARS: Final[int] = 60
#: Property names (lower case) that name a feature, in order of preference.
_LABEL_NAMES: Final[tuple[str, ...]] = ("name", "title", "label", "id")


#: The one HTML escaper (:func:`explorer.text.html_text`), under its short name here.
esc = html_text


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def label_column(columns: list[str]) -> str | None:
    """Return the property that names a feature (name, title, label or id; any case), if any."""
    lower = {str(c).lower(): c for c in reversed(columns)}
    return next((lower[n] for n in _LABEL_NAMES if n in lower), None)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def tooltip_html(props: Mapping[str, Any], n: int, lang: str = "en") -> str:
    """Return the escaped tooltip of feature ``n`` (1-based): a name-like property or "Feature n".

    Examples
    --------
    >>> tooltip_html({"name": "<img src=x onerror=alert(1)>"}, 1)
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> tooltip_html({}, 3)
    'Feature 3'
    """
    label = label_html(props)
    return esc(i18n.t("overlay.popup.feature", lang, n=n)) if label is None else label


def label_html(props: Mapping[str, Any]) -> str | None:
    """Return the escaped value of a name-like property, cut short (None when there is none)."""
    names = {str(k).lower(): v for k, v in reversed(props.items()) if not _blank(v)}
    label = next((names[n] for n in _LABEL_NAMES if n in names), None)
    return None if label is None else esc(_cut(str(label), LABEL_MAX_CHARS))


def popup_html(props: Mapping[str, Any], n: int, name: str, lang: str = "en") -> str:
    """Return the escaped popup of feature ``n``: the overlay's name and a table of properties.

    Examples
    --------
    >>> html_ = popup_html({"<b>k</b>": '"><script>x()</script>'}, 1, "f.geojson")
    >>> "<script>" in html_, "&lt;script&gt;" in html_, "&lt;b&gt;k&lt;/b&gt;" in html_
    (False, True, True)
    """
    rows = []
    items = [(k, v) for k, v in props.items() if not _blank(v)]
    for key, value in items[:POPUP_MAX_PROPERTIES]:
        rows.append(
            f"<tr><th>{esc(_cut(str(key), LABEL_MAX_CHARS))}</th>"
            f"<td>{esc(_cut(str(value), POPUP_MAX_CHARS))}</td></tr>"
        )
    extra = ""
    if len(items) > POPUP_MAX_PROPERTIES:
        more = i18n.t("overlay.popup.more", lang, n=len(items) - POPUP_MAX_PROPERTIES)
        extra = f"<p>{esc(more)}</p>"
    if not rows:
        extra = f"<p>{esc(i18n.t('overlay.popup.none', lang))}</p>"
    title = i18n.t("overlay.legend.group", lang, name=name)
    heading = f"{esc(title)} · {esc(i18n.t('overlay.popup.feature', lang, n=n))}"
    return (
        '<div class="bfe-popup bfe-overlay-popup">'
        f"<h4>{heading}</h4><table>{''.join(rows)}</table>{extra}</div>"
    )
