"""Offline front-end assets for folium maps: vendored Leaflet and plugins, served or inlined."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import branca.colormap
import branca.element
import folium
import folium.elements
import folium.map
from folium.template import Template

__all__ = [
    "DEFAULT_BASE_URL",
    "VENDORED_CSS",
    "VENDORED_JS",
    "VENDOR_DIR",
    "OfflineAssetError",
    "apply_offline_assets",
    "find_external_assets",
    "inline_offline_assets",
    "local_js_css",
    "standalone_html",
]

VENDOR_DIR: Final[Path] = Path(__file__).resolve().parent.parent / "static" / "vendor"
"""Where the vendored files live (see ``explorer/static/vendor/README.md`` for provenance)."""

DEFAULT_BASE_URL: Final[str] = "/app/static/vendor"
"""URL of :data:`VENDOR_DIR` under Streamlit's static serving (``[server] enableStaticServing``).

Absolute and same-origin, so it works from the ``st_folium`` component iframe. An app served under
``server.baseUrlPath`` must pass ``base_url=f"/{base}/app/static/vendor"``.
"""

# Keys are the names folium gives its links (``default_js`` / ``default_css`` pairs), so a plugin's
# CDN link is swapped for the vendored file of the same name. Values are paths under VENDOR_DIR.
VENDORED_JS: Final[dict[str, str]] = {
    "leaflet": "leaflet/leaflet.js",
    # folium's own templates use jQuery: Popup content ``$(...)``, ``$(document).ready`` for
    # objects kept in front, ``$.ajax`` for GeoJson(embed=False).
    "jquery": "jquery/jquery.min.js",
    "leaflet_measure_js": "leaflet-measure/leaflet-measure.min.js",
}
"""Vendored scripts by folium link name."""

VENDORED_CSS: Final[dict[str, str]] = {
    "leaflet_css": "leaflet/leaflet.css",
    "leaflet_measure_css": "leaflet-measure/leaflet-measure.css",
}
"""Vendored style sheets by folium link name."""

# What every map loads (replaces folium.Map's class-level list of Leaflet, jQuery, Bootstrap,
# Font Awesome and awesome-markers; the last three are only needed by folium.Icon).
_MAP_JS: Final[tuple[str, ...]] = ("leaflet", "jquery")
_MAP_CSS: Final[tuple[str, ...]] = ("leaflet_css",)

_EXTERNAL_URL = r"(?:https?:)?//[^\"'\s>)]+"
_EXTERNAL_ASSET_RES: Final[tuple[re.Pattern[str], ...]] = (
    re.compile(rf"<script\b[^>]*?\bsrc\s*=\s*[\"']?({_EXTERNAL_URL})", re.IGNORECASE),
    re.compile(rf"<link\b[^>]*?\bhref\s*=\s*[\"']?({_EXTERNAL_URL})", re.IGNORECASE),
    re.compile(rf"<img\b[^>]*?\bsrc\s*=\s*[\"']?({_EXTERNAL_URL})", re.IGNORECASE),
    re.compile(rf"url\(\s*[\"']?({_EXTERNAL_URL})", re.IGNORECASE),
    re.compile(rf"@import\s+[\"']({_EXTERNAL_URL})", re.IGNORECASE),
)
_SCRIPT_TAG_RE: Final = re.compile(
    r"<script\b[^>]*?\bsrc\s*=\s*[\"']([^\"']+)[\"'][^>]*>\s*</script\s*>", re.IGNORECASE
)
_CSS_LINK_TAG_RE: Final = re.compile(
    r"<link\b[^>]*?\bhref\s*=\s*[\"']([^\"']+)[\"'][^>]*?/?>", re.IGNORECASE
)
_CSS_URL_RE: Final = re.compile(r"url\(\s*([\"']?)(?!data:|#|[a-z]+:|/)([^\"')]+)\1\s*\)")
_MIME_BY_SUFFIX: Final[dict[str, str]] = {
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".js": "text/javascript",
    ".css": "text/css",
}


class OfflineAssetError(ValueError):
    """A map or page needs a front-end asset that is not vendored, so it would break offline."""


class _IconImagePath(branca.element.MacroElement):
    """Tell Leaflet where its default marker images are, before any marker is created.

    Leaflet finds them through ``leaflet.css``; when the CSS is not applied yet (``st_folium`` loads
    the scripts, runs the map, and only then the style sheets) its fallback drops the folder and
    asks for ``.../vendor/leafletmarker-icon.png`` (404). A path set earlier (e.g. the ``data:``
    icons of :func:`inline_offline_assets`) is kept.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            if (typeof L.Icon.Default.imagePath !== "string") {
                L.Icon.Default.imagePath = {{ this.image_path|tojson }};
            }
        {% endmacro %}
        """
    )

    def __init__(self, image_path: str) -> None:
        super().__init__()
        self._name = "IconImagePath"
        self.image_path = image_path


def local_js_css(
    base_url: str = DEFAULT_BASE_URL,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return a map's ``default_js`` and ``default_css`` pointing at the vendored files.

    Only what every map needs (Leaflet, jQuery, Leaflet's CSS); plugins keep their own lists,
    which :func:`apply_offline_assets` rewrites.

    Parameters
    ----------
    base_url : str, default "/app/static/vendor"
        URL under which :data:`VENDOR_DIR` is served. A trailing slash is ignored.

    Returns
    -------
    tuple of (list of (str, str), list of (str, str))
        New ``(name, url)`` lists for scripts and style sheets, in load order.

    Examples
    --------
    >>> js, css = local_js_css()
    >>> js[0]
    ('leaflet', '/app/static/vendor/leaflet/leaflet.js')
    >>> css
    [('leaflet_css', '/app/static/vendor/leaflet/leaflet.css')]
    >>> local_js_css("http://localhost:8501/app/static/vendor/")[1][0][1]
    'http://localhost:8501/app/static/vendor/leaflet/leaflet.css'
    """
    base = base_url.rstrip("/")
    js = [(name, f"{base}/{VENDORED_JS[name]}") for name in _MAP_JS]
    css = [(name, f"{base}/{VENDORED_CSS[name]}") for name in _MAP_CSS]
    return js, css


def apply_offline_assets(m: folium.Map, *, base_url: str = DEFAULT_BASE_URL) -> folium.Map:
    """Point a map and every plugin on it at the vendored assets instead of CDNs.

    Call it last, after every layer, control and plugin has been added: the lists are set on the
    instances present at call time. Class-level lists (``folium.Map.default_js`` is folium's
    module-level ``_default_js``, shared by every map) are never modified.

    Parameters
    ----------
    m : folium.Map
        The map to change in place.
    base_url : str, default "/app/static/vendor"
        URL under which :data:`VENDOR_DIR` is served.

    Returns
    -------
    folium.Map
        The same map, for chaining.

    Raises
    ------
    OfflineAssetError
        If an element needs an asset that is not vendored (a plugin with an unknown CDN link,
        ``folium.Icon`` which needs awesome-markers, a branca colormap which needs d3). The
        message lists every problem found. The map may then be partly rewritten.

    Examples
    --------
    >>> m = apply_offline_assets(folium.Map(tiles=None))
    >>> m.default_js[0]
    ('leaflet', '/app/static/vendor/leaflet/leaflet.js')
    >>> folium.Map.default_js[0][1].startswith("https://")  # the class list is untouched
    True
    >>> m2 = folium.Map(tiles=None)
    >>> _ = folium.Marker([0, 0], icon=folium.Icon(color="red")).add_to(m2)
    >>> try:
    ...     apply_offline_assets(m2)
    ... except OfflineAssetError as err:
    ...     print(str(err).split(":")[0])
    map needs assets that are not vendored
    """
    if not isinstance(m, folium.Map):
        raise TypeError(f"expected a folium.Map, got {type(m).__name__!r}")
    base = base_url.rstrip("/")
    # Instance attributes shadow the class lists, so add_js_link() on this map later changes
    # only this map.
    m.default_js, m.default_css = local_js_css(base)
    for key, child in list(m._children.items()):  # idempotent: one image path, the latest
        if isinstance(child, _IconImagePath):
            del m._children[key]
    # First child: its script runs right after L.map(...), before any marker's.
    m.add_child(_IconImagePath(f"{base}/leaflet/images/"), index=0)
    problems: list[str] = []
    for element in _descendants(m):
        if isinstance(element, folium.elements.JSCSSMixin):
            element.default_js = _localise(element, element.default_js, VENDORED_JS, base, problems)
            element.default_css = _localise(
                element, element.default_css, VENDORED_CSS, base, problems
            )
        if isinstance(element, folium.map.Icon):
            problems.append(
                f"{element.get_name()}: folium.Icon needs Leaflet.awesome-markers, Bootstrap and "
                "Font Awesome (not vendored); use CircleMarker, DivIcon or the default marker"
            )
        if isinstance(element, branca.colormap.ColorMap):
            problems.append(
                f"{element.get_name()}: branca colormaps load d3 from a CDN (st_folium adds it "
                "too); draw the legend in HTML/CSS instead"
            )
    if problems:
        raise OfflineAssetError("map needs assets that are not vendored: " + "; ".join(problems))
    _drop_stale_external_links(m.get_root())
    return m


def find_external_assets(html: str) -> list[str]:
    """List the outside URLs a page would fetch: script, style sheet, image and CSS ``url()`` links.

    Plain hyperlinks (``<a href>``, e.g. Leaflet's attribution) are not assets and are ignored.

    Parameters
    ----------
    html : str
        A rendered page or fragment.

    Returns
    -------
    list of str
        Absolute (``http://``, ``https://``) and protocol-relative (``//``) URLs, in order of
        appearance, without duplicates. Empty if the page is self-contained or same-origin.

    Examples
    --------
    >>> find_external_assets('<script src="https://cdn.example/x.js"></script>')
    ['https://cdn.example/x.js']
    >>> find_external_assets('<link rel="stylesheet" href="/app/static/vendor/x.css"/>')
    []
    >>> find_external_assets('<a href="https://leafletjs.com">Leaflet</a>')
    []
    """
    found: dict[str, None] = {}
    for pattern in _EXTERNAL_ASSET_RES:
        for match in pattern.finditer(html):
            found[match.group(1)] = None
    return list(found)


def inline_offline_assets(html: str, *, base_url: str = DEFAULT_BASE_URL) -> str:
    """Inline the vendored scripts, style sheets and their images so a saved page works offline.

    Scripts become ``data:`` URIs (safe whatever the script contains), style sheets become
    ``<style>`` blocks whose ``url(images/...)`` references are ``data:`` URIs. Leaflet's default
    marker icons are set to ``data:`` URIs too, because Leaflet finds them through the style sheet's
    URL, which inlining removes. Adds about 0.45 MB.

    Parameters
    ----------
    html : str
        A page rendered from a map passed through :func:`apply_offline_assets` with the same
        ``base_url``, e.g. ``m.get_root().render()``.
    base_url : str, default "/app/static/vendor"
        The URL prefix to replace with file contents.

    Returns
    -------
    str
        The page with no link to :data:`VENDOR_DIR` and no outside asset.

    Raises
    ------
    OfflineAssetError
        If an outside asset URL is left (e.g. the map was not passed through
        :func:`apply_offline_assets`), or a link under ``base_url`` names no vendored file.

    Examples
    --------
    >>> m = apply_offline_assets(folium.Map(tiles=None))
    >>> page = inline_offline_assets(m.get_root().render())
    >>> "/app/static/vendor" in page, find_external_assets(page)
    (False, [])
    >>> try:
    ...     inline_offline_assets('<script src="https://cdn.example/x.js"></script>')
    ... except OfflineAssetError as err:
    ...     print(err)
    page still loads outside assets: https://cdn.example/x.js
    """
    prefix = base_url.rstrip("/") + "/"

    def script(match: re.Match[str]) -> str:
        url = match.group(1)
        if not url.startswith(prefix):
            return match.group(0)
        path = _vendored_file(url.removeprefix(prefix))
        tag = f'<script src="{_data_uri(path.read_bytes(), path.suffix)}"></script>'
        if path == VENDOR_DIR / VENDORED_JS["leaflet"]:
            tag += _leaflet_icon_script()
        return tag

    def stylesheet(match: re.Match[str]) -> str:
        url = match.group(1)
        if not url.startswith(prefix) or not re.search(r"\brel\s*=\s*[\"']?stylesheet", match[0]):
            return match.group(0)
        path = _vendored_file(url.removeprefix(prefix))
        return f"<style>\n{_css_with_inline_urls(path)}\n</style>"

    page = _SCRIPT_TAG_RE.sub(script, html)
    page = _CSS_LINK_TAG_RE.sub(stylesheet, page)
    # The icon folder set by apply_offline_assets is unused once the icons are data: URIs.
    page = page.replace(json.dumps(f"{prefix}leaflet/images/"), '""')
    leftover = find_external_assets(page)
    if leftover:
        raise OfflineAssetError("page still loads outside assets: " + ", ".join(leftover))
    return page


def standalone_html(m: folium.Map) -> str:
    """Render a map as one self-contained HTML page that works offline.

    Parameters
    ----------
    m : folium.Map
        The map; it is passed through :func:`apply_offline_assets` (changed in place).

    Returns
    -------
    str
        The full page, with Leaflet, plugins and their images inlined.

    Examples
    --------
    >>> page = standalone_html(folium.Map(tiles=None))
    >>> page.startswith("<!DOCTYPE html>"), find_external_assets(page)
    (True, [])
    """
    apply_offline_assets(m)
    return inline_offline_assets(m.get_root().render())


def _descendants(element: branca.element.Element) -> Iterator[branca.element.Element]:
    """Yield every element below ``element``, depth first (as st_folium walks the map)."""
    for child in element._children.values():
        yield child
        yield from _descendants(child)


def _is_external(url: str) -> bool:
    """Tell whether ``url`` points to another host (absolute or protocol-relative)."""
    return url.startswith(("http://", "https://", "//"))


def _localise(
    element: branca.element.Element,
    links: list[tuple[str, str]],
    vendored: dict[str, str],
    base: str,
    problems: list[str],
) -> list[tuple[str, str]]:
    """Return a new list with known links pointing under ``base``; note unknown outside links."""
    out: list[tuple[str, str]] = []
    for name, url in links:
        if name in vendored:
            out.append((name, f"{base}/{vendored[name]}"))
        else:
            if _is_external(url):
                problems.append(f"{type(element).__name__} {name!r} -> {url}")
            out.append((name, url))
    return out


def _drop_stale_external_links(root: branca.element.Element) -> None:
    """Remove CDN links left in the figure header by a render made before the rewrite."""
    header = getattr(root, "header", None)
    if header is None:
        return
    for key, child in list(header._children.items()):
        if isinstance(child, branca.element.JavascriptLink | branca.element.CssLink) and (
            _is_external(child.url)
        ):
            del header._children[key]


def _vendored_file(relative: str) -> Path:
    """Resolve a URL path below the base URL to a file inside :data:`VENDOR_DIR`."""
    path = (VENDOR_DIR / relative.split("?", 1)[0]).resolve()
    if not path.is_relative_to(VENDOR_DIR) or not path.is_file():
        raise OfflineAssetError(f"no vendored file for {relative!r} in {VENDOR_DIR}")
    return path


def _data_uri(data: bytes, suffix: str) -> str:
    """Encode bytes as a base64 ``data:`` URI with the MIME type for ``suffix``."""
    mime = _MIME_BY_SUFFIX.get(suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _css_with_inline_urls(path: Path) -> str:
    """Read a style sheet and replace its relative ``url(...)`` references with ``data:`` URIs."""
    css = path.read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        target = (path.parent / match.group(2)).resolve()
        if not target.is_relative_to(VENDOR_DIR) or not target.is_file():
            raise OfflineAssetError(f"{path.name} refers to missing file {match.group(2)!r}")
        return f'url("{_data_uri(target.read_bytes(), target.suffix)}")'

    css = _CSS_URL_RE.sub(inline, css)
    if "</style" in css.lower():
        raise OfflineAssetError(f"{path.name} cannot be inlined in a <style> block")
    return css


def _leaflet_icon_script() -> str:
    """Return a script giving Leaflet's default marker icon as ``data:`` URIs.

    Leaflet derives the icon folder from ``leaflet.css``'s ``url(images/marker-icon.png)``; once the
    CSS is inlined that URL is a ``data:`` URI and detection fails, so the icons are set directly.
    """
    images = VENDOR_DIR / "leaflet" / "images"
    options = {
        "iconUrl": "marker-icon.png",
        "iconRetinaUrl": "marker-icon-2x.png",
        "shadowUrl": "marker-shadow.png",
    }
    entries = ", ".join(
        f'{key}: "{_data_uri((images / name).read_bytes(), ".png")}"'
        for key, name in options.items()
    )
    return (
        "<script>L.Icon.Default.imagePath = '';"
        f" L.Icon.Default.mergeOptions({{{entries}}});</script>"
    )
