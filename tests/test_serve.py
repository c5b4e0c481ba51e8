"""``python -m explorer serve``: the proxy's configuration, the arguments, the supervisor."""

from __future__ import annotations

import os
import re
import signal
import socket
import time
import urllib.error
import urllib.request

import pytest
from cli_runner import run, run_in_process
from serve_runner import free_port, pid_alive, start_serve

from explorer import serve
from explorer.commands import EXIT_USAGE
from explorer.serve import proxy
from explorer.serve.proxy import Backend, BackendError, haproxy_config, parse_backend

LOCAL = [Backend("w1", "127.0.0.1", 8601), Backend("w2", "127.0.0.1", 8602)]


# --- the configuration -----------------------------------------------------------------------


def test_config_keeps_browsers_on_a_worker_by_cookie_never_by_address():
    text = haproxy_config(LOCAL, port=8501)
    assert "cookie BFE_WORKER insert indirect nocache" in text
    assert "balance roundrobin" in text
    assert "balance source" not in text and "hash-type" not in text and " src" not in text
    assert "server w1 127.0.0.1:8601 check cookie w1" in text
    assert "server w2 127.0.0.1:8602 check cookie w2" in text


def test_the_map_watches_the_affinity_cookie_by_its_real_name():
    from explorer.web.site import FRONTEND_DIR

    script = (FRONTEND_DIR / "map.js").read_text(encoding="utf-8")
    assert f"(?:^|;\\s*){proxy.COOKIE_NAME}=" in script
    # Not HttpOnly: the page's script must see it (it holds no secret, only a worker's name).
    assert "httponly" not in haproxy_config(LOCAL, port=8501).lower()


def test_config_health_checks_and_redispatches_fast():
    text = haproxy_config(LOCAL, port=8501)
    assert "option httpchk GET /_stcore/health" in text
    assert "http-check expect string ok" in text
    assert re.search(r"default-server inter 1000ms .*fall 2 rise 1", text)
    assert "option redispatch 1" in text and "retries 3" in text
    assert "option persist" in text and "timeout check 5s" in text


def test_config_compresses_and_keeps_websockets_open():
    text = haproxy_config(LOCAL, port=8501)
    assert "compression algo gzip" in text
    for mime in ("text/javascript", "application/javascript", "text/css", "application/json"):
        assert mime in text
    assert "timeout tunnel 1h" in text
    assert "bind 0.0.0.0:8501" in text
    assert "bind 127.0.0.1:9000" in haproxy_config(LOCAL, port=9000, address="127.0.0.1")


@pytest.mark.parametrize(
    ("path", "immutable"),
    [
        ("/component/explorer.ui.map_view.bfe_map/layers/borders.en.0123456789ab.json", True),
        ("/component/explorer.ui.map_view.bfe_map/layers/basemap.e3b0c44298fc.json", True),
        ("/component/explorer.ui.map_view.bfe_map/index.html", False),
        ("/component/explorer.ui.map_view.bfe_map/vendor/leaflet/leaflet.js", False),
        ("/static/js/index.DormvYxC.js", False),  # Streamlit marks its own bundles already
        ("/", False),
    ],
)
def test_only_hash_named_layer_files_are_marked_immutable(path, immutable):
    assert bool(re.search(proxy.IMMUTABLE_PATH_RE, path)) is immutable


def test_layer_file_names_match_the_immutable_pattern():
    from explorer.web import bundle

    name = f"layers/borders.en.{bundle.version_of(b'{}')}.json"
    assert re.search(proxy.IMMUTABLE_PATH_RE, f"/component/x.bfe_map/{name}")


@pytest.mark.parametrize(
    ("value", "address", "name"),
    [
        ("10.0.0.5:8501", "10.0.0.5:8501", "10.0.0.5_8501"),
        ("app-2.school.example:8501", "app-2.school.example:8501", "app-2.school.example_8501"),
        ("[fd00::5]:8501", "[fd00::5]:8501", "fd00__5_8501"),
        (" localhost:1 ", "localhost:1", "localhost_1"),
    ],
)
def test_parse_backend(value, address, name):
    backend = parse_backend(value)
    assert (backend.address, backend.name) == (address, name)


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("app-2", "expected host:port"),
        ("app-2:", "expected host:port"),
        ("app-2:http", "expected host:port"),
        ("app-2:70000", "port must be 1-65535"),
        ("app-2:0", "port must be 1-65535"),
        ("-bad-:8501", "not a host name"),
        ("a b:8501", "expected host:port"),
        ("fd00::5:8501", "expected host:port"),
        ("http://app-2:8501", "expected host:port"),
        ("app\n2:8501", "expected host:port"),
    ],
)
def test_bad_backends_are_refused_with_the_reason(value, needle):
    with pytest.raises(BackendError, match=needle):
        parse_backend(value)


def test_config_needs_a_backend_and_unique_names():
    with pytest.raises(ValueError, match="no backend"):
        haproxy_config([], port=8501)
    with pytest.raises(ValueError, match="unique"):
        haproxy_config([LOCAL[0], LOCAL[0]], port=8501)


def _haproxy_check(haproxy: str, text: str) -> tuple[bool, str]:
    return serve.check_config(haproxy, text)


@pytest.mark.parametrize(
    "backends",
    [
        LOCAL,
        [*LOCAL, parse_backend("10.0.0.5:8501"), parse_backend("[fd00::5]:8501")],
        # Names that do not resolve here (no DNS offline) wait in maintenance: still valid.
        [parse_backend("app-1.school.example:8501"), parse_backend("app-2.school.example:8501")],
    ],
    ids=["local", "local+remote", "remote-names"],
)
def test_haproxy_accepts_the_generated_config(haproxy_path, backends, tmp_path):
    text = haproxy_config(backends, port=18501, admin_socket=f"{tmp_path}/h.sock")
    assert f"stats socket {tmp_path}/h.sock mode 600 level admin" in text
    valid, output = _haproxy_check(haproxy_path, text)
    assert valid, output
    assert "Configuration file is valid" in output
    assert "stats socket" not in haproxy_config(backends, port=18501)


# --- the command line ------------------------------------------------------------------------


def test_streamlits_static_files_are_gzipped_once_at_level_9(tmp_path):
    import gzip

    from explorer.serve import static

    src = static.streamlit_static_dir()
    assert src is not None
    files = static.precompress(src, tmp_path / "gz")
    index = next(url for url in files if re.fullmatch(r"/static/js/index\.[\w-]+\.js", url))
    original = (src / index.lstrip("/")).read_bytes()
    packed = files[index].read_bytes()
    assert gzip.decompress(packed) == original and len(packed) < len(original) / 2.5
    assert not any(url.endswith((".woff2", ".png")) for url in files)
    before = files[index].stat().st_mtime_ns
    assert static.precompress(src, tmp_path / "gz")[index].stat().st_mtime_ns == before
    lua, listing = static.write_lua(tmp_path, files)
    assert f"{index} {files[index]}\n" in listing.read_text(encoding="utf-8")
    assert str(listing) in lua.read_text(encoding="utf-8")


def test_check_prints_the_config_and_haproxys_verdict(haproxy_path):
    result = run("serve", "--check", "--workers", "2", "--backend", "10.0.0.5:8501")
    assert result.returncode == 0, result.stderr
    assert "cookie BFE_WORKER insert" in result.stdout
    assert re.search(r"server w1 127\.0\.0\.1:\d+ check cookie w1", result.stdout)
    assert "server 10.0.0.5_8501 10.0.0.5:8501 check cookie 10.0.0.5_8501" in result.stdout
    assert "use-service lua.bfe_static" in result.stdout and "lua-load" in result.stdout
    assert "Configuration file is valid" in result.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--workers", "x"), "invalid number of workers 'x'"),
        (("--workers", "-1"), "invalid number of workers '-1'"),
        (("--workers", "65"), "invalid number of workers '65'"),
        (("--workers", "0"), "nothing to serve"),
        (("--backend", "app-2"), "invalid backend 'app-2'"),
        (("--backend", "a:1", "--backend", "a:1"), "a backend is given twice"),
        (("--port", "0"), "invalid port"),
        (("--data", "/nonexistent/geodata"), "data folder not found"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(capsys, args, needle):
    code, _, err = run_in_process(capsys, "serve", *args)
    assert code == EXIT_USAGE
    assert needle in err
    assert len(err.strip().splitlines()) == 1, err


def test_a_port_in_use_exits_2(capsys, haproxy_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = run_in_process(
            capsys, "serve", "--workers", "1", "--port", str(port), "--address", "127.0.0.1"
        )
    assert code == EXIT_USAGE
    assert f"port {port} is in use on 127.0.0.1" in err
    assert len(err.strip().splitlines()) == 1


def test_missing_haproxy_prints_the_install_line_and_exits_2(capsys, monkeypatch):
    monkeypatch.setattr(serve, "find_haproxy", lambda: None)
    code, _, err = run_in_process(capsys, "serve", "--workers", "1")
    assert code == EXIT_USAGE
    assert err.strip() == (
        "python -m explorer serve: error: HAProxy not found; "
        "install it with: sudo apt-get install -y haproxy"
    )


def test_missing_haproxy_in_a_real_process(monkeypatch):
    monkeypatch.setenv("BFE_HAPROXY", "/nonexistent/haproxy")
    result = run("serve", "--workers", "1")
    assert result.returncode == 2
    assert "apt-get install -y haproxy" in result.stderr


def test_find_haproxy_honours_the_override(monkeypatch, tmp_path):
    fake = tmp_path / "haproxy"
    fake.write_text("#!/bin/sh\n")
    monkeypatch.setenv("BFE_HAPROXY", str(fake))
    assert serve.find_haproxy() is None  # not executable
    fake.chmod(0o755)
    assert serve.find_haproxy() == str(fake)


def test_workers_share_one_secret_one_cache_one_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("STREAMLIT_SERVER_COOKIE_SECRET", raising=False)
    env = serve.worker_env({"PATH": "/bin"}, data_dir=tmp_path, cache_dir=tmp_path / "c")
    assert re.fullmatch(r"[0-9a-f]{64}", env["STREAMLIT_SERVER_COOKIE_SECRET"])
    assert env["BFE_CACHE_DIR"] == str(tmp_path / "c")
    assert env["EXPLORER_GEODATA_DIR"] == str(tmp_path)
    kept = serve.worker_env({"STREAMLIT_SERVER_COOKIE_SECRET": "shared"})
    assert kept["STREAMLIT_SERVER_COOKIE_SECRET"] == "shared"


def test_local_workers_listen_on_loopback_only():
    backends = serve.local_backends(3)
    assert [b.name for b in backends] == ["w1", "w2", "w3"]
    assert {b.host for b in backends} == {"127.0.0.1"}
    assert len({b.port for b in backends}) == 3


# --- the supervisor, for real (no browser) ---------------------------------------------------


def _get(url: str, cookie: str | None = None) -> tuple[str, dict[str, str]]:
    """Return the body and the headers (names in lower case: HAProxy sends them so)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        headers = {k.lower(): v for k, v in response.headers.items()}
        return response.read().decode("utf-8", "replace"), headers


@pytest.mark.slow
def test_serve_restarts_a_killed_worker_and_stops_everything_on_sigterm(haproxy_path, tmp_path):
    tmp = tmp_path / "tmp"  # serve's own temporary folder (the proxy's config) goes here
    tmp.mkdir()
    env = {"TMPDIR": str(tmp), "BFE_CACHE_DIR": str(tmp_path / "cache")}
    with start_serve(2, env=env, name="serve-unit") as s:
        pids = s.worker_pids()
        assert set(pids) == {"w1", "w2"}
        haproxy_pid = int(re.search(r"HAProxy pid (\d+)", s.log()).group(1))
        assert [p.name for p in tmp.iterdir() if p.name.startswith("bfe-serve-")]
        # Workers listen on loopback only, and answer there.
        for port in s.worker_ports().values():
            assert _get(f"http://127.0.0.1:{port}/_stcore/health")[0] == "ok"
        # A browser pinned to w1 is sent to w2 when w1 dies (under a loaded CI machine one
        # answer in the first instants once came without the worker header: up to 5 tries in
        # 2.5 s, each seen answer kept for the message) ...
        mark = len(s.log())
        os.kill(pids["w1"], signal.SIGKILL)
        seen = []
        for _ in range(5):
            body, headers = _get(f"{s.url}/_stcore/health", cookie="BFE_WORKER=w1")
            seen.append((body, headers.get("x-bfe-worker"), headers.get("set-cookie")))
            if headers.get("x-bfe-worker") == "w2":
                break
            time.sleep(0.5)
        assert body == "ok" and headers.get("x-bfe-worker") == "w2", seen
        assert "BFE_WORKER=w2" in headers.get("set-cookie", ""), seen
        # ... and the supervisor starts w1 again.
        s.wait_for(r"serve: worker w1 \(pid \d+\) exited with signal SIGKILL", after=mark)
        s.wait_for(r"serve: worker w1 restarted: pid \d+", 30, after=mark)
        new_pid = s.worker_pids()["w1"]
        assert new_pid != pids["w1"] and pid_alive(new_pid)
        s.wait_for(r"Server workers/w1 is UP", 60, after=mark)
        everyone = [new_pid, pids["w2"], haproxy_pid]
        # SIGTERM to serve: every process it started is gone, its folder too, and it exits 0.
        s.process.send_signal(signal.SIGTERM)
        assert s.process.wait(timeout=30) == 0
        assert "serve: SIGTERM: stopping every process" in s.log()
        assert [p for p in everyone if pid_alive(p)] == []
        assert [p.name for p in tmp.iterdir() if p.name.startswith("bfe-serve-")] == []


@pytest.mark.slow
def test_a_remote_backend_only_is_served_and_checked(haproxy_path, tmp_path):
    """The multi-machine layout on loopback: a worker started apart (as systemd would), and
    ``serve --workers 0 --backend`` in front of it; the proxy starts even while it is down."""
    import subprocess
    import sys

    from explorer import config

    port = free_port()
    env = {**os.environ, "BFE_CACHE_DIR": str(tmp_path / "cache"), "PYTHONUNBUFFERED": "1"}
    backend = ("--backend", f"127.0.0.1:{port}")
    with start_serve(0, env=env, name="serve-remote", extra=backend, wait_healthy=False) as s:
        assert "from 0 local worker(s) and 1 remote backend(s)" in s.log()
        with pytest.raises(urllib.error.HTTPError, match="503"):
            _get(f"{s.url}/_stcore/health")  # the backend is not up yet: no crash, a 503
        worker = subprocess.Popen(
            [sys.executable, "-m", "explorer", "app", "--port", str(port), "--address",
             "127.0.0.1"],
            cwd=config.ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    body, headers = _get(f"{s.url}/_stcore/health")
                    break
                except (urllib.error.URLError, ConnectionError):
                    time.sleep(0.3)
            assert body == "ok" and headers["x-bfe-worker"] == f"127.0.0.1_{port}"
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
