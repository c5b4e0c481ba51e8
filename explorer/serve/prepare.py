"""What ``serve`` needs from this machine before it starts anything.

The HAProxy executable (:func:`find_haproxy`, and :func:`check_config` to run ``haproxy -c`` on
a configuration), whether the proxy can listen where asked (:func:`port_problem`), free loopback
ports for the local workers (:func:`local_backends`) and the environment every local worker
shares (:func:`worker_env`).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import ssl
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from explorer import config
from explorer.serve.proxy import Backend

__all__ = [
    "COOKIE_SECRET_ENV",
    "HAPROXY_ENV",
    "INSTALL_HINT",
    "TlsError",
    "check_config",
    "find_haproxy",
    "local_backends",
    "port_problem",
    "tls_problem",
    "worker_env",
    "write_tls_bundle",
]

#: The one line that installs the proxy (Debian and Ubuntu).
INSTALL_HINT: Final[str] = "sudo apt-get install -y haproxy"
#: Environment variable naming the HAProxy executable (default: ``PATH``, then ``/usr/sbin``).
HAPROXY_ENV: Final[str] = "BFE_HAPROXY"
COOKIE_SECRET_ENV: Final[str] = "STREAMLIT_SERVER_COOKIE_SECRET"
_HAPROXY_PLACES: Final[tuple[str, ...]] = ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy")


def find_haproxy() -> str | None:
    """Return the HAProxy executable: ``$BFE_HAPROXY``, on ``PATH``, or in ``/usr/sbin``.

    ``/usr/sbin`` is not on an ordinary user's ``PATH`` on Debian, where the package puts it.

    Examples
    --------
    >>> find_haproxy() is None or find_haproxy().endswith("haproxy")
    True
    """
    override = os.environ.get(HAPROXY_ENV, "").strip()
    if override:
        return override if os.access(override, os.X_OK) else None
    found = shutil.which("haproxy")
    if found:
        return found
    return next((p for p in _HAPROXY_PLACES if os.access(p, os.X_OK)), None)


def port_problem(address: str, port: int) -> str | None:
    """Return why the proxy cannot listen on ``address:port`` (None when it can).

    Examples
    --------
    >>> with socket.socket() as s:
    ...     s.bind(("127.0.0.1", 0)); s.listen(); taken = s.getsockname()[1]
    ...     port_problem("127.0.0.1", taken)
    'port ... is in use on 127.0.0.1'
    """
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((address, port))
        except OSError as exc:
            if exc.errno == 98:  # EADDRINUSE
                return f"port {port} is in use on {address}"
            return f"cannot listen on {address}:{port}: {exc.strerror or exc}"
    return None


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def local_backends(n: int) -> list[Backend]:
    """Return ``n`` local workers ``w1..wN`` on free loopback ports (never on the network)."""
    ports: set[int] = set()
    while len(ports) < n:
        ports.add(_free_loopback_port())
    return [Backend(f"w{i}", "127.0.0.1", p) for i, p in enumerate(sorted(ports), start=1)]


def worker_env(
    base: Mapping[str, str], *, data_dir: Path | None = None, cache_dir: Path | None = None
) -> dict[str, str]:
    """Return the environment every local worker shares: one cookie secret, one cache, one data.

    The secret is taken from ``base`` if set there (so workers on other machines can share it),
    else generated once.

    Examples
    --------
    >>> env = worker_env({}, cache_dir=Path("/tmp/c"))
    >>> len(env["STREAMLIT_SERVER_COOKIE_SECRET"]), env["BFE_CACHE_DIR"]
    (64, '/tmp/c')
    >>> worker_env({"STREAMLIT_SERVER_COOKIE_SECRET": "s"})["STREAMLIT_SERVER_COOKIE_SECRET"]
    's'
    """
    from explorer.web.site import CACHE_ENV, cache_root  # local: only workers need it

    env = dict(base)
    if not env.get(COOKIE_SECRET_ENV, "").strip():
        env[COOKIE_SECRET_ENV] = secrets.token_hex(32)
    env[CACHE_ENV] = str(cache_dir or Path(env.get(CACHE_ENV, "") or cache_root()))
    if data_dir is not None:
        env[config.GEODATA_DIR_ENV] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def check_config(haproxy: str, text: str) -> tuple[bool, str]:
    """Run ``haproxy -c`` on the configuration ``text``; return (valid, HAProxy's output)."""
    with tempfile.TemporaryDirectory(prefix="bfe-serve-") as tmp:
        path = Path(tmp) / "haproxy.cfg"
        path.write_text(text, encoding="utf-8")
        result = subprocess.run(
            [haproxy, "-c", "-f", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    return result.returncode == 0, (result.stdout + result.stderr).strip()


class TlsError(ValueError):
    """Raised for a certificate or key that HTTPS cannot be served with."""


def tls_problem(certfile: Path, keyfile: Path) -> str | None:
    """Return why HTTPS cannot be served with ``certfile`` and ``keyfile`` (None when it can).

    Python's own TLS loads the pair as HAProxy will: a missing or unreadable file, text that is
    not PEM, or a key that does not belong to the certificate is found here, in one line,
    before any process starts.

    Examples
    --------
    >>> tls_problem(Path("/nonexistent/cert.pem"), Path("/nonexistent/key.pem"))
    'certificate file not found: /nonexistent/cert.pem'
    """
    for kind, path in (("certificate", certfile), ("key", keyfile)):
        if not path.is_file():
            return f"{kind} file not found: {path}"
        if not os.access(path, os.R_OK):
            return f"{kind} file not readable: {path}"
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(certfile, keyfile)
    except ssl.SSLError as exc:
        reason = exc.reason or str(exc)
        return f"cannot serve HTTPS with {certfile} and {keyfile}: {reason}"
    except (OSError, ValueError) as exc:
        return f"cannot serve HTTPS with {certfile} and {keyfile}: {exc}"
    return None


def write_tls_bundle(certfile: Path, keyfile: Path, folder: Path) -> Path:
    """Write the certificate chain and its key into one PEM file in ``folder`` (mode 0600).

    HAProxy's ``bind ... ssl crt`` reads both from one file. The file is created readable by
    this user only, before the key is written into it; ``folder`` is serve's private
    temporary folder, removed when it stops.

    Raises
    ------
    TlsError
        When either file cannot be read.
    """
    try:
        cert = certfile.read_bytes()
        key = keyfile.read_bytes()
    except OSError as exc:
        raise TlsError(f"cannot read the certificate or key: {exc.strerror or exc}") from None
    path = folder / "tls.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(cert.rstrip(b"\n") + b"\n" + key.rstrip(b"\n") + b"\n")
    os.chmod(path, 0o600)
    return path
