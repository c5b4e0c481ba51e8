"""Benchmark the explorer against a naive streamlit-folium app and an empty Streamlit page.

    .venv/bin/python benchmarks/run.py [--runs N] [--out benchmarks/results.json] [--skip PART ...]

Measures, in one run (see ``benchmarks/README.md`` for what each figure means):

* **first paint** in headless Chromium, network blocked: navigation start to the first map feature
  drawn (``path.leaflet-interactive`` in the ``st_folium`` iframe, or the large overlay's canvas),
  and for the floor to its one element; stamped inside the page (init script,
  ``performance.timeOrigin + performance.now()``, MutationObserver, two animation frames);
* **payload**: bytes the browser receives for the default view (HTTP responses as encoded on the
  wire, WebSocket frames), from Chrome DevTools Protocol ``Network`` events, in separate page
  loads (nothing listens during the timed loads), plus whether panning reruns the script;
* **rerun server time** after a layer toggle and after a date change, with Streamlit's AppTest in a
  fresh process: the script thread's time (``ScriptRunner._run_script``) plus serialising the
  messages it produced (what the server does before the browser gets an answer);
* **cold start**: process start to ``/_stcore/health`` answering ``ok``; **data load**:
  ``explorer.data.load_dataset()`` in a fresh interpreter (import time apart);
* **exports**: ``python -m explorer export --out FILE.{png,pdf,html}`` wall time in a subprocess,
  and the same export in a warm process (what a download button in the app would cost);
* **large overlay**: first paint and pan cost of 100,000 points / 20,000 polygons: the real app
  with the file uploaded (its canvas path, ``large_overlay_app.py``) vs folium.GeoJson.

Each figure is the median of N runs with min and max. Every server and browser started here is
ended here (process groups), also on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from explorer import config  # noqa: E402
from tests.browser.helpers import (  # noqa: E402
    CHROMIUM_ARGS,
    _stop_process_group,
    find_chromium,
    free_port,
    is_local_url,
    stage_page,
)

APP_OURS = REPO_ROOT / "explorer" / "app.py"
APP_NAIVE = BENCH_DIR / "naive_app.py"
APP_FLOOR = BENCH_DIR / "floor_app.py"
APP_LARGE_OURS = BENCH_DIR / "large_overlay_app.py"
APP_LARGE_NAIVE = BENCH_DIR / "large_overlay_naive.py"

#: The naive apps run with Streamlit's defaults, as the common pattern does: the repository's
#: ``.streamlit/config.toml`` turns WebSocket compression on (our choice), so switch it back off.
NAIVE_ARGS: tuple[str, ...] = ("--server.enableWebsocketCompression", "false")

VIEWPORT = {"width": 1280, "height": 900}
# Network blocked at the browser: every non-loopback request goes to a closed local port (a
# refused proxy fails at once), names other than localhost do not resolve. No Python sits in the
# request path (Playwright's page.route would delay every request until Python answers).
BLOCK_ARGS = (
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=127.0.0.1;localhost;[::1]",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
)
FEATURE_SELECTOR = "path.leaflet-interactive, canvas.bfe-overlay-canvas"
#: The large overlay in the real app: its canvas only (the app's own layers draw SVG paths too).
OVERLAY_SELECTOR = "canvas.bfe-overlay-canvas"
CONTENT_SELECTOR = '[data-testid="stMain"] h1'
SETTLE_MS = 1500  # a map is "settled" when no feature was added or removed for this long

BUDGETS = {
    "paint_vs_floor": 1.5,  # first map paint <= 1.5 x floor first paint
    "payload_bytes": 1_000_000,  # default-view payload <= 1 MB ...
    "payload_vs_naive": 5.0,  # ... and >= 5 x smaller than naive
    "rerun_s": 0.030,  # toggle / date rerun server time (issue 12: 30 ms)
    "new_session_s": 0.080,  # a new session's first script run, warm (issue 12: 80 ms)
    "export_s": 3.0,  # PNG and PDF export
    "large_paint_s": 5.0,  # 100k points / 20k polygons first paint
}

_STARTED: list[subprocess.Popen[bytes]] = []  # servers alive, ended on exit whatever happens


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- statistics ------------------------------------------------------------------------------


def stats(values: list[float | None]) -> dict[str, Any]:
    """Median, min, max and the runs (None values, e.g. timeouts, are counted apart)."""
    ok = [v for v in values if v is not None]
    out: dict[str, Any] = {
        "n": len(ok),
        "runs": [None if v is None else round(v, 4) for v in values],
    }
    if ok:
        out.update(median=statistics.median(ok), min=min(ok), max=max(ok))
    if len(ok) < len(values):
        out["failed"] = len(values) - len(ok)
    return out


def med(s: dict[str, Any] | None) -> float | None:
    return None if not s else s.get("median")


# --- servers ---------------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    start_s: float
    log_path: Path


@contextlib.contextmanager
def serve(
    script: Path,
    log_dir: Path,
    timeout_s: float = 90.0,
    extra_args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """Run ``python -m streamlit run SCRIPT`` from the repository root; time start to health ok.

    Same command line as ``tests/browser/helpers.start_streamlit`` (file watcher off, headless),
    polled every 20 ms instead of 200 ms so the start time is not rounded up.
    """
    port = free_port()
    if script.resolve() == (REPO_ROOT / "explorer" / "app.py").resolve():
        # The explorer is measured as shipped: the command a teacher runs.
        extra_args = (*config.server_options(), *extra_args)
    command = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", *extra_args,
    ]  # fmt: skip
    log_path = log_dir / f"{script.stem}-{port}.log"
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log_file:
        t0 = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _STARTED.append(process)
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"{script.name} exited:\n{log_path.read_text()[-3000:]}")
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as resp:
                        if resp.read().strip() == b"ok":
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{script.name} not healthy in {timeout_s} s")
                time.sleep(0.02)
            yield Server(url, process, time.perf_counter() - t0, log_path)
        finally:
            _stop_process_group(process)
            _STARTED.remove(process)


def _stop_all(*_: object) -> None:
    for process in list(_STARTED):
        _stop_process_group(process)
    raise SystemExit(130)


# --- in-page instrumentation -----------------------------------------------------------------

# Runs in every frame before any of its scripts. The top frame keeps the results in
# window.__bench; marks are milliseconds since the top frame's navigation start
# (performance.timeOrigin), taken as performance.timeOrigin + performance.now() in whatever frame
# they happen (same clock). "x" is stamped two animation frames after the DOM change ("x_dom"), i.e.
# once the frame holding it has been produced.
INIT_JS = r"""
(() => {
  if (window !== window.top) { return; }  // everything is watched from the top frame
  const CFG = __CFG__;
  const now = () => performance.timeOrigin + performance.now();
  const B = window.__bench = {t0: performance.timeOrigin, marks: {}, cfg: CFG, features: 0,
                              lastChange: null, documents: 0};
  const mark = (k, t) => {
    if (B.marks[k] === undefined) { B.marks[k] = (t === undefined ? now() : t) - B.t0; }
  };
  const paintMark = (k) => {
    mark(k + "_dom");
    requestAnimationFrame(() => requestAnimationFrame(() => mark(k)));
  };
  document.addEventListener("DOMContentLoaded", () => mark("dom_content_loaded"));
  B.longTasks = [];  // main-thread tasks over 50 ms (the component iframe shares this thread)
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        B.longTasks.push([Math.round(e.startTime), Math.round(e.duration)]);
      }
    }).observe({type: "longtask", buffered: true});
  } catch (e) { }
  const top = new MutationObserver(() => {
    if (document.querySelector(CFG.content)) { paintMark("first_content"); top.disconnect(); }
  });
  top.observe(document, {childList: true, subtree: true});
  // Same-origin iframes (the st_folium component): an init script only sees a frame's first,
  // about:blank document, so the top frame polls for each iframe's real document and observes it
  // from here (same origin, same event loop).
  const isFeature = (n) => n.nodeType === 1 && (n.matches(CFG.feature) ||
    (n.firstElementChild !== null && n.querySelector(CFG.feature) !== null));
  const seen = new WeakSet();
  const watch = (doc, win) => {
    seen.add(doc);
    B.documents++;
    const obs = new MutationObserver((records) => {
      let added = 0, removed = 0;
      for (const r of records) {
        for (const n of r.addedNodes) { if (isFeature(n)) { added++; } }
        for (const n of r.removedNodes) { if (isFeature(n)) { removed++; } }
      }
      if (B.marks.map_container === undefined && doc.querySelector(".leaflet-container")) {
        mark("frame_start", win.performance.timeOrigin); mark("map_container");
      }
      if (!added && !removed) { return; }
      B.features += added - removed;
      B.lastChange = now() - B.t0;
      if (added) { paintMark("first_feature"); }
    });
    obs.observe(doc, {childList: true, subtree: true});
  };
  setInterval(() => {
    for (const f of document.querySelectorAll("iframe")) {
      let doc = null, win = null;
      try { doc = f.contentDocument; win = f.contentWindow; } catch (e) { continue; }
      if (doc && !seen.has(doc) && win.location.href !== "about:blank") { watch(doc, win); }
    }
  }, 5);
})();
"""

# Ready to read: the target is there, nothing changed for SETTLE_MS, and Streamlit is idle.
DONE_JS = r"""
(settle) => {
  const B = window.__bench;
  if (!B) { return false; }
  const key = B.cfg.map ? "first_feature" : "first_content";
  if (B.marks[key] === undefined) { return false; }
  const last = Math.max(B.lastChange || 0, B.marks[key]);
  if (performance.now() - last < settle) { return false; }
  return !document.querySelector('[data-testid="stStatusWidget"]');
}
"""

# Resource timing of the map component's iframe(s), on the top frame's clock (ms since navigation):
# [file, start, end] for the component bundle and the map's scripts and style sheets.
RESOURCES_JS = r"""
() => {
  const out = [];
  for (const f of document.querySelectorAll("iframe")) {
    let w;
    try { w = f.contentWindow; if (!/folium|bfe_map/.test(w.location.href)) { continue; } }
    catch (e) { continue; }
    const offset = w.performance.timeOrigin - performance.timeOrigin;
    for (const e of w.performance.getEntriesByType("resource")) {
      out.push([e.name.split("?")[0].split("/").slice(-2).join("/"),
                Math.round(e.startTime + offset), Math.round(e.responseEnd + offset)]);
    }
  }
  return out;
}
"""

FIND_MAP_JS = "Object.values(window).find(v => v && v._leaflet_id && v.getCenter && v.panBy)"


def init_script(is_map: bool, feature: str = FEATURE_SELECTOR) -> str:
    cfg = {"map": is_map, "feature": feature, "content": CONTENT_SELECTOR}
    return INIT_JS.replace("__CFG__", json.dumps(cfg))


def _map_frame(page: Any) -> Any:
    for frame in page.frames:
        if "streamlit_folium" in frame.url or "bfe_map" in frame.url:
            return frame
    return None


def timed_load(
    browser: Any, url: str, *, is_map: bool, timeout_s: float, feature: str = FEATURE_SELECTOR
) -> dict[str, Any]:
    """One navigation in a fresh context (empty cache); returns the in-page marks."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(script=init_script(is_map, feature))
    page = context.new_page()
    try:
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        timed_out = False
        try:
            page.wait_for_function(DONE_JS, arg=SETTLE_MS, polling=200, timeout=timeout_s * 1000)
        except PlaywrightTimeout:
            timed_out = True
        bench = page.evaluate("() => window.__bench") or {}
        bench["timed_out"] = timed_out
        bench["resources"] = page.evaluate(RESOURCES_JS)
        return bench
    finally:
        context.close()


def paint_of(bench: dict[str, Any], is_map: bool) -> float | None:
    """First paint in seconds (None when the target never appeared)."""
    key = "first_feature" if is_map else "first_content"
    value = bench.get("marks", {}).get(key)
    return None if value is None else value / 1000.0


# --- payload (CDP) -----------------------------------------------------------------------------


class ByteCountingRelay:
    """A TCP relay in front of a server that counts the bytes each way (payload passes only).

    What it counts is exactly what crosses the network to the browser: HTTP headers and bodies
    as sent (gzip where the server compresses), WebSocket frames as sent (deflated only if the
    server enables WebSocket compression). Never used for timed loads.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.to_browser = 0
        self.from_browser = 0
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                return
            self._sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, to_browser: bool) -> None:
        try:
            while data := src.recv(262144):
                dst.sendall(data)
                with self._lock:
                    if to_browser:
                        self.to_browser += len(data)
                    else:
                        self.from_browser += len(data)
        except OSError:
            pass
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self._closed = True
        for sock in [self._listener, *self._sockets]:
            with contextlib.suppress(OSError):
                sock.close()


def _ws_bytes(frame: dict[str, Any]) -> bytes:
    data = frame["payloadData"]
    return base64.b64decode(data) if frame.get("opcode") == 2 else data.encode("utf-8")


def _classify(url: str) -> str:
    path = urllib.parse.urlsplit(url).path
    if "/component/" in path:
        return "component (streamlit-folium frontend)"
    if path.startswith("/app/static/"):
        return "vendored map assets (/app/static)"
    return "Streamlit frontend (shared by every app)"


def split_component_args(json_args: str) -> dict[str, int]:
    """Bytes of a streamlit-folium component's arguments by part (base map script, layers...)."""
    args = json.loads(json_args)
    parts: dict[str, int] = {}
    for key, value in args.items():
        size = len(json.dumps(value, ensure_ascii=False).encode("utf-8"))
        name = {"script": "base map script", "feature_group": "feature groups (layers)"}.get(
            key, "other arguments"
        )
        parts[name] = parts.get(name, 0) + size
    groups = args.get("feature_group") or ""
    if groups:
        # one chunk per FeatureGroup: st_folium ends each with window.feature_group.push(...)
        chunks = re.split(
            r"(?<=window\.feature_group\.push\(feature_group_feature_group_\d\);)", groups
        )
        for chunk in chunks:
            found = re.search(r"feature_group_feature_group_(\d+)", chunk)
            if found and chunk.strip():
                parts[f"  feature group #{found.group(1)}"] = len(chunk.encode("utf-8"))
    return parts


def deflate_estimate(frames: list[bytes]) -> int:
    """Bytes the frames would take with WebSocket permessage-deflate (RFC 7692), as Tornado does it.

    One deflate stream per connection (context takeover), level 6, each message sync-flushed and
    its 4-byte 00 00 ff ff tail dropped; a message is sent uncompressed if that is not smaller.
    """
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS, 8)
    total = 0
    for raw in frames:
        out = compressor.compress(raw) + compressor.flush(zlib.Z_SYNC_FLUSH)
        total += min(len(out) - 4, len(raw))
    return total


def ws_breakdown(frames_in: list[bytes]) -> dict[str, int]:
    """Attribute received WebSocket bytes to message kinds (decoding Streamlit's ForwardMsg)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    out: dict[str, int] = {}
    for raw in frames_in:
        msg = ForwardMsg()
        try:
            msg.ParseFromString(raw)
        except Exception:
            out["undecoded"] = out.get("undecoded", 0) + len(raw)
            continue
        kind = msg.WhichOneof("type") or "?"
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            etype = element.WhichOneof("type")
            if (
                etype == "component_instance"
                and "folium" in element.component_instance.component_name
            ):
                for part, size in split_component_args(
                    element.component_instance.json_args
                ).items():
                    key = f"map component: {part}"
                    out[key] = out.get(key, 0) + size
                kind = "map component: message overhead"
                size = len(raw) - len(element.component_instance.json_args.encode("utf-8"))
                out[kind] = out.get(kind, 0) + size
                continue
            kind = f"element: {etype}"
        out[kind] = out.get(kind, 0) + len(raw)
    return out


def _is_rerun(raw: bytes) -> bool:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    try:
        msg.ParseFromString(raw)
    except Exception:
        return False
    return msg.WhichOneof("type") == "rerun_script"


def _is_script_finished(raw: bytes) -> bool:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    try:
        msg.ParseFromString(raw)
    except Exception:
        return False
    return msg.WhichOneof("type") == "script_finished"


def payload_load(
    browser: Any,
    url: str,
    *,
    is_map: bool,
    timeout_s: float,
    pans: int = 0,
    feature: str = FEATURE_SELECTOR,
) -> dict[str, Any]:
    """Load once with CDP Network events on; count bytes; optionally pan and watch for reruns."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    parts = urllib.parse.urlsplit(url)
    relay = ByteCountingRelay(parts.port or 80)
    url = parts._replace(netloc=f"127.0.0.1:{relay.port}").geturl()
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(script=init_script(is_map, feature))
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    responses: dict[str, dict[str, Any]] = {}
    ws_in: list[tuple[float, bytes]] = []
    ws_out: list[tuple[float, bytes]] = []
    outside: list[str] = []

    def on_request(event: dict[str, Any]) -> None:
        request_url = event["request"]["url"]
        if not is_local_url(request_url):
            outside.append(request_url)

    def on_response(event: dict[str, Any]) -> None:
        responses.setdefault(event["requestId"], {})["url"] = event["response"]["url"]

    def on_data(event: dict[str, Any]) -> None:
        rec = responses.setdefault(event["requestId"], {})
        rec["decoded"] = rec.get("decoded", 0) + event["dataLength"]

    def on_finished(event: dict[str, Any]) -> None:
        responses.setdefault(event["requestId"], {})["wire"] = event["encodedDataLength"]

    cdp.on("Network.requestWillBeSent", on_request)
    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.dataReceived", on_data)
    cdp.on("Network.loadingFinished", on_finished)
    cdp.on(
        "Network.webSocketFrameReceived",
        lambda e: ws_in.append((e["timestamp"], _ws_bytes(e["response"]))),
    )
    cdp.on(
        "Network.webSocketFrameSent",
        lambda e: ws_out.append((e["timestamp"], _ws_bytes(e["response"]))),
    )
    cdp.send(
        "Network.enable", {"maxTotalBufferSize": 200_000_000, "maxResourceBufferSize": 100_000_000}
    )
    result: dict[str, Any] = {}
    try:
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        try:
            page.wait_for_function(DONE_JS, arg=SETTLE_MS, polling=200, timeout=timeout_s * 1000)
        except PlaywrightTimeout:
            result["timed_out"] = True
        page.wait_for_timeout(500)
        by_class: dict[str, int] = {}
        decoded_by_class: dict[str, int] = {}
        for rec in responses.values():
            if "url" not in rec or rec["url"].startswith(("data:", "blob:", "about:")):
                continue
            cls = _classify(rec["url"])
            by_class[cls] = by_class.get(cls, 0) + int(rec.get("wire", 0))
            decoded_by_class[cls] = decoded_by_class.get(cls, 0) + int(rec.get("decoded", 0))
        largest = sorted(
            (r for r in responses.values() if "url" in r and not r["url"].startswith("data:")),
            key=lambda r: -int(r.get("wire", 0)),
        )[:12]
        result["largest_responses"] = [
            [urllib.parse.urlsplit(r["url"]).path, int(r.get("wire", 0)), int(r.get("decoded", 0))]
            for r in largest
        ]
        ws_total = sum(len(b) for _, b in ws_in)
        by_class["WebSocket frames received"] = ws_total
        result["ws_deflate_estimate"] = deflate_estimate([b for _, b in ws_in])
        shared = by_class.get("Streamlit frontend (shared by every app)", 0)
        total = sum(by_class.values())
        result.update(
            tcp_bytes_to_browser=relay.to_browser,
            total_bytes=total,
            app_bytes=total - shared,
            by_class=by_class,
            http_decoded_by_class=decoded_by_class,
            http_requests=sum(1 for r in responses.values() if "url" in r),
            ws_frames_received=len(ws_in),
            ws_frames_sent=len(ws_out),
            script_runs_requested=sum(1 for _, b in ws_out if _is_rerun(b)),
            ws_breakdown=ws_breakdown([b for _, b in ws_in]),
            outside_requests=sorted(set(outside)),
            marks=(page.evaluate("() => window.__bench") or {}).get("marks", {}),
        )
        if pans:
            result["pan"] = _pan_test(page, ws_in, ws_out, pans)
    finally:
        context.close()
        relay.close()
    return result


PAN_JS = """
([dx, dy]) => new Promise((resolve) => {
  const m = __FIND_MAP__;
  const t0 = performance.now();
  m.panBy([dx, dy], {animate: false});
  const t1 = performance.now();
  requestAnimationFrame(() => requestAnimationFrame(() =>
    resolve({sync_ms: t1 - t0, paint_ms: performance.now() - t0})));
})
""".replace("__FIND_MAP__", FIND_MAP_JS)


def _pan_test(page: Any, ws_in: list, ws_out: list, pans: int) -> dict[str, Any]:
    """Pan the map (no animation) ``pans`` times; time the redraw in the page; count reruns."""
    frame = _map_frame(page)
    if frame is None:
        return {"error": "map frame not found"}
    n_in, n_out = len(ws_in), len(ws_out)
    costs = []
    for i in range(pans):
        step = [240, 160] if i % 2 == 0 else [-240, -160]
        costs.append(frame.evaluate(PAN_JS, step))
        page.wait_for_timeout(400)
    page.wait_for_timeout(2500)  # st_folium debounces its report; a rerun would start by now
    with contextlib.suppress(Exception):
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
            polling=200,
            timeout=120_000,
        )
    page.wait_for_timeout(500)
    sent = ws_out[n_out:]
    received = ws_in[n_in:]
    rerun_times = [t for t, b in sent if _is_rerun(b)]
    round_trips = []
    for t in rerun_times:
        done = [u for u, b in received if u >= t and _is_script_finished(b)]
        if done:
            round_trips.append(min(done) - t)
    return {
        "pans": pans,
        "redraw_ms": stats([c["sync_ms"] for c in costs]),
        "redraw_to_paint_ms": stats([c["paint_ms"] for c in costs]),
        "reruns": len(rerun_times),
        "rerun_round_trip_s": stats(round_trips) if round_trips else None,
        "bytes_received_after_pans": sum(len(b) for _, b in received),
    }


# --- child processes: AppTest reruns, data load, exports -------------------------------------


def _child(kind: str, *args: str, timeout_s: float = 600) -> dict[str, Any]:
    """Run this file as a child doing one measurement; it prints one JSON line."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, *args]
    proc = subprocess.run(
        cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout_s, check=False
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"child {kind} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1])


def child_data_load() -> None:
    t0 = time.perf_counter()
    from explorer import data

    t1 = time.perf_counter()
    data.load_dataset()
    t2 = time.perf_counter()
    print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1}))


def child_apptest(app: str, runs: int) -> None:
    """Rerun timings of one app under AppTest (fresh process, so caches start cold)."""
    import logging

    logging.disable(logging.WARNING)
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest, local_script_runner

    last: dict[str, Any] = {}
    original_run_script = script_runner.ScriptRunner._run_script
    original_parse = local_script_runner.parse_tree_from_messages

    def timed_run_script(self: Any, rerun_data: Any) -> None:
        t0 = time.perf_counter()
        try:
            original_run_script(self, rerun_data)
        finally:
            last["script_s"] = time.perf_counter() - t0

    def capture_parse(messages: list) -> Any:
        t0 = time.perf_counter()
        sizes = [len(m.SerializeToString()) for m in messages]
        last["serialize_s"] = time.perf_counter() - t0
        last["message_bytes"] = sum(sizes)
        return original_parse(messages)

    script_runner.ScriptRunner._run_script = timed_run_script
    local_script_runner.parse_tree_from_messages = capture_parse

    path = APP_OURS if app == "ours" else APP_NAIVE
    at = AppTest.from_file(str(path), default_timeout=600)

    def run(change: Callable[[], Any] | None = None) -> dict[str, float]:
        last.clear()
        t0 = time.perf_counter()
        (change() if change else at).run()
        wall = time.perf_counter() - t0
        if at.exception:
            raise RuntimeError(f"{app}: {at.exception}")
        return {
            "apptest_s": wall,
            "script_s": last.get("script_s", float("nan")),
            "serialize_s": last.get("serialize_s", 0.0),
            "server_s": last.get("script_s", float("nan")) + last.get("serialize_s", 0.0),
            "message_bytes": last.get("message_bytes", 0),
        }

    first = run()
    steady = run()
    if app == "ours":
        from explorer import style

        toggles = [f"layer_{i}" for i in style.DATA_LAYERS]
    else:
        toggles = ["layer_borders", "layer_forts", "layer_treaty", "layer_basemap"]
    out: dict[str, list[dict[str, float]]] = {
        "date (new date)": [],
        "toggle (new combination)": [],
        "toggle back (seen combination)": [],
        "date (seen date)": [],
    }
    previous = None
    for i in range(runs):
        day = dt.date(2025, 1, 3) + dt.timedelta(days=41 * i)  # never the default (today)
        out["date (new date)"].append(run(lambda d=day: at.slider(key="date").set_value(d)))
        key = toggles[i % len(toggles)]
        out["toggle (new combination)"].append(run(lambda k=key: at.checkbox(key=k).uncheck()))
        out["toggle back (seen combination)"].append(run(lambda k=key: at.checkbox(key=k).check()))
        if previous is not None:  # a date already shown with every layer on: cached
            out["date (seen date)"].append(
                run(lambda d=previous: at.slider(key="date").set_value(d))
            )
        previous = day
    # A new session's first run on a warm server (caches filled by the runs above): a fresh
    # AppTest in the same process, as a student opening the link after the teacher.
    out["new session (warm)"] = []
    for i in range(runs):
        fresh = AppTest.from_file(str(path), default_timeout=600)
        if app == "ours":  # a shared link: another date each time (cached by state, not day)
            day = dt.date(2025, 1, 3) + dt.timedelta(days=41 * i)
            fresh.query_params["date"] = day.isoformat()
        at = fresh
        out["new session (warm)"].append(run())
    print(json.dumps({"first_run": first, "steady_rerun": steady, "changes": out}))


def child_export_warm(runs: int, out_dir: str) -> None:
    """In one process: load the data, then time export.export() per format (first call apart)."""
    import logging

    logging.disable(logging.WARNING)
    from explorer import data, export

    ds = data.load_dataset()
    result: dict[str, Any] = {}
    for fmt in ("png", "pdf", "html"):
        times = []
        for _ in range(runs + 1):
            t0 = time.perf_counter()
            export.export(ds, out_path=Path(out_dir) / f"warm.{fmt}")
            times.append(time.perf_counter() - t0)
        result[fmt] = {"first_s": times[0], "warm_s": times[1:]}
    print(json.dumps(result))


# --- the benchmark ---------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    chromium = find_chromium()
    version = ""
    if chromium:
        with contextlib.suppress(Exception):
            version = subprocess.run(
                [chromium, "--version"], capture_output=True, text=True, timeout=30, check=False
            ).stdout.strip()
    from importlib.metadata import version as dist_version

    commit = ""
    with contextlib.suppress(Exception):
        commit = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout.strip()

    return {
        "uname": " ".join(platform.uname()),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "chromium": version,
        "commit": commit,
        **{
            name: dist_version(name)
            for name in ("streamlit", "streamlit-folium", "folium", "playwright")
        },
    }


def export_cli_available() -> bool:
    proc = subprocess.run(
        [sys.executable, "-m", "explorer", "export", "--help"],
        cwd=REPO_ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    return proc.returncode == 0


def bench_exports(runs: int, tmp: Path) -> dict[str, Any]:
    if not export_cli_available():
        log("exports: `python -m explorer export` not available -> n/a")
        return {"available": False}
    out: dict[str, Any] = {"available": True, "cli": {}, "in_process": {}}
    for fmt in ("png", "pdf", "html"):
        times, sizes = [], []
        for _ in range(runs):
            target = tmp / f"cli.{fmt}"
            t0 = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "explorer", "export", "--out", str(target)],
                cwd=REPO_ROOT,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            elapsed = time.perf_counter() - t0
            if proc.returncode != 0:
                log(f"export {fmt} failed: {proc.stderr.strip()[-500:]}")
                times.append(None)
                continue
            times.append(elapsed)
            sizes.append(target.stat().st_size)
        out["cli"][fmt] = {**stats(times), "bytes": sizes[-1] if sizes else None}
        log(f"export {fmt} (CLI): median {med(out['cli'][fmt])}")
    warm = _child("export-warm", str(runs), str(tmp))
    for fmt, rec in warm.items():
        out["in_process"][fmt] = {**stats(rec["warm_s"]), "first_s": rec["first_s"]}
    return out


def bench_browser(
    browser: Any,
    apps: dict[str, tuple[str, bool]],
    runs: int,
    timeout_s: float,
) -> dict[str, Any]:
    """First paint, interleaved (one run of each app per round) to spread any drift evenly."""
    out: dict[str, Any] = {}
    for name, (url, is_map) in apps.items():
        bench = timed_load(browser, url, is_map=is_map, timeout_s=timeout_s)  # warm-up
        out[name] = {"first_visit_after_start_s": paint_of(bench, is_map), "loads": []}
        log(f"{name}: first visit after server start {paint_of(bench, is_map)} s")
    for i in range(runs):
        for name, (url, is_map) in apps.items():
            bench = timed_load(browser, url, is_map=is_map, timeout_s=timeout_s)
            out[name]["loads"].append(bench)
            log(f"{name} run {i + 1}: first paint {paint_of(bench, is_map)} s")
            time.sleep(0.3)
    for name, (_, is_map) in apps.items():
        loads = out[name]["loads"]
        out[name]["first_paint_s"] = stats([paint_of(b, is_map) for b in loads])
        marks = ["first_content", "frame_start", "map_container", "first_feature"]
        out[name]["marks_median_ms"] = {
            k: statistics.median(v)
            for k in marks
            if (v := [b["marks"][k] for b in loads if k in b.get("marks", {})])
        }
        if is_map:
            # last feature added or removed (DOM time), never before the first paint
            settled = [
                None
                if paint_of(b, True) is None
                else max((b.get("lastChange") or 0) / 1000.0, paint_of(b, True))
                for b in loads
            ]
            out[name]["all_features_drawn_s"] = stats(settled)
            out[name]["features_drawn"] = [b.get("features") for b in loads]
        out[name]["timeouts"] = sum(1 for b in loads if b.get("timed_out"))
        del out[name]["loads"]
    return out


def bench_large(
    browser: Any,
    log_dir: Path,
    stage_root: Path,
    runs: int,
    naive_runs: int,
    timeout_s: float,
    kinds: list[str],
    which: tuple[str, ...] = ("ours", "naive"),
) -> dict[str, Any]:
    """First paint, payload and pan cost of the large overlays (one server per app)."""
    out: dict[str, Any] = {}
    for label, script, n in (
        ("ours", APP_LARGE_OURS, runs),
        ("naive", APP_LARGE_NAIVE, naive_runs),
    ):
        if label not in which:
            continue
        staged = stage_page(script, stage_root / f"large-{label}")
        extra = NAIVE_ARGS if label == "naive" else ()
        # ours is the real app with the overlay uploaded: time the overlay's canvas, not the
        # app's own layers (drawn in the same script run); naive draws only the overlay.
        feature = OVERLAY_SELECTOR if label == "ours" else FEATURE_SELECTOR
        with serve(staged, log_dir, extra_args=extra) as server:
            timed_load(browser, f"{server.url}/?data=warm", is_map=False, timeout_s=timeout_s)
            for kind in kinds:
                url = f"{server.url}/?data={kind}"
                key = f"{label} {kind}"
                rec: dict[str, Any] = {}
                loads = []
                for i in range(n):
                    bench = timed_load(
                        browser, url, is_map=True, timeout_s=timeout_s, feature=feature
                    )
                    loads.append(bench)
                    log(
                        f"large {key} run {i + 1}: first paint {paint_of(bench, True)} s"
                        f"{' (timed out)' if bench.get('timed_out') else ''}"
                    )
                rec["first_paint_s"] = stats([paint_of(b, True) for b in loads])
                rec["timeouts"] = sum(1 for b in loads if b.get("timed_out"))
                rec["marks_median_ms"] = {
                    k: statistics.median(v)
                    for k in ("first_content", "frame_start", "map_container", "first_feature")
                    if (v := [b["marks"][k] for b in loads if k in b.get("marks", {})])
                }
                if all(b.get("timed_out") for b in loads):
                    rec["payload"] = None
                else:
                    pans = 6 if label == "ours" else 2  # each naive pan queues a long rerun
                    p = payload_load(
                        browser, url, is_map=True, timeout_s=timeout_s, pans=pans, feature=feature
                    )
                    rec["payload"] = {
                        k: p.get(k)
                        for k in (
                            "total_bytes",
                            "app_bytes",
                            "tcp_bytes_to_browser",
                            "by_class",
                            "script_runs_requested",
                            "outside_requests",
                            "pan",
                            "timed_out",
                        )
                    }
                    log(f"large {key}: payload {p.get('app_bytes')} B, pan {p.get('pan')}")
                out[key] = rec
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    skip = set(args.skip or [])
    started = time.perf_counter()
    results: dict[str, Any] = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "runs": args.runs,
        "machine": machine(),
        "load_average_at_start": os.getloadavg(),
        "budgets": BUDGETS,
    }
    tmp = Path(tempfile.mkdtemp(prefix="bfe-bench-"))
    log_dir = tmp / "logs"
    log_dir.mkdir()
    try:
        # 1. Cold start of each server, and data load in a fresh interpreter.
        if "cold" not in skip:
            staged_naive = stage_page(APP_NAIVE, tmp / "cold-naive")
            cold: dict[str, Any] = {}
            for name, script in (("ours", APP_OURS), ("naive", staged_naive), ("floor", APP_FLOOR)):
                times = []
                for _ in range(args.runs):
                    extra = NAIVE_ARGS if name == "naive" else ()
                    with serve(script, log_dir, extra_args=extra) as server:
                        times.append(server.start_s)
                cold[name] = stats(times)
                log(f"cold start {name}: {cold[name]['median']:.2f} s")
            loads = [_child("data-load") for _ in range(args.runs)]
            cold["data_load_s"] = stats([r["load_s"] for r in loads])
            cold["data_import_s"] = stats([r["import_s"] for r in loads])
            log(f"data load: {cold['data_load_s']['median']:.2f} s")
            results["cold_start"] = cold

        # 2. Rerun server time under AppTest (fresh process per app: caches start cold).
        if "rerun" not in skip:
            results["rerun"] = {}
            for app in ("ours", "naive"):
                raw = _child("apptest", app, str(args.runs), timeout_s=900)
                summary: dict[str, Any] = {
                    "first_run_s": raw["first_run"]["server_s"],
                    "steady_rerun_s": raw["steady_rerun"]["server_s"],
                }
                for change, recs in raw["changes"].items():
                    summary[change] = {
                        "server_s": stats([r["server_s"] for r in recs]),
                        "script_s": stats([r["script_s"] for r in recs]),
                        "apptest_s": stats([r["apptest_s"] for r in recs]),
                        "message_bytes": stats([r["message_bytes"] for r in recs]),
                    }
                results["rerun"][app] = summary
                log(
                    f"rerun {app}: toggle {med(summary['toggle (new combination)']['server_s'])} "
                    f"date {med(summary['date (new date)']['server_s'])}"
                )

        # 3. Exports.
        if "export" not in skip:
            results["exports"] = bench_exports(args.runs, tmp)

        # 4. Browser: first paint (interleaved), then payload + pan test.
        if not ({"browser", "large"} <= skip):
            from playwright.sync_api import sync_playwright

            chromium = find_chromium()
            if chromium is None:
                raise SystemExit("Chromium not found: apt-get install -y chromium")
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=chromium,
                    headless=True,
                    args=[*CHROMIUM_ARGS, *BLOCK_ARGS],
                )
                try:
                    if "browser" not in skip:
                        staged = stage_page(APP_NAIVE, tmp / "naive")
                        with (
                            serve(APP_OURS, log_dir) as ours,
                            serve(staged, log_dir, extra_args=NAIVE_ARGS) as naive,
                            serve(APP_FLOOR, log_dir) as floor,
                        ):
                            apps = {
                                "floor": (floor.url, False),
                                "ours": (ours.url, True),
                                "naive": (naive.url, True),
                            }
                            results["browser"] = bench_browser(
                                browser, apps, args.runs, args.timeout
                            )
                            payload = {}
                            for name, (url, is_map) in apps.items():
                                payload[name] = payload_load(
                                    browser,
                                    url,
                                    is_map=is_map,
                                    timeout_s=args.timeout,
                                    pans=3 if is_map else 0,
                                )
                                log(
                                    f"payload {name}: total {payload[name].get('total_bytes')} B, "
                                    f"app {payload[name].get('app_bytes')} B"
                                )
                            results["payload"] = payload
                    if "large" not in skip:
                        kinds = ["points"] + ([] if "polygons" in skip else ["polygons"])
                        results["large_overlay"] = bench_large(
                            browser,
                            log_dir,
                            tmp,
                            args.runs,
                            args.large_naive_runs,
                            args.large_timeout,
                            kinds,
                        )
                finally:
                    browser.close()
    finally:
        if args.keep_logs:
            log(f"logs kept in {log_dir}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    results["elapsed_s"] = time.perf_counter() - started
    results["load_average_at_end"] = os.getloadavg()
    results["verdicts"] = verdicts(results)
    return results


# --- report ----------------------------------------------------------------------------------


SHARED_FRONTEND = "Streamlit frontend (shared by every app)"


def wire_app_bytes(payload: dict[str, Any] | None) -> int | None:
    """App bytes as they cross the network: the TCP relay's count minus Streamlit's frontend.

    CDP reports WebSocket frames *decompressed*; with WebSocket compression on (ours) the wire
    carries less. HTTP responses are counted as sent by both, so relay total - frontend = the
    app's own bytes on the wire (component, vendored assets, WebSocket frames as sent).
    """
    if not payload:
        return None
    tcp, by_class = payload.get("tcp_bytes_to_browser"), payload.get("by_class") or {}
    if tcp is None or SHARED_FRONTEND not in by_class:
        return payload.get("app_bytes")
    return int(tcp) - int(by_class[SHARED_FRONTEND])


def verdicts(r: dict[str, Any]) -> list[dict[str, Any]]:
    out = []

    def add(name: str, value: Any, limit: str, ok: bool | None, note: str = "") -> None:
        out.append(
            {
                "budget": name,
                "value": value,
                "limit": limit,
                "result": "n/a" if ok is None else ("PASS" if ok else "FAIL"),
                "note": note,
            }
        )

    b = r.get("browser", {})
    ours_p, floor_p = (
        med(b.get("ours", {}).get("first_paint_s")),
        med(b.get("floor", {}).get("first_paint_s")),
    )
    if ours_p and floor_p:
        ratio = ours_p / floor_p
        add(
            "first map paint <= 1.5 x floor",
            f"{ours_p:.2f} s = {ratio:.2f} x floor ({floor_p:.2f} s)",
            "1.5 x",
            ratio <= BUDGETS["paint_vs_floor"],
        )
    else:
        add("first map paint <= 1.5 x floor", None, "1.5 x", None, "not measured")
    p = r.get("payload", {})
    ours_b, naive_b = wire_app_bytes(p.get("ours")), wire_app_bytes(p.get("naive"))
    if ours_b is not None:
        add(
            "default-view payload <= 1 MB",
            f"{ours_b / 1e6:.2f} MB",
            "1 MB",
            ours_b <= BUDGETS["payload_bytes"],
            "app bytes on the wire (TCP relay): everything but the Streamlit frontend",
        )
    if ours_b and naive_b:
        add(
            "payload >= 5 x smaller than naive",
            f"{naive_b / ours_b:.2f} x",
            ">= 5 x",
            naive_b / ours_b >= BUDGETS["payload_vs_naive"],
        )
    rr = r.get("rerun", {}).get("ours", {})
    for change, budget in (
        ("toggle (new combination)", BUDGETS["rerun_s"]),
        ("date (new date)", BUDGETS["rerun_s"]),
        ("new session (warm)", BUDGETS["new_session_s"]),
    ):
        if change in rr:
            v = med(rr[change]["server_s"])
            add(
                f"rerun after {change} <= {budget * 1000:.0f} ms",
                f"{v * 1000:.0f} ms",
                f"{budget * 1000:.0f} ms",
                v <= budget,
                "server time: script + serialisation (AppTest)",
            )
    e = r.get("exports", {})
    for fmt in ("png", "pdf"):
        if e.get("available"):
            v = med(e["cli"].get(fmt))
            warm = med(e["in_process"].get(fmt))
            add(
                f"{fmt.upper()} export <= 3 s",
                None if v is None else f"{v:.2f} s (CLI)",
                "3 s",
                None if v is None else v <= BUDGETS["export_s"],
                "" if warm is None else f"in a warm process {warm:.2f} s",
            )
        else:
            add(f"{fmt.upper()} export <= 3 s", "n/a", "3 s", None, "export command not there")
    lo = r.get("large_overlay", {})
    for kind in ("points", "polygons"):
        rec = lo.get(f"ours {kind}")
        if rec:
            v = med(rec["first_paint_s"])
            pan = (rec.get("payload") or {}).get("pan") or {}
            add(
                f"large overlay ({kind}) first paint <= 5 s, pan without rerun",
                None if v is None else f"{v:.2f} s, {pan.get('reruns', '?')} reruns on pan",
                "5 s, 0",
                None if v is None else (v <= BUDGETS["large_paint_s"] and pan.get("reruns") == 0),
            )
    return out


def _fmt_s(s: dict[str, Any] | None, scale: float = 1.0, unit: str = "s", digits: int = 2) -> str:
    if not s or s.get("median") is None:
        return "n/a"
    return (
        f"{s['median'] * scale:.{digits}f} {unit} "
        f"[{s['min'] * scale:.{digits}f}–{s['max'] * scale:.{digits}f}]"
    )


def _ratio(a: float | None, b: float | None) -> str:
    return "—" if not a or not b else f"{a / b:.2f}"


def table(r: dict[str, Any]) -> str:
    rows: list[tuple[str, str, str, str, str, str]] = []
    b, p, rr, c = (
        r.get("browser", {}),
        r.get("payload", {}),
        r.get("rerun", {}),
        r.get("cold_start", {}),
    )

    def get(d: dict, *keys: str) -> Any:
        for k in keys:
            d = (d or {}).get(k)
        return d

    paint = {k: get(b, k, "first_paint_s") for k in ("ours", "naive", "floor")}
    rows.append(
        (
            "first paint (nav -> first feature / element)",
            _fmt_s(paint["ours"]),
            _fmt_s(paint["naive"]),
            _fmt_s(paint["floor"]),
            _ratio(med(paint["ours"]), med(paint["floor"])),
            _ratio(med(paint["ours"]), med(paint["naive"])),
        )
    )
    drawn = {k: get(b, k, "all_features_drawn_s") for k in ("ours", "naive")}
    rows.append(
        (
            "  all features drawn (last feature added)",
            _fmt_s(drawn["ours"]),
            _fmt_s(drawn["naive"]),
            "",
            "",
            _ratio(med(drawn["ours"]), med(drawn["naive"])),
        )
    )
    first = {k: get(b, k, "marks_median_ms", "first_content") for k in ("ours", "naive", "floor")}
    rows.append(
        (
            "  first content (page title shown), median",
            *(
                f"{first[k] / 1000:.2f} s" if first[k] else "n/a"
                for k in ("ours", "naive", "floor")
            ),
            _ratio(first["ours"], first["floor"]),
            _ratio(first["ours"], first["naive"]),
        )
    )
    wire = {k: wire_app_bytes(p.get(k)) for k in ("ours", "naive", "floor")}
    rows.append(
        (
            "app payload on the wire (all but Streamlit frontend)",
            *(
                f"{wire[k] / 1e6:.3f} MB" if wire[k] is not None else "n/a"
                for k in ("ours", "naive", "floor")
            ),
            "—",
            _ratio(wire["ours"], wire["naive"]),
        )
    )
    for label, key in (
        ("  app payload as decoded (CDP, WebSocket frames inflated)", "app_bytes"),
        ("  of which WebSocket frames", "ws_bytes"),
        ("total bytes received (CDP)", "total_bytes"),
        ("total bytes to the browser (TCP relay)", "tcp_bytes_to_browser"),
    ):
        vals = {
            k: (
                get(p, k, "by_class", "WebSocket frames received")
                if key == "ws_bytes"
                else get(p, k, key)
            )
            for k in ("ours", "naive", "floor")
        }
        rows.append(
            (
                label,
                *(
                    f"{vals[k] / 1e6:.3f} MB" if vals[k] is not None else "n/a"
                    for k in ("ours", "naive", "floor")
                ),
                "—" if key in ("app_bytes", "ws_bytes") else _ratio(vals["ours"], vals["floor"]),
                _ratio(vals["ours"], vals["naive"]),
            )
        )
    pans = {k: get(p, k, "pan") for k in ("ours", "naive")}
    rows.append(
        (
            "reruns after 3 pans",
            *(str(pans[k]["reruns"]) if pans[k] else "n/a" for k in ("ours", "naive")),
            "",
            "",
            "",
        )
    )
    trips = {k: get(pans, k, "rerun_round_trip_s") for k in ("ours", "naive")}
    if trips["naive"]:
        rows.append(
            (
                "  pan -> script finished (browser clock)",
                _fmt_s(trips["ours"]) if trips["ours"] else "no rerun",
                _fmt_s(trips["naive"]),
                "",
                "",
                "",
            )
        )
    for change in (
        "toggle (new combination)",
        "toggle back (seen combination)",
        "date (new date)",
        "date (seen date)",
        "new session (warm)",
    ):
        vals = {k: get(rr, k, change, "server_s") for k in ("ours", "naive")}
        rows.append(
            (
                f"rerun server time: {change}",
                _fmt_s(vals["ours"], 1000, "ms", 0),
                _fmt_s(vals["naive"], 1000, "ms", 0),
                "",
                "",
                _ratio(med(vals["ours"]), med(vals["naive"])),
            )
        )
        if change.startswith("toggle (") or change.startswith("date (new"):
            mb = {k: get(rr, k, change, "message_bytes") for k in ("ours", "naive")}
            rows.append(
                (
                    "  bytes sent for that rerun",
                    *(f"{med(mb[k]) / 1e6:.3f} MB" if mb[k] else "n/a" for k in ("ours", "naive")),
                    "",
                    "",
                    _ratio(med(mb["ours"]), med(mb["naive"])),
                )
            )
    cold = {k: c.get(k) for k in ("ours", "naive", "floor")}
    rows.append(
        (
            "cold start (process -> /_stcore/health)",
            _fmt_s(cold["ours"]),
            _fmt_s(cold["naive"]),
            _fmt_s(cold["floor"]),
            _ratio(med(cold["ours"]), med(cold["floor"])),
            _ratio(med(cold["ours"]), med(cold["naive"])),
        )
    )
    rows.append(
        (
            "data load (load_dataset, fresh process)",
            _fmt_s(c.get("data_load_s")),
            "(same, every run)",
            "",
            "",
            "",
        )
    )
    rows.append(("  import explorer.data", _fmt_s(c.get("data_import_s")), "", "", "", ""))
    e = r.get("exports", {})
    for fmt in ("png", "pdf", "html"):
        if e.get("available"):
            rows.append(
                (
                    f"export {fmt.upper()} (CLI, subprocess)",
                    _fmt_s(e["cli"].get(fmt)),
                    "",
                    "",
                    "",
                    "",
                )
            )
            rows.append(
                (
                    f"  export {fmt.upper()} in a warm process",
                    _fmt_s(e["in_process"].get(fmt)),
                    "",
                    "",
                    "",
                    "",
                )
            )
        else:
            rows.append((f"export {fmt.upper()}", "n/a", "", "", "", ""))
    lo = r.get("large_overlay", {})
    for kind in ("points", "polygons"):
        o, n = lo.get(f"ours {kind}"), lo.get(f"naive {kind}")
        if not o and not n:
            continue
        label = "100k points" if kind == "points" else "20k polygons"
        fo, fn = get(o, "first_paint_s"), get(n, "first_paint_s")
        n_txt = _fmt_s(fn)
        if n and n.get("timeouts"):
            n_txt += f" ({n['timeouts']} timed out)"
        rows.append(
            (
                f"large overlay {label}: first paint",
                _fmt_s(fo),
                n_txt,
                "",
                "",
                _ratio(med(fo), med(fn)),
            )
        )
        po, pn = get(o, "payload"), get(n, "payload")
        rows.append(
            (
                f"  {label}: app payload",
                *(
                    f"{wire_app_bytes(x) / 1e6:.2f} MB" if wire_app_bytes(x) else "n/a"
                    for x in (po, pn)
                ),
                "",
                "",
                _ratio(wire_app_bytes(po), wire_app_bytes(pn)),
            )
        )
        rows.append(
            (
                f"  {label}: pan redraw (in page) / reruns",
                *(
                    f"{_fmt_s(get(x, 'pan', 'redraw_to_paint_ms'), 1, 'ms', 0)}"
                    f" / {get(x, 'pan', 'reruns')}"
                    if get(x, "pan")
                    else "n/a"
                    for x in (po, pn)
                ),
                "",
                "",
                "",
            )
        )
    header = ("figure (median [min–max])", "ours", "naive", "floor", "ours/floor", "ours/naive")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(6)]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.append("")
    for v in r.get("verdicts", []):
        note = f"  ({v['note']})" if v.get("note") else ""
        lines.append(f"{v['result']:4s}  {v['budget']}: {v['value']}{note}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "results.json")
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds per page load")
    parser.add_argument(
        "--large-naive-runs",
        type=int,
        default=1,
        help="runs of the naive large overlay (slow; default 1)",
    )
    parser.add_argument("--large-timeout", type=float, default=150.0)
    parser.add_argument(
        "--skip", nargs="*", choices=["cold", "rerun", "export", "browser", "large", "polygons"]
    )
    parser.add_argument("--keep-logs", action="store_true", help="keep the servers' logs")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument(
        "--table-from", type=Path, help="print the table of a results file and exit"
    )
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind == "data-load":
            child_data_load()
        elif kind == "apptest":
            child_apptest(rest[0], int(rest[1]))
        elif kind == "export-warm":
            child_export_warm(int(rest[0]), rest[1])
        return 0
    if args.table_from:
        print(table(json.loads(args.table_from.read_text())))
        return 0
    signal.signal(signal.SIGTERM, _stop_all)
    results = run(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(table(results))
    print(f"\nwritten {args.out} in {results['elapsed_s']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
