"""Presenter mode in headless Chromium, offline: walk the story with the arrow keys, by keyboard."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page

from explorer import story

from .helpers import ARTIFACTS_DIR, COMPONENT_IFRAME, TIMEOUT_MS, PageLog, map_frame, wait_idle

CHAPTERS = story.load_chapters()
N = len(CHAPTERS)

pytestmark = pytest.mark.browser


def _wait_chapter(page: Page, number: int) -> None:
    """Wait until the page shows chapter ``number`` (progress, caption and URL)."""
    page.wait_for_function(
        """([n, total]) => {
             const el = document.querySelector('.st-key-presenter_progress');
             return el && el.innerText.trim().startsWith(n + ' / ' + total)
                    && new URL(location.href).searchParams.get('chapter') === String(n);
           }""",
        arg=[number, N],
        timeout=TIMEOUT_MS,
    )
    wait_idle(page)


def _check_chapter(page: Page, number: int, lang: str = "en") -> None:
    chapter = CHAPTERS[number - 1]
    progress = page.locator(".st-key-presenter_progress").inner_text().strip()
    assert progress == f"{number} / {N} · {chapter.date.isoformat()}"
    caption = page.locator(".st-key-presenter_caption").inner_text().strip()
    assert caption == chapter.caption[lang]
    assert chapter.title[lang] in page.locator(".st-key-presenter_panel h2").inner_text()


def test_walk_every_chapter_with_the_arrow_keys(server, page: Page, page_log: PageLog):
    page.goto(f"{server.url}/?mode=present&chapter=1")
    _wait_chapter(page, 1)
    map_frame(page)
    # Full width: no sidebar; the map and its legend span the window, the map most of it.
    assert (
        page.locator('[data-testid="stSidebar"]').count() == 0
        or not page.locator('[data-testid="stSidebar"]').is_visible()
    )
    box = page.locator(COMPONENT_IFRAME).bounding_box()
    legend = page.locator(".st-key-presenter_legend").bounding_box()
    width = page.viewport_size["width"]
    assert box is not None and box["width"] > 0.6 * width
    assert legend is not None and legend["x"] >= box["x"] + box["width"] - 1
    assert legend["x"] + legend["width"] - box["x"] > 0.85 * width
    assert "Border segments" in page.locator(".st-key-presenter_legend").inner_text()
    for number in range(1, N + 1):
        if number > 1:
            page.keyboard.press("ArrowRight")
            _wait_chapter(page, number)
        _check_chapter(page, number)
        page.wait_for_timeout(1500)  # let the map finish moving to the chapter's view
        page.screenshot(path=ARTIFACTS_DIR / f"presenter_{number:02d}.png")
    # At the end, ArrowRight stays on the last chapter.
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(800)
    wait_idle(page)
    _check_chapter(page, N)
    for number in range(N - 1, 0, -1):
        page.keyboard.press("ArrowLeft")
        _wait_chapter(page, number)
        _check_chapter(page, number)
    assert page_log.problems() == []


def test_arrow_keys_work_while_the_map_has_focus(server, page: Page, page_log: PageLog):
    page.goto(f"{server.url}/?mode=present&chapter=3&lang=pl")
    _wait_chapter(page, 3)
    frame = map_frame(page)
    # Leaflet's own keyboard panning is off here: the arrows belong to the presenter.
    assert (
        frame.evaluate(
            "() => Object.values(window).find(v => v && v._leaflet_id && v.getCenter)"
            ".options.keyboard"
        )
        is False
    )
    # A click on the map puts the keyboard focus inside the map's iframe.
    frame.locator(".leaflet-container").click(position={"x": 30, "y": 120})
    assert page.evaluate("() => document.activeElement.title") == "explorer.ui.map_view.bfe_map"
    page.keyboard.press("ArrowRight")
    _wait_chapter(page, 4)
    _check_chapter(page, 4, "pl")
    assert "lang=pl" in page.url
    assert page_log.problems() == []


def test_keyboard_only_use_with_visible_focus(server, page: Page, page_log: PageLog):
    page.goto(f"{server.url}/?mode=present&chapter=2")
    _wait_chapter(page, 2)
    map_frame(page)
    # Tab until the Next button has the focus.
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('.st-key-presenter_next')"):
            break
    else:
        pytest.fail("Tab never reached the Next button")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    shadow = page.evaluate("() => getComputedStyle(document.activeElement).boxShadow")
    assert outline == "solid" and shadow != "none"
    # The focused button is in view, not under a header.
    top = page.evaluate("() => document.activeElement.getBoundingClientRect().top")
    assert top >= 0 and page.evaluate(
        "() => document.elementFromPoint(document.activeElement.getBoundingClientRect().left + 5,"
        " document.activeElement.getBoundingClientRect().top + 5).closest('button')"
        " === document.activeElement"
    )
    page.wait_for_timeout(1500)
    page.screenshot(path=ARTIFACTS_DIR / "presenter_focus.png")
    page.keyboard.press("Enter")
    _wait_chapter(page, 3)
    # Exit by keyboard too: back to the explorer, on chapter 3's date.
    page.locator(".st-key-presenter_exit button").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => !new URL(location.href).searchParams.has('mode')", timeout=TIMEOUT_MS
    )
    page.wait_for_selector('[data-testid="stSidebar"]', state="visible", timeout=TIMEOUT_MS)
    wait_idle(page)
    assert f"date={CHAPTERS[2].date.isoformat()}" in page.url

    # In explore mode the arrow keys press nothing (the map may still be settling, which
    # moves lat/lon/zoom in the URL: compare the rest).
    def state() -> dict[str, list[str]]:
        query = parse_qs(urlsplit(page.url).query)
        return {k: v for k, v in query.items() if k not in ("lat", "lon", "zoom")}

    before = state()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(800)
    wait_idle(page)
    assert state() == before and "mode" not in before
    assert page_log.problems() == []
