"""Offline assets: rendered maps link only vendored files, and standalone HTML needs no network."""

from __future__ import annotations

import re
from pathlib import Path

import branca.colormap
import folium
import folium.plugins
import pytest

from explorer.web import assets
from explorer.web.assets import (
    DEFAULT_BASE_URL,
    VENDOR_DIR,
    OfflineAssetError,
    apply_offline_assets,
    find_external_assets,
    inline_offline_assets,
    local_js_css,
    standalone_html,
)

ASSET_TAG_RE = re.compile(r"<(?:script|link)\b[^>]*>", re.IGNORECASE)
GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "wall"},
            "geometry": {"type": "LineString", "coordinates": [[21.0, 52.0], [24.0, 54.0]]},
        },
        {
            "type": "Feature",
            "properties": {"name": "fort"},
            "geometry": {"type": "Point", "coordinates": [23.0, 53.0]},
        },
    ],
}


def build_map() -> folium.Map:
    """A map using every element the app relies on: GeoJson with tooltip/popup, controls."""
    m = folium.Map(location=[53, 23], zoom_start=6, tiles=None)
    folium.GeoJson(
        GEOJSON,
        name="layer",
        tooltip=folium.GeoJsonTooltip(["name"]),
        popup=folium.GeoJsonPopup(["name"]),
    ).add_to(m)
    folium.Marker([52.5, 22.5], popup=folium.Popup("<b>fort</b>")).add_to(m)
    folium.plugins.MeasureControl().add_to(m)
    folium.LayerControl().add_to(m)
    return m


def asset_tags(html: str) -> list[str]:
    """Every <script> and <link> start tag of a page."""
    return ASSET_TAG_RE.findall(html)


def test_default_folium_map_is_not_offline() -> None:
    """The premise: without apply_offline_assets folium links CDNs (else this module is moot)."""
    html = build_map().get_root().render()
    assert any("https://" in tag for tag in asset_tags(html))


def test_rendered_map_links_only_vendored_files() -> None:
    html = apply_offline_assets(build_map()).get_root().render()
    tags = asset_tags(html)
    assert tags
    assert [t for t in tags if "http://" in t or "https://" in t or 'src="//' in t] == []
    assert find_external_assets(html) == []
    for name in ("leaflet/leaflet.js", "jquery/jquery.min.js", "leaflet/leaflet.css"):
        assert f"{DEFAULT_BASE_URL}/{name}" in html
    assert f"{DEFAULT_BASE_URL}/leaflet-measure/leaflet-measure.min.js" in html
    assert f"{DEFAULT_BASE_URL}/leaflet-measure/leaflet-measure.css" in html
    # dropped: only folium.Icon needs them
    for dropped in ("bootstrap", "fontawesome", "awesome-markers", "glyphicons"):
        assert dropped not in html.lower()


def test_links_of_every_element_are_local() -> None:
    """Renderers that take js_links/css_links from each element's default_js/css see local ones."""
    m = apply_offline_assets(build_map())
    elements = [m, *assets._descendants(m)]
    links = [
        url
        for element in elements
        for _, url in [*getattr(element, "default_js", []), *getattr(element, "default_css", [])]
    ]
    assert links
    assert all(url.startswith(DEFAULT_BASE_URL + "/") for url in links), links


def test_map_component_frontend_loads_only_its_own_files() -> None:
    """The app's map component (explorer/web/frontend) names only files its folder will hold."""
    from explorer.web import site

    for name in ("index.html", "boot.js", "map.js", "map.css"):
        text = (site.FRONTEND_DIR / name).read_text(encoding="utf-8")
        assert find_external_assets(text) == [], name
        assert not re.search(r"https?://|src=\"//|href=\"//", text), name
    index = (site.FRONTEND_DIR / "index.html").read_text(encoding="utf-8")
    refs = re.findall(r'(?:src|href)="([^"]+)"', index)
    assert refs
    for ref in refs:
        sources = [site.FRONTEND_DIR / ref]
        for src, name in site._VENDOR:
            if ref == name:
                sources.append(src)
            elif ref.startswith(name + "/"):
                sources.append(src / ref.removeprefix(name + "/"))
        assert any(path.is_file() for path in sources), ref


def test_class_level_lists_are_untouched() -> None:
    before_map = list(folium.Map.default_js), list(folium.Map.default_css)
    before_measure = list(folium.plugins.MeasureControl.default_js)
    m = apply_offline_assets(build_map())
    m.add_js_link("extra", "/app/static/vendor/extra.js")  # mutates the list it finds
    assert (folium.Map.default_js, folium.Map.default_css) == before_map
    assert folium.plugins.MeasureControl.default_js == before_measure
    # a map built afterwards still gets folium's defaults, not this map's
    assert folium.Map().default_js is folium.Map.default_js
    assert ("extra", "/app/static/vendor/extra.js") in m.default_js


def test_every_vendored_file_exists_with_licence() -> None:
    for relative in [*assets.VENDORED_JS.values(), *assets.VENDORED_CSS.values()]:
        path = VENDOR_DIR / relative
        assert path.is_file(), path
        assert any(path.parent.glob("LICENSE*")), f"no licence next to {path}"
    readme = (VENDOR_DIR / "README.md").read_text(encoding="utf-8")
    for folder in {Path(r).parts[0] for r in assets.VENDORED_JS.values()}:
        assert f"`{folder}/`" in readme


def test_css_images_are_vendored() -> None:
    for relative in assets.VENDORED_CSS.values():
        css = VENDOR_DIR / relative
        for ref in re.findall(r"url\(([^)#]+)\)", css.read_text(encoding="utf-8")):
            assert (css.parent / ref.strip("'\"")).is_file(), f"{css.name}: {ref}"


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("/app/static/vendor", "/app/static/vendor/leaflet/leaflet.js"),
        ("/app/static/vendor/", "/app/static/vendor/leaflet/leaflet.js"),
        ("/explorer/app/static/vendor", "/explorer/app/static/vendor/leaflet/leaflet.js"),
    ],
)
def test_local_js_css_base_url(base_url: str, expected: str) -> None:
    js, css = local_js_css(base_url)
    assert js[0] == ("leaflet", expected)
    assert [name for name, _ in js] == ["leaflet", "jquery"]
    assert [name for name, _ in css] == ["leaflet_css"]
    assert local_js_css(base_url)[0] is not js  # a new list each call


def test_apply_is_idempotent_and_sets_icon_path_first() -> None:
    m = apply_offline_assets(apply_offline_assets(build_map()))
    html = m.get_root().render()
    assert html.count("L.Icon.Default.imagePath =") == 1
    assert html.index("L.Icon.Default.imagePath =") < html.index("L.marker(")
    assert '"/app/static/vendor/leaflet/images/"' in html


def test_apply_drops_links_of_an_earlier_render() -> None:
    m = build_map()
    m.get_root().render()  # e.g. a notebook preview before the rewrite
    html = apply_offline_assets(m).get_root().render()
    assert find_external_assets(html) == []


@pytest.mark.parametrize(
    ("add", "match"),
    [
        (lambda m: folium.Marker([0, 0], icon=folium.Icon(color="red")).add_to(m), "awesome"),
        (lambda m: folium.plugins.Fullscreen().add_to(m), "Fullscreen"),
        (lambda m: branca.colormap.LinearColormap(["red", "blue"]).add_to(m), "d3"),
    ],
    ids=["awesome-marker-icon", "unvendored-plugin", "colormap"],
)
def test_apply_refuses_what_is_not_vendored(add: object, match: str) -> None:
    m = folium.Map(tiles=None)
    add(m)  # type: ignore[operator]
    with pytest.raises(OfflineAssetError, match=match):
        apply_offline_assets(m)


def test_apply_rejects_non_map() -> None:
    with pytest.raises(TypeError, match=r"folium\.Map"):
        apply_offline_assets(folium.FeatureGroup())  # type: ignore[arg-type]


def test_inline_output_has_no_external_or_server_url() -> None:
    html = apply_offline_assets(build_map()).get_root().render()
    page = inline_offline_assets(html)
    assert find_external_assets(page) == []
    assert DEFAULT_BASE_URL not in page
    tags = asset_tags(page)
    assert [t for t in tags if "http://" in t or "https://" in t] == []
    srcs = re.findall(r'<script src="([^"]+)"', page)
    assert len(srcs) == 3
    assert all(src.startswith("data:text/javascript;base64,") for src in srcs)
    # style sheets inlined, with their images as data: URIs
    assert "leaflet-control-layers-toggle" in page
    assert "leaflet-control-measure" in page
    assert not re.search(r"url\((?![\"']?(?:data:|#))", page)
    # Leaflet's default marker icons given directly (detection through the CSS cannot work)
    assert 'L.Icon.Default.mergeOptions({iconUrl: "data:image/png;base64,' in page
    assert len(page) < len(html) + 600_000


def test_inline_refuses_cdn_page() -> None:
    html = build_map().get_root().render()  # no apply_offline_assets
    with pytest.raises(OfflineAssetError, match="outside assets"):
        inline_offline_assets(html)


def test_inline_refuses_unknown_vendored_path() -> None:
    with pytest.raises(OfflineAssetError, match="no vendored file"):
        inline_offline_assets('<script src="/app/static/vendor/nope/nope.js"></script>')
    with pytest.raises(OfflineAssetError, match="no vendored file"):
        inline_offline_assets('<script src="/app/static/vendor/../../assets.py"></script>')


def test_standalone_html() -> None:
    page = standalone_html(build_map())
    assert page.startswith("<!DOCTYPE html>")
    assert find_external_assets(page) == []


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<script src="https://a.example/x.js"></script>', ["https://a.example/x.js"]),
        ("<script src='//a.example/x.js'></script>", ["//a.example/x.js"]),
        ('<link rel="stylesheet" href="http://a.example/x.css"/>', ["http://a.example/x.css"]),
        (
            "<style>.x{background:url('https://a.example/i.png')}</style>",
            ["https://a.example/i.png"],
        ),
        ('<style>@import "https://a.example/y.css";</style>', ["https://a.example/y.css"]),
        ('<img src="https://a.example/i.png">', ["https://a.example/i.png"]),
        ('<a href="https://leafletjs.com">Leaflet</a>', []),
        ('<script src="/app/static/vendor/leaflet/leaflet.js"></script>', []),
        ('<script src="data:text/javascript;base64,AAAA"></script>', []),
        ("", []),
    ],
)
def test_find_external_assets(html: str, expected: list[str]) -> None:
    assert find_external_assets(html) == expected
