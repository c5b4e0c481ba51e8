"""The reverse proxy's configuration for ``python -m explorer serve``: HAProxy text from backends.

Pure: no processes, no files, no secrets. :mod:`explorer.serve.supervisor` writes the text to a
file and runs HAProxy on it; ``python -m explorer serve --check`` prints it for a deployment to
copy.

What the configuration does, and why (``docs/deploy.md`` has the long form):

- **Affinity by cookie** (``cookie BFE_WORKER insert indirect nocache``): Streamlit keeps a
  session, its uploads and its media in one process, so each browser must stay on one worker.
  Never by client address: a whole school sits behind one NAT address.
- **Health checks** of ``/_stcore/health`` every second, down after two failures, up after one
  success: new browsers go to live workers only. A browser keeps its worker while it is merely
  slow (``option persist``: its session is there); when the worker refuses connections (dead),
  ``option redispatch 1`` sends it to a live one at the first retry.
- **gzip** (``compression offload``): Streamlit sends its own JavaScript and CSS uncompressed on
  purpose; HAProxy compresses in C, off the workers' Python interpreters. Streamlit's bundles
  can instead be answered by HAProxy itself, gzipped once at level 9 (``static``;
  :mod:`explorer.serve.static`).
- **Caching**: the layer files (``/component/<name>/layers/<layer>.<lang>.<hash>.json``) are named
  by a hash of their bytes, so they are marked ``immutable`` for a year; Streamlit's own hashed
  bundles already are; every other header (``no-cache`` on the page itself) is kept.
- **WebSocket**: ``timeout tunnel 1h`` keeps an idle student's connection open through a lesson.
- **Security headers** on every answer (:mod:`explorer.serve.headers`): a Content-Security-Policy
  with no outside origin, ``nosniff``, ``Referrer-Policy``, and HSTS on HTTPS.
- **Upload limit**: a request body over the overlay limit (by its ``Content-Length``), or one
  whose size is not declared (chunked), gets 413 from the proxy and never reaches a worker.
- **TLS** (optional): HAProxy terminates HTTPS with one PEM file (certificate and key); the
  affinity cookie and Streamlit's XSRF cookie are then ``SameSite=None; Secure``, so the app
  works embedded in another site's page (a learning platform).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

__all__ = [
    "COOKIE_NAME",
    "HEALTH_PATH",
    "IMMUTABLE_PATH_RE",
    "WORKER_HEADER",
    "XSRF_COOKIE",
    "Backend",
    "BackendError",
    "haproxy_config",
    "parse_backend",
]

#: Name of the affinity cookie HAProxy sets (its value names the worker, e.g. ``w1``). Not
#: ``HttpOnly``: the map's script watches it, and reloads the page when the proxy moved the browser
#: to another worker (``explorer/web/frontend/map.js``); it holds no secret.
COOKIE_NAME: Final[str] = "BFE_WORKER"
#: Streamlit's health endpoint: answers ``ok`` once the server runs.
HEALTH_PATH: Final[str] = "/_stcore/health"
#: Streamlit's XSRF cookie (uploads send its token back): ``SameSite=None; Secure`` on HTTPS.
XSRF_COOKIE: Final[str] = "_streamlit_xsrf"
#: Response header naming the worker that answered (for tests and for finding a sick worker).
WORKER_HEADER: Final[str] = "X-BFE-Worker"
#: Paths whose bytes never change under the same name: the hash-named layer files.
IMMUTABLE_PATH_RE: Final[str] = r"^/component/[^/]+/layers/[^/]+\.[0-9a-f]{8,}\.json$"
#: MIME types HAProxy compresses (layer files are JSON; the basemap's icons are SVG).
COMPRESS_TYPES: Final[tuple[str, ...]] = (
    "text/html",
    "text/css",
    "text/plain",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
)

_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
#: A DNS host name: dot-separated labels of letters, digits and inner hyphens.
_HOST_RE = re.compile(rf"{_LABEL}(\.{_LABEL})*")


class BackendError(ValueError):
    """Raised for a backend address that is not ``host:port``."""


@dataclass(frozen=True)
class Backend:
    """One app worker the proxy sends browsers to.

    Attributes
    ----------
    name : str
        The server's name in the configuration and the affinity cookie's value (``w1``, ``w2``…);
        keep it stable across restarts of the proxy, or cookies held by browsers go stale.
    host : str
        Host name or IP address (an IPv6 address without brackets).
    port : int
        TCP port of the worker's Streamlit server.
    """

    name: str
    host: str
    port: int

    @property
    def address(self) -> str:
        """Return ``host:port`` as HAProxy reads it (``[::1]:8501`` for IPv6).

        Examples
        --------
        >>> Backend("w1", "::1", 8501).address, Backend("w2", "app-2", 8501).address
        ('[::1]:8501', 'app-2:8501')
        """
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def parse_backend(value: str, name: str | None = None) -> Backend:
    """Parse ``host:port`` (``[v6]:port`` for IPv6) into a :class:`Backend` called ``name``.

    Parameters
    ----------
    value : str
        What the user wrote after ``--backend``.
    name : str, optional
        The server's name; by default made from the address, so that it (and every browser's
        cookie) stays the same when backends are added to or removed from the list.

    Returns
    -------
    Backend

    Raises
    ------
    BackendError
        With a one-line reason.

    Examples
    --------
    >>> parse_backend("10.0.0.5:8501")
    Backend(name='10.0.0.5_8501', host='10.0.0.5', port=8501)
    >>> parse_backend("[fd00::5]:8501", "w2").address
    '[fd00::5]:8501'
    >>> parse_backend("app-3")
    Traceback (most recent call last):
    ...
    explorer.serve.proxy.BackendError: invalid backend 'app-3': expected host:port
    """
    text = value.strip()
    shown = "".join(c if c.isprintable() else "?" for c in value)[:80]
    match = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\]:(\d{1,5})|([^:\[\]\s]+):(\d{1,5})", text)
    if match is None:
        raise BackendError(f"invalid backend {shown!r}: expected host:port")
    host = match.group(1) or match.group(3)
    port = int(match.group(2) or match.group(4))
    if not 1 <= port <= 65535:
        raise BackendError(f"invalid backend {shown!r}: port must be 1-65535")
    if not _is_ip(host) and (not _HOST_RE.fullmatch(host) or len(host) > 253):
        raise BackendError(f"invalid backend {shown!r}: not a host name")
    if name is None:
        name = re.sub(r"[^A-Za-z0-9.-]", "_", f"{host}_{port}")
    return Backend(name=name, host=host, port=port)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _server_line(backend: Backend) -> str:
    line = f"    server {backend.name} {backend.address} check cookie {backend.name}"
    if not _is_ip(backend.host):
        line += " resolvers system init-addr last,libc,none"
    return line


def _limit_rules(max_body_bytes: int | None) -> str:
    """Return the frontend's rules that refuse request bodies over ``max_body_bytes`` (413)."""
    if max_body_bytes is None:
        return ""
    return (
        "\n    # Uploads cannot fill a worker's memory: a body over the limit, or one whose size"
        "\n    # is not declared (chunked: no browser sends one), is refused here (413)."
        "\n    http-request deny deny_status 413 if "
        f"{{ req.hdr_val(content-length) gt {max_body_bytes} }}"
        "\n    http-request deny deny_status 413 if { req.hdr_cnt(transfer-encoding) gt 0 }"
    )


def haproxy_config(
    backends: Sequence[Backend],
    *,
    port: int,
    address: str = "0.0.0.0",
    check_interval_ms: int = 1000,
    admin_socket: str | None = None,
    static: tuple[str, str] | None = None,
    headers: Sequence[tuple[str, str]] = (),
    path_headers: Sequence[tuple[str, str, str]] = (),
    max_body_bytes: int | None = None,
    tls_pem: str | None = None,
) -> str:
    """Return an HAProxy 2.6 configuration that serves the explorer from ``backends``.

    Parameters
    ----------
    backends : sequence of Backend
        The workers, local or on other machines (at least one; names unique).
    port : int
        Port the proxy listens on.
    address : str, default "0.0.0.0"
        Address it listens on (all interfaces: the students' machines must reach it).
    check_interval_ms : int, default 1000
        Time between health checks; a worker is taken out after two failures.
    admin_socket : str, optional
        Path of a UNIX socket for HAProxy's runtime commands (mode 600): ``serve`` holds a
        restarted worker in maintenance until it has warmed up.
    static : (str, str), optional
        The Lua service and its list of files (:mod:`explorer.serve.static`): HAProxy answers
        for Streamlit's own static files, gzipped at level 9, from memory.
    headers : sequence of (str, str)
        Headers set on every answer, HAProxy's own included
        (:func:`explorer.serve.headers.security_headers`). Values must hold no ``"`` or ``%``.
    path_headers : sequence of (str, str, str)
        ``(path prefix, name, value)``: a header set instead on answers to paths starting with
        the prefix (the map component's own policy).
    max_body_bytes : int, optional
        Largest request body let through to a worker (the upload limit); bigger ones, and
        bodies of undeclared size (chunked), get 413 from the proxy.
    tls_pem : str, optional
        A PEM file holding the certificate chain and its key: the proxy listens for HTTPS, and
        the affinity and XSRF cookies become ``SameSite=None; Secure`` (embedding by another
        site needs both).

    Returns
    -------
    str
        The configuration text, ending with a newline. It holds no secret.

    Raises
    ------
    ValueError
        With no backend, or two with the same name.

    Examples
    --------
    >>> text = haproxy_config([Backend("w1", "127.0.0.1", 8601)], port=8501)
    >>> "cookie BFE_WORKER insert indirect nocache" in text
    True
    >>> "server w1 127.0.0.1:8601 check cookie w1" in text
    True
    >>> haproxy_config([], port=8501)
    Traceback (most recent call last):
    ...
    ValueError: no backend to serve from
    """
    if not backends:
        raise ValueError("no backend to serve from")
    for name, value in [*headers, *((n, v) for _, n, v in path_headers)]:
        if not re.fullmatch(r"[A-Za-z0-9-]+", name) or any(c in value for c in '"%\\\n\r'):
            raise ValueError(f"header {name!r} cannot be written into the configuration")
    names = [b.name for b in backends]
    if len(set(names)) != len(names):
        raise ValueError(f"backend names must be unique: {names}")
    bind = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    if tls_pem:
        bind += f" ssl crt {tls_pem} alpn http/1.1"
    servers = "\n".join(_server_line(b) for b in backends)
    named = any(not _is_ip(b.host) for b in backends)
    # Host names (Kubernetes services, DNS) are looked up again while running: a moved worker is
    # found, and one that does not resolve yet waits in maintenance instead of failing start-up.
    resolvers = "\nresolvers system\n    parse-resolv-conf\n    hold valid 10s\n" if named else ""
    types = " ".join(COMPRESS_TYPES)
    admin = f"\n    stats socket {admin_socket} mode 600 level admin" if admin_socket else ""
    lua = f"\n    lua-load {static[0]}" if static else ""
    static_rule = (
        "\n    # Streamlit's JavaScript and CSS, gzipped once at level 9 (serve/static.py)."
        f"\n    http-request use-service lua.bfe_static if {{ path,map({static[1]}) -m found }} "
        "{ req.hdr(accept-encoding) -m sub gzip }"
        if static
        else ""
    )
    frontend_rules = _limit_rules(max_body_bytes) + "".join(
        f'\n    http-after-response set-header {name} "{value}"' for name, value in headers
    )
    frontend_rules += "".join(
        f'\n    http-after-response set-header {name} "{value}" '
        f"if {{ var(txn.path) -m beg {prefix} }}"
        for prefix, name, value in path_headers
    )
    # On HTTPS the cookies are sent inside another site's frame too (embedding): SameSite=None,
    # Secure, and Partitioned (CHIPS), which browsers blocking third-party cookies still keep,
    # in a jar of that site's own.
    cookie_attr = "attr SameSite=None attr Partitioned secure" if tls_pem else "attr SameSite=Lax"
    xsrf_rule = (
        "\n    # Embedded in another site (HTTPS only), Streamlit's XSRF cookie must be sent too."
        f"\n    http-response replace-header Set-Cookie ^({XSRF_COOKIE}=[^;]*).*$ "
        '"\\1; Path=/; SameSite=None; Secure; Partitioned"'
        if tls_pem
        else ""
    )
    return f"""\
# Generated by `python -m explorer serve` (explorer/serve/proxy.py); see docs/deploy.md.
global
    maxconn 4096
    # Streamlit's WebSocket messages can be large (a map with an overlay): no small buffers.
    tune.bufsize 65536{admin}{lua}

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # An open WebSocket (a student's page) may stay quiet for a whole lesson.
    timeout tunnel 1h
    timeout client-fin 10s
    timeout http-request 10s
    timeout http-keep-alive 10s
    timeout queue 10s
    # A worker busy with a heavy script run may answer its check late; a dead one refuses at once.
    timeout check 5s
    # A student stays on a worker the checks think is down (busy, not dead: its session is
    # there); only when it refuses the connection does the student go to a live one, at the
    # first retry (the cookie is then rewritten).
    option persist
    option redispatch 1
    retries 3
    # A worker killed mid-request may accept a connection and then drop it: retry that too.
    retry-on conn-failure empty-response junk-response
    option forwardfor
{resolvers}
frontend explorer
    bind {bind}
    http-request set-var(txn.path) path{frontend_rules}{static_rule}
    default_backend workers

backend workers
    # New browsers take turns; each then stays on its worker by cookie, never by client address
    # (a school is one NAT address).
    balance roundrobin
    cookie {COOKIE_NAME} insert indirect nocache {cookie_attr}
    option httpchk GET {HEALTH_PATH}
    http-check expect string ok
    default-server inter {check_interval_ms}ms fastinter {max(100, check_interval_ms // 2)}ms downinter {check_interval_ms}ms fall 2 rise 1
    # gzip in HAProxy, not in the workers' Python: Streamlit leaves its static files unzipped.
    compression algo gzip
    compression type {types}
    compression offload
    # Layer files are named by a hash of their bytes: a new data version has new names.
    http-response set-header Cache-Control "public, max-age=31536000, immutable" if {{ var(txn.path) -m reg {IMMUTABLE_PATH_RE} }} {{ status 200 }}
    http-response set-header {WORKER_HEADER} %[srv_name]{xsrf_rule}
{servers}
"""  # noqa: E501
