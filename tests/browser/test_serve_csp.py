"""The app through ``serve`` with its security headers: no CSP violation, and embedded by
another site over HTTPS (issue 19).

Every frame (the page, the map component's iframe, the small ``st.iframe`` controls) records its
``securitypolicyviolation`` events; the console is watched for the browser's own CSP messages.
Waits are written as functions (``"() => ..."``): Playwright evaluates a bare expression with
``eval`` inside the page, which the policy refuses, as it should.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Frame, Page, Route
from serve_runner import Served, free_port, make_cert, start_serve

from explorer import embed, permalink, story

from .conftest import VIEWPORT
from .helpers import CHROMIUM_ARGS, COMPONENT_IFRAME, TIMEOUT_MS, PageLog, map_frame, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LINK = "/?layers=borders,treaty,basemap&date=2026-02-20&lat=53.0000&lon=23.5000&zoom=7"
#: Records every CSP violation of a frame in ``window.__csp`` (run in every frame, first).
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _violations(page: Page) -> list[str]:
    found = []
    for frame in page.frames:
        with contextlib.suppress(Exception):  # a frame that went away meanwhile
            found += [f"{frame.url[:80]}: {v}" for v in frame.evaluate("window.__csp || []")]
    return found


def _csp_console(log: PageLog, console: list[str]) -> list[str]:
    words = ("Content Security Policy", "Content-Security-Policy", "violates")
    return [
        m for m in [*console, *log.console_errors, *log.page_errors] if any(w in m for w in words)
    ]


@pytest.fixture
def strict_page(browser: Browser, page_log: PageLog) -> Iterator[tuple[Page, list[str]]]:
    """A page of its own context recording CSP violations; outside hosts blocked as usual."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(RECORD_VIOLATIONS)
    context.route("**/*", page_log.route)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", page_log.on_page_error)
    try:
        yield page, console
    finally:
        context.close()


def test_the_explorer_page_runs_under_the_policy(served: Served, strict_page, page_log):
    page, console = strict_page
    response = page.goto(served.url + LINK)
    assert "default-src 'self'" in response.header_value("content-security-policy")
    map_frame(page, min_paths=20)
    wait_idle(page)
    # The controls drawn with st.iframe load their scripts from /app/static: the copy-link
    # control fills in the page's address, so its script ran.
    copy = next(f for f in page.frames if f.query_selector("#copy") is not None)
    copy.wait_for_function("() => document.getElementById('url').value.includes('layers=')")
    page.get_by_text("Export this view (map or data)").click()
    use = page.wait_for_selector('iframe[srcdoc*="use_view.js"]', state="attached")
    assert use.content_frame().wait_for_selector("#use") is not None
    wait_idle(page)
    assert _violations(page) == [] and _csp_console(page_log, console) == []
    assert page_log.blocked_requests == []
    # The recorder works, and the policy holds: an injected inline script is refused.
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__injected = 1'; document.head.appendChild(s); }"""
    )
    page.wait_for_function("() => window.__csp.length > 0", timeout=TIMEOUT_MS)
    assert page.evaluate("window.__injected") is None
    assert "script-src" in _violations(page)[0]


def test_the_presenter_runs_under_the_policy(served: Served, strict_page, page_log):
    page, console = strict_page
    playing = next(c for c in story.load_chapters() if c.play_to is not None)
    page.goto(f"{served.url}/?mode=present&chapter={playing.number - 1}")
    map_frame(page)
    wait_idle(page)
    page.keyboard.press("ArrowRight")  # presenter_keys.js, a static file: no inline script
    page.wait_for_function(
        "n => new URL(location.href).searchParams.get('chapter') === String(n)",
        arg=playing.number,
        timeout=TIMEOUT_MS,
    )
    frame = map_frame(page)
    wait_idle(page)
    # The chapter plays by itself (play.js, its drawn icons and the legends' file) ...
    frame.wait_for_function(
        "() => (document.body.getAttribute('data-bfe-play') || '') > 'playing|' + "
        f"'{playing.date.isoformat()}'",
        timeout=TIMEOUT_MS,
    )
    frame.wait_for_selector(".bfe-play-legend .bfe-legend", timeout=TIMEOUT_MS)
    # ... under the policy.
    assert _violations(page) == [] and _csp_console(page_log, console) == []


def test_compare_mode_runs_under_the_policy(served: Served, strict_page, page_log):
    page, console = strict_page
    page.goto(f"{served.url}{LINK}&compare=2025-02-20")
    page.wait_for_function(
        f"() => document.querySelectorAll('{COMPONENT_IFRAME}').length >= 1", timeout=TIMEOUT_MS
    )
    frame = map_frame(page, min_paths=20)
    # Two maps side by side in the one component (explorer/web/frontend/compare.js).
    frame.wait_for_function(
        "() => document.querySelectorAll('.leaflet-container').length === 2", timeout=TIMEOUT_MS
    )
    wait_idle(page)
    # The changes panel's chart (Vega, loaded when scrolled to) draws under the policy too.
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    chart.locator("canvas, svg").first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)
    assert _violations(page) == [] and _csp_console(page_log, console) == []


# --- embedded by another site, over HTTPS ------------------------------------------------------


@contextlib.contextmanager
def _host_site(host: str, port: int, html: str, cert: tuple[Path, Path]) -> Iterator[str]:
    """Serve ``html`` at ``https://host:port/`` (a learning platform's page) until the end."""
    body = html.encode("utf-8")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer((host, port), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*cert)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()


def _embedded_frame(page: Page, app_origin: str) -> Frame:
    handle = page.wait_for_selector("iframe", state="attached", timeout=TIMEOUT_MS)
    frame = handle.content_frame()
    assert frame is not None and frame.url.startswith(app_origin), frame and frame.url
    return frame


def test_embedded_in_another_site_over_https_the_map_draws_offline(
    haproxy_path: str, chromium_path: str, browser: Browser, tmp_path: Path
):
    cert = make_cert(tmp_path)
    host_port = free_port()
    host_origin = f"https://127.0.0.2:{host_port}"
    extra = ("--certfile", str(cert[0]), "--keyfile", str(cert[1]),
             "--frame-ancestors", host_origin)  # fmt: skip
    env = {"BFE_CACHE_DIR": str(tmp_path / "cache")}
    with start_serve(1, env=env, name="serve-embed", extra=extra) as served:
        # The app as https://localhost:PORT, the host page as https://127.0.0.2: two sites.
        app_url = f"https://localhost:{served.port}/"
        state = permalink.State(
            layers=("borders", "treaty", "basemap"), date=dt.date(2026, 2, 20), lat=53.0,
            lon=23.5, zoom=7,
        )  # fmt: skip
        snippet = embed.embed_snippet(embed.embed_url(app_url, state), "medium", "The map")
        page_html = f"<!doctype html><title>Lesson</title><h1>Lesson</h1>{snippet}"
        with _host_site("127.0.0.2", host_port, page_html, cert) as host_url:
            # A browser of its own that accepts the throwaway certificate.
            own = browser.browser_type.launch(
                executable_path=chromium_path,
                headless=True,
                args=[*CHROMIUM_ARGS, "--ignore-certificate-errors"],
            )
            try:
                context: BrowserContext = own.new_context(viewport=VIEWPORT)
                context.add_init_script(RECORD_VIOLATIONS)
                blocked: list[str] = []

                def only_these_two_sites(route: Route) -> None:
                    host = urlsplit(route.request.url).hostname
                    if route.request.url.startswith(("data:", "blob:")) or host in (
                        "localhost", "127.0.0.2"
                    ):  # fmt: skip
                        route.continue_()
                    else:
                        blocked.append(route.request.url)
                        route.abort("blockedbyclient")

                context.route("**/*", only_these_two_sites)
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(host_url)
                app = _embedded_frame(page, app_url.rstrip("/"))
                box = page.locator("iframe").first.bounding_box()
                assert box is not None and (round(box["width"]), round(box["height"])) == (800, 600)
                # The map component's own iframe, inside the embedded app, draws the map.
                component = app.wait_for_selector(COMPONENT_IFRAME, state="attached",
                                                  timeout=TIMEOUT_MS).content_frame()  # fmt: skip
                component.wait_for_selector(".leaflet-container", state="visible",
                                            timeout=TIMEOUT_MS)  # fmt: skip
                component.wait_for_function(
                    "() => document.querySelectorAll('path.leaflet-interactive').length > 20",
                    timeout=TIMEOUT_MS,
                )
                # Embed mode: the view without the sidebar's controls.
                assert app.locator('[data-testid="stSidebar"]').count() == 0
                cookies = {c["name"]: c for c in context.cookies(app_url)}
                for name in ("BFE_WORKER", "_streamlit_xsrf"):
                    assert cookies[name]["sameSite"] == "None" and cookies[name]["secure"], name
                    # Kept though this browser blocks third-party cookies (as a private window
                    # does): partitioned (CHIPS) under the host site.
                    assert cookies[name].get("partitionKey") == "https://127.0.0.2", cookies
                assert _violations(page) == [] and errors == [] and blocked == []
                # A site the deployer did not name (another origin) may not frame the app.
                with _host_site("127.0.0.2", free_port(), page_html, cert) as other_url:
                    refused: list[str] = []
                    page.on("console", lambda m: refused.append(m.text))
                    page.goto(other_url)
                    page.wait_for_selector("iframe", state="attached", timeout=TIMEOUT_MS)
                    for _ in range(100):  # up to 10 s for the browser's refusal
                        if any("frame-ancestors" in m for m in refused):
                            break
                        page.wait_for_timeout(100)
                    assert any("frame-ancestors" in m for m in refused), refused
                    framed = page.frames[1:]
                    assert framed and not any(f.url.startswith(app_url) for f in framed)
            finally:
                own.close()
