"""Run the Streamlit app under ``AppTest`` and read what its map component would receive."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pandas as pd
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Selectbox

from explorer.ui import state as ui_state
from explorer.web import site

APP = str(Path(__file__).resolve().parent.parent / "explorer" / "app.py")


def make_app(timeout: float = 90, *, open_export: bool = False, **query: str) -> AppTest:
    """Run the app once with ``query`` as its query string; fail on any exception.

    ``open_export``: the export panel open, as after a user's click (its buttons are sent only
    then).
    """
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = value
    if open_export:
        at.session_state[ui_state.EXPORT_OPEN] = True
    at.run()
    assert not at.exception, at.exception
    return at


class _TableParser(HTMLParser):
    """Collect the rows of every ``bfe-table`` in an HTML string (header row first)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table" and ("class", "bfe-table") in attrs:
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(at: AppTest) -> list[pd.DataFrame]:
    """The panel tables of the main area, in page order, as the reader sees them (text cells)."""
    out = []
    for element in at.main.get("html"):
        parser = _TableParser()
        parser.feed(element.proto.body)
        for rows in parser.tables:
            out.append(pd.DataFrame(rows[1:], columns=rows[0]))
    return out


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


def sidebar_box(at: AppTest, name: str) -> Selectbox:
    """The sidebar's selectbox ``name`` (``lang``, ``event``, ``segment``), keyed per language."""
    found = [
        box
        for box in at.sidebar.selectbox
        if box.key == name or str(box.key or "").startswith(f"{name}_")
    ]
    assert len(found) == 1, [box.key for box in at.sidebar.selectbox]
    return found[0]


def rerun_as_browser(at: AppTest, stale: Mapping[str, str]) -> AppTest:
    """Rerun as a browser does that still holds older labels for some selectboxes.

    Streamlit's frontend keeps a selectbox's *label* and sends it back on every rerun, also the
    label of another language after a switch, and also for a box it showed on an earlier page
    (the sidebar before presenter mode). ``stale`` maps widget ids to the labels sent.
    """
    states = at._tree.get_widget_states()
    left = dict(stale)
    for state in states.widgets:
        if state.id in left:
            state.string_value = left.pop(state.id)
    for widget_id, label in left.items():
        state = states.widgets.add()
        state.id = widget_id
        state.string_value = label
    at._run(states)
    return at


@contextlib.contextmanager
def served_at(url: str) -> Iterator[dict[str, dict]]:
    """Run the app as if the browser opened ``url``; collect the download buttons' arguments.

    Yields a dict filled during the runs: button key -> the keyword arguments it was given
    (``data`` is the deferred maker, called only when a file is asked for).
    """
    downloads: dict[str, dict] = {}
    original = DeltaGenerator.download_button

    def spy(self: DeltaGenerator, *args: object, **kwargs: object) -> object:
        downloads[str(kwargs.get("key"))] = kwargs
        return original(self, *args, **kwargs)

    with (
        mock.patch("streamlit.context", SimpleNamespace(url=url, headers={})),
        mock.patch.object(DeltaGenerator, "download_button", spy),
    ):
        yield downloads
