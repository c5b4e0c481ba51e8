"""The one home of text that reaches users: escaping, numbers and km, messages, credits, sources.

Every renderer (the browser's popups, the printed map, the data exports, the summary, the
panels) formats through these functions, so a length reads the same everywhere
(``1,340.0 km``, in Polish ``1 340,0 km``) and a missing one too; source references are kept
structured (:class:`SourceRef`) and rendered at the edges (HTML, markdown, plain text).
Pure: no Streamlit, folium or matplotlib.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from explorer.i18n import number, t

if TYPE_CHECKING:
    from explorer.data import Dataset

__all__ = [
    "MISSING",
    "Message",
    "SourceRef",
    "attribution_html",
    "attribution_text",
    "fmt_km",
    "fmt_km_short",
    "html_text",
    "is_missing",
    "refs_html",
    "refs_markdown",
    "refs_text",
    "safe_url",
    "source_refs",
]

#: Translation key of a value the data does not record (lengths, dates, figures).
MISSING: Final[str] = "value.not_recorded"


def is_missing(value: object) -> bool:
    """Tell whether a cell holds no value (None, NaN, an empty string).

    Examples
    --------
    >>> is_missing(None), is_missing(float("nan")), is_missing(""), is_missing(0)
    (True, True, True, False)
    """
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def html_text(value: object) -> str:
    """Return ``value`` as escaped HTML text ("" when missing), braces as character references.

    The only HTML escaper of the package: ``&``, ``<``, ``>``, quotes, and also ``{`` and ``}``
    (folium re-reads a whole page as a Jinja template when it writes the HTML export, so
    ``{{ ... }}`` in the data would otherwise be evaluated there: template injection).

    Examples
    --------
    >>> html_text('<b>"{{x}}"</b>')
    '&lt;b&gt;&quot;&#123;&#123;x&#125;&#125;&quot;&lt;/b&gt;'
    >>> html_text(None)
    ''
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True).replace("{", "&#123;").replace("}", "&#125;")


def safe_url(value: object) -> str | None:
    """Return the URL if it is an ``http(s)://`` URL, else None (no ``javascript:``, ``data:``).

    Examples
    --------
    >>> safe_url(" https://example.org "), safe_url("javascript:alert(1)")
    ('https://example.org', None)
    """
    if not isinstance(value, str):
        return None
    url = value.strip()
    return url if url.lower().startswith(("http://", "https://")) else None


def fmt_km(value: object, lang: str = "en") -> str:
    r"""Format a length in km with one decimal, the language's separators; missing in words.

    English groups thousands with a comma (``1,340.0 km``); Polish uses a decimal comma and a
    no-break space between thousands (``1 340,0 km``).

    Examples
    --------
    >>> fmt_km(1340.04), fmt_km(1340.04, "pl"), fmt_km(None), fmt_km(None, "pl")
    ('1,340.0 km', '1\xa0340,0 km', 'not recorded', 'brak danych')
    """
    if is_missing(value):
        return t(MISSING, lang)
    return f"{number(float(value), 1, lang)} km"  # type: ignore[arg-type]


def fmt_km_short(value: float, lang: str = "en") -> str:
    r"""Format a number of km for a label on the map: whole when it is whole, else one decimal.

    Examples
    --------
    >>> fmt_km_short(1340), fmt_km_short(1340, "pl"), fmt_km_short(338.6, "pl")
    ('1,340', '1\xa0340', '338,6')
    """
    return number(float(value), 1, lang).removesuffix(".0").removesuffix(",0")


class Message(str):
    """A translatable notice or error: a translation key and its values.

    A ``str`` holding the English text, so it prints, logs and compares like one; :meth:`text`
    gives it in another language. Used for the permalink's notices, the view's problems and the
    exports' warnings.

    Examples
    --------
    >>> m = Message("link.too_long", key="zoom", value="'9999'")
    >>> m, m.key
    ("Ignored zoom='9999': too long.", 'link.too_long')
    >>> m.text("pl")
    "Pominięto zoom='9999': wartość jest za długa."
    """

    key: str
    values: dict[str, str]

    def __new__(cls, key: str, /, **values: object) -> Message:
        """Make the message ``key`` (a translation key) with its ``{fields}`` filled."""
        texts = {name: str(v) for name, v in values.items()}
        obj = super().__new__(cls, t(key, "en", **texts))
        obj.key = key
        obj.values = texts
        return obj

    def text(self, lang: str = "en") -> str:
        """Return the message in ``lang``."""
        return t(self.key, lang, **self.values)

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, str]]:
        """Arguments that re-create the message (for pickle and copy)."""
        return (self.key,), dict(self.values)


# --- Attribution -------------------------------------------------------------------------------

_OSM_URL: Final[str] = "https://www.openstreetmap.org/copyright"
_NE_URL: Final[str] = "https://www.naturalearthdata.com/"


def attribution_text(lang: str = "en") -> str:
    """Return the map data's credit line in ``lang`` (the one credit of every map and file).

    Examples
    --------
    >>> attribution_text()
    '© OpenStreetMap contributors (ODbL) · Natural Earth (public domain)'
    """
    return t("map.attribution", lang, osm="OpenStreetMap", ne="Natural Earth")


def attribution_html(lang: str = "en") -> str:
    """Return :func:`attribution_text` as HTML, with links to the licences.

    Examples
    --------
    >>> "współtwórcy" in attribution_html("pl") and "domena publiczna" in attribution_html("pl")
    True
    """
    links = {
        "osm": f'<a href="{_OSM_URL}" target="_blank" rel="noopener">OpenStreetMap</a>',
        "ne": f'<a href="{_NE_URL}" target="_blank" rel="noopener">Natural Earth</a>',
    }
    # The translated text is plain: escape it, then put the links into its {osm} and {ne}.
    return html.escape(t("map.attribution", lang), quote=False).format(**links)


# --- Sources ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRef:
    """One source as the sources table gives it (``geodata/sources.csv``).

    ``publisher``, ``title`` and ``date`` are None for an id the table does not hold (it is then
    shown as the bare id); ``url`` is None unless it is an ``http(s)`` URL.
    """

    id: str
    publisher: str | None = None
    title: str | None = None
    date: str | None = None
    url: str | None = None

    @property
    def label(self) -> str:
        """``publisher: title (date)``, or the id for an unknown source."""
        if self.publisher is None:
            return self.id
        out = f"{self.publisher}: {self.title}"
        return f"{out} ({self.date})" if self.date else out


def source_refs(ds: Dataset, source_ids: Iterable[str]) -> list[SourceRef]:
    """Return the sources of ``source_ids`` (each once, in order) from the dataset's table.

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> [r.label for r in source_refs(load_dataset(), ["nope", "nope"])]
    ['nope']
    """
    out = []
    for sid in dict.fromkeys(str(s) for s in source_ids if not is_missing(s)):
        if sid not in ds.sources.index:
            out.append(SourceRef(sid))
            continue
        src = ds.sources.loc[sid]
        date = src["date"] if isinstance(src["date"], str) and src["date"] else None
        out.append(
            SourceRef(sid, str(src["publisher"]), str(src["title"]), date, safe_url(src["url"]))
        )
    return out


def refs_text(refs: Iterable[SourceRef]) -> list[str]:
    """Return plain-text references: ``publisher: title (date) URL``."""
    return [f"{r.label} {r.url}" if r.url else r.label for r in refs]


def refs_markdown(refs: Iterable[SourceRef], escape: object = None) -> str:
    """Return markdown links ``[publisher: title (date)](url)`` joined with ``; ``.

    ``escape`` is the markdown escaper of the caller (the UI's), applied to the labels.
    """
    esc = escape if callable(escape) else (lambda s: s)
    parts = []
    for ref in refs:
        if ref.publisher is None:
            continue
        label = esc(ref.label)
        parts.append(f"[{label}]({ref.url})" if ref.url else label)
    return "; ".join(parts)


def refs_html(refs: Iterable[SourceRef], lang: str = "en") -> str:
    """Return an HTML list of sources under a "Sources" heading, linked where the URL is http(s)."""
    items = []
    for ref in refs:
        if ref.publisher is None:
            items.append(f"<li>{html_text(ref.id)}</li>")
            continue
        text = f"{html_text(ref.publisher)}: <i>{html_text(ref.title)}</i>"
        if ref.date:
            text += f" ({html_text(ref.date)})"
        if ref.url:
            text = (
                f'<a href="{html_text(ref.url)}" target="_blank" rel="noopener noreferrer">'
                f"{text}</a>"
            )
        items.append(f"<li>{text}</li>")
    if not items:
        return ""
    heading = html_text(t("popup.sources", lang))
    return f'<div class="bfe-sources"><b>{heading}</b><ul>' + "".join(items) + "</ul></div>"
