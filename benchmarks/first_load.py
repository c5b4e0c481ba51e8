"""A student's first load through ``python -m explorer serve``: bytes on the wire, by kind.

Starts ``serve --workers N`` (HAProxy with gzip in front; ``--app`` measures one plain
``python -m explorer app`` instead, for comparison), opens the app once in Debian's Chromium with
an empty cache, offline, waits until the map is drawn and the script run is over, and adds up what
arrived, as Chrome DevTools Protocol reports it:

* HTTP responses: ``encodedDataLength`` of ``Network.loadingFinished`` (bytes on the wire, headers
  included, after gzip);
* WebSocket frames from the server: their payload as CDP reports it (decompressed: with the
  WebSocket's own compression the wire carries fewer).

Classes: **streamlit** (the page, ``/static/``, ``/_stcore/``, the favicon and the WebSocket),
**map assets** (the map component's own files: ``/component/...`` except its layer files),
**layer files** (``/component/.../layers/*.json``). Budget (issue 13): at most 2 MB in all.

Usage (from the repository root, alone on the machine)::

    .venv/bin/python benchmarks/first_load.py              # through serve --workers 2
    .venv/bin/python benchmarks/first_load.py --app        # one app process, no proxy

Prints one JSON object (also written to ``--out``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.load_test import (  # noqa: E402
    free_port,
    start_serve,
    start_server,
    stop_serve,
    stop_server,
)
from tests.browser.helpers import CHROMIUM_ARGS, find_chromium, is_local_url  # noqa: E402

MAP_DRAWN_JS = """() => { for (const f of document.querySelectorAll('iframe')) {
    try { const d = f.contentDocument; if (d && d.querySelector('.leaflet-container'))
      return d.querySelectorAll('path.leaflet-interactive').length > 5; } catch (e) {} }
    return false; }"""
IDLE_JS = "!document.querySelector('[data-testid=\"stStatusWidget\"]')"


def kind_of(url: str) -> str:
    """Return the class of a response: ``streamlit``, ``map assets`` or ``layer files``."""
    path = urlsplit(url).path
    if path.startswith("/component/"):
        return "layer files" if "/layers/" in path else "map assets"
    return "streamlit"


def measure(url: str, timeout_s: float) -> dict:
    """Open ``url`` once with an empty cache; return the bytes received, by class."""
    from playwright.sync_api import sync_playwright

    responses: dict[str, dict] = {}
    ws_bytes = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=list(CHROMIUM_ARGS))
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", lambda r: r.continue_() if is_local_url(r.request.url) else r.abort())
        page = context.new_page()
        cdp = context.new_cdp_session(page)

        def on_response(event: dict) -> None:
            response = event["response"]
            responses.setdefault(event["requestId"], {}).update(
                url=response["url"],
                encoding=response["headers"].get("content-encoding", ""),
            )

        def on_finished(event: dict) -> None:
            responses.setdefault(event["requestId"], {})["wire"] = event["encodedDataLength"]

        def on_frame(event: dict) -> None:
            nonlocal ws_bytes
            payload = event["response"]["payloadData"]
            ws_bytes += len(payload) * 3 // 4 if event["response"]["opcode"] == 2 else len(payload)

        cdp.on("Network.responseReceived", on_response)
        cdp.on("Network.loadingFinished", on_finished)
        cdp.on("Network.webSocketFrameReceived", on_frame)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        start = time.monotonic()
        page.goto(url)
        page.wait_for_function(MAP_DRAWN_JS, timeout=timeout_s * 1000)
        drawn_s = time.monotonic() - start
        page.wait_for_timeout(500)
        page.wait_for_function(IDLE_JS, timeout=timeout_s * 1000)
        page.wait_for_timeout(1000)  # late responses (fonts, icons)
        browser.close()
    by_kind: dict[str, int] = {"streamlit": 0, "map assets": 0, "layer files": 0}
    ungzipped = []
    largest = sorted(
        ([urlsplit(r["url"]).path, int(r["wire"]), r["encoding"]] for r in responses.values()
         if "url" in r and "wire" in r),
        key=lambda r: -r[1],
    )[:12]  # fmt: skip
    for rec in responses.values():
        if "url" not in rec or "wire" not in rec:
            continue
        by_kind[kind_of(rec["url"])] += int(rec["wire"])
        if rec["wire"] > 2000 and "gzip" not in rec["encoding"]:
            ungzipped.append([urlsplit(rec["url"]).path, int(rec["wire"])])
    by_kind["streamlit"] += ws_bytes
    total = sum(by_kind.values())
    return {
        "first_map_drawn_s": round(drawn_s, 2),
        "bytes_by_kind": by_kind,
        "websocket_bytes (decompressed, in streamlit)": ws_bytes,
        "total_bytes": total,
        "total_mb": round(total / 1e6, 3),
        "within_2_mb": total <= 2_000_000,
        "responses": len(responses),
        "not_gzipped_over_2kB": sorted(ungzipped, key=lambda r: -r[1])[:15],
        "largest": largest,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="serve --workers N (default 2)")
    parser.add_argument("--app", action="store_true", help="one app process, no proxy")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds for the page")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "first_load.json")
    args = parser.parse_args(argv)
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        if args.app:
            proc, stop = start_server(port, log), stop_server
        else:
            proc, stop = start_serve(args.workers, port, log), stop_serve
        try:
            result = measure(f"http://127.0.0.1:{port}/", args.timeout)
        finally:
            stop(proc)
    result["served_by"] = "app" if args.app else f"serve --workers {args.workers}"
    print(json.dumps(result, indent=2))
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if result["within_2_mb"] else 1


if __name__ == "__main__":
    sys.exit(main())
