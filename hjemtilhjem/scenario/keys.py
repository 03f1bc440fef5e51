"""Key paths against the schema: which keys a table allows, whether a ``--set`` path names a key, and
"did you mean" hints for misspelt keys and names.

A key path uses names for arrays of named tables (``municipality.Larvik.kad_beds``), as in
:mod:`.loader`. A key is *known* in a scenario when its path resolves in the scenario's merged data
(a named entry must exist) or, where the data stops, is a field the schema allows there (so a
``--set`` may give a key that no file sets, such as ``triage.kad_share``).
"""

from __future__ import annotations

import difflib
import tomllib
import types
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from .schema import Scenario

__all__ = ["MODEL_NAMES", "did_you_mean", "allowed_keys", "model_at", "key_problem", "type_message"]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` or ``" (did you mean 'x' or 'y'?)"``, or ``""`` when nothing is close."""
    close = difflib.get_close_matches(word, sorted(set(choices)), n=3, cutoff=0.6)
    if not close:
        # names differ in case more often than in letters ('larvik' for 'Larvik')
        folded = {c.casefold(): c for c in choices}
        close = [folded[x] for x in difflib.get_close_matches(word.casefold(), sorted(folded), n=3, cutoff=0.6)]
    if not close and len(word) >= 3:  # the start of a longer name ('Trygg' for 'Trygg utskrivning')
        close = [c for c in sorted(set(choices)) if c.casefold().startswith(word.casefold())][:3]
    if not close:
        return ""
    quoted = [repr(c) for c in close]
    text = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f" (did you mean {text}?)"


_EXPECTED = {"float_type": "a number", "int_type": "a whole number", "bool_type": "true or false"}


def type_message(kind: str, value: Any) -> str | None:
    """A clearer message for a value of the wrong type (strict mode: no text for numbers)."""
    want = _EXPECTED.get(kind)
    if want is None:
        return None
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        quotes = " (remove the quotes)" if _is_toml_literal(value) else ""
        return f"expected {want}, got the text {shown!r}{quotes}"
    if isinstance(value, bool):
        return f"expected {want}, got {str(value).lower()}"
    if isinstance(value, float) and kind == "int_type":
        return f"expected a whole number, got {value!r}"
    return None


def _is_toml_literal(text: str) -> bool:
    """Whether ``text`` without its quotes is a TOML number or boolean (``"300"``, ``"true"``)."""
    try:
        value = tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        return False
    return isinstance(value, (int, float, bool))


# ----------------------------------------------------------------------------------------- types
def _members(tp: Any) -> list[Any]:
    """The alternatives of a type: ``Annotated`` and ``Optional`` unwrapped, unions flattened."""
    origin = get_origin(tp)
    if origin is Annotated:
        return _members(get_args(tp)[0])
    if origin is Union or origin is types.UnionType:
        return [m for a in get_args(tp) for m in _members(a)]
    if tp is type(None):
        return []
    return [tp]


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _tags(model: type[BaseModel]) -> tuple[Any, ...]:
    """The values of a model's ``dist`` tag (``Literal``), if it has one."""
    f = model.model_fields.get("dist")
    if f is None or get_origin(f.annotation) is not Literal:
        return ()
    return get_args(f.annotation)


def _is_named_array(tp: Any) -> bool:
    return get_origin(tp) is list and any(_is_model(m) for m in _members(get_args(tp)[0]))


def allowed_keys(tps: Sequence[Any], node: Any = None) -> list[str]:
    """Keys the model(s) among ``tps`` allow (aliases where a field has one: ``from``); ``node``, the data
    there, narrows a distribution to the one its ``dist`` names."""
    out: list[str] = []
    for tp in tps:
        for m in _members(tp):
            if _is_model(m) and _fits(m, node):
                out.extend(f.alias or name for name, f in m.model_fields.items())
    return list(dict.fromkeys(out))


def _fits(model: type[BaseModel], node: Any) -> bool:
    return not (isinstance(node, dict) and "dist" in node and _tags(model) and node["dist"] not in _tags(model))


def _children(tps: Sequence[Any], key: str, node: Any = None) -> list[Any]:
    """Types of ``key`` inside a value of one of ``tps`` (``node``: the data there, to pick a ``dist``)."""
    out: list[Any] = []
    for tp in tps:
        for m in _members(tp):
            if _is_model(m):
                if not _fits(m, node):
                    continue
                for name, f in m.model_fields.items():
                    if key in (name, f.alias):
                        out.append(f.annotation)
            elif get_origin(m) is dict:
                out.append(get_args(m)[1])
    return out


def _elements(tps: Sequence[Any]) -> list[Any]:
    return [get_args(m)[0] for tp in tps for m in _members(tp) if get_origin(m) in (list, tuple) and get_args(m)]


def _models(tp: Any, seen: set[type[BaseModel]]) -> set[type[BaseModel]]:
    """Every model class a type holds, however deep."""
    for m in _members(tp):
        if _is_model(m):
            if m not in seen:
                seen.add(m)
                for f in m.model_fields.values():
                    _models(f.annotation, seen)
        else:
            for arg in get_args(m):
                _models(arg, seen)
    return seen


#: class names of the scenario's models: pydantic names a union branch by them in error locations
MODEL_NAMES = frozenset(m.__name__ for m in _models(Scenario, set()))


def model_at(loc: Sequence[Any], root: Any = Scenario) -> list[Any]:
    """The types at a pydantic error location (list indices, union tags and branch names skipped)."""
    tps: list[Any] = [root]
    for part in loc:
        if isinstance(part, int):
            tps = _elements(tps)
            continue
        found = _children(tps, part)
        if found:
            tps = found
            continue
        tagged = [m for tp in tps for m in _members(tp) if _is_model(m) and (part in _tags(m) or part == m.__name__)]
        if tagged:
            tps = tagged
        elif "[" in part or part in ("float", "int", "str", "bool"):
            continue  # a union branch, not a key
        else:
            return []
    return tps


# ----------------------------------------------------------------------------------------- --set paths
def key_problem(data: Any, path: Sequence[str], root: Any = Scenario) -> tuple[str, str, str] | None:
    """Why ``path`` names no key of a scenario, or ``None`` when it does.

    Returns ``(where, what, hint)``: the key path shown, e.g. ``municipality``; what is wrong, e.g.
    ``no entry named 'Larvk'``; and a hint, e.g. ``" (did you mean 'Larvik'?)"``. A path that runs
    into a value (``hospital.beds.x``) or into data the schema does not describe is left to the
    loader and validation to report, so it counts as known here.
    """
    node: Any = data
    tps: list[Any] = [root]
    for i, part in enumerate(path):
        here = ".".join(path[:i])
        named = node is None and any(_is_named_array(m) for tp in tps for m in _members(tp)) \
            and not _children(tps, part)  # one [hospital] table or several [[hospital]]: a key of the table
        if isinstance(node, list) or named:
            entries = [x for x in (node or []) if isinstance(x, dict)]
            if not any(x.get("name") == part for x in entries):
                names = [x["name"] for x in entries if isinstance(x.get("name"), str)]
                hint = did_you_mean(part, names) or (f" (have {', '.join(names)})" if names else " (there are none)")
                return here, f"no entry named {part!r}", hint
            node = next(x for x in entries if x.get("name") == part)
            tps = _elements(tps)
            continue
        if node is not None and not isinstance(node, dict):
            return None  # runs into a value: the loader says so
        found = _children(tps, part, node)
        if isinstance(node, dict) and part in node:
            node, tps = node[part], found
            if not found:
                return None  # data the schema does not describe: validation reports it
            continue
        if not found:
            allowed = allowed_keys(tps, node)
            if not allowed:
                return None  # runs into a value of the schema (a number, a list): validation says so
            hint = did_you_mean(part, allowed) or " (check the spelling; see `hjemtilhjem schema`)"
            return ".".join(path[:i + 1]), "unknown key", hint
        node, tps = None, found
    return None
