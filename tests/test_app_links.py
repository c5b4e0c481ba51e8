"""Hostile links: any query string opens the default state with a notice, never an exception."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs

import app_runner
import pytest
from streamlit.testing.v1 import AppTest

from explorer import config, permalink, style

APP = str(Path(__file__).resolve().parent.parent / "explorer" / "app.py")

#: Raw query strings as a browser would send them (Streamlit parses them with ``parse_qs``).
HOSTILE = {
    "garbage": "%%%&&==&=&;;?&%zz=%&layers",
    "huge": "layers=" + "east-shield," * 9_000,  # ~100 kB
    "repeated": "date=2020-01-01&date=2021-01-01&zoom=5&zoom=6&lang=en&lang=pl",
    "wrong types": "zoom=%C2%B2&lat=%EF%BC%91%EF%BC%92&lon=abc&date=tomorrow&lang=123",
    "control and unicode": "segment=%00%1b%5B31m%E2%80%AE&mode=%F0%9F%92%A3&chapter=-1",
    "script": "layers=%3Cscript%3Ealert(1)%3C%2Fscript%3E"
    "&%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E=1",
    "many keys": "&".join(f"k{i}=v{i}" for i in range(900)),
}


def run_with(query_string: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, values in parse_qs(query_string, keep_blank_values=True).items():
        at.query_params[key] = values if len(values) > 1 else values[0]
    at.run()
    return at


def drawn_layers(at: AppTest) -> set[str]:
    """Data layers the map is told to draw (each a layer file in the component's folder)."""
    return {layer for layer in app_runner.drawn_layers(at) if layer in style.DATA_LAYERS}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_link_opens_the_default_state_with_a_notice(name):
    at = run_with(HOSTILE[name])
    assert not at.exception, at.exception
    notices = [i for i in at.main.info if "Link not fully understood" in i.value]
    assert notices, "a notice is shown"
    for notice in notices:  # text from the URL is escaped before it reaches markdown
        assert "<script" not in notice.proto.body and "<img" not in notice.proto.body
        assert "\x00" not in notice.proto.body and "\x1b" not in notice.proto.body
    # The default state: every layer on and drawn, today's date, the default view.
    assert all(c.value for c in at.sidebar.checkbox)
    assert drawn_layers(at) == set(style.DATA_LAYERS)
    today = min(max(dt.date.today(), config.DATE_MIN), config.DATE_MAX)
    assert at.sidebar.slider(key="date").value == today
    # ... and the URL is rewritten to that clean state.
    assert at.query_params["layers"] == ",".join(style.LAYER_IDS)
    assert at.query_params["zoom"] == str(permalink.DEFAULT_ZOOM)
    assert not any(k.startswith("k") or "<" in k for k in at.query_params)


def test_the_app_still_works_after_a_hostile_link():
    at = run_with(HOSTILE["wrong types"])
    at.sidebar.checkbox(key="layer_treaty").uncheck().run()
    assert not at.exception
    assert "treaty" not in drawn_layers(at)
    # The notice is about the link the visitor opened; it is not repeated forever.
    at.sidebar.slider(key="date").set_value(dt.date(2025, 6, 1)).run()
    assert not at.exception and at.query_params["date"] == "2025-06-01"


def test_over_a_thousand_keys_streamlit_drops_the_query_and_the_default_is_shown():
    # Streamlit itself ignores a query string of more than 1000 parameters (it logs that), so
    # the script sees no parameters at all: the default state, with no exception.
    at = run_with("&".join(f"k{i}=v{i}" for i in range(3_000)) + "&zoom=9")
    assert not at.exception
    assert at.query_params["zoom"] == str(permalink.DEFAULT_ZOOM)
    assert drawn_layers(at) == set(style.DATA_LAYERS)
