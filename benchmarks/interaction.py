"""What one click costs in a real browser: WebSocket bytes and time until the map has changed.

Opens the app (``python -m explorer app`` of this checkout or of ``--repo``) in Debian's Chromium,
offline, then toggles a layer on and off and moves the date (the slider's arrow keys), ``--runs``
times each. For every interaction it records the WebSocket payload the server sent (as Chromium
reports it: decompressed, so the bytes on the wire are fewer) and the time from the click until
the number of drawn map paths changed (a toggle) or the script run ended (a date). It also
records the first page load: time to the first drawn map path and the bytes of every response.

Usage (from the repository root, alone on the machine)::

    .venv/bin/python benchmarks/interaction.py                       # this checkout
    .venv/bin/python benchmarks/interaction.py --repo ../wt-before   # another commit, same run

Prints one JSON object (also written to ``--out``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.load_test import free_port, start_server, stop_server  # noqa: E402
from tests.browser.helpers import CHROMIUM_ARGS, find_chromium, is_local_url  # noqa: E402

MAP_FRAME_JS = """() => { for (const f of document.querySelectorAll('iframe')) {
    try { const d = f.contentDocument;
      if (d && d.querySelector('.leaflet-container')) return true; } catch (e) {} }
    return false; }"""
PATHS_JS = """() => { for (const f of document.querySelectorAll('iframe')) {
    try { const d = f.contentDocument; if (d && d.querySelector('.leaflet-container'))
      return d.querySelectorAll('path.leaflet-interactive').length; } catch (e) {} } return -1; }"""
IDLE_JS = "!document.querySelector('[data-testid=\"stStatusWidget\"]')"


def measure(url: str, runs: int) -> dict:
    """Drive one page: first load, then ``runs`` toggles (off+on) and date jumps."""
    from playwright.sync_api import sync_playwright

    out: dict = {"toggle": [], "date": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=list(CHROMIUM_ARGS))
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", lambda r: r.continue_() if is_local_url(r.request.url) else r.abort())
        page = context.new_page()
        frames: list[int] = []
        responses: list[tuple[str, int]] = []
        page.on(
            "websocket",
            lambda ws: ws.on(
                "framereceived",
                lambda f: frames.append(len(f if isinstance(f, bytes) else f.encode())),
            ),
        )

        def on_response(r: object) -> None:
            try:
                body = len(r.body())  # type: ignore[attr-defined]
                # On the wire: the Content-Length of a compressed response, else the body.
                wire = int(r.headers.get("content-length", body))  # type: ignore[attr-defined]
                responses.append((r.url, wire))
            except Exception:  # redirects and aborted requests have no body
                pass

        page.on("response", on_response)
        t0 = time.perf_counter()
        page.goto(url)
        page.wait_for_function(MAP_FRAME_JS, timeout=120_000)
        page.wait_for_function(f"({PATHS_JS})() > 20", timeout=120_000)
        out["first_map_paint_s"] = round(time.perf_counter() - t0, 3)
        page.wait_for_function(IDLE_JS, timeout=120_000)
        page.wait_for_timeout(1000)
        out["first_load_ws_bytes"] = sum(frames)
        out["first_load_http_bytes"] = sum(n for _, n in responses)
        # The app's own files: the map component's folder (frontend, Leaflet, layer files) and
        # /app/static; the rest is Streamlit's frontend. Bytes on the wire (compressed if gzipped).
        ours = [(u, n) for u, n in responses if "/component/" in u or "/app/static/" in u]
        out["first_load_app_bytes"] = sum(n for _, n in ours)
        out["first_load_app_files"] = {u.split("?")[0].rsplit("/", 2)[-1]: n for u, n in ours}
        sidebar = page.locator('[data-testid="stSidebar"]')
        box = sidebar.get_by_text("Mine Ban Treaty status", exact=True)
        for _ in range(runs):
            for _half in range(2):
                before = page.evaluate(PATHS_JS)
                frames.clear()
                t = time.perf_counter()
                box.click()
                page.wait_for_function(f"({PATHS_JS})() !== {before}", timeout=60_000)
                changed = time.perf_counter() - t
                page.wait_for_function(IDLE_JS, timeout=60_000)
                page.wait_for_timeout(300)
                out["toggle"].append({"map_changed_s": changed, "ws_bytes": sum(frames)})
        # A date change: the slider's thumb, one day back per key press (a rerun each).
        thumb = sidebar.get_by_role("slider").first
        thumb.focus()
        for _ in range(runs):
            frames.clear()
            t = time.perf_counter()
            page.keyboard.press("ArrowLeft")
            page.wait_for_timeout(150)
            page.wait_for_function(IDLE_JS, timeout=60_000)
            out["date"].append({"run_s": time.perf_counter() - t, "ws_bytes": sum(frames)})
            page.wait_for_timeout(300)
        browser.close()
    for kind in ("toggle", "date"):
        recs = out[kind]
        if recs:
            key = "map_changed_s" if kind == "toggle" else "run_s"
            out[f"{kind}_median_s"] = round(statistics.median(r[key] for r in recs), 3)
            out[f"{kind}_median_ws_bytes"] = int(statistics.median(r["ws_bytes"] for r in recs))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=ROOT)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "interaction.json")
    args = parser.parse_args(argv)
    port = free_port()
    proc = start_server(port, Path(f"/tmp/bfe_interaction_{port}.log"), args.repo)
    try:
        result = measure(f"http://127.0.0.1:{port}/", args.runs)
    finally:
        stop_server(proc)
    commit = subprocess.run(
        ["git", "-C", str(args.repo), "rev-parse", "--short", "HEAD"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    result = {"commit": commit, "date": time.strftime("%Y-%m-%d %H:%M"), **result}
    print(json.dumps({k: v for k, v in result.items() if k not in ("toggle", "date")}, indent=1))
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
