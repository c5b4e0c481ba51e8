"""A full classroom (issue 7): many concurrent sessions against ONE local explorer server.

Each session is a real Streamlit client speaking the app's WebSocket protocol (what the browser
does, minus drawing): it connects to ``ws://127.0.0.1:PORT/_stcore/stream``, asks for a run like a
fresh page load, learns the widget ids from the elements it gets back, then, until the time is up,
toggles a layer or moves the date (slider drag or a jump of a few months), sending every widget's
state in a ``rerun_script`` BackMsg as the frontend does, and waits for ``script_finished``. Between
interactions it "thinks" for a random 0.5–2.5 s, like a student clicking around.

Counted as errors: an exception element in any ForwardMsg, a script that does not finish
successfully, a lost connection, an interaction with no answer within ``--timeout``, and an
answer whose state (the permalink the app writes back: layers and date) is not what was sent.

Usage (from the repository root)::

    .venv/bin/python benchmarks/load_test.py                               # 30 sessions, 2 min
    .venv/bin/python benchmarks/load_test.py --sessions 3 --duration 10    # smoke, ~30 s

Before the class, "the teacher" opens the page once (the server reads the data and writes the
map's files on that first run): its time is printed apart and not counted (``--no-teacher`` lets
the class meet a cold server). Latencies are also given per 10-s window, so a warm-up tail is
told apart from the steady state.

Through ``python -m explorer serve`` (issue 13): ``--serve 2`` starts two workers behind HAProxy
instead of one ``python -m explorer app``; ``--kill-worker-at 30`` then SIGKILLs worker w1 30 s
into the load. A session that loses its connection then connects again through the proxy (to a
live worker) and reopens its permalink, as the browser does; the report gives, per such session,
the seconds from the kill until it was answered again (``recovery``), and counts as errors only
what failed otherwise. Fresh sessions opened after the kill must keep succeeding::

    .venv/bin/python benchmarks/load_test.py --serve 2 --mode open --think-min 2 --think-max 8
    .venv/bin/python benchmarks/load_test.py --serve 2 --kill-worker-at 30 --mode open \
        --think-min 2 --think-max 8

The script starts the server on a free port in its own process group and ends it (also on
Ctrl-C); it prints a table and writes ``benchmarks/load_results.json`` (``--out``). Exit status 0
when there were no errors, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "explorer" / "app.py"
EPOCH = dt.date(1970, 1, 1)
DATE_MIN, DATE_MAX = dt.date(1997, 1, 1), dt.date(2028, 12, 31)


# --- The server ----------------------------------------------------------------------------------


#: What the clients say they are: a browser (the app draws a browser's first run map-first).
BROWSER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) bfe-load-test"


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server(port: int, log_path: Path, repo: Path = ROOT) -> subprocess.Popen:
    """Start the explorer headless on ``port`` in its own process group; wait until healthy."""
    # The shipped configuration: the same command a teacher runs (explorer/config.server_options).
    cmd = [sys.executable, "-m", "explorer", "app", "--port", str(port)]
    log = open(log_path, "w")  # closed with the process
    proc = subprocess.Popen(
        cmd, cwd=repo, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 90
    url = f"http://127.0.0.1:{port}/_stcore/health"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise RuntimeError(f"server not healthy within 90 s; see {log_path}")


def stop_server(proc: subprocess.Popen) -> None:
    """End the server's process group (only what this script started)."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def start_serve(workers: int, port: int, log_path: Path, repo: Path = ROOT) -> subprocess.Popen:
    """Start ``python -m explorer serve --workers N`` on ``port``; wait until it serves."""
    cmd = [sys.executable, "-m", "explorer", "serve", "--workers", str(workers),
           "--port", str(port), "--address", "127.0.0.1"]  # fmt: skip
    log = open(log_path, "w")  # closed with the process
    proc = subprocess.Popen(
        cmd, cwd=repo, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 240  # workers start, warm up, then the proxy
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"serve exited with {proc.returncode}; see {log_path}")
        if "serving http" in log_path.read_text(errors="replace"):
            return proc
        time.sleep(0.3)
    stop_serve(proc)
    raise RuntimeError(f"serve not serving within 240 s; see {log_path}")


def stop_serve(proc: subprocess.Popen) -> None:
    """SIGTERM to serve (it stops its workers and the proxy); SIGKILL if it hangs."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def serve_pids(log_path: Path) -> dict[str, int]:
    """The latest pid of every worker and of HAProxy, as serve announced them."""
    import re

    text = log_path.read_text(errors="replace")
    pids = {
        n: int(p) for n, p in re.findall(r"worker (\w+) (?:started|restarted): pid (\d+)", text)
    }
    for pid in re.findall(r"HAProxy pid (\d+)", text):
        pids["haproxy"] = int(pid)
    return pids


def total_rss_mb(pids: list[int]) -> float:
    """Sum of the processes' resident memory (those still there)."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            total += rss_mb(pid)
    return total


# --- One session -------------------------------------------------------------------------------


@dataclass
class Session:
    """One simulated student: their widget state and what happened to them."""

    number: int
    rng: random.Random
    layers: dict[str, str] = field(default_factory=dict)  # layer id -> widget id
    layer_on: dict[str, bool] = field(default_factory=dict)
    date_id: str | None = None
    date: dt.date = field(default_factory=dt.date.today)
    timings: list[tuple[str, float]] = field(default_factory=list)  # (interaction, seconds)
    finished: list[float] = field(default_factory=list)  # when each answer came (monotonic)
    errors: list[str] = field(default_factory=list)
    bytes_received: int = 0
    query: str = ""  # the URL the app last wrote (its permalink of the state)
    recoveries: list[float] = field(default_factory=list)  # s from a worker's kill to an answer
    map_id: str | None = None  # the map component's widget id
    map_asks: bool = False  # the page drew only the map and waits for its "drawn" report

    def widget_states(self) -> BackMsg:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = ""
        state.page_script_hash = ""
        for layer, wid in self.layers.items():
            w = state.widget_states.widgets.add()
            w.id = wid
            w.bool_value = self.layer_on[layer]
        if self.date_id:
            w = state.widget_states.widgets.add()
            w.id = self.date_id
            micros = (self.date - EPOCH).days * 86_400_000_000
            w.double_array_value.data.append(float(micros))
        return msg

    def learn(self, msg: ForwardMsg) -> None:
        """Record widget ids and values from the elements the server sent (first run only)."""
        if msg.WhichOneof("type") == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
            return
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.errors.append(f"exception in app: {element.exception.message[:200]}")
        elif kind == "checkbox" and "layer_" in element.checkbox.id and not self.timings:
            wid = element.checkbox.id
            layer = wid[wid.index("layer_") + len("layer_") :]
            self.layers[layer] = wid
            cb = element.checkbox
            self.layer_on[layer] = cb.value if cb.set_value else cb.default
        elif kind == "slider" and element.slider.id.endswith("-date"):
            self.date_id = element.slider.id
        elif kind == "component_instance":
            self.map_id = element.component_instance.id
            self.map_asks = bool(json.loads(element.component_instance.json_args).get("report"))


async def _run_once(ws, session: Session, msg: BackMsg, timeout: float) -> float:
    """Send one rerun and wait for its ``script_finished``; return the seconds it took."""
    start = time.perf_counter()
    await ws.send(msg.SerializeToString())
    deadline = start + timeout
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise TimeoutError
        raw = await asyncio.wait_for(ws.recv(), timeout=remaining)
        session.bytes_received += len(raw)
        fwd = ForwardMsg()
        fwd.ParseFromString(raw)
        session.learn(fwd)
        if fwd.WhichOneof("type") == "script_finished":
            status = fwd.script_finished
            if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                return time.perf_counter() - start
            if status != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                session.errors.append(f"script finished with status {status}")
                return time.perf_counter() - start


async def _open(ws, session: Session, msg: BackMsg, timeout: float) -> float:
    """Open a page as a browser does; return the seconds until the whole page is there.

    A browser's first run draws only the map (``explorer/ui/first_paint.py``); the map reports
    when it is drawn, and that rerun draws the rest. This client reports at once (it draws
    nothing), so the figure is the server's part of both runs.
    """
    session.map_asks = False
    took = await _run_once(ws, session, msg, timeout)
    if session.map_asks and session.map_id:
        session.map_asks = False
        report = BackMsg()
        report.rerun_script.query_string = session.query
        report.rerun_script.page_script_hash = ""
        w = report.rerun_script.widget_states.widgets.add()
        w.id = session.map_id
        w.json_value = "1"
        took += await _run_once(ws, session, report, timeout)
    return took


def _next_interaction(session: Session) -> str:
    """Change the session's state like a student would; return the interaction's name."""
    rng = session.rng
    choice = rng.random()
    if choice < 0.5 and session.layers:
        layer = rng.choice(sorted(session.layers))
        session.layer_on[layer] = not session.layer_on[layer]
        return "toggle layer"
    if choice < 0.8:
        days = rng.randint(0, (DATE_MAX - DATE_MIN).days)
        session.date = DATE_MIN + dt.timedelta(days=days)
        return "drag date"
    step = dt.timedelta(days=rng.choice([-365, -90, -30, 30, 90, 365]))
    session.date = min(max(session.date + step, DATE_MIN), DATE_MAX)
    return "step date"


def _check_applied(session: Session, name: str) -> None:
    """The app writes its state to the URL: check it took what this client sent."""
    query = parse_qs(session.query)
    on = {layer for layer, value in session.layer_on.items() if value}
    shown = set(query.get("layers", [""])[0].split(",")) - {"none", ""}
    if query.get("date") != [session.date.isoformat()] or shown != on:
        session.errors.append(f"{name}: the app did not apply the new state (URL {session.query})")


@contextlib.contextmanager
def _errors_into_unless_lost(session: Session, timeout: float) -> Iterator[None]:
    """Like :func:`_errors_into`, but let a connection lost to the killed worker through."""
    try:
        yield
    except TimeoutError:
        session.errors.append(f"timeout: no script_finished within {timeout:g} s")
    except (websockets.ConnectionClosed, OSError) as exc:
        if _lost(exc):
            raise
        with _errors_into(session, timeout):
            raise


@contextlib.contextmanager
def _errors_into(session: Session, timeout: float) -> Iterator[None]:
    """Record a timeout, a lost connection or a failed connect as the session's error."""
    try:
        yield
    except TimeoutError:
        session.errors.append(f"timeout: no script_finished within {timeout:g} s")
    except websockets.ConnectionClosed as exc:
        session.errors.append(f"disconnected: {exc}")
    except OSError as exc:
        session.errors.append(f"connection failed: {exc}")


async def run_session(
    session: Session, url: str, deadline: float, timeout: float, think: tuple[float, float]
) -> None:
    """Open the page, then interact until ``deadline`` (monotonic seconds)."""
    try:
        await _interact(session, url, deadline, timeout, think)
    except (websockets.ConnectionClosed, OSError):  # (any other error is already recorded)
        # Its worker was killed: back through the proxy to a live one, on its permalink.
        await _reopen(session, url, session.query, timeout)


async def _interact(
    session: Session, url: str, deadline: float, timeout: float, think: tuple[float, float]
) -> None:
    with _errors_into_unless_lost(session, timeout):
        async with websockets.connect(
            url,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=timeout,
            user_agent_header=BROWSER_AGENT,
        ) as ws:
            first = BackMsg()
            first.rerun_script.query_string = ""
            first.rerun_script.page_script_hash = ""
            session.timings.append(("open page", await _open(ws, session, first, timeout)))
            session.finished.append(time.monotonic())
            if not session.layers or not session.date_id:
                session.errors.append("layer toggles or date slider not found on the page")
                return
            while time.monotonic() < deadline:
                await asyncio.sleep(session.rng.uniform(*think))
                if time.monotonic() >= deadline:
                    break
                name = _next_interaction(session)
                took = await _run_once(ws, session, session.widget_states(), timeout)
                session.timings.append((name, took))
                session.finished.append(time.monotonic())
                _check_applied(session, name)


LANGS = ("en", "pl")


def random_link(rng: random.Random, layers: list[str]) -> str:
    """A shared link as a teacher would hand it out: some layers, a date, a language, a view."""
    chosen = [layer for layer in layers if rng.random() < 0.6] or ["borders"]
    day = DATE_MIN + dt.timedelta(days=rng.randint(0, (DATE_MAX - DATE_MIN).days))
    return (
        f"layers={','.join(chosen)}&date={day.isoformat()}&lang={rng.choice(LANGS)}"
        f"&lat={rng.uniform(50, 62):.4f}&lon={rng.uniform(18, 30):.4f}&zoom={rng.randint(5, 8)}"
    )


async def open_links(
    session: Session, url: str, deadline: float, timeout: float, think: tuple[float, float]
) -> None:
    """Open a fresh page on a random shared link every few seconds until ``deadline``."""
    layers = ["borders", "east-shield", "pl-by-barrier", "pl-ru-barrier",
              "baltic-defence-line", "border-fence", "treaty", "basemap"]  # fmt: skip
    while time.monotonic() < deadline:
        await asyncio.sleep(session.rng.uniform(*think))
        if time.monotonic() >= deadline:
            break
        msg = BackMsg()
        msg.rerun_script.query_string = random_link(session.rng, layers)
        msg.rerun_script.page_script_hash = ""
        try:
            with _errors_into_unless_lost(session, timeout):
                async with websockets.connect(
                    url,
                    subprotocols=["streamlit"],
                    max_size=None,
                    open_timeout=timeout,
                    user_agent_header=BROWSER_AGENT,
                ) as ws:
                    took = await _open(ws, session, msg, timeout)
                    session.timings.append(("open link", took))
                    session.finished.append(time.monotonic())
        except (websockets.ConnectionClosed, OSError):  # lost to the killed worker
            await _reopen(session, url, msg.rerun_script.query_string, timeout)


#: When the worker was killed (monotonic seconds), set by ``--kill-worker-at``.
KILL: dict[str, float] = {}


def _lost(exc: BaseException) -> bool:
    """Tell whether an error is a connection lost to the killed worker (then: reconnect)."""
    if isinstance(exc, TimeoutError):  # (an OSError too): slow, not lost
        return False
    return "at" in KILL and isinstance(exc, websockets.ConnectionClosed | OSError)


async def _reopen(session: Session, url: str, query: str, timeout: float) -> None:
    """Connect again through the proxy and reopen ``query``, as the browser does after a kill."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            async with websockets.connect(
                url,
                subprotocols=["streamlit"],
                max_size=None,
                open_timeout=timeout,
                user_agent_header=BROWSER_AGENT,
            ) as ws:
                msg = BackMsg()
                msg.rerun_script.query_string = query
                msg.rerun_script.page_script_hash = ""
                await _open(ws, session, msg, timeout)
                session.recoveries.append(round(time.monotonic() - KILL["at"], 2))
                return
        except (websockets.ConnectionClosed, OSError):
            if time.monotonic() > deadline:
                session.errors.append("not answered again after the worker was killed")
                return
            await asyncio.sleep(0.2)


# --- The whole test ----------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


async def _drive(args: argparse.Namespace, port: int, pids: Callable[[], list[int]]) -> dict:
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    sessions = [Session(i, random.Random(args.seed + i)) for i in range(args.sessions)]
    memory = {"start": total_rss_mb(pids())}
    samples: list[tuple[float, float]] = []
    # The teacher starts the server and opens the link before the class does (the first page
    # load reads the data and writes the map's files): timed and reported, not in the class's
    # figures. ``--no-teacher`` lets the students meet a cold server.
    teacher_first_open = None
    if args.teacher:
        teacher = Session(-1, random.Random(args.seed - 1))
        first = BackMsg()
        first.rerun_script.query_string = ""
        first.rerun_script.page_script_hash = ""
        async with websockets.connect(
            url, subprotocols=["streamlit"], max_size=None, user_agent_header=BROWSER_AGENT
        ) as ws:
            teacher_first_open = await _open(ws, teacher, first, args.timeout)
        memory["start"] = total_rss_mb(pids())
    t0 = time.monotonic()
    deadline = t0 + args.duration

    async def sample_memory() -> None:
        while True:
            samples.append((round(time.monotonic() - t0, 1), round(total_rss_mb(pids()), 1)))
            if "after_warmup" not in memory and time.monotonic() - t0 >= args.warmup:
                memory["after_warmup"] = total_rss_mb(pids())
            await asyncio.sleep(2)

    sampler = asyncio.create_task(sample_memory())
    handouts: list[float] = []

    async def teacher_downloads_handouts() -> None:
        """One teacher downloading the handout, again and again, as the app makes it: the
        command line in a child process (explorer/ui/offload.py)."""
        with tempfile.TemporaryDirectory() as tmp:
            while time.monotonic() < deadline:
                start = time.monotonic()
                proc = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "explorer", "handout", "--out", f"{tmp}/h.pdf",
                    cwd=args.repo, stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.DEVNULL,
                )  # fmt: skip
                await proc.wait()
                handouts.append(round(time.monotonic() - start, 2))

    teacher = asyncio.create_task(teacher_downloads_handouts()) if args.handout else None
    killed: dict[str, object] = {}

    async def kill_a_worker() -> None:
        """SIGKILL worker w1 ``--kill-worker-at`` seconds in (serve restarts it)."""
        await asyncio.sleep(max(0.0, t0 + args.kill_worker_at - time.monotonic()))
        pid = serve_pids(args.log)["w1"]
        KILL["at"] = time.monotonic()
        os.kill(pid, signal.SIGKILL)
        killed.update(worker="w1", pid=pid, at_s=round(KILL["at"] - t0, 1))

    killer = asyncio.create_task(kill_a_worker()) if args.kill_worker_at is not None else None
    # Students arrive over the first few seconds, not in the same millisecond.
    tasks = []
    for s in sessions:
        tasks.append(
            asyncio.create_task(
                (open_links if args.mode == "open" else run_session)(
                    s, url, deadline, args.timeout, (args.think_min, args.think_max)
                )
            )
        )
        await asyncio.sleep(args.ramp / max(args.sessions, 1))
    await asyncio.gather(*tasks)
    if teacher is not None:
        teacher.cancel()
    if killer is not None:
        killer.cancel()
    elapsed = time.monotonic() - t0
    sampler.cancel()
    memory.setdefault("after_warmup", float("nan"))
    memory["end"] = total_rss_mb(pids())
    memory["peak"] = max([m for _, m in samples] + [memory["end"]])
    return {
        "sessions": sessions,
        "elapsed": elapsed,
        "memory": memory,
        "samples": samples,
        "handouts_s": handouts,
        "t0": t0,
        "teacher_first_open_s": teacher_first_open,
        "killed": killed,
        "kill_at": KILL.get("at", 0.0) - t0 if "at" in KILL else None,
    }


def summarise(args: argparse.Namespace, run: dict) -> dict:
    sessions: list[Session] = run["sessions"]
    by_kind: dict[str, list[float]] = {}
    for s in sessions:
        for name, took in s.timings:
            by_kind.setdefault(name, []).append(took)
    interactions = [t for s in sessions for name, t in s.timings if name != "open page"]
    rows = {
        name: {
            "count": len(times),
            "median_s": round(statistics.median(times), 3),
            "p95_s": round(percentile(times, 95), 3),
            "max_s": round(max(times), 3),
        }
        for name, times in sorted(by_kind.items())
    }
    if interactions:
        rows["all interactions"] = {
            "count": len(interactions),
            "median_s": round(statistics.median(interactions), 3),
            "p95_s": round(percentile(interactions, 95), 3),
            "max_s": round(max(interactions), 3),
        }
    # Latency over the run, in 10-s windows (by when the answer came): is the tail warm-up or
    # steady state? Interactions only (a session's first page load is not counted).
    windows: dict[int, list[float]] = {}
    for s in sessions:
        for (name, took), at in zip(s.timings, s.finished, strict=False):
            if name != "open page":
                windows.setdefault(int((at - run["t0"]) // 10), []).append(took)
    by_window = [
        {
            "from_s": 10 * w,
            "count": len(times),
            "median_s": round(statistics.median(times), 3),
            "p95_s": round(percentile(times, 95), 3),
        }
        for w, times in sorted(windows.items())
    ]
    errors = [f"session {s.number}: {e}" for s in sessions for e in s.errors]
    mem = {k: round(v, 1) for k, v in run["memory"].items()}
    recoveries = sorted(r for s in sessions for r in s.recoveries)
    recovery = None
    if run.get("killed"):
        recovery = {
            **run["killed"],
            "sessions_lost_and_back": len(recoveries),
            "back_after_s": recoveries,
            "back_after_max_s": max(recoveries) if recoveries else None,
            "serve_log": [
                line for line in args.log.read_text(errors="replace").splitlines()
                if line.startswith("serve: worker w1") or "workers/w1" in line
            ][-8:],
        }  # fmt: skip
    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_at_start": [round(x, 2) for x in args.load_at_start],
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "settings": {
            "mode": args.mode,
            "served_by": f"serve --workers {args.serve}" if args.serve else "app",
            "kill_worker_at_s": args.kill_worker_at,
            "handout_downloads_s": run.get("handouts_s", []),
            "teacher_first_open_s": (
                round(run["teacher_first_open_s"], 2) if run.get("teacher_first_open_s") else None
            ),
            "repo_commit": subprocess.run(
                ["git", "-C", str(args.repo), "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip(),
            "sessions": args.sessions,
            "duration_s": args.duration,
            "think_s": [args.think_min, args.think_max],
            "timeout_s": args.timeout,
            "warmup_s": args.warmup,
            "seed": args.seed,
        },
        "elapsed_s": round(run["elapsed"], 1),
        "errors": len(errors),
        "error_messages": errors[:50],
        "responses_per_session": [len(s.timings) for s in sessions],
        "interactions": len(interactions),
        "throughput_per_s": round(len(interactions) / run["elapsed"], 2) if run["elapsed"] else 0,
        "mb_received": round(sum(s.bytes_received for s in sessions) / 1e6, 1),
        "response_time": rows,
        "response_time_by_10s": by_window,
        "recovery": recovery,
        "server_rss_mb": mem,
        "server_rss_growth_mb": {
            "start_to_end": round(mem["end"] - mem["start"], 1),
            "warmup_to_end": round(mem["end"] - mem["after_warmup"], 1),
        },
        "server_rss_samples": run["samples"],
    }


def table(result: dict) -> str:
    lines = [
        f"{result['settings']['sessions']} sessions, {result['elapsed_s']} s, "
        f"{result['machine']['cpus']} CPUs, load average at start "
        f"{result['machine']['load_average_at_start']}; the teacher's first open "
        f"(not counted): {result['settings'].get('teacher_first_open_s')} s",
        "",
        f"{'interaction':<18} {'count':>6} {'median s':>9} {'p95 s':>8} {'max s':>8}",
    ]
    for name, row in result["response_time"].items():
        lines.append(
            f"{name:<18} {row['count']:>6} {row['median_s']:>9.3f} {row['p95_s']:>8.3f} "
            f"{row['max_s']:>8.3f}"
        )
    lines += [
        "",
        "by 10-s window (from s: count, median s, p95 s): "
        + ", ".join(
            f"{w['from_s']}: {w['count']}, {w['median_s']:.2f}, {w['p95_s']:.2f}"
            for w in result.get("response_time_by_10s", [])
        ),
    ]
    mem = result["server_rss_mb"]
    lines += [
        "",
        f"errors: {result['errors']}    throughput: {result['throughput_per_s']} interactions/s"
        f"    received: {result['mb_received']} MB",
        f"server RSS MB: start {mem['start']}  after warm-up {mem['after_warmup']}  "
        f"end {mem['end']}  peak {mem['peak']}",
    ]
    recovery = result.get("recovery")
    if recovery:
        lines += [
            f"killed {recovery['worker']} (pid {recovery['pid']}) at {recovery['at_s']} s: "
            f"{recovery['sessions_lost_and_back']} session(s) lost their connection and were "
            f"answered again after {recovery['back_after_s']} s (max "
            f"{recovery['back_after_max_s']})",
        ]
    lines += [f"  {e}" for e in result["error_messages"][:10]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30, help="concurrent sessions (30)")
    parser.add_argument("--duration", type=float, default=120, help="seconds of load (120)")
    parser.add_argument("--warmup", type=float, help="seconds before the warm-up RSS (20%%)")
    parser.add_argument("--ramp", type=float, default=5, help="seconds over which sessions join")
    parser.add_argument(
        "--mode",
        choices=("interact", "open"),
        default="interact",
        help="interact: each session opens once, then toggles and moves the date; open: each "
        "session opens a fresh page on a random shared link every think time (use 2-8 s)",
    )
    parser.add_argument(
        "--repo",
        type=Path,
        default=ROOT,
        help="checkout whose `python -m explorer app` is measured (e.g. a worktree of an older "
        "commit, for before/after figures from the same run)",
    )
    parser.add_argument(
        "--handout",
        action="store_true",
        help="meanwhile a teacher downloads the handout again and again (made as the app makes "
        "it: the command line in a child process)",
    )
    parser.add_argument(
        "--no-teacher",
        dest="teacher",
        action="store_false",
        help="no page open before the class: the students meet a cold server",
    )
    parser.add_argument(
        "--serve",
        type=int,
        metavar="N",
        help="measure `python -m explorer serve --workers N` (HAProxy in front) instead of one "
        "`python -m explorer app`",
    )
    parser.add_argument(
        "--kill-worker-at",
        type=float,
        metavar="SECONDS",
        help="with --serve: SIGKILL worker w1 this many seconds into the load and report how "
        "its sessions come back",
    )
    parser.add_argument("--think-min", type=float, default=0.5)
    parser.add_argument("--think-max", type=float, default=2.5)
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait per answer")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "load_results.json")
    parser.add_argument("--log", type=Path, help="server log (default: a temporary file)")
    args = parser.parse_args(argv)
    if args.sessions < 1 or args.duration <= 0:
        parser.error("--sessions must be at least 1 and --duration positive")
    if args.serve is not None and args.serve < 1:
        parser.error("--serve needs at least 1 worker")
    if args.kill_worker_at is not None and not args.serve:
        parser.error("--kill-worker-at needs --serve")
    if args.warmup is None:
        args.warmup = args.duration * 0.2
    args.load_at_start = os.getloadavg()
    port = free_port()
    log = args.log = args.log or Path(f"/tmp/explorer_load_test_{port}.log")
    if args.serve:
        proc = start_serve(args.serve, port, log, args.repo)
        pids = lambda: list(serve_pids(log).values())  # noqa: E731 (workers restart: read anew)
        stop = stop_serve
    else:
        proc = start_server(port, log, args.repo)
        pids = lambda: [proc.pid]  # noqa: E731
        stop = stop_server
    try:
        run = asyncio.run(_drive(args, port, pids))
    finally:
        stop(proc)
    result = summarise(args, run)
    if proc.returncode not in (0, -signal.SIGTERM, None):
        result["error_messages"].append(f"server exited with {proc.returncode}")
    print(table(result))
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
