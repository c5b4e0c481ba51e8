"""The export panel's paper choice (issue 18): the maps it makes are that paper."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from app_runner import make_app
from pypdf import PdfReader

from explorer.paper import Paper
from explorer.ui import export_panel, state


def test_the_open_panel_offers_the_papers_and_keeps_the_screen_page_first():
    at = make_app(layers="borders,treaty", date="2026-02-20", open_export=True)
    box = at.selectbox(key=state.EXPORT_PAPER_KEY)
    assert box.options == ["Screen page (16:10)", "A4", "A3", "Letter", "Legal"]
    assert box.value == ""
    radio = at.radio(key=state.EXPORT_ORIENTATION_KEY)
    assert radio.disabled  # no paper, no orientation
    box.set_value("a4").run()
    assert not at.exception
    assert not at.radio(key=state.EXPORT_ORIENTATION_KEY).disabled


@pytest.mark.parametrize("offloaded", [True, False], ids=["child-process", "in-process"])
def test_a_pdf_from_the_panel_is_the_chosen_paper(dataset, offloaded, monkeypatch):
    if not offloaded:
        monkeypatch.setattr(export_panel.offload, "run_cli", _fail)
    make = export_panel._maker(
        dataset, "pdf", ("borders", "treaty"), dt.date(2026, 2, 20), (14.0, 49.0, 24.2, 55.0),
        "en", sheet=Paper("a4", "portrait"),
    )  # fmt: skip
    pages = PdfReader(io.BytesIO(make())).pages
    box = pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((595.28, 841.89), abs=0.01)


def _fail(*args: object, **kwargs: object) -> bytes:
    raise export_panel.offload.OffloadError("no child process in this test")
