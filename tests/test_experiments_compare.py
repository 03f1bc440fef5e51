"""compare: common random numbers, paired differences, the comparison folder, --set on every scenario."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import hjemtilhjem as h
from hjemtilhjem.cli import main
from hjemtilhjem.experiment.compare import DIFF_KEYS
from hjemtilhjem.outcomes.labels import BETTER

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny_exp.toml"
MORE = DATA / "tiny_more_short_term.toml"


@pytest.fixture(scope="module")
def comparison() -> h.Comparison:
    return h.compare(TINY, MORE, replications=20, executor="serial")


def welch_halfwidth(a: np.ndarray, b: np.ndarray) -> float:
    """95% half-width of the difference of two independent means (Welch)."""
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return float(stats.t.ppf(0.975, df) * math.sqrt(va + vb))


def test_same_replications_and_seed_for_every_scenario(comparison):
    ref, other = comparison.results
    assert [o.replication for o in ref.outputs] == [o.replication for o in other.outputs] == list(range(20))
    assert ref.seed == other.seed == 11
    # the same acute events enter the pathway in both scenarios (only capacity differs)
    from hjemtilhjem.eventlog import Kind
    from hjemtilhjem.model.engine import simulate

    logs = [simulate(r.scenario, 3, r.seed).log for r in (ref, other)]
    first = [lg.time[(lg.kind == Kind.ARRIVAL) & (lg.episode == 1) & (lg.person >= 0)] for lg in logs]
    assert len(first[0]) > 100 and np.array_equal(first[0], first[1])


def test_crn_paired_ci_much_narrower_than_independent(comparison):
    """More short-term places: the paired CI of delayed days is far narrower than Welch's."""
    a = comparison.reference.values("delayed_days")
    b = comparison.others[0].values("delayed_days")
    d = comparison.difference(comparison.others[0], "delayed_days")
    paired = (d["ci95"][1] - d["ci95"][0]) / 2
    welch = welch_halfwidth(a, b)
    assert d["mean"] < 0  # more places, fewer delayed days
    assert paired < 0.6 * welch, (paired, welch)
    assert np.corrcoef(a, b)[0, 1] > 0.5


def test_difference_is_mean_of_per_replication_differences(comparison):
    a = comparison.reference.values("delayed_days")
    b = comparison.others[0].values("delayed_days")
    d = comparison.difference(comparison.others[0], "delayed_days")
    diff = b - a
    assert d["mean"] == pytest.approx(diff.mean())
    h_ = stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / math.sqrt(len(diff))
    assert d["ci95"] == pytest.approx([diff.mean() - h_, diff.mean() + h_])
    assert d["relative"] == pytest.approx(diff.mean() / a.mean())
    assert d["share_better"] == pytest.approx(np.mean(diff < 0))  # lower is better for delayed days
    assert d["n"] == 20


def test_document_shape(comparison):
    doc = comparison.document()
    assert doc["reference"] == "Tiny test"
    assert doc["scenarios"] == ["Tiny test", "Tiny more short-term"]
    assert list(doc["differences"]) == ["Tiny more short-term"]
    diffs = doc["differences"]["Tiny more short-term"]
    assert "delayed_days" in diffs and "readmission_30d" in diffs
    for entry in diffs.values():
        assert tuple(entry) == DIFF_KEYS
    assert diffs["bed_occupancy"]["share_better"] is None  # BETTER is 0: neither direction
    by = doc["by_municipality"]["Tiny more short-term"]
    assert set(by) == {"Aby", "Bstad"}
    assert tuple(by["Aby"]["delayed_days"]) == DIFF_KEYS
    m = doc["manifest"]
    assert m["common_random_numbers"] is True and m["replications"] == 20 and m["seed"] == 11
    assert set(m["scenario_sha256"]) == {"Tiny test", "Tiny more short-term"}
    json.dumps(doc, allow_nan=False)  # NaN written as null


def test_dataframe_one_row_per_scenario_and_indicator(comparison):
    df = comparison.to_dataframe()
    n_ind = len(comparison.indicator_keys())
    assert len(df) == 2 * n_ind
    row = df[(df.scenario == "Tiny more short-term") & (df.indicator == "delayed_days")].iloc[0]
    assert row["difference"] == pytest.approx(comparison.difference(comparison.others[0], "delayed_days")["mean"])
    assert df[df.reference]["difference"].isna().all()
    assert set(BETTER) >= set(df.indicator)


def test_write_folder_and_report_hook(comparison, tmp_path):
    calls = []

    def fake_report(folder, comp, lang):
        calls.append((Path(folder).name, comp, lang))
        (Path(folder) / "report.md").write_text(f"{comp.reference.name} {len(comp.results)}\n", encoding="utf-8")

    folder = comparison.write(tmp_path, lambda f: fake_report(f, comparison, "en"))
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]  # no temporary folder left
    assert calls and calls[0][0].startswith(".") and calls[0][1] is comparison and calls[0][2] == "en"
    assert (folder / "report.md").read_text(encoding="utf-8") == "Tiny test 2\n"
    doc = json.loads((folder / "comparison.json").read_text(encoding="utf-8"))
    assert doc["reference"] == "Tiny test"
    for name, sub in doc["folders"].items():
        summary = json.loads((folder / sub / "summary.json").read_text(encoding="utf-8"))
        assert summary["scenario"] == name
        assert summary["manifest"]["common_random_numbers"] is True
        assert (folder / sub / "daily.csv").exists()
    with (folder / "comparison.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2 * len(comparison.indicator_keys())


def test_cli_compare_prints_table(tmp_path, capsys):
    rc = main(["compare", str(TINY), str(MORE), "-r", "3", "--out", str(tmp_path), "-q", "--executor", "serial"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "Tiny more short-term  vs  Tiny test" in out
    assert "delayed_days" in out and "difference [95% CI]" in out
    folders = list(tmp_path.iterdir())
    assert len(folders) == 1 and (folders[0] / "comparison.json").exists()


def test_cli_set_applies_to_every_scenario(tmp_path, capsys):
    rc = main(["compare", str(TINY), str(MORE), "-r", "2", "--out", str(tmp_path), "-q", "--executor", "serial",
               "--set", "hospital.beds=30", "--no-parameter-uncertainty"])
    assert rc == 0
    folder = next(tmp_path.iterdir())
    doc = json.loads((folder / "comparison.json").read_text(encoding="utf-8"))
    assert doc["manifest"]["overrides_all_scenarios"] == ["hospital.beds=30"]
    assert doc["manifest"]["parameter_uncertainty"] is False
    for sub in doc["folders"].values():
        summary = json.loads((folder / sub / "summary.json").read_text(encoding="utf-8"))
        assert summary["manifest"]["overrides"] == ["hospital.beds=30"]
        assert summary["manifest"]["parameter_uncertainty"] is False
        assert "beds = 30" in (folder / sub / "scenario.resolved.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting, named", [
    ("hospital.bedz=3", "hospital.bedz"),
    ("municipality.Nowhere.kad_beds=1", "Nowhere"),
    ("hospital.beds=-5", "hospital.beds"),
])
def test_cli_bad_set_key_exit_2_naming_key(tmp_path, capsys, setting, named):
    rc = main(["compare", str(TINY), str(MORE), "-r", "2", "--out", str(tmp_path), "-q", "--set", setting])
    err = capsys.readouterr().err
    assert rc == 2
    lines = [x for x in err.splitlines() if x]
    assert lines and all(named in x for x in lines)
    assert len(lines) == len(set(lines))  # reported once, not once per scenario
    assert "Traceback" not in err
    assert not list(tmp_path.iterdir())


def test_cli_run_bad_set_key_exit_2(tmp_path, capsys):
    rc = main(["run", str(TINY), "-r", "2", "--out", str(tmp_path), "--set", "scenario.replicatons=3"])
    assert rc == 2
    assert "scenario.replicatons" in capsys.readouterr().err


def test_cli_compare_needs_two_scenarios(capsys):
    assert main(["compare", str(TINY)]) == 2
    assert "at least one other" in capsys.readouterr().err


def test_duplicate_names_are_told_apart():
    c = h.compare(TINY, TINY, replications=2, executor="serial")
    assert c.names == ["Tiny test", "Tiny test (2)"]
    d = c.difference("Tiny test (2)", "delayed_days")
    assert d["mean"] == 0.0 and d["ci95"] == [0.0, 0.0]
    assert len(set(c.folders().values())) == 2


def test_relative_change_ci_covers_the_true_ratio_about_95_percent() -> None:
    """Paired replications with a known true relative change (-20 %): the delta-method CI, which also
    carries the uncertainty of the base mean, covers it in about 95 % of 600 seeded experiments."""
    from hjemtilhjem.experiment.stats import paired_difference

    rng = np.random.default_rng(12)
    hits = 0
    trials = 600
    for _ in range(trials):
        base = rng.gamma(4.0, 25.0, size=20)  # mean 100, noisy like corridor days
        other = 0.8 * base + rng.normal(0.0, 10.0, size=20)  # true relative change -0.2
        lo, hi = paired_difference(base, other)["relative_ci95"]
        hits += lo <= -0.2 <= hi
    # binomial 99.9 % range around 0.95 for 600 trials is about 0.923-0.977
    assert 0.92 <= hits / trials <= 0.98


def test_relative_change_never_below_minus_100_percent_for_counts() -> None:
    from hjemtilhjem.experiment.stats import paired_difference

    base = np.array([400.0, 20.0, 300.0, 10.0, 250.0])
    other = np.array([0.0, 0.0, 10.0, 0.0, 5.0])
    lo, hi = paired_difference(base, other)["relative_ci95"]
    assert lo >= -1.0 and lo <= paired_difference(base, other)["relative"] <= hi
