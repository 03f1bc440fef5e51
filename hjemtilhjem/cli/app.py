"""``hjemtilhjem app``: the FSU meeting app in the browser (local, offline).

Starts the Streamlit server on 127.0.0.1 (``--host`` only when given explicitly: then others on the network can
reach it, and it says so), prints the address and opens the browser unless ``--no-browser``. The app reads
scenarios only under ``--scenarios`` folders (default ``scenarios/`` here) and writes only under ``--out``
(default ``results/``). Streamlit is an optional extra (``pip install 'hjemtilhjem[app]'``) and is imported only
by the server process, never when the command line starts.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from .common import UsageError

#: Streamlit settings: no usage statistics, nothing fetched from the internet, no file watcher, no CORS
SERVER_FLAGS = ("--server.headless=true", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
                "--server.runOnSave=false", "--global.developmentMode=false", "--client.toolbarMode=minimal",
                "--server.enableXsrfProtection=true", "--server.maxUploadSize=5",
                "--theme.base=light")


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("app", help="the FSU meeting app in the browser (local, offline)",
                       description="Start the meeting app: choose a health community, see the baseline, build a "
                                   "scenario (interventions, capacities, shared pools) and compare it with the "
                                   "baseline on common random numbers, in Norwegian or English. Listens on "
                                   "127.0.0.1 unless --host is given; needs the extra: pip install "
                                   "'hjemtilhjem[app]'.")
    p.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    p.add_argument("--host", default=None,
                   help="address to listen on (default 127.0.0.1, this machine only); e.g. 0.0.0.0 lets others on "
                        "the network reach the app")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument("--scenarios", action="append", default=[], metavar="DIR",
                   help="a folder of scenario files the app may read (repeatable; default: scenarios/)")
    p.add_argument("--out", default="results", metavar="DIR",
                   help="the folder the app writes results into (default: results/)")
    p.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: every core)")
    p.set_defaults(func=main)


def _wait_for(host: str, port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> bool:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def server_command(port: int, host: str) -> list[str]:
    page = Path(__file__).resolve().parent.parent / "app" / "page.py"
    return [sys.executable, "-m", "streamlit", "run", str(page), f"--server.port={port}",
            f"--server.address={host}", *SERVER_FLAGS]


def main(args: argparse.Namespace) -> int:
    import importlib.util

    if importlib.util.find_spec("streamlit") is None:
        raise UsageError("hjemtilhjem app: the app needs Streamlit: pip install 'hjemtilhjem[app]' "
                         "(or make app)")
    roots = args.scenarios or ["scenarios"]
    for r in roots:
        if not Path(r).is_dir():
            raise UsageError(f"hjemtilhjem app: --scenarios {r}: not a folder")
    from .common import check_output_folder

    check_output_folder(args.out)
    host = args.host or "127.0.0.1"
    env = dict(os.environ)
    env.update({"HJEMTILHJEM_APP_SCENARIOS": os.pathsep.join(str(Path(r).resolve()) for r in roots),
                "HJEMTILHJEM_APP_OUT": str(Path(args.out).resolve()),
                "HJEMTILHJEM_APP_JOBS": str(args.jobs or ""),
                "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"})
    proc = subprocess.Popen(server_command(args.port, host), env=env, stdout=subprocess.DEVNULL)
    try:
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        url = f"http://{shown}:{args.port}"
        if not _wait_for(shown, args.port, proc):
            proc.terminate()
            print(f"hjemtilhjem app: the server did not start on {host}:{args.port} (is the port in use? "
                  "try --port)", file=sys.stderr)
            return 1
        print(f"hjemtilhjem app: {url}  (Ctrl-C stops it)", flush=True)
        if args.host is not None:
            print(f"hjemtilhjem app: listening on {host}: others on the network can reach this app", flush=True)
        if not args.no_browser:
            import webbrowser

            webbrowser.open(url)
        return proc.wait()
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
