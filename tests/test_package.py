"""The explorer as a real package (issue 19): the wheel installs with its data and runs anywhere.

One slow test, in steps: build the wheel from a clean copy of the repository (``python -m build
--wheel``, no build isolation: setuptools and build are pinned in requirements-dev.txt), check it
holds every module, the static files, the map component's page and every data file, install it
into a new virtualenv with only the app's pinned runtime (``requirements.txt``), then, from a
folder outside the repository, run the installed ``explorer`` command: ``--version``,
``validate``, ``export``, ``handout`` and ``app`` (health, the page, a vendored static file and
one whole session of the page script).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

import explorer
from explorer.i18n import t

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

#: Not part of a fresh checkout (or not needed to build): left out of the copy that is built.
_NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "*.pyc", ".pytest_cache", ".ruff_cache", ".hypothesis",
    "build", "dist", "*.egg-info", "artifacts", ".ipynb_checkpoints",
)  # fmt: skip


def _missing(message: str) -> None:
    """Fail under CI (``CI=true``), skip elsewhere: a tool the test needs is not installed."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def _run(cmd: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 300):
    proc = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))}\n{proc.stdout}\n{proc.stderr}"
    return proc


def _expected_files() -> set[str]:
    """Paths the wheel must hold: modules, static files, the component page, all the data."""
    files = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "explorer").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    files |= {
        "explorer/_geodata/" + p.relative_to(ROOT / "geodata").as_posix()
        for p in (ROOT / "geodata").rglob("*")
        if p.is_file()
    }
    return files


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


def _first_session(port: int, timeout_s: float = 120) -> list:
    """Open one session as a browser does; return its messages up to the end of the first run."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    message = BackMsg()
    message.rerun_script.query_string = ""
    message.rerun_script.page_script_hash = ""
    received = []
    deadline = time.monotonic() + timeout_s
    with connect(
        f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], max_size=None
    ) as ws:
        ws.send(message.SerializeToString())
        while time.monotonic() < deadline:
            forward = ForwardMsg()
            forward.ParseFromString(ws.recv(timeout=deadline - time.monotonic()))
            received.append(forward)
            if forward.WhichOneof("type") == "script_finished":
                return received
    pytest.fail("the installed app's first run did not finish in time")


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM the app (it runs in its own session), then kill whatever is left."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=20)


def test_the_wheel_installs_with_its_data_and_runs_outside_the_repository(tmp_path):
    try:
        import build  # noqa: F401  (pinned in requirements-dev.txt)
    except ImportError:
        _missing("the 'build' package is missing: pip install -r requirements-dev.txt")

    # 1. Build the wheel from a clean copy (a build writes into its source folder).
    source, dist = tmp_path / "src", tmp_path / "dist"
    shutil.copytree(ROOT, source, ignore=_NOT_COPIED)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    _run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)],
        cwd=source,
        env=env,
    )
    (wheel,) = dist.glob("*.whl")
    assert wheel.name.startswith(f"border_fortification_explorer-{explorer.__version__}-")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        scripts = archive.read(entry_points).decode()
    missing = sorted(_expected_files() - names)
    assert not missing, f"not in the wheel: {missing[:20]}"
    assert not [n for n in names if n.startswith(("tests/", "geodata/", "benchmarks/"))]
    assert "explorer = explorer.cli:main" in scripts

    # 2. A new virtualenv with only the app's pinned runtime and the wheel.
    venv = tmp_path / "venv"
    try:
        _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path, env=env, timeout=120)
    except AssertionError as exc:
        _missing(f"cannot create a virtualenv (python3-venv): {exc}")
    python, command = venv / "bin" / "python", str(venv / "bin" / "explorer")
    _run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-r", str(ROOT / "requirements.txt"), str(wheel)],
        cwd=tmp_path,
        env=env,
        timeout=600,
    )  # fmt: skip
    tooling = "import importlib.util as u; print([m for m in ('pytest', 'playwright', 'ruff', "
    tooling += "'hypothesis', 'ipykernel', 'build') if u.find_spec(m)])"
    assert _run([str(python), "-c", tooling], cwd=tmp_path, env=env).stdout.strip() == "[]"

    # 3. From a folder outside the repository, the installed command, with the installed data.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run_env = {**env, "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
               "BFE_CACHE_DIR": str(tmp_path / "cache"), "MPLBACKEND": "Agg"}  # fmt: skip
    where = "from explorer import config; print(config.GEODATA_DIR)"
    data_dir = Path(_run([str(python), "-c", where], cwd=elsewhere, env=run_env).stdout.strip())
    assert data_dir == venv.joinpath(
        "lib", f"python{sys.version_info.major}.{sys.version_info.minor}", "site-packages",
        "explorer", "_geodata",
    ), data_dir  # fmt: skip
    version = _run([command, "--version"], cwd=elsewhere, env=run_env).stdout
    assert version == f"explorer {explorer.__version__}\n"
    _run([command, "validate"], cwd=elsewhere, env=run_env)
    _run([command, "export", "--out", "x.png"], cwd=elsewhere, env=run_env)
    assert (elsewhere / "x.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    _run([command, "handout", "--out", "h.pdf"], cwd=elsewhere, env=run_env)
    assert (elsewhere / "h.pdf").read_bytes().startswith(b"%PDF-")

    # 4. The app: no .streamlit/config.toml here, so every option comes from the command.
    port = _free_port()
    app = subprocess.Popen(
        [command, "app", "--port", str(port), "--address", "127.0.0.1"],
        cwd=elsewhere,
        env=run_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline, health = time.monotonic() + 60, b""
        while time.monotonic() < deadline and health != b"ok":
            try:
                health = _get(f"http://127.0.0.1:{port}/_stcore/health")[1]
            except OSError:
                assert app.poll() is None, "the installed app exited"
                time.sleep(0.5)
        assert health == b"ok"
        status, page = _get(f"http://127.0.0.1:{port}/")
        assert status == 200 and b'<div id="root">' in page
        status, leaflet = _get(f"http://127.0.0.1:{port}/app/static/vendor/leaflet/leaflet.js")
        assert status == 200 and b"Leaflet" in leaflet[:2000]  # static serving, installed files
        messages = _first_session(port)
        elements = [m.delta.new_element for m in messages if m.WhichOneof("type") == "delta"]
        errors = [e.exception.message for e in elements if e.WhichOneof("type") == "exception"]
        assert not errors, errors
        text = b"".join(m.SerializeToString() for m in messages).decode("utf-8", "replace")
        assert t("app.title", "en") in text
        for problem in ("app.data_failed", "app.unexpected_error"):
            assert t(problem, "en") not in text, problem
    finally:
        _stop(app)
