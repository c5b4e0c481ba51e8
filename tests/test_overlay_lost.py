"""A link made with an uploaded overlay: the marker in the URL, and the notice when it is gone.

An overlay lives in one server process's session. When that worker dies, ``serve`` sends the
browser to another worker, which restores the view from the link; the overlay cannot come back,
so the student is told (issue 13).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "explorer" / "app.py")
GEOJSON = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "a"},
                "geometry": {"type": "Point", "coordinates": [21.0, 52.0]},
            }
        ],
    }
).encode()


def run_with(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def lost(at: AppTest) -> list[str]:
    return [w.value for w in at.main.warning if "overlay" in w.value or "nakładk" in w.value]


def test_an_upload_puts_the_marker_in_the_link_and_removing_takes_it_out():
    at = run_with()
    assert "overlay" not in at.query_params
    at.sidebar.file_uploader[0].set_value(("mine.geojson", GEOJSON, "application/geo+json"))
    at.run()
    assert at.query_params["overlay"] == "1"
    assert lost(at) == []
    at.sidebar.button(key="overlay_remove").click().run()
    assert "overlay" not in at.query_params


def test_a_session_from_a_link_with_the_marker_says_the_overlay_is_gone():
    at = run_with(date="2026-02-20", zoom="7", lat="53.0", lon="23.5", overlay="1")
    (notice,) = lost(at)
    assert "not kept on the server" in notice and "upload the file again" in notice
    # The view is restored all the same ...
    assert at.query_params["date"] == "2026-02-20" and at.query_params["zoom"] == "7"
    # ... and the link no longer claims an overlay (this session has none).
    assert "overlay" not in at.query_params
    # The notice stays until the file is uploaded again.
    at.sidebar.checkbox[0].uncheck().run()
    assert len(lost(at)) == 1
    at.sidebar.file_uploader[0].set_value(("mine.geojson", GEOJSON, "application/geo+json"))
    at.run()
    assert lost(at) == [] and at.query_params["overlay"] == "1"


def test_the_notice_in_polish():
    at = run_with(overlay="1", lang="pl")
    (notice,) = lost(at)
    assert "wczytaj plik ponownie" in notice


@pytest.mark.parametrize("value", ["0", "yes", "<b>1</b>"])
def test_any_other_marker_is_ignored_with_a_link_notice(value):
    at = run_with(overlay=value)
    assert lost(at) == []
    notices = [i.value for i in at.main.info if "Link not fully understood" in i.value]
    assert notices and all("<b>" not in n for n in notices)
