"""The "Embed this view": an ``<iframe>`` snippet of a permalink in Streamlit's embed mode (pure).

A teacher pastes the snippet into a learning platform or a blog. ``?embed=true`` is Streamlit's
embed mode (no sidebar, no toolbar chrome); the rest of the query is the view's permalink
(:func:`explorer.permalink.to_query`), so the embedded map shows the same layers, date, view and
language. Every value is HTML-escaped (:func:`explorer.text.html_text`): a title or an address
can never close the attribute it sits in.

Embedding by *another site* needs the app served over HTTPS, that site named in the policy's
``frame-ancestors``, and cookies marked ``SameSite=None; Secure`` (``serve --certfile ...
--frame-ancestors https://lms.example.org``; ``docs/deploy.md``).
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urlencode

from explorer import permalink
from explorer.text import html_text

__all__ = ["DEFAULT_SIZE", "SIZES", "embed_snippet", "embed_url"]

#: The sizes offered: id -> (width, height) in CSS pixels; width ``None`` is the full width of
#: the page it is pasted into. Heights keep the map and its legend readable.
SIZES: Final[dict[str, tuple[int | None, int]]] = {
    "small": (640, 480),
    "medium": (800, 600),
    "large": (1024, 768),
    "full": (None, 600),
}
DEFAULT_SIZE: Final[str] = "medium"


def embed_url(app_url: str, state: permalink.State) -> str:
    """Return the address of ``state`` in Streamlit's embed mode.

    Parameters
    ----------
    app_url : str
        The app's address as the browser sees it, ending with ``/`` (no query).
    state : State
        The view (layers, date, centre, zoom, language...).

    Examples
    --------
    >>> import datetime as dt
    >>> s = permalink.State(layers=("borders", "treaty"), date=dt.date(2026, 2, 20))
    >>> embed_url("https://maps.example.org/", s)
    'https://maps.example.org/?embed=true&layers=borders,treaty&date=2026-02-20&lat=...'
    """
    query = {"embed": "true", **permalink.to_query(state)}
    return f"{app_url}?{urlencode(query, safe=',')}"


def embed_snippet(url: str, size: str, title: str) -> str:
    """Return the ``<iframe>`` HTML that shows ``url`` at ``size``, named ``title``.

    Parameters
    ----------
    url : str
        The address to show (:func:`embed_url`).
    size : str
        One of :data:`SIZES`.
    title : str
        The frame's accessible name (screen readers announce it).

    Raises
    ------
    ValueError
        For an unknown size.

    Examples
    --------
    >>> print(embed_snippet("https://m.example/?embed=true&a=1", "small", 'Map "A" <1>'))
    <iframe src="https://m.example/?embed=true&amp;a=1" width="640" height="480" \
style="border: 0;" title="Map &quot;A&quot; &lt;1&gt;" loading="lazy"></iframe>
    >>> 'style="width: 100%; height: 600px; border: 0;"' in embed_snippet("https://m/", "full", "M")
    True
    """
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}: expected one of {', '.join(SIZES)}")
    width, height = SIZES[size]
    if width is None:
        box = f'style="width: 100%; height: {height}px; border: 0;"'
    else:
        box = f'width="{width}" height="{height}" style="border: 0;"'
    src, name = html_text(url), html_text(title)
    return f'<iframe src="{src}" {box} title="{name}" loading="lazy"></iframe>'
