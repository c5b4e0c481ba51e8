"""Small things a careful user meets on the map (issue 11): focus box, basemap off, scale bar,
the ruler in Polish, kilometres only.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from explorer import style

from .helpers import ARTIFACTS_DIR, TIMEOUT_MS, PageLog, map_frame, wait_idle

pytestmark = pytest.mark.browser


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_a_clicked_line_draws_no_focus_box(server, page: Page, page_log: PageLog):
    page.goto(f"{server.url}/?layers=borders,basemap&lat=52.6&lon=23.6&zoom=7")
    frame = map_frame(page, min_paths=5)
    wait_idle(page)
    path = frame.locator("path.bfe-layer-borders").first
    path.focus()
    outline = frame.evaluate(
        "() => { const p = document.activeElement; const s = getComputedStyle(p);"
        " return [p.tagName, s.outlineStyle, s.outlineWidth]; }"
    )
    assert outline[0] == "path"
    assert outline[1] == "none" or outline[2] == "0px", outline
    assert page_log.problems() == []


def test_basemap_off_is_not_an_all_sea_map(server, page: Page, page_log: PageLog):
    page.goto(f"{server.url}/?layers=borders")
    frame = map_frame(page, min_paths=5)
    wait_idle(page)
    background = frame.evaluate(
        "getComputedStyle(document.querySelector('.leaflet-container')).backgroundColor"
    )
    assert background != _rgb(style.SEA_COLOUR)
    assert frame.locator(".leaflet-bfe-land-pane path").count() == 0
    assert page_log.problems() == []


def test_polish_ruler_and_kilometres_only_and_scale_clear_of_credits(
    server, browser, page_log: PageLog
):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{server.url}/?lang=pl")
        frame = map_frame(page, min_paths=5)
        page.wait_for_function(
            "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS
        )
        frame.wait_for_selector(".leaflet-control-measure", timeout=TIMEOUT_MS)  # after drawing
        ruler = frame.locator(".leaflet-control-measure").inner_html()
        assert "Measure distances" not in ruler
        scale = frame.locator(".leaflet-control-scale-line")
        assert scale.count() == 1, "one scale line: kilometres, no miles"
        assert scale.inner_text().endswith("km") or scale.inner_text().endswith(" m")
        a = frame.locator(".leaflet-control-scale").bounding_box()
        b = frame.locator(".leaflet-control-attribution").bounding_box()
        assert a and b
        overlap_x = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
        overlap_y = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
        assert overlap_x <= 0 or overlap_y <= 0, (a, b)
        page.screenshot(path=ARTIFACTS_DIR / "phone_pl.png")
    finally:
        context.close()
