"""Command line: argument parsing, progress, exit codes (0 ok, 2 bad input, 1 unexpected failure).

Each command lives in its own module with ``add_parser(subparsers)`` and ``main(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from .._entry import cleanup_on_signals
from ..model.errors import UnstableScenario
from ..scenario.loader import ScenarioError
from ..version import __version__
from .common import UsageError

__all__ = ["main", "build_parser"]

#: command modules, in the order ``--help`` lists them
COMMANDS = ("init", "run", "compare", "validate", "report", "schema", "sweep", "calibrate", "app")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one clear line, exit 2, no traceback
        self.print_usage(sys.stderr)
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="hjemtilhjem", description="Simulate the hjem-til-hjem patient pathway.")
    parser.add_argument("--version", action="version", version=f"hjemtilhjem {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                continue  # command not built yet
            raise
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        # Loads every command. From the console script the signals so far exit at once (``_entry``): nothing
        # to clean up yet; from here on they unwind (KeyboardInterrupt, SystemExit(143)) to the handlers below.
        parser = build_parser()
        cleanup_on_signals()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help(sys.stderr)
            return 2
        return int(args.func(args) or 0)
    except ScenarioError as exc:
        for line in exc.messages:
            print(line, file=sys.stderr)
        return 2
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except UnstableScenario as exc:  # a scenario problem: no steady state
        print(f"hjemtilhjem: unstable scenario: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("hjemtilhjem: interrupted; no results folder was completed", file=sys.stderr)
        return 130
    except SystemExit as exc:
        if exc.code == 143:
            print("hjemtilhjem: terminated; no results folder was completed", file=sys.stderr)
        raise
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - last resort: one line, exit 1
        print(f"hjemtilhjem: unexpected error: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
