"""``serve`` put online: security headers, optional TLS, upload limits (issue 19)."""

from __future__ import annotations

import http.client
import re
import stat
import urllib.request
from pathlib import Path

import pytest
from cli_runner import run_in_process
from serve_runner import insecure_context, make_cert, start_serve

from explorer import config, serve
from explorer.commands import EXIT_USAGE
from explorer.serve import headers, proxy
from explorer.serve.proxy import Backend, haproxy_config

LOCAL = [Backend("w1", "127.0.0.1", 8601)]
#: Every source a policy of this offline app may name (and the embedding origins given).
ALLOWED_SOURCES = {"'self'", "'none'", "data:", "'unsafe-inline'", "'wasm-unsafe-eval'"}


def _directives(policy: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in policy.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throwaway self-signed certificate and key (localhost, 127.0.0.1, 127.0.0.2)."""
    return make_cert(tmp_path_factory.mktemp("tls"))


# --- the policy ------------------------------------------------------------------------------


@pytest.mark.parametrize("component", [False, True], ids=["page", "component"])
def test_the_policy_names_no_outside_origin(component):
    policy = headers.content_security_policy(
        script_hashes=headers.streamlit_script_hashes(), component=component
    )
    found = _directives(policy)
    for directive in ("default-src", "script-src", "connect-src", "img-src", "frame-ancestors"):
        assert directive in found, policy
    for directive, sources in found.items():
        for source in sources:
            ok = source in ALLOWED_SOURCES or re.fullmatch(r"'sha256-[A-Za-z0-9+/=]{44}'", source)
            ok = ok or (component and source == "'unsafe-eval'")
            assert ok, f"{directive} allows {source}"
    assert found["object-src"] == ["'none'"] and found["frame-ancestors"] == ["'self'"]


def test_scripts_need_no_unsafe_inline_and_the_page_no_eval():
    page = _directives(headers.content_security_policy())
    component = _directives(headers.content_security_policy(component=True))
    assert "'unsafe-inline'" not in page["script-src"]
    assert "'unsafe-eval'" not in page["script-src"]
    assert "'unsafe-eval'" in component["script-src"]  # leaflet-measure's templates only
    assert "'unsafe-inline'" not in component["script-src"]


def test_the_inline_script_of_streamlits_page_is_allowed_by_its_hash():
    index = (serve.streamlit_static_dir() / "index.html").read_text(encoding="utf-8")
    hashes = headers.streamlit_script_hashes()
    assert hashes and "window.prerenderReady" in index
    assert hashes == headers.inline_script_hashes(index)
    # Any other inline script would get another hash.
    assert headers.inline_script_hashes("<script>alert(1)</script>")[0] not in hashes


def test_the_apps_own_iframe_controls_have_no_inline_script():
    from explorer.ui import copy_link, export_panel, presenter

    for html in (copy_link.control_html("pl"), export_panel._USE_VIEW_HTML, presenter._KEYS_HTML):
        assert headers.inline_script_hashes(html) == [], html
        src = re.search(r'<script[^>]*src="app/static/([\w.]+)"', html).group(1)
        assert (config.PACKAGE_DIR / "static" / src).is_file()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://lms.example.org", "https://lms.example.org"),
        ("https://LMS.Example.org/", "https://lms.example.org"),
        ("https://*.school.example:8443", "https://*.school.example:8443"),
        ("http://127.0.0.2:8443", "http://127.0.0.2:8443"),
        ("self", "'self'"),
    ],
)
def test_frame_ancestors_are_origins(value, expected):
    assert headers.parse_frame_ancestor(value) == expected


@pytest.mark.parametrize(
    "value",
    ["*", "https://a.example/path", "lms.example.org", "https://a.example; script-src *",
     'https://a"b', "https://a.example:99999", "javascript:alert(1)", "https://a b", ""],
)  # fmt: skip
def test_bad_frame_ancestors_are_refused(value):
    with pytest.raises(headers.FrameAncestorError, match="invalid frame ancestor"):
        headers.parse_frame_ancestor(value)


def test_a_deployer_widens_frame_ancestors_for_page_and_component():
    every, by_path = headers.site_headers(tls=True, frame_ancestors=["https://lms.example.org"])
    names = dict(every)
    for policy in (names["Content-Security-Policy"], by_path[0][2]):
        assert "frame-ancestors 'self' https://lms.example.org" in policy
    assert names["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in dict(headers.site_headers(tls=False)[0])


# --- the configuration -----------------------------------------------------------------------


def test_headers_are_set_on_every_answer_including_the_proxys_own():
    every, by_path = headers.site_headers(tls=False)
    text = haproxy_config(LOCAL, port=8501, headers=every, path_headers=by_path)
    for name, value in every:
        assert f'http-after-response set-header {name} "{value}"' in text
    assert "if { var(txn.path) -m beg /component/ }" in text
    with pytest.raises(ValueError, match="cannot be written"):
        haproxy_config(LOCAL, port=8501, headers=[("X-A", 'a" b')])


def test_the_body_limit_is_the_workers_upload_limit():
    limit = config.max_request_body_bytes()
    assert limit == config.upload_max_mb() * 1024 * 1024 + 1024 * 1024
    assert limit >= config.OVERLAY_MAX_BYTES
    options = config.server_options()
    assert options[options.index("--server.maxUploadSize") + 1] == str(config.upload_max_mb())
    # WebSocket messages are capped in each worker (the proxy only tunnels their bytes).
    message_mb = int(options[options.index("--server.maxMessageSize") + 1])
    assert config.upload_max_mb() < message_mb <= 2 * max(config.upload_max_mb(), 50)
    text = haproxy_config(LOCAL, port=8501, max_body_bytes=limit)
    assert f"deny deny_status 413 if {{ req.hdr_val(content-length) gt {limit} }}" in text
    assert "deny deny_status 413 if { req.hdr_cnt(transfer-encoding) gt 0 }" in text
    assert "deny_status 413" not in haproxy_config(LOCAL, port=8501)


def test_tls_changes_the_bind_line_and_both_cookies():
    plain = haproxy_config(LOCAL, port=8501)
    tls = haproxy_config(LOCAL, port=8501, tls_pem="/run/bfe/tls.pem")
    assert "bind 0.0.0.0:8501 ssl crt /run/bfe/tls.pem alpn http/1.1" in tls
    assert (
        "cookie BFE_WORKER insert indirect nocache attr SameSite=None attr Partitioned secure"
        in tls
    )
    assert f"replace-header Set-Cookie ^({proxy.XSRF_COOKIE}=[^;]*).*$" in tls
    assert '"\\1; Path=/; SameSite=None; Secure; Partitioned"' in tls
    assert "ssl" not in plain and "SameSite=None" not in plain and "attr SameSite=Lax" in plain


def test_haproxy_accepts_the_tls_config_with_headers_and_limits(haproxy_path, cert, tmp_path):
    pem = serve.write_tls_bundle(*cert, tmp_path)
    every, by_path = headers.site_headers(tls=True, frame_ancestors=["https://lms.example.org"])
    text = haproxy_config(
        LOCAL,
        port=18502,
        headers=every,
        path_headers=by_path,
        max_body_bytes=config.max_request_body_bytes(),
        tls_pem=str(pem),
    )
    valid, output = serve.check_config(haproxy_path, text)
    assert valid, output


def test_the_tls_bundle_is_cert_then_key_readable_by_its_owner_only(cert, tmp_path):
    pem = serve.write_tls_bundle(*cert, tmp_path)
    assert stat.S_IMODE(pem.stat().st_mode) == 0o600
    body = pem.read_text()
    assert body.index("BEGIN CERTIFICATE") < body.index("PRIVATE KEY")


# --- the command line ------------------------------------------------------------------------


def test_tls_problems_are_found_before_anything_starts(cert, tmp_path):
    good_cert, good_key = cert
    assert serve.tls_problem(good_cert, good_key) is None
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    other = make_cert(tmp_path, ("other.example",))  # a key of another certificate
    assert "certificate file not found" in serve.tls_problem(tmp_path / "none.pem", good_key)
    assert "key file not found" in serve.tls_problem(good_cert, tmp_path / "none.pem")
    assert "cannot serve HTTPS" in serve.tls_problem(junk, good_key)
    assert "cannot serve HTTPS" in serve.tls_problem(good_cert, other[1])


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--certfile", "{cert}"), "needs both --certfile and --keyfile"),
        (("--keyfile", "{key}"), "needs both --certfile and --keyfile"),
        (("--certfile", "/nonexistent/c.pem", "--keyfile", "{key}"), "certificate file not found"),
        (("--certfile", "{key}", "--keyfile", "{key}"), "cannot serve HTTPS"),
        (("--frame-ancestors", "*"), "invalid frame ancestor '*'"),
        (("--frame-ancestors", "https://a.example/x"), "invalid frame ancestor"),
    ],
)
def test_bad_tls_and_embedding_arguments_exit_2_with_one_line(
    capsys, cert, haproxy_path, args, needle
):
    filled = [a.format(cert=cert[0], key=cert[1]) for a in args]
    code, _, err = run_in_process(capsys, "serve", "--workers", "1", *filled)
    assert code == EXIT_USAGE
    assert needle in err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


def test_check_with_tls_prints_an_https_config(capsys, cert, haproxy_path):
    code, out, err = run_in_process(
        capsys, "serve", "--check", "--workers", "1", "--certfile", str(cert[0]), "--keyfile",
        str(cert[1]), "--frame-ancestors", "https://lms.example.org",
    )  # fmt: skip
    assert code == 0, err
    assert re.search(r"bind 0\.0\.0\.0:8501 ssl crt \S+/tls\.pem", out)
    assert "Strict-Transport-Security" in out and "frame-ancestors 'self' https://lms" in out


# --- through a real serve --------------------------------------------------------------------


def _request(url: str, path: str, *, method: str = "GET", headers_: dict | None = None,
             body: bytes | None = None) -> tuple[int, dict[str, list[str]], bytes]:  # fmt: skip
    """Send one request; return the status, the headers (lower-case names, every value)."""
    parts = urllib.request.urlparse(url)
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=30,
                                           context=insecure_context())  # fmt: skip
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.putrequest(method, path)
        for name, value in (headers_ or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        if body is not None:
            try:
                conn.send(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the proxy answered before the body was sent: what is tested
        response = conn.getresponse()
        found: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            found.setdefault(name.lower(), []).append(value)
        return response.status, found, response.read()
    finally:
        conn.close()


def _check_security_headers(found: dict[str, list[str]], *, tls: bool, component: bool = False):
    policy = found["content-security-policy"]
    assert len(policy) == 1, policy  # set once, never doubled
    directives = _directives(policy[0])
    assert directives["default-src"] == ["'self'"]
    assert ("'unsafe-eval'" in directives["script-src"]) is component
    assert directives["frame-ancestors"][0] == "'self'"
    assert found["x-content-type-options"] == ["nosniff"]
    assert found["referrer-policy"] == ["same-origin"]
    if tls:
        assert found["strict-transport-security"] == ["max-age=31536000"]
    else:
        assert "strict-transport-security" not in found


def _static_paths(url: str) -> tuple[str, str]:
    """Return a Streamlit bundle's path and the map component's script path on this server."""
    _, _, page = _request(url, "/")
    bundle = re.search(r'src="\./(static/js/index\.[\w-]+\.js)"', page.decode()).group(1)
    return f"/{bundle}", "/component/explorer.ui.map_view.bfe_map/map.js"


def _oversize_is_refused_by_the_proxy(url: str) -> None:
    upload = "/_stcore/upload_file/session/widget"
    too_big = str(config.max_request_body_bytes() + 1)
    status, found, _ = _request(url, upload, method="PUT", body=b"x" * 1024,
                                headers_={"Content-Length": too_big})  # fmt: skip
    assert status == 413 and "x-bfe-worker" not in found, found
    _check_security_headers(found, tls=url.startswith("https"))
    chunk = b"400\r\n" + b"x" * 1024 + b"\r\n"
    status, found, _ = _request(url, upload, method="PUT", body=chunk,
                                headers_={"Transfer-Encoding": "chunked"})  # fmt: skip
    assert status == 413 and "x-bfe-worker" not in found, found
    # A body within the limit does reach a worker (which refuses it: no XSRF token).
    status, found, _ = _request(url, upload, method="PUT", body=b"x" * 1024,
                                headers_={"Content-Length": "1024"})  # fmt: skip
    assert status != 413 and found.get("x-bfe-worker") == ["w1"], (status, found)


@pytest.mark.slow
def test_served_over_http_with_every_header_and_the_upload_limit(haproxy_path, tmp_path):
    env = {"BFE_CACHE_DIR": str(tmp_path / "cache")}
    with start_serve(1, env=env, name="serve-headers") as s:
        status, found, _ = _request(s.url, "/")
        assert status == 200 and found["x-bfe-worker"] == ["w1"]
        _check_security_headers(found, tls=False)
        assert any("BFE_WORKER=w1" in c and "SameSite=Lax" in c for c in found["set-cookie"])
        bundle, component = _static_paths(s.url)
        status, found, _ = _request(s.url, bundle, headers_={"Accept-Encoding": "gzip"})
        assert status == 200 and "x-bfe-worker" not in found  # answered by HAProxy's Lua
        _check_security_headers(found, tls=False)
        status, found, _ = _request(s.url, component)
        assert status == 200 and "javascript" in found["content-type"][0]
        _check_security_headers(found, tls=False, component=True)
        _oversize_is_refused_by_the_proxy(s.url)


@pytest.mark.slow
def test_served_over_https_with_hsts_and_cookies_for_embedding(haproxy_path, cert, tmp_path):
    env = {"BFE_CACHE_DIR": str(tmp_path / "cache")}
    extra = ("--certfile", str(cert[0]), "--keyfile", str(cert[1]),
             "--frame-ancestors", "https://127.0.0.2:8443")  # fmt: skip
    with start_serve(1, env=env, name="serve-tls", extra=extra) as s:
        assert s.url.startswith("https://") and "serving https://127.0.0.1:" in s.log()
        status, found, _ = _request(s.url, "/")
        assert status == 200
        _check_security_headers(found, tls=True)
        policy = found["content-security-policy"][0]
        assert "frame-ancestors 'self' https://127.0.0.2:8443" in policy
        affinity = next(c for c in found["set-cookie"] if c.startswith("BFE_WORKER="))
        # Streamlit sets its XSRF cookie with the health answer the page fetches first.
        _, found, _ = _request(s.url, "/_stcore/health")
        xsrf = next(c for c in found["set-cookie"] if c.startswith("_streamlit_xsrf="))
        for cookie in (affinity, xsrf):
            for attribute in ("SameSite=None", "Secure", "Partitioned"):
                assert attribute in cookie, cookie
        assert "SameSite=Lax" not in xsrf
        bundle, component = _static_paths(s.url)
        status, found, _ = _request(s.url, bundle, headers_={"Accept-Encoding": "gzip"})
        assert status == 200
        _check_security_headers(found, tls=True)
        _, found, _ = _request(s.url, component)
        _check_security_headers(found, tls=True, component=True)
        _oversize_is_refused_by_the_proxy(s.url)
        # Plain HTTP is not served on the HTTPS port.
        try:
            status, _, _ = _request(s.url.replace("https:", "http:"), "/")
        except (http.client.HTTPException, OSError):
            status = None
        assert status is None or status >= 400
