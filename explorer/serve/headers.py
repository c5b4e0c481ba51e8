"""The security headers the proxy sends with every answer: CSP, nosniff, referrer, HSTS.

Pure (text in, text out), except :func:`streamlit_script_hashes` and :func:`site_headers`, which
read the installed Streamlit's ``index.html``. :func:`explorer.serve.proxy.haproxy_config` writes
them as ``http-after-response set-header`` lines, so they are on every answer, the workers',
HAProxy's own (the Lua service's precompressed bundles) and its error pages (413, 503) alike.

The Content-Security-Policy is as strict as the app allows; ``docs/deploy.md`` says why each
allowance is there, as found in Chromium through ``serve`` (``securitypolicyviolation`` events):

- **No outside origin at all**: the app is offline by design, so every source is ``'self'``
  (which covers the page's own WebSocket too) or ``data:``.
- ``script-src 'self'``, the SHA-256 of the one inline script of Streamlit's ``index.html``
  (read from the installed Streamlit: :func:`streamlit_script_hashes`) and
  ``'wasm-unsafe-eval'`` (Streamlit's protobuf decoder compiles WebAssembly; it allows no
  JavaScript ``eval``). No ``'unsafe-inline'``: the app's small ``st.iframe`` controls load
  their scripts from ``explorer/static/``.
- The map component's frame (``/component/...``) alone adds ``'unsafe-eval'``: its measuring
  tool (``leaflet-measure``) compiles its templates with ``new Function``.
- ``style-src 'self' 'unsafe-inline'``: Streamlit's React styling (emotion) writes ``<style>``
  elements at run time and Leaflet positions every tile and path with ``style=""``.
- ``img-src 'self' data:`` and ``font-src 'self' data:``: Streamlit's page icon (an SVG
  ``data:`` URI) and a font its CSS inlines as a ``data:`` URI, each refused without. No
  ``blob:`` and no ``worker-src``: nothing on the pages needed them.
- ``frame-ancestors``: ``'self'`` (the map component's iframe is same-origin) plus the origins a
  deployer lets embed the app (``serve --frame-ancestors https://lms.example.org``).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from typing import Final

__all__ = [
    "HSTS",
    "FrameAncestorError",
    "component_policy",
    "content_security_policy",
    "inline_script_hashes",
    "parse_frame_ancestor",
    "security_headers",
    "site_headers",
    "streamlit_script_hashes",
]

#: ``Strict-Transport-Security`` on HTTPS: browsers use HTTPS only for a year. No
#: ``includeSubDomains``: the app's host name says nothing about its neighbours.
HSTS: Final[str] = "max-age=31536000"
#: The policy's header (set once per answer; the map component's frame gets its own value).
CSP_HEADER: Final[str] = "Content-Security-Policy"
#: Path of Streamlit's custom components (the map's frame), which get their own policy.
COMPONENT_PREFIX: Final[str] = "/component/"
#: Where pages and links are allowed to go without telling: the full address only to this site.
REFERRER_POLICY: Final[str] = "same-origin"

# A source a deployer may name in frame-ancestors: scheme://host[:port], or a wildcard subdomain.
_ORIGIN_RE: Final[re.Pattern[str]] = re.compile(
    r"https?://(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(:\d{1,5})?"
)
_INLINE_SCRIPT_RE: Final[re.Pattern[str]] = re.compile(
    r"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL
)


class FrameAncestorError(ValueError):
    """Raised for a ``--frame-ancestors`` value that is not an origin."""


def parse_frame_ancestor(value: str) -> str:
    """Return an origin allowed to embed the app, as CSP writes it; raise for anything else.

    Parameters
    ----------
    value : str
        ``https://host[:port]`` (``http://`` too; ``https://*.example.org`` for subdomains),
        or ``'self'`` / ``self``.

    Returns
    -------
    str
        The origin in lower case, without a trailing slash.

    Raises
    ------
    FrameAncestorError
        With a one-line reason (a path, a query, a quote, a space or ``*`` alone are refused).

    Examples
    --------
    >>> parse_frame_ancestor("https://LMS.example.org/")
    'https://lms.example.org'
    >>> parse_frame_ancestor("https://*.school.example:8443")
    'https://*.school.example:8443'
    >>> parse_frame_ancestor("*")
    Traceback (most recent call last):
    ...
    explorer.serve.headers.FrameAncestorError: invalid frame ancestor '*': expected an origin \
such as https://lms.example.org
    """
    text = value.strip()
    if text.lower() in ("self", "'self'"):
        return "'self'"
    shown = "".join(c if c.isprintable() else "?" for c in value)[:80]
    text = text[:-1] if text.endswith("/") else text
    match = _ORIGIN_RE.fullmatch(text)
    port = match.group(5) if match else None
    if match is None or (port is not None and not 1 <= int(port[1:]) <= 65535):
        raise FrameAncestorError(
            f"invalid frame ancestor {shown!r}: expected an origin such as https://lms.example.org"
        )
    return text.lower()


def inline_script_hashes(html: str) -> list[str]:
    """Return the CSP hash source of every inline ``<script>`` in ``html`` (in order, unique).

    Examples
    --------
    >>> inline_script_hashes("<script>window.x = 1</script><script src='a.js'></script>")
    ["'sha256-TRQHTtKk2Jz9TNrGZb+BnTJZb+vLVfeW/a0aaZ7avUM='"]
    """
    found: list[str] = []
    for body in _INLINE_SCRIPT_RE.findall(html):
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        source = f"'sha256-{digest}'"
        if source not in found:
            found.append(source)
    return found


def content_security_policy(
    *,
    frame_ancestors: Sequence[str] = (),
    script_hashes: Sequence[str] = (),
    component: bool = False,
) -> str:
    """Return the Content-Security-Policy: only this origin, with the allowances the app needs.

    Parameters
    ----------
    frame_ancestors : sequence of str
        Origins (from :func:`parse_frame_ancestor`) allowed to embed the app, besides itself.
    script_hashes : sequence of str
        Hash sources of the inline scripts allowed (Streamlit's ``index.html``:
        :func:`inline_script_hashes`).
    component : bool, default False
        The policy of the map component's frame (``/component/...``): it also allows
        ``'unsafe-eval'``, which the measuring tool's templates (``leaflet-measure``, lodash
        ``_.template``) need; the page itself never gets it.

    Examples
    --------
    >>> csp = content_security_policy(frame_ancestors=["https://lms.example.org"])
    >>> "frame-ancestors 'self' https://lms.example.org" in csp, "http" in csp.split(";")[0]
    (True, False)
    >>> "'unsafe-eval'" in csp, "'unsafe-eval'" in content_security_policy(component=True)
    (False, True)
    """
    ancestors = " ".join(dict.fromkeys(["'self'", *frame_ancestors]))
    scripts = ["'self'", *script_hashes, "'wasm-unsafe-eval'"]
    if component:
        scripts.append("'unsafe-eval'")
    directives = [
        "default-src 'self'",
        f"script-src {' '.join(scripts)}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {ancestors}",
    ]
    return "; ".join(directives)


def security_headers(
    *, tls: bool, frame_ancestors: Sequence[str] = (), script_hashes: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """Return the headers the proxy sets on every answer, as ``(name, value)`` pairs.

    ``Strict-Transport-Security`` only with ``tls``: sent over plain HTTP it is ignored, and a
    browser must never be told to insist on HTTPS by a server that has none. The map
    component's frame gets :func:`component_policy` instead of this policy.

    Examples
    --------
    >>> [name for name, _ in security_headers(tls=False)]
    ['Content-Security-Policy', 'X-Content-Type-Options', 'Referrer-Policy']
    >>> security_headers(tls=True)[-1]
    ('Strict-Transport-Security', 'max-age=31536000')
    """
    headers = [
        (
            CSP_HEADER,
            content_security_policy(frame_ancestors=frame_ancestors, script_hashes=script_hashes),
        ),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", REFERRER_POLICY),
    ]
    if tls:
        headers.append(("Strict-Transport-Security", HSTS))
    return headers


def component_policy(frame_ancestors: Sequence[str] = ()) -> tuple[str, str, str]:
    """Return ``(path prefix, header, value)``: the map component frame's own policy.

    Examples
    --------
    >>> component_policy()[0]
    '/component/'
    """
    return (
        COMPONENT_PREFIX,
        CSP_HEADER,
        content_security_policy(frame_ancestors=frame_ancestors, component=True),
    )


def streamlit_script_hashes() -> list[str]:
    """Return the hashes of the inline scripts in the installed Streamlit's ``index.html``.

    Examples
    --------
    >>> all(h.startswith("'sha256-") for h in streamlit_script_hashes())
    True
    """
    from explorer.serve.static import streamlit_static_dir  # local: reads the installed files

    folder = streamlit_static_dir()
    if folder is None:
        return []
    return inline_script_hashes((folder / "index.html").read_text(encoding="utf-8"))


def site_headers(
    *, tls: bool, frame_ancestors: Sequence[str] = ()
) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """Return what ``serve`` gives the proxy: headers for every answer, and per path prefix.

    The first list is :func:`security_headers` with the installed Streamlit's script hashes;
    the second holds :func:`component_policy`.
    """
    every = security_headers(
        tls=tls, frame_ancestors=frame_ancestors, script_hashes=streamlit_script_hashes()
    )
    return every, [component_policy(frame_ancestors)]
