"""Run the Streamlit app under ``AppTest`` and read what its map component would receive."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "explorer" / "app.py")


def make_app(timeout: float = 90, **query: str) -> AppTest:
    """Run the app once with ``query`` as its query string; fail on any exception."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def map_args(at: AppTest) -> dict:
    """The map component's arguments, exactly as the browser would get them (one map only)."""
    comps = [e for e in at.main if e.type == "component_instance"]
    assert len(comps) == 1, "exactly one map"
    return json.loads(comps[0].proto.json_args)
