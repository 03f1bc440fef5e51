"""``hjemtilhjem schema``: the JSON Schema of the scenario format."""

from __future__ import annotations

import argparse
import json

from ..scenario.schema import Scenario


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    schema = Scenario.model_json_schema(by_alias=True)
    schema["title"] = "hjemtilhjem scenario"
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0
