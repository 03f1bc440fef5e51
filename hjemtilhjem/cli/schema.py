"""``hjemtilhjem schema``: the JSON Schema of the scenario format."""

from __future__ import annotations

import argparse
import json

from ..scenario.loader import REMOVABLE
from ..scenario.schema import Scenario


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    schema = Scenario.model_json_schema(by_alias=True)
    schema["title"] = "hjemtilhjem scenario"
    # read by the loader before validation (scenario/loader.py): inherited entries to take out of the base
    schema.setdefault("properties", {})["remove"] = {
        "type": "object", "additionalProperties": False,
        "description": "with extends: names of inherited entries to remove before this file's tables merge in",
        "properties": {kind: {"type": "array", "items": {"type": "string"}} for kind in REMOVABLE}}
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0
