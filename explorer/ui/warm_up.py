"""A worker's first session, opened as a browser would: ``python -m explorer.ui.warm_up URL``.

The first session of an app process loads and checks the data and writes the layer files (several
seconds on a small machine). ``python -m explorer serve`` runs this once a worker starts, so the
first student sent there (or sent there by a failover) does not wait for it. It speaks Streamlit's
own WebSocket protocol, hence its place beside the interface.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

#: Longest wait for the worker to accept a connection and finish the run.
TIMEOUT_S = 120.0


def warm_up(url: str, timeout_s: float = TIMEOUT_S) -> float | None:
    """Open one session on ``url`` (``http://host:port``) and wait for its first run to finish.

    Connection refusals are retried until the time is up (the worker may still be starting).

    Returns
    -------
    float or None
        Seconds from the first try to the end of the run, or None if it did not finish.
    """
    start = time.monotonic()
    message = BackMsg()
    message.rerun_script.query_string = ""
    message.rerun_script.page_script_hash = ""
    stream = url.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"
    while time.monotonic() - start < timeout_s:
        try:
            with connect(stream, subprotocols=["streamlit"], max_size=None, open_timeout=10) as ws:
                ws.send(message.SerializeToString())
                while True:
                    left = timeout_s - (time.monotonic() - start)
                    if left <= 0:
                        return None
                    raw = ws.recv(timeout=left)
                    forward = ForwardMsg()
                    forward.ParseFromString(raw if isinstance(raw, bytes) else raw.encode())
                    if forward.WhichOneof("type") == "script_finished":
                        return time.monotonic() - start
        except (OSError, TimeoutError):
            time.sleep(0.3)  # not listening yet
        except Exception:  # the run broke the connection: the worker serves, only cold
            return None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Warm the worker at ``argv[0]``; print the seconds it took; exit 0, or 1 on failure."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m explorer.ui.warm_up http://HOST:PORT", file=sys.stderr)
        return 2
    took = warm_up(args[0])
    if took is None:
        return 1
    print(f"{took:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
