"""The commands that run the map app: ``app`` (one Streamlit process) and ``serve`` (several).

``serve`` puts local workers (and ``--backend`` workers elsewhere) behind HAProxy; the package
that does it, :mod:`explorer.serve`, is imported only when the command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from explorer import config
from explorer.commands import EXIT_INVALID, EXIT_OK, EXIT_USAGE

__all__ = ["run_app", "run_serve"]


def run_app(args: argparse.Namespace) -> int:
    """Become the Streamlit server (exec): no child is left behind whatever signal stops it.

    With a child process, SIGTERM to this command ended only this process and left Streamlit
    listening on the port; after ``exec`` there is one process, and Streamlit's own handlers
    shut it down cleanly on SIGTERM and SIGINT.

    It works from any folder and from an installed package alike: the script is the package's own
    ``app.py`` (Streamlit serves the ``static/`` folder beside it) and every server option is
    passed on the command line (:func:`explorer.config.server_options`), so nothing depends on a
    ``.streamlit/config.toml``, which an installed copy does not have. The server runs in
    :data:`explorer.config.ROOT` (the repository, or ``site-packages``), where its child
    processes import this same copy of the package.
    """
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(config.APP_SCRIPT),
        "--server.port", str(args.port), *config.server_options(),
    ]  # fmt: skip
    if args.address:
        cmd += ["--server.address", args.address]
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(config.ROOT)
    os.execv(sys.executable, cmd)
    return EXIT_OK  # not reached: execv only returns by raising OSError


def run_serve(args: argparse.Namespace) -> int:
    """Start the workers and HAProxy and supervise them until stopped (or ``--check``)."""
    from explorer import serve  # local: only this command runs processes

    prog = "python -m explorer serve"
    n_local = (
        args.workers if args.workers is not None else (0 if args.backend else os.cpu_count() or 1)
    )
    if n_local == 0 and not args.backend:
        print(f"{prog}: error: nothing to serve: give --workers 1 or more, or --backend "
              "(see --help)", file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    names = [b.name for b in args.backend]
    if len(set(names)) != len(names):
        print(f"{prog}: error: a backend is given twice (see --help)", file=sys.stderr)
        return EXIT_USAGE
    haproxy = serve.find_haproxy()
    if haproxy is None:
        print(f"{prog}: error: HAProxy not found; install it with: {serve.INSTALL_HINT}",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    tls = None
    if args.certfile or args.keyfile:
        if not (args.certfile and args.keyfile):
            print(f"{prog}: error: HTTPS needs both --certfile and --keyfile (see --help)",
                  file=sys.stderr)  # fmt: skip
            return EXIT_USAGE
        problem = serve.tls_problem(args.certfile, args.keyfile)
        if problem:
            print(f"{prog}: error: {problem}", file=sys.stderr)
            return EXIT_USAGE
        tls = (args.certfile, args.keyfile)
    local = serve.local_backends(n_local)
    if args.check:
        from explorer.web.site import cache_root

        with tempfile.TemporaryDirectory(prefix="bfe-serve-check-") as tmp:
            pem = serve.write_tls_bundle(*tls, Path(tmp)) if tls else None
            every, by_path = serve.site_headers(
                tls=tls is not None, frame_ancestors=args.frame_ancestors
            )
            text = serve.haproxy_config(
                [*local, *args.backend],
                port=args.port,
                address=args.address,
                static=serve.static_files(Path(tmp), cache_root()),
                headers=every,
                path_headers=by_path,
                max_body_bytes=config.max_request_body_bytes(),
                tls_pem=str(pem) if pem else None,
            )
            print(text, end="")
            valid, output = serve.check_config(haproxy, text)
        print(output, file=sys.stderr)
        return EXIT_OK if valid else EXIT_INVALID
    problem = serve.port_problem(args.address, args.port)
    if problem:
        print(f"{prog}: error: {problem} (see --help)", file=sys.stderr)
        return EXIT_USAGE
    env = serve.worker_env(os.environ, data_dir=args.data)
    supervisor = serve.Supervisor(
        haproxy,
        local=local,
        remote=args.backend,
        port=args.port,
        address=args.address,
        env=env,
        tls=tls,
        frame_ancestors=args.frame_ancestors,
    )
    return supervisor.run()
