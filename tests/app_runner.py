"""Run the Streamlit app under ``AppTest`` and read what its map component would receive."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from explorer.web import site

APP = str(Path(__file__).resolve().parent.parent / "explorer" / "app.py")


def make_app(timeout: float = 90, **query: str) -> AppTest:
    """Run the app once with ``query`` as its query string; fail on any exception."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def map_component(at: AppTest):
    """The map component element (exactly one on the page)."""
    comps = [e for e in at.main if e.type == "component_instance"]
    assert len(comps) == 1, "exactly one map"
    return comps[0]


def map_args(at: AppTest) -> dict:
    """The map component's arguments, exactly as the browser would get them (one map only)."""
    return json.loads(map_component(at).proto.json_args)


def drawn_layers(at: AppTest) -> list[str]:
    """Layer ids the map is told to draw (``basemap`` included when on), in the args' order."""
    return [layer for layer, _url in map_args(at)["layers"]]


def site_dir() -> Path:
    """The component's folder as the app wrote it (:func:`explorer.ui.map_view.get_site`)."""
    return site.cache_root() / "web"


def layer_files(at: AppTest) -> dict[str, dict]:
    """The layer documents the map would fetch, read from the site folder: ``{layer: doc}``."""
    out = {}
    for layer, url in map_args(at)["layers"]:
        path = site_dir() / url
        assert path.is_file(), path
        out[layer] = json.loads(path.read_text(encoding="utf-8"))
    return out
