"""Helpers for real-browser tests: find Chromium, run a Streamlit server, keep the page offline."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import (
    ConsoleMessage,
    Error,
    Frame,
    Page,
    Request,
    Route,
    WebSocketRoute,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
EXPLORER_STATIC = REPO_ROOT / "explorer" / "static"
ARTIFACTS_DIR = REPO_ROOT / "tests" / "artifacts"

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# Headless in a container: no sandbox (root), no GPU, /dev/shm is small; and no traffic of
# Chromium's own (component updates, sync, field trials) so "no outside request" means the page.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
HEALTH_TIMEOUT_S = 60.0

#: The map component's iframe, and how long a page may take to draw it (2 cores, CI).
COMPONENT_IFRAME = 'iframe[title="explorer.ui.map_view.bfe_map"]'
TIMEOUT_MS = 60_000


def find_chromium() -> str | None:
    """Return the Chromium executable: ``$CHROMIUM_PATH``, a Debian path, or one on ``PATH``."""
    override = os.environ.get("CHROMIUM_PATH")
    if override:
        return override if Path(override).is_file() else None
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def is_local_url(url: str) -> bool:
    """Tell whether a URL stays on this machine (loopback host; data:, blob:, about:, file:)."""
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about", "file"}:
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


@dataclass
class PageLog:
    """What a page tried that a test should see: outside requests (blocked) and errors."""

    blocked_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def route(self, route: Route) -> None:
        """Let local requests through; abort and record every other one."""
        url = route.request.url
        if is_local_url(url):
            route.continue_()
        else:
            self.blocked_requests.append(url)
            route.abort("blockedbyclient")

    def route_websocket(self, ws: WebSocketRoute) -> None:
        """Record and close an outside WebSocket (local ones are never routed here)."""
        self.blocked_requests.append(ws.url)
        ws.close()

    def on_console(self, message: ConsoleMessage) -> None:
        """Record console errors, with where they came from."""
        if message.type == "error":
            location = message.location
            self.console_errors.append(f"{message.text} ({location.get('url', '?')})")

    def on_page_error(self, error: Error) -> None:
        """Record uncaught exceptions."""
        self.page_errors.append(f"{error.name}: {error.message}")

    def on_request_failed(self, request: Request) -> None:
        """Record failed requests (blocked ones included)."""
        self.failed_requests.append(f"{request.url} ({request.failure})")

    def problems(self) -> list[str]:
        """Return every recorded problem as one list of strings (empty when the page was clean)."""
        return (
            [f"outside request: {u}" for u in self.blocked_requests]
            + [f"console error: {e}" for e in self.console_errors]
            + [f"page error: {e}" for e in self.page_errors]
            + [f"request failed: {r}" for r in self.failed_requests]
        )


@dataclass(frozen=True)
class StreamlitServer:
    """A running Streamlit server started by :func:`start_streamlit`."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        """Return the server's output so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stage_page(script: Path, dest_dir: Path, *, static_dir: Path = EXPLORER_STATIC) -> Path:
    """Copy a page script next to a copy of ``static_dir``, so Streamlit serves it at /app/static.

    Streamlit serves ``static/`` from the folder of the *main script*. A test page kept in
    ``tests/browser/pages/`` would get ``tests/browser/pages/static/``; a symlink there is not
    portable (Windows checkouts), so the page is staged in a temporary folder with a copy of the
    app's real ``explorer/static/`` (under 0.5 MB), served at the same URLs as for
    ``explorer/app.py``. The server still runs from the repository root, so ``explorer`` imports
    and ``.streamlit/config.toml`` apply.

    Parameters
    ----------
    script : Path
        The Streamlit page.
    dest_dir : Path
        An empty temporary folder.
    static_dir : Path, optional
        The folder to serve as ``static/``.

    Returns
    -------
    Path
        The staged script, to pass to :func:`start_streamlit`.
    """
    dest_dir.mkdir(parents=True, exist_ok=True)
    staged = dest_dir / script.name
    shutil.copy2(script, staged)
    shutil.copytree(static_dir, dest_dir / "static", dirs_exist_ok=True)
    return staged


@contextlib.contextmanager
def start_streamlit(
    script_path: Path | str,
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    *,
    timeout_s: float = HEALTH_TIMEOUT_S,
) -> Iterator[StreamlitServer]:
    """Run ``python -m streamlit run SCRIPT`` from the repository root until the block ends.

    Waits for ``/_stcore/health`` to answer ``ok``; on exit ends the whole process group (the
    server and anything it started), first politely, then by force.

    Parameters
    ----------
    script_path : Path or str
        The main script (absolute, or relative to the repository root).
    port : int, optional
        The port; a free one by default.
    env : Mapping of str to str, optional
        Extra environment variables for the server.
    timeout_s : float, default 60
        How long to wait for the health check.

    Yields
    ------
    StreamlitServer
        The base URL (``http://127.0.0.1:PORT``), port, process and log file.

    Raises
    ------
    RuntimeError
        If the server exits or is not healthy in time; the message has its log.
    """
    port = port or free_port()
    script = Path(script_path)
    if not script.is_absolute():
        script = REPO_ROOT / script
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS_DIR / f"streamlit-{script.stem}.log"  # the latest run's output
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        # Tests restart the server after code changes; a file watcher only costs CPU here.
        "--server.fileWatcherType",
        "none",
    ]
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group, so it can be ended as a whole
        )
        server = StreamlitServer(url=url, port=port, process=process, log_path=log_path)
        try:
            _wait_healthy(server, timeout_s)
            yield server
        finally:
            _stop_process_group(process)


def _wait_healthy(server: StreamlitServer, timeout_s: float) -> None:
    """Poll the health endpoint until it answers ``ok``, the process dies, or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"Streamlit exited with {server.process.returncode}:\n{server.log()}"
            )
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"Streamlit not healthy after {timeout_s} s:\n{server.log()}")


def _stop_process_group(process: subprocess.Popen[bytes], grace_s: float = 10.0) -> None:
    """End the process group led by ``process``: SIGTERM, then SIGKILL for what is left.

    The leader is reaped only after the group's last SIGKILL: while it is a zombie its PID (the
    group id) cannot be reused, so the signals reach only processes this helper started.
    """
    if process.returncode is not None:  # already reaped: the group id may belong to others now
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        if os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT | os.WNOHANG) is not None:
            break
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=grace_s)


def map_frame(page: Page, *, min_paths: int | None = 0, timeout_ms: int = TIMEOUT_MS) -> Frame:
    """Return the map component's frame once Leaflet is drawn (and more than ``min_paths`` paths).

    The iframe has height 0 at first, so it is awaited as attached, not visible. ``min_paths``
    None: do not wait for vector paths (a canvas-only map).
    """
    handle = page.wait_for_selector(COMPONENT_IFRAME, state="attached", timeout=timeout_ms)
    frame = handle.content_frame()
    assert frame is not None
    frame.wait_for_selector(".leaflet-container", state="visible", timeout=timeout_ms)
    if min_paths is not None:
        frame.wait_for_function(
            "() => document.querySelectorAll('path.leaflet-interactive').length"
            f" > {int(min_paths)}",
            timeout=timeout_ms,
        )
    return frame


#: The script run is over and the page is whole: no status widget, no "loading the controls"
#: (a browser's first run draws only the map), and on the explorer its sidebar widgets drawn
#: (their code loads lazily, after the run that sent them has finished).
WHOLE_PAGE_JS = """() => !document.querySelector('[data-testid="stStatusWidget"]')
  && !document.querySelector('.bfe-loading')
  && (location.search.includes('mode=present')
      || !document.querySelector('iframe[title="explorer.ui.map_view.bfe_map"]')
      || !!document.querySelector('[data-testid="stSidebar"] [data-testid="stCheckbox"]'))"""


def wait_idle(page: Page, *, timeout_ms: int = TIMEOUT_MS) -> None:
    """Wait until the script run is over (Streamlit shows a status widget while it runs)."""
    page.wait_for_timeout(300)
    # A page's first run in a browser draws only the map and says the controls are loading
    # (explorer/ui/first_paint.py): idle means the whole page is there.
    # Elements appear as their code arrives, after the run: also wait for the page's DOM to be
    # quiet (no node added or removed for 250 ms).
    page.evaluate(
        """() => { if (window.__bfeQuiet) { return; }
                   window.__bfeQuiet = {t: performance.now()};
                   new MutationObserver(() => { window.__bfeQuiet.t = performance.now(); })
                     .observe(document.body, {childList: true, subtree: true}); }"""
    )
    page.wait_for_function(
        f"() => ({WHOLE_PAGE_JS})() && performance.now() - window.__bfeQuiet.t > 250",
        timeout=timeout_ms,
    )
