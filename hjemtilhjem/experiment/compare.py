"""Compare scenarios on common random numbers (DESIGN.md sections 5 and 8).

Every scenario runs the same replication indices with the same seed, so replication *i* of each
scenario draws the same arrivals, lengths of stay and outcomes from the same named streams. The
difference of an indicator is then taken replication by replication (paired), and its 95% CI is a
Student-t interval on those per-replication differences — much narrower than comparing two
independent means when the scenarios share most of their randomness.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..outcomes.labels import BETTER, LABELS
from ..scenario.keys import did_you_mean, key_problem
from ..scenario.loader import LoadedScenario, ScenarioError, load_data, merged_data, parse_override
from ..scenario.schema import Scenario
from .precision import PrecisionRule, run_until_precise
from .results import (
    RunResults,
    _as_loaded,
    _clean,
    _write_csv,
    _write_json,
    atomic_folder,
    manifest_base,
    slug,
    write_into,
)
from .runner import Executor, ReplicationOutput, WorkUnit, make_executor, progress_bar, run_unit, session
from .stats import paired_difference, ratio_of_means, summary

__all__ = ["Comparison", "compare", "run_together", "resolve_overrides", "split_target", "DIFF_KEYS", "PERSPECTIVES",
           "EFFECTS"]

#: the keys of one difference in ``comparison.json`` (DESIGN.md section 8)
DIFF_KEYS = ("mean", "ci95", "relative", "relative_ci95", "share_better", "n")


#: whose costs a cost-effectiveness ratio counts: everyone (the payment cancels out), the municipalities, the trust
PERSPECTIVES = {"total": "cost_total_nok", "municipalities": "cost_municipal_nok", "hospital": "cost_hospital_nok"}
#: effects a ratio divides by: what is avoided, per year
EFFECTS = {"delayed_days": "delayed_days", "readmissions": "readmissions"}


def _difference(base: np.ndarray, other: np.ndarray, key: str) -> dict[str, Any]:
    d = paired_difference(base, other, BETTER.get(key, 0))  # type: ignore[arg-type]
    return {k: d[k] for k in DIFF_KEYS}


@dataclass
class Comparison:
    """Scenarios run on common random numbers; ``results[0]`` is the reference.

    Attributes
    ----------
    results
        One :class:`RunResults` per scenario, the reference first, all with the same seed and
        replication indices.
    wall_seconds
        Wall time of all the replications together, seconds.
    """

    results: list[RunResults]
    wall_seconds: float = 0.0
    command: str = ""
    precision: dict[str, Any] | None = None
    overrides: tuple[str, ...] = ()
    overrides_by_scenario: dict[str, tuple[str, ...]] = field(default_factory=dict)
    extra_manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def reference(self) -> RunResults:
        return self.results[0]

    @property
    def others(self) -> list[RunResults]:
        return self.results[1:]

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.results]

    def indicator_keys(self) -> list[str]:
        """Indicators every scenario has, in the reference's order."""
        keys = list(self.reference.outputs[0].indicators)
        return [k for k in keys if all(k in r.outputs[0].indicators for r in self.others)]

    def difference(self, other: str | RunResults, key: str) -> dict[str, Any]:
        """Paired difference ``other - reference`` of one indicator (the comparison.json entry)."""
        res = other if isinstance(other, RunResults) else self.results[self.names.index(other)]
        return _difference(self.reference.values(key), res.values(key), key)

    def differences(self) -> dict[str, dict[str, dict[str, Any]]]:
        """``{scenario: {indicator: {mean, ci95, relative, relative_ci95, share_better, n}}}``."""
        keys = self.indicator_keys()
        return {r.name: {k: self.difference(r, k) for k in keys} for r in self.others}

    def municipality_differences(self) -> dict[str, dict[str, dict[str, dict[str, Any]]]]:
        """``{scenario: {municipality: {indicator: difference}}}`` for municipalities all scenarios share."""
        ref = self.reference
        out: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
        for r in self.others:
            out[r.name] = {}
            for m, ind in ref.outputs[0].by_municipality.items():
                theirs = r.outputs[0].by_municipality.get(m)
                if theirs is None:
                    continue
                out[r.name][m] = {k: _difference(ref.municipality_values(m, k), r.municipality_values(m, k), k)
                                  for k in ind if k in theirs}
        return out

    def budget(self) -> dict[str, dict[str, Any]]:
        """Each partner's net change in cost per year and the cost per delayed day and per readmission avoided.

        ``{scenario: {"partners": {"hospital"|municipality|"municipalities"|"total": difference},
        "cost_per_avoided": {effect: {"avoided": summary, perspective: ratio}}}}`` (effects: ``delayed_days``,
        ``readmissions``; perspectives: ``total``, ``municipalities``, ``hospital``). A partner's cost holds its
        fixed costs of staffed capacity, its variable costs per occupied day, its share of the interventions' costs,
        and the delayed-day payment (paid by a municipality, received by the trust). A ratio is the mean paired
        difference in cost over the mean number avoided (reference minus scenario), with Fieller's 95% CI
        (:func:`.stats.ratio_of_means`).
        """
        ref = self.reference
        out: dict[str, dict[str, Any]] = {}
        keys = set(self.indicator_keys())
        if not {"cost_hospital_nok", "cost_municipal_nok", "cost_total_nok"} <= keys:
            return out
        for r in self.others:
            partners = {"hospital": self.difference(r, "cost_hospital_nok")}
            for m in ref.outputs[0].by_municipality:
                if m in r.outputs[0].by_municipality:
                    partners[m] = _difference(ref.municipality_values(m, "cost_municipal_nok"),
                                              r.municipality_values(m, "cost_municipal_nok"), "cost_municipal_nok")
            partners["municipalities"] = self.difference(r, "cost_municipal_nok")
            partners["total"] = self.difference(r, "cost_total_nok")
            ratios: dict[str, dict[str, Any]] = {}
            for effect, ekey in EFFECTS.items():
                if ekey not in keys:
                    continue
                avoided = ref.values(ekey) - r.values(ekey)
                ratios[effect] = {"avoided": summary(avoided), **{
                    who: ratio_of_means(r.values(ckey) - ref.values(ckey), avoided)
                    for who, ckey in PERSPECTIVES.items()}}
            out[r.name] = {"partners": partners, "cost_per_avoided": ratios}
        return out

    def manifest(self) -> dict[str, Any]:
        ref = self.reference
        m = manifest_base()
        m.update({
            "reference": ref.name, "seed": ref.seed, "replications": len(ref.outputs),
            "replication_indices": [ref.outputs[0].replication, ref.outputs[-1].replication],
            "common_random_numbers": True, "paired_ci": "Student t on per-replication differences",
            "scenario_sha256": {r.name: r.loaded.sha256 for r in self.results},
            "scenario_files": {r.name: str(r.loaded.path) for r in self.results},
            "overrides_all_scenarios": list(self.overrides),
            "overrides_by_scenario": {k: list(v) for k, v in self.overrides_by_scenario.items()},
            "parameter_uncertainty": ref.parameter_uncertainty,
            "executor": ref.executor, "command": self.command, "wall_seconds": round(self.wall_seconds, 3),
            "simulation_cpu_seconds": round(sum(o.cpu_seconds for r in self.results for o in r.outputs), 3),
            "patients_simulated": int(sum(o.patients for r in self.results for o in r.outputs)),
        })
        if self.precision is not None:
            m["precision"] = self.precision
        m.update(self.extra_manifest)
        return m

    def folders(self) -> dict[str, str]:
        """Scenario name -> its folder inside the comparison folder (``scenarios/<slug>``)."""
        out: dict[str, str] = {}
        for r in self.results:
            base = s = slug(r.name)
            n = 1
            while s in out.values():
                n += 1
                s = f"{base}-{n}"
            out[r.name] = s
        return {k: f"scenarios/{v}" for k, v in out.items()}

    def document(self) -> dict[str, Any]:
        """The ``comparison.json`` document."""
        return _clean({"reference": self.reference.name, "scenarios": self.names,
                       "differences": self.differences(), "by_municipality": self.municipality_differences(),
                       "budget": self.budget(),
                       "folders": self.folders(), "manifest": self.manifest()})

    def rows(self) -> list[dict[str, Any]]:
        """One row per scenario x indicator: the scenario's mean with CI and its difference from the reference."""
        keys = self.indicator_keys()
        rows = []
        for r in self.results:
            for k in keys:
                s = summary(r.values(k))
                d = self.difference(r, k) if r is not self.reference else None
                lab = LABELS.get(k)
                nan = float("nan")
                rows.append({
                    "scenario": r.name, "reference": r is self.reference, "indicator": k,
                    "label_nb": lab.nb if lab else k, "label_en": lab.en if lab else k,
                    "unit": lab.unit_en if lab else "", "mean": s["mean"], "ci95_low": s["ci95"][0],  # type: ignore[index]
                    "ci95_high": s["ci95"][1], "n": s["n"],  # type: ignore[index]
                    "difference": d["mean"] if d else nan, "difference_ci95_low": d["ci95"][0] if d else nan,
                    "difference_ci95_high": d["ci95"][1] if d else nan, "relative": d["relative"] if d else nan,
                    "relative_ci95_low": d["relative_ci95"][0] if d else nan,
                    "relative_ci95_high": d["relative_ci95"][1] if d else nan,
                    "share_better": (d["share_better"] if d and d["share_better"] is not None else nan),
                    "better": BETTER.get(k, 0),
                })
        return rows

    def to_dataframe(self) -> Any:
        """:meth:`rows` as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame(self.rows())

    def replications_dataframe(self) -> Any:
        """Per-replication indicators of every scenario, stacked (pandas)."""
        import pandas as pd

        return pd.concat([r.to_dataframe() for r in self.results], ignore_index=True)

    def write(self, out: str | Path = "results", extra: Callable[[Path], None] | None = None) -> Path:
        """Write the comparison folder atomically under ``out``; returns its final path.

        Holds ``comparison.json``, ``comparison.csv`` and ``scenarios/<slug>/`` (each scenario's
        ``summary.json``, ``replications.csv``, ``daily.csv``, ``scenario.resolved.toml``). ``extra(folder)``
        (e.g. the report: ``lambda f: write_compare_report(f, comparison, "nb")``) is called inside the
        folder before the rename.
        """
        folder = atomic_folder(out, f"compare-{slug(self.reference.name)}")
        with folder as tmp:
            for r in self.results:
                write_into(r, tmp / self.folders()[r.name])
            _write_json(tmp / "comparison.json", self.document())
            _write_csv(tmp / "comparison.csv", self.rows())
            (tmp / "figures").mkdir(exist_ok=True)
            if extra is not None:
                extra(tmp)
        assert folder.final is not None
        return folder.final


Source = str | Path | LoadedScenario | Scenario


def _data_and_names(sc: Source) -> tuple[dict[str, Any] | None, list[str]]:
    """A scenario's merged data (``None`` when it cannot be read: loading says why) and the names
    ``--set NAME:key=value`` may use for it: its ``[scenario]`` name, file stem and file name."""
    if isinstance(sc, Scenario):
        return sc.model_dump(by_alias=True, exclude={"extends"}), [sc.name]
    if isinstance(sc, LoadedScenario):
        data = sc.raw or sc.scenario.model_dump(by_alias=True, exclude={"extends"})
        return data, [sc.scenario.name, *((sc.path.stem, sc.path.name) if sc.files else ())]
    try:
        data, _, _ = merged_data(sc)
    except ScenarioError:
        return None, [Path(sc).stem, Path(sc).name]
    meta = data.get("scenario")
    name = meta.get("name") if isinstance(meta, dict) else None
    return data, [*([name] if isinstance(name, str) else []), Path(sc).stem, Path(sc).name]


def split_target(text: str) -> tuple[str | None, str]:
    """``NAME:key.path=value`` -> ``(NAME, "key.path=value")``; a plain ``key.path=value`` -> ``(None, text)``.

    The last ``:`` before the ``=`` ends the name, so a scenario name may hold one ("Pakke: KAD").
    """
    key, sep, value = text.partition("=")
    name, colon, path = key.rpartition(":")
    if not sep or not colon:
        return None, text
    return name.strip(), f"{path.strip()}={value}"


def resolve_overrides(sources: Sequence[Source], overrides: Iterable[str]
                      ) -> tuple[list[list[str]], list[str], list[str]]:
    """Which ``--set`` applies to which scenario (DESIGN.md section 7).

    ``NAME:key.path=value`` applies to the scenario of that name (its ``[scenario]`` name or its file's
    stem); a plain ``key.path=value`` applies to every scenario in which the key exists (its path
    resolves in the merged data, or the schema allows it where the data stops), and it is an error when
    it exists in none, as a typo must be.

    Returns the overrides of each scenario, notes (one line for each plain ``--set`` that applies to
    some scenarios only) and errors (``--set:key.path: message`` lines).
    """
    info = [_data_and_names(sc) for sc in sources]
    label = [names[0] if names else f"scenario {i + 1}" for i, (_, names) in enumerate(info)]
    per: list[list[str]] = [[] for _ in sources]
    notes: list[str] = []
    errors: list[str] = []
    for text in overrides:
        name, plain = split_target(text)
        if name is not None:
            hits = [i for i, (_, names) in enumerate(info) if name in names]
            hits = hits or [i for i, (_, names) in enumerate(info) if name.casefold() in map(str.casefold, names)]
            if not name or not hits:
                every = [n for _, names in info for n in names[:2]]
                hint = did_you_mean(name, every) or f" (use one of {', '.join(repr(n) for n in dict.fromkeys(every))})"
                errors.append(f"--set:{name}: no scenario named {name!r} in this comparison{hint}")
                continue
            for i in hits:
                per[i].append(plain)
            continue
        try:
            key, _ = parse_override(text)
        except ValueError as exc:
            errors.append(f"--set:{text}: {str(exc).partition(': ')[2]}")
            continue
        readable = [i for i, (data, _) in enumerate(info) if data is not None]
        problems = {i: key_problem(info[i][0], key) for i in readable}
        known = [i for i in readable if problems[i] is None]
        if readable and not known:
            # the scenario that gets furthest along the path says best what is wrong ("did you mean" first)
            where, what, hint = max((p for p in problems.values() if p is not None),
                                    key=lambda p: (p[0].count(".") + bool(p[0]), p[2].startswith(" (did you mean"),
                                                   p[2] != " (there are none)"))
            scope = " in any of the scenarios" if what.startswith("no entry") else ""
            errors.append(f"--set:{where}: {what}{scope}{hint}")
            continue
        targets = known if known else list(range(len(sources)))
        for i in targets:
            per[i].append(text)
        missing = [label[i] for i in readable if i not in known]
        if missing and known:
            notes.append(f"hjemtilhjem: --set {text} applies only to {', '.join(label[i] for i in known)} "
                         f"(not a key of {', '.join(missing)})")
    return per, notes, errors


def _load(sc: Source, overrides: list[str]) -> LoadedScenario:
    if isinstance(sc, Scenario) and overrides:
        return load_data(sc.model_dump(by_alias=True, exclude={"extends"}), overrides)
    if isinstance(sc, LoadedScenario) and overrides and not sc.files:
        return load_data(sc.raw or sc.scenario.model_dump(by_alias=True, exclude={"extends"}), overrides,
                         path=sc.path)
    return _as_loaded(sc, overrides)


def _unique_names(loaded: list[LoadedScenario]) -> list[LoadedScenario]:
    """Give scenarios with the same name a suffix (" (2)"), so results can be keyed by name."""
    seen: dict[str, int] = {}
    out = []
    for ls in loaded:
        name = ls.scenario.name
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            meta = ls.scenario.scenario.model_copy(update={"name": f"{name} ({seen[name]})"})
            ls = LoadedScenario(scenario=ls.scenario.model_copy(update={"scenario": meta}), path=ls.path,
                                files=ls.files, overrides=ls.overrides, raw=ls.raw)
        out.append(ls)
    return out


def run_together(scenarios: Sequence[Scenario], replications: Iterable[int], executor: Executor, seed: int,
                 parameter_uncertainty: bool | None, quiet: bool = True, desc: str = "compare",
                 bar: Any = None) -> list[list[ReplicationOutput]]:
    """Run the same replications of several scenarios in one batch of work units.

    Returns one list of outputs per scenario, in replication order. ``parameter_uncertainty=None``
    uses each scenario's own setting.
    """
    reps = list(replications)
    units = [WorkUnit(s, r, seed, s.scenario.parameter_uncertainty if parameter_uncertainty is None
                      else parameter_uncertainty) for s in scenarios for r in reps]
    own = bar is None
    if own:
        bar = progress_bar(len(units), desc, quiet)
    try:
        flat = executor.map(run_unit, units, bar.update)
    finally:
        if own:
            bar.close()
    return [flat[i * len(reps):(i + 1) * len(reps)] for i in range(len(scenarios))]


def compare(base: str | Path | LoadedScenario | Scenario, *others: str | Path | LoadedScenario | Scenario,
            replications: int | None = None, seed: int | None = None, jobs: int | None = None,
            executor: str | Executor = "process", scheduler: str | None = None,
            parameter_uncertainty: bool | None = None, overrides: Iterable[str] = (), quiet: bool = True,
            command: str = "", precision: PrecisionRule | None = None,
            note: Callable[[str], None] | None = None) -> Comparison:
    """Run a reference scenario and others on common random numbers.

    Parameters
    ----------
    base, others
        Paths to TOML files, loaded scenarios or :class:`Scenario` objects; ``base`` is the reference.
    replications, seed
        Default: the reference scenario's. Every scenario runs replications ``0..n-1`` with this seed.
    overrides
        The CLI's ``--set``: ``key.path=value`` applies to every scenario that has the key (an error when
        none has it), ``NAME:key.path=value`` to the scenario of that name or file stem only.
    parameter_uncertainty
        ``False`` uses point values of intervention effects everywhere; ``None`` each scenario's setting.
    precision
        Add replications in batches until the relative CI half-width target is met (see
        :mod:`.precision`), on every scenario's mean of the rule's indicators.
    note
        Called with one line for each ``--set`` that applies to some scenarios only (default: printed
        on stderr).

    Returns
    -------
    Comparison
    """
    overrides = tuple(overrides)
    sources = (base, *others)
    per, notes, errors = resolve_overrides(sources, overrides)
    loaded: list[LoadedScenario] = []
    for sc, own in zip(sources, per, strict=True):
        try:
            loaded.append(_load(sc, own))
        except ScenarioError as exc:
            errors.extend(x for x in exc.messages if x not in errors)
    if errors:
        raise ScenarioError(errors)
    if not others:
        raise ValueError("compare needs a reference and at least one other scenario")
    for line in notes:
        if note is None:
            print(line, file=sys.stderr)
        else:
            note(line)
    everywhere = tuple(x for x in overrides if all(x in own for own in per))
    loaded = _unique_names(loaded)
    ref = loaded[0].scenario.scenario
    n = ref.replications if replications is None else replications
    seed = ref.seed if seed is None else seed
    scenarios = [ls.scenario for ls in loaded]
    pu = [s.scenario.parameter_uncertainty if parameter_uncertainty is None else parameter_uncertainty
          for s in scenarios]
    ex = make_executor(executor, jobs, scheduler)
    command = command or " ".join(["hjemtilhjem", *sys.argv[1:]])
    t0 = time.perf_counter()
    outputs: list[list[ReplicationOutput]] = [[] for _ in scenarios]

    def batch(reps: range) -> None:
        got = run_together(scenarios, reps, ex, seed, parameter_uncertainty, quiet,
                           desc=f"compare {len(scenarios)} scenarios, replications {reps.start}-{reps.stop - 1}")
        for acc, new in zip(outputs, got, strict=True):
            acc.extend(new)

    def values() -> list[dict[str, np.ndarray]]:
        keys = precision.indicators if precision else ()
        return [{k: np.array([o.indicators[k] for o in acc], dtype=float) for k in keys} for acc in outputs]

    outcome = None
    with session(ex):
        if precision is None:
            batch(range(n))
        else:
            outcome = run_until_precise(batch, values, n, precision, labels=[s.name for s in scenarios])
    wall = time.perf_counter() - t0
    results = [RunResults(loaded=ls, outputs=out, seed=seed, executor=ex.name, wall_seconds=wall,
                          parameter_uncertainty=p, command=command,
                          extra_manifest={"compared_with": loaded[0].scenario.name, "common_random_numbers": True,
                                          **({"precision": outcome} if outcome else {})})
               for ls, out, p in zip(loaded, outputs, pu, strict=True)]
    return Comparison(results=results, wall_seconds=wall, command=command, precision=outcome, overrides=everywhere,
                      overrides_by_scenario={ls.scenario.name: tuple(own) for ls, own in zip(loaded, per, strict=True)})

