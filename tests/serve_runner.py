"""Run ``python -m explorer serve`` for tests: free ports, wait until served, stop it whole."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from explorer import config

ARTIFACTS_DIR = config.ROOT / "tests" / "artifacts"
START_TIMEOUT_S = 120.0


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Served:
    """A running ``serve``: its URL, process and log."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        """Return everything ``serve`` and its children printed so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def worker_pids(self) -> dict[str, int]:
        """Return each worker's latest pid, as ``serve`` announced it (``{"w1": pid, ...}``)."""
        pids: dict[str, int] = {}
        for name, pid in re.findall(r"serve: worker (\w+) (?:started|restarted): pid (\d+)",
                                    self.log()):  # fmt: skip
            pids[name] = int(pid)
        return pids

    def worker_ports(self) -> dict[str, int]:
        """Return each local worker's loopback port."""
        found = re.findall(r"serve: worker (\w+) started: pid \d+, http://127\.0\.0\.1:(\d+)",
                           self.log())  # fmt: skip
        return {name: int(port) for name, port in found}

    def wait_for(self, pattern: str, timeout_s: float = 60.0, *, after: int = 0) -> re.Match:
        """Wait until the log (from character ``after``) matches ``pattern``; return the match."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            match = re.search(pattern, self.log()[after:])
            if match:
                return match
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"no {pattern!r} in the serve log:\n{self.log()}")


def pid_alive(pid: int) -> bool:
    """Tell whether a process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def insecure_context() -> ssl.SSLContext:
    """Return a TLS context that accepts the tests' self-signed certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def make_cert(folder: Path, hosts: tuple[str, ...] = ("localhost", "127.0.0.1", "127.0.0.2")):
    """Write a throwaway self-signed certificate and key for ``hosts``; return their paths.

    Made with ``openssl req -x509`` (Debian's ``openssl``, scripts/system-packages.txt).
    """
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("openssl not found: apt-get install -y openssl")
    cert, key = folder / "cert.pem", folder / "key.pem"
    names = ",".join(f"IP:{h}" if h[0].isdigit() else f"DNS:{h}" for h in hosts)
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={hosts[0]}",
         "-addext", f"subjectAltName={names}"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def _healthy(url: str) -> bool:
    context = insecure_context() if url.startswith("https:") else None
    try:
        with urllib.request.urlopen(
            f"{url}/_stcore/health", timeout=2, context=context
        ) as response:
            return response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@contextlib.contextmanager
def start_serve(
    workers: int = 2,
    *,
    env: Mapping[str, str] | None = None,
    name: str = "serve",
    extra: tuple[str, ...] = (),
    wait_healthy: bool = True,
) -> Iterator[Served]:
    """Run ``python -m explorer serve --workers N`` on a free loopback port until the block ends.

    The proxy listens on 127.0.0.1 only; the layer files go to a cache folder of this run. On
    exit ``serve`` gets SIGTERM (it stops its children) and, if it is still there after 20 s,
    its whole process group SIGKILL.
    """
    port = free_port()
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS_DIR / f"{name}.log"
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    command = [sys.executable, "-m", "explorer", "serve", "--workers", str(workers),
               "--port", str(port), "--address", "127.0.0.1", *extra]  # fmt: skip
    scheme = "https" if "--certfile" in extra else "http"
    url = f"{scheme}://127.0.0.1:{port}"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=config.ROOT,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        served = Served(url=url, port=port, process=process, log_path=log_path)
        try:
            served.wait_for(r"serve: HAProxy pid \d+ serving", START_TIMEOUT_S)
            deadline = time.monotonic() + 30
            while wait_healthy and not _healthy(url):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError(f"serve not healthy:\n{served.log()}")
                time.sleep(0.2)
            yield served
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
