"""The supervisor of ``serve``: starts the local workers and HAProxy, restarts, stops them all.

:class:`Supervisor` starts each local worker (``python -m explorer app`` on a loopback port),
waits until it is healthy, has it serve a first session (``explorer.ui.warm_up``), then writes
the proxy's configuration (:mod:`explorer.serve.proxy`) into a temporary folder and runs HAProxy
in the foreground as a child. It then watches: a worker that dies is started again
(:mod:`explorer.serve.children`) and held out of the proxy until warm again; on Ctrl-C or SIGTERM
every process it started is stopped and the folder removed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import Final, TextIO

from explorer import config
from explorer.serve.children import (
    RESTART_DELAY_MAX_S,
    RESTART_DELAY_S,
    STABLE_AFTER_S,
    Child,
    die_with_parent,
)
from explorer.serve.headers import site_headers
from explorer.serve.prepare import write_tls_bundle
from explorer.serve.proxy import HEALTH_PATH, Backend, haproxy_config
from explorer.serve.static import static_files

__all__ = ["Supervisor"]

#: How long a worker may take to answer its health check after a start.
START_TIMEOUT_S: Final[float] = 120.0
#: How long children get to stop after SIGTERM before SIGKILL.
STOP_GRACE_S: Final[float] = 10.0
_POLL_S: Final[float] = 0.2


def _listening(host: str, port: int) -> bool:
    """Tell whether something accepts TCP connections on ``host:port`` (the proxy, started)."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + HEALTH_PATH, timeout=2) as response:
            return response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _pid(child: Child) -> int:
    return child.process.pid if child.process is not None else -1


class Supervisor:
    """Local workers and the proxy: start, watch, restart, stop.

    Parameters
    ----------
    haproxy : str
        The HAProxy executable.
    local : sequence of Backend
        Workers to start here (loopback addresses).
    remote : sequence of Backend
        Workers elsewhere (not started; health-checked by the proxy).
    port, address : int, str
        Where the proxy listens.
    env : mapping
        Environment of the workers (see :func:`explorer.serve.prepare.worker_env`).
    out : text stream, default sys.stdout
        Where progress lines go (one line per event, prefixed ``serve:``).
    tls : (Path, Path), optional
        Certificate and key (checked with :func:`explorer.serve.prepare.tls_problem`): the
        proxy serves HTTPS, joining them into one PEM file (mode 0600) in its temporary folder.
    frame_ancestors : sequence of str
        Origins allowed to embed the app besides itself (``Content-Security-Policy``).
    max_body_bytes : int, optional
        Largest request body the proxy lets through (default: the upload limit,
        :func:`explorer.config.max_request_body_bytes`).
    """

    def __init__(
        self,
        haproxy: str,
        *,
        local: Sequence[Backend],
        remote: Sequence[Backend] = (),
        port: int,
        address: str,
        env: Mapping[str, str],
        out: TextIO | None = None,
        tls: tuple[Path, Path] | None = None,
        frame_ancestors: Sequence[str] = (),
        max_body_bytes: int | None = None,
    ) -> None:
        self.haproxy = haproxy
        self.local = list(local)
        self.remote = list(remote)
        self.port = port
        self.address = address
        self.env = dict(env)
        self.out = out or sys.stdout
        self.stop_signal: int | None = None
        self.tls = tls
        self.frame_ancestors = tuple(frame_ancestors)
        self.max_body_bytes = max_body_bytes or config.max_request_body_bytes()
        self.workers = [
            Child(
                name=b.name,
                command=[
                    sys.executable,
                    "-m",
                    "explorer",
                    "app",
                    "--port",
                    str(b.port),
                    "--address",
                    b.host,
                ],
                extra={"url": f"http://{b.address}"},
            )
            for b in self.local
        ]
        self.proxy: Child | None = None
        self.warmers: dict[str, subprocess.Popen[bytes]] = {}
        self._tmp: Path | None = None
        self._short_tmp: Path | None = None

    # --- output and processes --------------------------------------------------------------

    def say(self, message: str) -> None:
        """Print one progress line."""
        print(f"serve: {message}", file=self.out, flush=True)

    def _spawn(self, child: Child) -> None:
        child.process = subprocess.Popen(
            child.command,
            cwd=config.ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches the supervisor only, which stops them in order
            preexec_fn=die_with_parent if sys.platform == "linux" else None,
        )
        child.started_at = time.monotonic()
        child.restart_at = None

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self.stop_signal = signum

    # --- the run -----------------------------------------------------------------------------

    def run(self) -> int:
        """Start everything, watch until a signal, stop everything; return the exit status."""
        previous: dict[int, Callable | int | None] = {}
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            previous[signum] = signal.signal(signum, self._on_signal)
        self._tmp = Path(tempfile.mkdtemp(prefix="bfe-serve-"))
        try:
            return self._run()
        finally:
            self.stop_all()
            shutil.rmtree(self._tmp, ignore_errors=True)
            if self._short_tmp is not None:
                shutil.rmtree(self._short_tmp, ignore_errors=True)
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _run(self) -> int:
        assert self._tmp is not None
        for worker in self.workers:
            self._spawn(worker)
            self.say(f"worker {worker.name} started: pid {_pid(worker)}, {worker.extra['url']}")
        if not self._wait_workers_healthy():
            return 1 if self.stop_signal is None else 0
        for worker in self.workers:
            self._warm(worker)
        while self.warmers and self.stop_signal is None:
            self._watch_warmers()
            time.sleep(_POLL_S)
        if self.stop_signal is not None:
            return 0
        if not self._start_proxy():
            return 1 if self.stop_signal is None else 0
        assert self.proxy is not None
        while self.stop_signal is None:
            code = self.proxy.process.poll() if self.proxy.process else None
            if code is not None:
                self.say(f"HAProxy exited with status {code}: stopping")
                return 1
            self._watch_workers()
            self._watch_warmers()
            time.sleep(_POLL_S)
        self.say(f"{signal.Signals(self.stop_signal).name}: stopping every process")
        return 0

    def _start_proxy(self) -> bool:
        """Write the configuration, start HAProxy, and wait until it listens (True if it does)."""
        assert self._tmp is not None
        from explorer.web.site import CACHE_ENV, cache_root  # local: only the cache's path

        cfg = self._tmp / "haproxy.cfg"
        cache = Path(self.env.get(CACHE_ENV) or cache_root())
        pem = write_tls_bundle(*self.tls, self._tmp) if self.tls else None
        every, by_path = site_headers(tls=pem is not None, frame_ancestors=self.frame_ancestors)
        cfg.write_text(
            haproxy_config(
                [*self.local, *self.remote],
                port=self.port,
                address=self.address,
                admin_socket=str(self._socket_path()),
                static=static_files(self._tmp, cache),
                headers=every,
                path_headers=by_path,
                max_body_bytes=self.max_body_bytes,
                tls_pem=str(pem) if pem else None,
            ),
            encoding="utf-8",
        )
        self.proxy = Child(name="haproxy", command=[self.haproxy, "-db", "-f", str(cfg)])
        self._spawn(self.proxy)
        local = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.address, self.address)
        deadline = time.monotonic() + 30  # announce only once the proxy listens
        while not _listening(local, self.port):
            code = self.proxy.process.poll() if self.proxy.process else None
            if self.stop_signal is not None:
                return False
            if code is not None or time.monotonic() > deadline:
                self.say(f"HAProxy did not start (status {code}): stopping")
                return False
            time.sleep(0.1)
        shown = "localhost" if self.address in ("0.0.0.0", "::") else self.address
        counts = f"{len(self.local)} local worker(s)" + (
            f" and {len(self.remote)} remote backend(s)" if self.remote else ""
        )
        scheme = "https" if self.tls else "http"
        self.say(f"HAProxy pid {_pid(self.proxy)} serving {scheme}://{shown}:{self.port}/ "
                 f"from {counts}; Ctrl-C to stop")  # fmt: skip
        return True

    def _warm(self, worker: Child) -> None:
        """Open a first session on ``worker`` in a child process (it retries until it listens)."""
        command = [sys.executable, "-m", "explorer.ui.warm_up", worker.extra["url"]]
        stale = self.warmers.pop(worker.name, None)  # the worker died while it was warming
        if stale is not None and stale.poll() is None:
            stale.kill()
            stale.wait()
        self.warmers[worker.name] = subprocess.Popen(
            command,
            cwd=config.ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=die_with_parent if sys.platform == "linux" else None,
        )

    def _socket_path(self) -> Path:
        """Return the HAProxy runtime socket's path (UNIX socket paths must be short)."""
        assert self._tmp is not None
        if len(str(self._tmp)) > 80:  # e.g. a long $TMPDIR: HAProxy takes at most 97 bytes
            if self._short_tmp is None:
                self._short_tmp = Path(tempfile.mkdtemp(prefix="bfe-", dir="/tmp"))
            return self._short_tmp / "haproxy.sock"
        return self._tmp / "haproxy.sock"

    def _admin(self, command: str) -> None:
        """Send one runtime command to HAProxy (no answer needed; nothing if it is not up)."""
        if self._tmp is None or self.proxy is None:
            return
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(2)
            sock.connect(str(self._socket_path()))
            sock.sendall(command.encode() + b"\n")
            sock.recv(4096)

    def _watch_warmers(self) -> None:
        for name, process in list(self.warmers.items()):
            if process.poll() is None:
                continue
            del self.warmers[name]
            # Only now do new students go there (warm), and those of a dead worker come back.
            self._admin(f"set server workers/{name} state ready")
            took = (process.stdout.read() if process.stdout else b"").decode().strip()
            if process.stdout:
                process.stdout.close()
            shown = f"in {took} s" if process.returncode == 0 else "failed (it serves, cold)"
            self.say(f"worker {name} warmed up {shown}")

    def _wait_workers_healthy(self) -> bool:
        deadline = time.monotonic() + START_TIMEOUT_S
        waiting = {w.name for w in self.workers}
        while waiting and self.stop_signal is None:
            if time.monotonic() > deadline:
                self.say(f"worker(s) {', '.join(sorted(waiting))} not healthy in "
                         f"{START_TIMEOUT_S:.0f} s: stopping")  # fmt: skip
                return False
            for worker in self.workers:
                if worker.name not in waiting:
                    continue
                if worker.process is not None and worker.process.poll() is not None:
                    code = worker.process.returncode
                    self.say(f"worker {worker.name} exited with status {code} while starting")
                    return False
                if _healthy(worker.extra["url"]):
                    waiting.discard(worker.name)
                    self.say(f"worker {worker.name} healthy")
            time.sleep(_POLL_S)
        return not waiting

    def _watch_workers(self) -> None:
        now = time.monotonic()
        for worker in self.workers:
            process = worker.process
            if worker.restart_at is not None:
                if now >= worker.restart_at:
                    self._spawn(worker)
                    worker.restarts += 1
                    self.say(f"worker {worker.name} restarted: pid {_pid(worker)} "
                             f"(restart {worker.restarts})")  # fmt: skip
                    self._warm(worker)
                continue
            if process is None or process.poll() is None:
                continue
            code = process.returncode
            how = f"signal {signal.Signals(-code).name}" if code < 0 else f"status {code}"
            lived = now - worker.started_at
            if lived >= STABLE_AFTER_S or worker.restarts == 0:
                worker.delay_s = RESTART_DELAY_S
            else:  # dying young again: wait longer each time (a broken data folder, a full disk)
                worker.delay_s = min(worker.delay_s * 2, RESTART_DELAY_MAX_S)
            worker.restart_at = now + worker.delay_s
            # At once, not after two failed checks; and until it is warm again (_watch_warmers).
            self._admin(f"set server workers/{worker.name} state maint")
            self.say(f"worker {worker.name} (pid {process.pid}) exited with {how}; "
                     f"restarting in {worker.delay_s:g} s")  # fmt: skip

    def stop_all(self) -> None:
        """SIGTERM every child's process group, SIGKILL what is left after a grace period."""
        children = [c for c in [self.proxy, *self.workers] if c and c.process is not None]
        alive = [c.process for c in children if c.process and c.process.poll() is None]
        alive += [p for p in self.warmers.values() if p.poll() is None]
        for process in alive:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        for process in alive:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
        for process in alive:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if alive:
            self.say(f"stopped {len(alive)} process(es)")
