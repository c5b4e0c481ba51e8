"""``python -m explorer serve``: several app workers behind HAProxy, supervised, stopped together.

One Streamlit process runs every session under one GIL; a class or a site needs several. This
package starts ``N`` local workers (``python -m explorer app`` on loopback ports), writes the
proxy's configuration into a temporary folder and runs HAProxy in the foreground as a child. It
then watches: a worker that dies is started again (with a growing delay if it keeps dying), and on
Ctrl-C or SIGTERM every process it started is stopped and the folder removed. Workers on other
machines (``--backend host:port``) are only health-checked by the proxy: systemd or Kubernetes
supervises them there.

Every local worker gets the same ``STREAMLIT_SERVER_COOKIE_SECRET`` (Streamlit refuses it as a
command-line flag), the same cache folder (layer files are named by a hash of their bytes, so every
worker serves the same names) and the same data folder.

The parts:

- :mod:`~explorer.serve.proxy`: the HAProxy configuration text, and :class:`Backend` (pure).
- :mod:`~explorer.serve.headers`: the security headers (CSP, nosniff, referrer, HSTS) (pure).
- :mod:`~explorer.serve.static`: Streamlit's bundles gzipped once, and the Lua service that
  lets HAProxy answer them from memory.
- :mod:`~explorer.serve.prepare`: what is needed from this machine first: the HAProxy
  executable, the port, free loopback ports and the workers' shared environment.
- :mod:`~explorer.serve.children`: one started process and its restart delays.
- :mod:`~explorer.serve.supervisor`: :class:`Supervisor`, which runs them all.

The command line imports this package only for the ``serve`` command.
"""

from __future__ import annotations

from explorer.serve.headers import (
    FrameAncestorError,
    parse_frame_ancestor,
    security_headers,
    site_headers,
)
from explorer.serve.prepare import (
    INSTALL_HINT,
    check_config,
    find_haproxy,
    local_backends,
    port_problem,
    tls_problem,
    worker_env,
    write_tls_bundle,
)
from explorer.serve.proxy import (
    COOKIE_NAME,
    HEALTH_PATH,
    IMMUTABLE_PATH_RE,
    Backend,
    BackendError,
    haproxy_config,
    parse_backend,
)
from explorer.serve.static import precompress, static_files, streamlit_static_dir, write_lua
from explorer.serve.supervisor import Supervisor

__all__ = [
    "COOKIE_NAME",
    "HEALTH_PATH",
    "IMMUTABLE_PATH_RE",
    "INSTALL_HINT",
    "Backend",
    "BackendError",
    "FrameAncestorError",
    "Supervisor",
    "check_config",
    "find_haproxy",
    "haproxy_config",
    "local_backends",
    "parse_backend",
    "parse_frame_ancestor",
    "port_problem",
    "precompress",
    "security_headers",
    "site_headers",
    "static_files",
    "streamlit_static_dir",
    "tls_problem",
    "worker_env",
    "write_lua",
    "write_tls_bundle",
]
