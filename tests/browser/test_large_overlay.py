"""A 100,000-point overlay uploaded in the real app, offline: one canvas, panning never reruns."""

from __future__ import annotations

import pytest
from playwright.sync_api import Frame, Page

from benchmarks import large_data

from .helpers import ARTIFACTS_DIR, PageLog, map_frame, wait_idle

TIMEOUT_MS = 120_000
FIND_MAP = "Object.values(window).find(v => v && v._leaflet_id && v.getCenter && v.panBy)"
CENTRE = f"() => {{ const c = {FIND_MAP}.getCenter(); return [c.lat, c.lng]; }}"

pytestmark = pytest.mark.browser


def _canvas_state(frame: Frame) -> dict:
    """The overlay canvas: points drawn, its position, and how many of its pixels are painted."""
    return frame.evaluate(
        """() => {
          const c = document.querySelector('canvas.bfe-overlay-canvas');
          const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let painted = 0;
          for (let i = 3; i < px.length; i += 4) { if (px[i] > 0) { painted++; } }
          return {drawn: Number(c.getAttribute('data-drawn')), painted: painted,
                  transform: c.style.transform, kind: c.getAttribute('data-kind')};
        }"""
    )


def test_large_overlay_draws_on_canvas_and_pans_without_rerun(
    server, page: Page, page_log: PageLog, tmp_path
):
    path = tmp_path / "large_points.geojson"
    path.write_bytes(large_data.geojson_bytes("points"))
    # Every message the browser sends to the server (a rerun request is one).
    sent: list[str] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append("frame")))
    page.goto(server.url)
    frame = map_frame(page, min_paths=None, timeout_ms=TIMEOUT_MS)
    wait_idle(page, timeout_ms=TIMEOUT_MS)
    page.locator('[data-testid="stSidebar"] input[type="file"]').set_input_files(str(path))
    frame.wait_for_selector("canvas.bfe-overlay-canvas", state="attached", timeout=TIMEOUT_MS)
    wait_idle(page, timeout_ms=TIMEOUT_MS)
    page.get_by_text("On the map: large_points.geojson").wait_for(timeout=TIMEOUT_MS)
    before = _canvas_state(frame)
    assert before["kind"] == "point"
    assert before["drawn"] > 1000 and before["painted"] > 10_000  # thousands of dots, really drawn
    legend = page.locator(".bfe-legend")
    assert "Your overlay: large_points.geojson" in legend.inner_text()
    page.screenshot(path=ARTIFACTS_DIR / "large_overlay.png")

    # Watch for any script run from here on: the status widget, or a message to the server.
    page.evaluate(
        """() => { window.__runs = 0;
          new MutationObserver(() => {
            if (document.querySelector('[data-testid="stStatusWidget"]')) { window.__runs++; }
          }).observe(document.body, {childList: true, subtree: true}); }"""
    )
    sent.clear()
    centre = frame.evaluate(CENTRE)
    for dx, dy in ((300, 0), (0, 200), (-150, -100)):
        frame.evaluate(f"() => {FIND_MAP}.panBy([{dx}, {dy}], {{animate: false}})")
        page.wait_for_timeout(400)
    after_pan = _canvas_state(frame)
    moved = frame.evaluate(CENTRE)
    page.wait_for_timeout(1500)  # time for a rerun to show, if one had been asked for
    assert moved != centre
    assert after_pan["transform"] != before["transform"]  # redrawn for the new view
    assert after_pan["drawn"] > 1000 and after_pan["painted"] > 10_000
    assert page.evaluate("window.__runs") == 0
    assert sent == []  # the browser asked the server for nothing: no rerun
    page.screenshot(path=ARTIFACTS_DIR / "large_overlay_panned.png")

    # A click on a point opens its popup (escaped label made in the browser, no rerun either).
    frame.evaluate(
        f"""() => {{ const m = {FIND_MAP}; m.setView([52.5, 21.0], 6, {{animate: false}}); }}"""
    )
    page.wait_for_timeout(300)
    box = frame.locator(".leaflet-container").bounding_box()
    hit = frame.evaluate(
        """() => {
          const c = document.querySelector('canvas.bfe-overlay-canvas');
          const ctx = c.getContext('2d'), px = ctx.getImageData(0, 0, c.width, c.height).data;
          const r = c.getBoundingClientRect();
          const map = document.querySelector('.leaflet-container').getBoundingClientRect();
          for (let y = 40; y < map.height - 40; y += 3) {
            for (let x = 60; x < map.width - 60; x += 3) {
              const cx = Math.round(x + map.left - r.left), cy = Math.round(y + map.top - r.top);
              if (px[(cy * c.width + cx) * 4 + 3] > 200) { return [x, y]; }
            }
          }
          return null;
        }"""
    )
    assert hit is not None
    page.mouse.click(box["x"] + hit[0], box["y"] + hit[1])
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=TIMEOUT_MS)
    assert "Your overlay: large_points.geojson" in popup.inner_text()
    page.wait_for_timeout(1000)
    assert page.evaluate("window.__runs") == 0 and sent == []
    assert page_log.problems() == []
