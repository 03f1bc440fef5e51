"""Load scenario files: TOML, ``extends`` chains, merge rules, ``--set`` overrides, validation.

Every error is reported at once as ``file:key.path: message``. A key path uses names, not
positions, for arrays of named tables: ``municipality.Larvik.kad_beds``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from .keys import MODEL_NAMES, allowed_keys, did_you_mean, key_problem, model_at, type_message
from .schema import Scenario

__all__ = ["ScenarioError", "LoadedScenario", "load_scenario", "load_data", "merged_data", "parse_override",
           "scenario_sha256"]

Path_ = tuple[str, ...]


class ScenarioError(Exception):
    """Bad input: one or more ``file:key.path: message`` lines."""

    def __init__(self, messages: Iterable[str]):
        # one line per message, even when a key or name holds a line break or other control character
        self.messages = ["".join(c if c.isprintable() else repr(c)[1:-1] for c in m) for m in messages]
        super().__init__("\n".join(self.messages))


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with where it came from."""

    scenario: Scenario
    path: Path
    files: tuple[Path, ...]  # the file and every file it extends, outermost first
    overrides: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def sha256(self) -> str:
        return scenario_sha256(self.scenario)

    def resolved_toml(self) -> str:
        return resolved_toml(self.scenario)


def scenario_sha256(scenario: Scenario) -> str:
    """SHA-256 of the resolved scenario (canonical JSON), stable under formatting and comments."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude={"extends"})
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _drop_none(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _drop_none(v) for k, v in x.items() if v is not None}
    if isinstance(x, list):
        return [_drop_none(v) for v in x]
    return x


def resolved_toml(scenario: Scenario) -> str:
    data = _drop_none(scenario.model_dump(mode="json", by_alias=True, exclude={"extends"}))
    return tomli_w.dumps(data)


# ------------------------------------------------------------------------------------------ reading
def _read_toml(path: Path, shown: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([f"{shown}: file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{shown}: cannot read file ({exc.__class__.__name__}: {exc})"]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"{shown}: TOML syntax error: {exc}"]) from None


def _is_named_list(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) and isinstance(x.get("name"), str) for x in v)


def _record(origins: dict[Path_, str], data: Any, prefix: Path_, shown: str) -> None:
    """Remember which file set each key (leaf paths and named list elements)."""
    origins[prefix] = shown
    if isinstance(data, dict):
        for k, v in data.items():
            _record(origins, v, (*prefix, str(k)), shown)
    elif _is_named_list(data):
        for item in data:
            _record(origins, item, (*prefix, item["name"]), shown)


def _merge(base: Any, over: Any) -> Any:
    """Tables merge key by key; arrays of named tables merge by name (new names append). A single named table
    (``[hospital]``) extended by an array (``[[hospital]]``) counts as an array of one."""
    if isinstance(base, dict) and isinstance(base.get("name"), str) and _is_named_list(over):
        base = [base]
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _merge(base[k], v) if k in base else copy.deepcopy(v)
        return out
    if _is_named_list(base) and _is_named_list(over):
        out_list = [copy.deepcopy(x) for x in base]
        index = {x["name"]: i for i, x in enumerate(out_list)}
        for item in over:
            if item["name"] in index:
                out_list[index[item["name"]]] = _merge(out_list[index[item["name"]]], item)
            else:
                out_list.append(copy.deepcopy(item))
        return out_list
    return copy.deepcopy(over)


#: what ``remove`` can take out of an inherited scenario
REMOVABLE = ("municipality", "hospital", "pool", "group", "intervention")


def _remove(base: dict[str, Any], spec: Any, shown: str) -> dict[str, Any]:
    """``base`` without the named entries of ``remove = { municipality = ["Jevnaker"], ... }``.

    A removed municipality also leaves the hospitals' catchments and the pools' members; a removed group leaves
    interventions' targets. An entry left with nothing (a hospital with an empty catchment, a pool with no members,
    an intervention whose targets were all removed, which would then target everyone) is an error naming it, as is
    a name the base does not have.
    """
    if not isinstance(spec, dict):
        raise ScenarioError([f"{shown}:remove: must be a table, e.g. remove = {{ municipality = [\"Jevnaker\"] }}"])
    out = copy.deepcopy(base)
    errors: list[str] = []
    gone: dict[str, set[str]] = {}
    for kind, names in spec.items():
        if kind not in REMOVABLE:
            errors.append(f"{shown}:remove.{kind}: cannot remove {kind!r}{did_you_mean(kind, REMOVABLE)}; "
                          f"use one of {', '.join(REMOVABLE)}")
            continue
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            errors.append(f"{shown}:remove.{kind}: must be a list of names, e.g. [\"{kind}_name\"]")
            continue
        items = out.get(kind)
        if isinstance(items, dict):
            items = [items]  # a single [hospital] table
        items = items if isinstance(items, list) else []
        have = [str(x.get("name")) for x in items if isinstance(x, dict)]
        for name in names:
            if name not in have:
                hint = did_you_mean(name, have) or (f" (the base has {', '.join(have)})" if have else "")
                errors.append(f"{shown}:remove.{kind}: the base scenario has no {kind} {name!r}{hint}")
        drop = set(names)
        kept = [x for x in items if not (isinstance(x, dict) and x.get("name") in drop)]
        if kind == "hospital" and not kept:
            errors.append(f"{shown}:remove.hospital: every hospital would be removed; a scenario needs one")
        out[kind] = kept
        gone[kind] = drop
    munis, groups = gone.get("municipality", set()), gone.get("group", set())
    if munis:
        hospitals = out.get("hospital")
        for h in hospitals if isinstance(hospitals, list) else [hospitals] if isinstance(hospitals, dict) else []:
            catchment = h.get("catchment")
            if isinstance(catchment, dict) and catchment:
                h["catchment"] = {m: v for m, v in catchment.items() if m not in munis}
                if not h["catchment"]:
                    errors.append(f"{shown}:remove.municipality: hospital {h.get('name')!r} serves only removed "
                                  f"municipalities ({', '.join(sorted(catchment))}); remove it too: "
                                  f"remove.hospital = [\"{h.get('name')}\"]")
        for p in out.get("pool", []) or []:
            members = p.get("members")
            if isinstance(members, list):
                p["members"] = [m for m in members if m not in munis]
                if not p["members"]:
                    errors.append(f"{shown}:remove.municipality: pool {p.get('name')!r} has no member left; remove it "
                                  f"too: remove.pool = [\"{p.get('name')}\"]")
    for iv in out.get("intervention", []) or []:
        targets = iv.get("targets") if isinstance(iv, dict) else None
        if not isinstance(targets, dict):
            continue
        for key, removed in (("municipalities", munis), ("groups", groups)):
            listed = targets.get(key)
            if removed and isinstance(listed, list) and any(x in removed for x in listed):
                targets[key] = [x for x in listed if x not in removed]
                if not targets[key]:
                    errors.append(f"{shown}:remove: intervention {iv.get('name')!r} targets only removed {key} "
                                  f"({', '.join(listed)}) and would then target all; remove it too or give its "
                                  f"targets.{key}")
    if errors:
        raise ScenarioError(errors)
    return out


def _name_single_hospital(base: dict[str, Any], own: dict[str, Any], shown: str) -> dict[str, Any]:
    """A ``[hospital]`` table without a name over a base with ``[[hospital]]`` entries changes the base's only
    hospital; with several it is an error naming them (it would otherwise replace them all)."""
    over, under = own.get("hospital"), base.get("hospital")
    if not (isinstance(over, dict) and "name" not in over and _is_named_list(under)):
        return own
    names = [h["name"] for h in under or []]
    if len(names) > 1:
        raise ScenarioError([f"{shown}:hospital: the base scenario has {len(names)} hospitals "
                             f"({', '.join(repr(n) for n in names)}); to change one, write [[hospital]] with its "
                             f"name, e.g. name = \"{names[0]}\""])
    return {**own, "hospital": [{**over, "name": names[0]}]}


def _load_chain(path: Path, shown: str, origins: dict[Path_, str],
                seen: list[Path]) -> tuple[dict[str, Any], list[Path]]:
    real = path.resolve()
    if real in seen:
        raise ScenarioError([f"{shown}:extends: circular extends ({' -> '.join(p.name for p in [*seen, real])})"])
    data = _read_toml(path, shown)
    if not data:
        raise ScenarioError([f"{shown}: the file is empty"])
    own = {k: v for k, v in data.items() if k not in ("extends", "remove")}
    files = [path]
    parent = data.get("extends")
    if "remove" in data and parent is None:
        raise ScenarioError([f"{shown}:remove: removes inherited entries, so it needs extends = \"...\""])
    if parent is not None:
        if not isinstance(parent, str):
            raise ScenarioError([f"{shown}:extends: must be a path (string)"])
        parent_path = path.parent / parent
        try:
            found = parent_path.is_file()
        except (OSError, ValueError) as exc:  # name too long, NUL byte, ...
            raise ScenarioError([f"{shown}:extends: cannot use {parent!r} as a path ({exc})"]) from None
        if not found:
            raise ScenarioError([f"{shown}:extends: {parent_path}: file not found"])
        base, parent_files = _load_chain(parent_path, str(parent_path), origins, [*seen, real])
        files.extend(parent_files)
        if "remove" in data:
            base = _remove(base, data["remove"], shown)
        own = _name_single_hospital(base, own, shown)
        data = _merge(base, own)
    _record(origins, own, (), shown)
    return data, files


def merged_data(path: str | Path) -> tuple[dict[str, Any], tuple[Path, ...], dict[Path_, str]]:
    """A scenario file merged with every file it extends, not yet validated.

    Returns the data, the files (outermost first) and which file set each key path.
    Raises :class:`ScenarioError` when a file cannot be read or parsed, is empty, or ``extends`` is bad.
    """
    path = Path(path)
    origins: dict[Path_, str] = {}
    data, files = _load_chain(path, str(path), origins, [])
    return data, tuple(files), origins


# ------------------------------------------------------------------------------------------ overrides
def parse_override(text: str) -> tuple[Path_, Any]:
    """Parse ``key.path=value``; the value is read as TOML (number, bool, string, array, table)."""
    if "=" not in text:
        raise ValueError(f"--set {text!r}: expected key.path=value")
    key, _, raw = text.partition("=")
    key = key.strip()
    if not key or any(not part for part in key.split(".")):
        raise ValueError(f"--set {text!r}: empty key")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return tuple(key.split(".")), value


def _apply_override(data: dict[str, Any], path: Path_, value: Any) -> str | None:
    node: Any = data
    for i, part in enumerate(path):
        last = i == len(path) - 1
        if isinstance(node, list):
            match = [x for x in node if isinstance(x, dict) and x.get("name") == part]
            if not match:
                names = [str(x.get("name")) for x in node if isinstance(x, dict)]
                hint = did_you_mean(part, names) or f" (have {', '.join(names)})"
                return f"{'.'.join(path[:i])}: no entry named {part!r}{hint}"
            if last:
                return f"{'.'.join(path)}: cannot replace a whole entry; set one of its keys"
            node = match[0]
        elif isinstance(node, dict):
            if last:
                node[part] = value
                return None
            if part not in node:
                node[part] = {}
            node = node[part]
        else:
            return f"{'.'.join(path[:i])}: is a value, not a table"
    return None


# ------------------------------------------------------------------------------------------ validation
_SCALARS = {"float", "int", "str", "bool"}


def _branch_fits(label: str, node: Any) -> bool | None:
    """Whether the union branch ``label`` of a pydantic location fits the value given (``None``: not a branch)."""
    if label in _SCALARS:
        return not isinstance(node, (dict, list))
    if label.startswith(("list[", "tuple[", "set[")):
        return isinstance(node, list)
    if label.startswith(("dict[", "tagged-union[")) or label in MODEL_NAMES:
        return isinstance(node, dict)
    if "[" in label:
        return True  # function-after[...] and the like: cannot tell
    return None


def _walk(data: Any, loc: tuple[Any, ...]) -> tuple[Path_, list[tuple[tuple[Any, ...], bool]]]:
    """The key path shown for a pydantic location (names for named array items, union branches and
    ``dist`` tags left out), and the union branches on the way: ``(location before it, fits the value)``."""
    out: list[str] = []
    branches: list[tuple[tuple[Any, ...], bool]] = []
    node = data
    for i, part in enumerate(loc):
        if isinstance(part, int) and isinstance(node, list):
            item = node[part] if part < len(node) else None
            name = item.get("name") if isinstance(item, dict) else None
            out.append(str(name) if isinstance(name, str) else str(part))
            node = item
        elif isinstance(node, dict) and part in node:
            out.append(str(part))
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and node.get("dist") == part:
            continue  # pydantic adds the union tag (e.g. 'lognormal') to the location; it is not a key
        elif isinstance(part, str) and (fits := _branch_fits(part, node)) is not None:
            branches.append((loc[:i], fits))
        else:
            out.append(str(part))
            node = None
    return tuple(out), branches


def _origin(origins: Mapping[Path_, str], path: Path_, default: str) -> str:
    for n in range(len(path), 0, -1):
        if path[:n] in origins:
            return origins[path[:n]]
    return default


_MESSAGES = {
    "extra_forbidden": "unknown key (check the spelling; see `hjemtilhjem schema`)",
    "missing": "required key is missing",
}


def _format_errors(exc: ValidationError, data: dict[str, Any], origins: Mapping[Path_, str],
                   shown: str) -> list[str]:
    lines: list[str] = []
    errors = exc.errors(include_url=False)
    walked = [_walk(data, err["loc"]) for err in errors]
    # a value that may be one of several kinds (an effect: 0.8 or { dist = "lognormal_ci", ... }; one
    # [hospital] or several [[hospital]]) and is wrong fails every branch: keep the errors of the branch that
    # fits what was given, unless none does
    fitting = {prefix for _, points in walked for prefix, fits in points if fits}
    for err, (path, points) in zip(errors, walked, strict=True):
        if any(not fits and prefix in fitting for prefix, fits in points):
            continue
        raw_loc = err["loc"]
        msg = _MESSAGES.get(err["type"], err["msg"])
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        if err["type"] == "value_error" and not path:
            # cross-field checks come as 'key.path: message; key.path: message'
            for part in msg.split("; "):
                key, sep, text = part.partition(": ")
                p = tuple(key.split(".")) if sep else ()
                lines.append(f"{_origin(origins, p, shown)}:{key if sep else '(scenario)'}: {text if sep else part}")
            continue
        if err["type"] == "union_tag_invalid":
            msg = f"unknown dist {err.get('input', {}).get('dist')!r}; use one of {err['ctx']['expected_tags']}"
        elif err["type"] == "union_tag_not_found":
            msg = "missing 'dist' (e.g. dist = \"lognormal\")"
        elif err["type"] == "extra_forbidden" and raw_loc:
            allowed = [k for tp in model_at(raw_loc[:-1]) for k in allowed_keys([tp])]
            hint = did_you_mean(str(raw_loc[-1]), allowed)
            if hint:
                msg = f"unknown key{hint}"
        else:
            msg = type_message(err["type"], err.get("input")) or msg
        key = ".".join(path) if path else "(scenario)"
        lines.append(f"{_origin(origins, path, shown)}:{key}: {msg}")
    seen: set[str] = set()
    return [x for x in lines if not (x in seen or seen.add(x))]  # type: ignore[func-returns-value]


def _override(data: dict[str, Any], origins: dict[Path_, str], text: str, shown: str) -> str | None:
    """Apply one ``key.path=value`` to ``data``; the problem as a ``file:key.path: message`` line, if any."""
    try:
        key, value = parse_override(text)
    except ValueError as exc:
        return f"{shown}:{exc}"
    found = key_problem(data, key)
    if found:
        where, what, hint = found
        return f"--set:{where}: {what}{hint}"
    problem = _apply_override(data, key, value)
    if problem:
        return f"--set:{problem}"
    for n in range(len(key), 0, -1):  # and the tables it created
        if n < len(key) and key[:n] in origins:
            break
        origins[key[:n]] = "--set"
    return None


def load_data(data: Mapping[str, Any], overrides: Iterable[str] = (), *, path: str | Path = "<python>",
              files: Iterable[Path] = (), origins: Mapping[Path_, str] | None = None) -> LoadedScenario:
    """Validate scenario data (as read from TOML) after applying ``key.path=value`` overrides.

    ``origins`` (key path -> file) lets errors name the file that set a key; ``path`` is the default.
    Raises :class:`ScenarioError` with every problem found.
    """
    shown = str(path)
    work: dict[str, Any] = copy.deepcopy(dict(data))
    where = dict(origins or {})
    overrides = tuple(overrides)
    errors = [line for text in overrides if (line := _override(work, where, text, shown))]
    try:
        scenario = Scenario.model_validate(work)
    except ValidationError as exc:
        errors.extend(_format_errors(exc, work, where, shown))
        raise ScenarioError(errors) from None
    if errors:
        raise ScenarioError(errors)
    return LoadedScenario(scenario=scenario, path=Path(path), files=tuple(files), overrides=overrides, raw=work)


def load_scenario(path: str | Path, overrides: Iterable[str] = ()) -> LoadedScenario:
    """Read, merge and validate a scenario file.

    Parameters
    ----------
    path
        The TOML file. ``extends`` paths are relative to the file that names them.
    overrides
        ``key.path=value`` strings applied after merging (the CLI's ``--set``).

    Raises
    ------
    ScenarioError
        With every problem found, one ``file:key.path: message`` line each.
    """
    path = Path(path)
    data, files, origins = merged_data(path)
    return load_data(data, overrides, path=path, files=files, origins=origins)
