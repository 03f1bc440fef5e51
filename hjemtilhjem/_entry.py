"""The ``hjemtilhjem`` console script and ``python -m hjemtilhjem``: signal handlers first, imports after.

Loading the command line (numpy, scipy, pydantic, simpy, the commands) takes one to several seconds. A
Ctrl-C in that time used to end in a KeyboardInterrupt traceback, a SIGTERM in a bare kill. So the
handlers go in before anything heavy is imported, and until the command line takes over
(:func:`cleanup_on_signals`) SIGINT and SIGTERM write one line and exit at once with 130 / 143: nothing
has been written yet, so there is nothing to clean up, and no library's ``except`` can swallow the
interrupt. Once a command runs, the signals raise ``KeyboardInterrupt`` / ``SystemExit(143)`` instead,
so that it removes its unfinished results folder and stops its workers on the way out.

This module imports only what the interpreter has already loaded at start-up: ``_signal`` is the core
of :mod:`signal`, whose ``enum`` import alone takes some 20 ms. A signal in the interpreter's own first
milliseconds, before any of this code runs, still ends the process by its default action (a shell
reports 130 / 143 there too, with no output).
"""

import _signal
import os

#: exit status and stderr line per signal
_EXIT = {_signal.SIGINT: 130, _signal.SIGTERM: 143}
_LINE = {_signal.SIGINT: "hjemtilhjem: interrupted; no results folder was completed\n",
         _signal.SIGTERM: "hjemtilhjem: terminated; no results folder was completed\n"}


def _exit_now(signum: int, frame: object) -> None:
    os.write(2, _LINE[signum].encode())
    os._exit(_EXIT[signum])


def _exit_quietly(signum: int, frame: object) -> None:
    os._exit(_EXIT[signum])


def _on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(143)


def _handle(handler: object) -> None:
    """``handler`` for SIGTERM, and for SIGINT unless it is ignored (a background job, ``nohup``)."""
    if _signal.getsignal(_signal.SIGINT) is not _signal.SIG_IGN:
        _signal.signal(_signal.SIGINT, handler)
    _signal.signal(_signal.SIGTERM, handler)


def cleanup_on_signals() -> None:
    """From now on SIGINT raises ``KeyboardInterrupt`` and SIGTERM ``SystemExit(143)``, so that a command
    cleans up on its way out. A SIGINT handler the caller installed (other than ours) is left alone."""
    if _signal.getsignal(_signal.SIGINT) in (_exit_now, _exit_quietly):
        _signal.signal(_signal.SIGINT, _signal.default_int_handler)
    _signal.signal(_signal.SIGTERM, _on_sigterm)


def main() -> int:
    _handle(_exit_now)
    try:
        from .cli import main as cli_main

        return cli_main()
    except KeyboardInterrupt:  # only in the instant between two handlers: the command line catches the rest
        os.write(2, _LINE[_signal.SIGINT].encode())
        return 130
    finally:
        # The line, if any, is written. A second signal while the interpreter shuts down (joining the
        # pool's threads, atexit) ends it at once, without another line or a traceback.
        _handle(_exit_quietly)
