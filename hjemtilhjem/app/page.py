"""The FSU meeting app's page (Streamlit). Started by ``hjemtilhjem app``; tested with Streamlit's AppTest.

Run directly: ``streamlit run hjemtilhjem/app/page.py`` (the folders come from the environment, see
:mod:`hjemtilhjem.app.folders`). Logic lives in :mod:`.build`, :mod:`.jobs` and :mod:`.views`; this file lays
out the page and keeps what the user has built in ``st.session_state``.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import streamlit as st

from hjemtilhjem.app.build import (
    Draft,
    PoolDraft,
    capacities,
    describe,
    load_baseline,
    load_draft,
    prepare_upload,
    reach_pct,
    shipped_interventions,
)
from hjemtilhjem.app.folders import AppFolders, Community, OutsideFolders
from hjemtilhjem.app.jobs import Job, JobManager
from hjemtilhjem.app.texts import t
from hjemtilhjem.app.views import (
    budget_figure,
    budget_rows,
    daily_rows,
    difference_rows,
    difference_sentences,
    forest_rows,
    indicator_rows,
    municipality_rows,
    per_avoided_rows,
    place_rows,
)
from hjemtilhjem.scenario.loader import LoadedScenario, ScenarioError

SERVICES = ("short_term", "kad", "rehab", "long_term", "home_care")


@st.cache_resource
def _manager(out: str, jobs: int) -> JobManager:
    return JobManager(Path(out), jobs)


def _folders() -> AppFolders:
    return AppFolders.from_env()


def _state() -> Any:
    s = st.session_state
    s.setdefault("capacity", {})
    s.setdefault("pools", [])
    s.setdefault("errors", [])
    s.setdefault("built_for", None)
    return s


def _reset(keep_errors: bool = False) -> None:
    s = st.session_state
    s["capacity"] = {}
    s["pools"] = []
    for k in list(s.keys()):
        if isinstance(k, str) and k.startswith(("cap:", "iv:", "ivv:", "ivr:")):
            del s[k]
    if not keep_errors:
        s["errors"] = []


def _show_errors(lang: str, errors: list[str]) -> None:
    if errors:
        st.error(t("errors", lang) + "\n\n" + "\n".join(f"    {line}" for line in errors), icon="⚠️")


def _user_overrides() -> list[str]:
    text = st.session_state.get("overrides_text", "") or ""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def _sidebar(folders: AppFolders) -> tuple[str, Community | None, Path | None]:
    with st.sidebar:
        english = st.toggle("English", key="english")
        lang = "en" if english else "nb"
        communities = folders.communities()
        if not communities:
            st.warning("no scenario files in " + ", ".join(map(str, folders.scenario_roots)))
            return lang, None, None
        names = [c.name for c in communities]
        default = names.index("vestfold") if "vestfold" in names else 0
        cname = st.selectbox(t("community", lang), names, index=default, key="community")
        community = communities[names.index(cname)]
        files = [f.name for f in community.files]
        base_name = st.selectbox(t("baseline_file", lang), files, index=files.index(community.baseline().name),
                                 key=f"baseline_file:{cname}")
        baseline = community.folder / base_name
        with st.expander(t("settings", lang), expanded=True):
            st.number_input(t("replications", lang), min_value=2, max_value=500, value=None, step=1,
                            key="replications", placeholder="30")
            st.number_input(t("seed", lang), min_value=0, value=None, step=1, key="seed", placeholder="2025")
            st.text_area(t("overrides", lang), key="overrides_text", height=80,
                         placeholder="scenario.horizon_days=60")
        up = st.file_uploader(t("upload", lang), type=["toml"], key="upload")
        if up is not None and st.session_state.get("upload_done") != (up.name, up.size):
            st.session_state["upload_done"] = (up.name, up.size)
            try:
                path = prepare_upload(folders, up.name, up.getvalue(), community.folder)
                try:
                    load_baseline(path, folders)
                except ScenarioError as exc:
                    path.unlink(missing_ok=True)
                    raise ScenarioError([m.replace(str(path), up.name) for m in exc.messages]) from None
                st.session_state["errors"] = []
                st.session_state["upload_msg"] = t("upload_ok", lang, name=up.name)
            except ScenarioError as exc:
                st.session_state["errors"] = exc.messages
                st.session_state["upload_msg"] = None
        if st.session_state.get("upload_msg"):
            st.success(st.session_state["upload_msg"])
    return lang, community, baseline


def _load_base(baseline: Path, folders: AppFolders) -> tuple[LoadedScenario | None, list[str]]:
    try:
        return load_baseline(baseline, folders, _user_overrides()), []
    except ScenarioError as exc:
        return None, exc.messages
    except OutsideFolders as exc:
        return None, [str(exc)]


def _settings(base: LoadedScenario) -> tuple[int, int]:
    s = st.session_state
    reps = int(s.get("replications") or base.scenario.scenario.replications)
    seed = int(s["seed"]) if s.get("seed") is not None else base.scenario.scenario.seed
    return reps, seed


# ------------------------------------------------------------------------------------------------ baseline
def _baseline_tab(lang: str, base: LoadedScenario | None, manager: JobManager) -> None:
    if base is None:
        return
    reps, seed = _settings(base)
    if st.button(t("run_baseline", lang), key="run_baseline", type="primary"):
        job, _ = manager.submit([base], seed, reps, base.scenario.scenario.parameter_uncertainty,
                                command=_command([base], seed, reps))
        st.session_state["baseline_job"] = job
    _live(_baseline_results, "baseline_job", lang)


def _live(fn: Any, job_key: str, lang: str) -> None:
    """Run ``fn`` as a fragment that polls every second while its job runs (the rest of the page stays as it
    is); once the job has finished, one full rerun turns the polling off."""
    job: Job | None = st.session_state.get(job_key)
    running = job is not None and not job.settled
    st.session_state[f"polling:{job_key}"] = running
    st.fragment(fn, run_every=1.0 if running else None)(lang)


def _stop_polling(job_key: str) -> None:
    job: Job | None = st.session_state.get(job_key)
    if job is not None and job.settled and st.session_state.get(f"polling:{job_key}"):
        st.session_state[f"polling:{job_key}"] = False
        st.rerun(scope="app")


def _baseline_results(lang: str) -> None:
    _stop_polling("baseline_job")
    job: Job | None = st.session_state.get("baseline_job")
    cmp_job: Job | None = st.session_state.get("compare_job")
    if job is None and cmp_job is not None and cmp_job.snapshot is not None:
        job = cmp_job
    if job is None:
        st.info(t("no_baseline", lang))
        return
    _progress(job, lang)
    res = job.reference()
    if res is None:
        return
    st.subheader(f"{res.name}: " + t("indicators", lang))
    st.table(indicator_rows(res, lang), hide_index=True)  # every indicator in full, no scrolling inside
    st.subheader(t("occupancy", lang))
    _occupancy_chart([res], lang, ("hospital_occupancy", "staffed_beds", "corridor_patients", "delayed_patients"))
    _occupancy_chart([res], lang, ("kad_occupancy", "short_term_occupancy", "rehab_occupancy"))
    cols = st.columns(1)
    with cols[0]:
        for attr in ("by_municipality", "by_hospital", "by_pool"):
            rows = place_rows(res, attr, lang)
            if rows:
                with st.expander(t(attr, lang), expanded=attr == "by_municipality"):
                    st.dataframe(rows, hide_index=True, width="stretch")


def _progress(job: Job, lang: str) -> None:
    done = job.done_units
    st.progress(min(1.0, done / max(1, job.total_units)),
                text=t("progress", lang, done=done // max(1, len(job.scenarios)), total=job.replications))
    if job.status == "failed":
        st.error(t("failed", lang) + "\n\n" + "\n".join(f"    {m}" for m in job.error))
    elif job.status in ("done",):
        st.success(t("final", lang, n=job.replications, seed=job.seed, folder=job.folder))
    elif job.status == "writing":
        st.info(t("writing", lang))
    else:
        st.info(t("running", lang))
        if job.snapshot is not None:
            st.caption(t("first_estimate", lang, n=job.snapshot_n, total=job.replications))


def _occupancy_chart(results: list[Any], lang: str, series: tuple[str, ...]) -> None:
    import altair as alt

    rows = daily_rows(results, lang, series)
    if not rows:
        return
    # names in full in the legend (Vega-Lite cuts labels at 160 px: "Utskrivningsklare som ve…"); a legend below
    # the chart was tried and squashed the plot when its row was long
    legend = alt.Legend(labelLimit=360, titleLimit=360)
    color = "series" if len(results) == 1 else "scenario"
    last = max(r["day"] for r in rows)
    enc: dict[str, Any] = {
        "x": alt.X("day:Q", title=t("day", lang) + (" (etter innsvinging)" if lang == "nb" else " (after warm-up)"),
                   scale=alt.Scale(domain=[0, last], nice=False)),
        "y": alt.Y("value:Q", title=t("series_unit", lang)),
        "color": alt.Color(f"{color}:N", title=t("series" if color == "series" else "scenario_label", lang),
                           legend=legend),
        "tooltip": ["scenario:N", "series:N", "day:Q", alt.Tooltip("value:Q", format=".1f")],
    }
    if len(results) > 1:
        enc["strokeDash"] = alt.StrokeDash("series:N", title=t("series", lang), legend=legend)
    chart = alt.Chart(alt.Data(values=rows)).mark_line().encode(**enc).properties(height=260)
    st.altair_chart(chart, width="stretch")


# ------------------------------------------------------------------------------------------------ build
def _build_tab(lang: str, community: Community, baseline: Path, base: LoadedScenario | None,
               folders: AppFolders, manager: JobManager) -> None:
    s = _state()
    if s["built_for"] != str(baseline):
        _reset(keep_errors=True)
        s["built_for"] = str(baseline)
    if base is None:
        return
    base_caps = capacities(base)
    in_base = {iv.name for iv in base.scenario.intervention}
    shipped = [iv for iv in shipped_interventions(community.files) if iv.name not in in_base]
    st.text_input(t("scenario_name", lang), value=t("default_name", lang), key="scenario_name")

    st.subheader(t("interventions", lang))
    chosen: dict[str, str] = {}
    reach: dict[str, float] = {}
    widths = [2, 1, 1.4]
    if shipped:
        for col, head in zip(st.columns(widths), ("interventions", "evidence", "reach"), strict=True):
            col.caption(t(head, lang))
    for iv in shipped:
        c1, c2, c3 = st.columns(widths, vertical_alignment="center")
        on = c1.checkbox(iv.label, key=f"iv:{iv.name}", help=f"{iv.name} ({iv.file})")
        variant = c2.selectbox(t("evidence", lang), iv.variants, key=f"ivv:{iv.name}", disabled=not on,
                               format_func=lambda v: t("variant.base", lang) if v == "base" else v,
                               label_visibility="collapsed") or "base"
        pct = None
        if iv.reach_applies(variant):
            pct = c3.slider(t("reach", lang), min_value=0, max_value=100, value=reach_pct(iv.reach), step=1,
                            format="%d %%", key=f"ivr:{iv.name}", disabled=not on, label_visibility="collapsed",
                            help=t("reach_help", lang, file=iv.file, pct=reach_pct(iv.reach)))
        else:  # only added places with this evidence: a reach would change nothing
            c3.caption(t("reach_na_short", lang), help=t("reach_na", lang))
        if on:
            chosen[iv.name] = variant
            if pct is not None and int(pct) != reach_pct(iv.reach):
                reach[iv.name] = int(pct) / 100

    st.subheader(t("capacities", lang))
    st.caption(t("capacities_help", lang))
    places = sorted({k.rsplit(".", 1)[0] for k in base_caps}, key=lambda p: (not p.startswith("municipality"), p))
    shown = {p: (t("place.hospital", lang) if p == "hospital" else p.split(".", 1)[1]) for p in places}
    place = st.selectbox(t("place", lang), places, format_func=lambda p: shown[p], key="cap_place")
    keys = [k for k in base_caps if k.rsplit(".", 1)[0] == place]
    cols = st.columns(max(1, min(3, len(keys))))
    for i, k in enumerate(keys):
        wkey = f"cap:{k}"
        if wkey not in s:
            s[wkey] = s["capacity"].get(k, base_caps[k])
        field = k.rsplit(".", 1)[1]
        step = 10 if field == "home_care_hours_per_week" else 1
        cols[i % len(cols)].number_input(t(f"cap.{field}", lang), key=wkey, step=step, on_change=_cap_changed,
                                         args=(k, base_caps[k]))

    st.subheader(t("pools", lang))
    municipalities = [m.name for m in base.scenario.municipality]
    with st.container(border=True):
        c1, c2 = st.columns([1, 2])
        service = c1.selectbox(t("pool_service", lang), SERVICES, format_func=lambda v: t(f"service.{v}", lang),
                               key="pool_service")
        c2.multiselect(t("pool_members", lang), municipalities, key="pool_members",
                       placeholder=t("choose_members", lang))
        st.text_input(t("pool_name", lang), key="pool_name",
                      placeholder=t("pool_default_name", lang, service=t(f"service.{service}", lang)))
        st.button(t("pool_add", lang), key="pool_add", on_click=_add_pool, args=(lang,))
        if s.get("pool_warning"):
            st.warning(s["pool_warning"])
    st.caption(t("pool_note", lang))
    if s["pools"] and st.button(t("pool_remove", lang), key="pool_remove"):
        s["pools"] = []

    draft = Draft(baseline=baseline, name=s.get("scenario_name") or t("default_name", lang), interventions=chosen,
                  capacity=dict(s["capacity"]), pools=[PoolDraft(**p) for p in s["pools"]], reach=reach)
    if s.get("errors_for") is not None and s["errors_for"] != _signature(draft):
        s["errors"], s["errors_for"] = [], None  # the input that was wrong has been changed
    st.subheader(t("changes", lang))
    lines = describe(draft, base_caps, shipped, lang)
    if lines:
        st.markdown("\n".join(f"- {x}" for x in lines))
    else:
        st.info(t("no_changes", lang))
    sets = draft.overrides()
    s["draft_overrides"] = sets
    if sets:
        with st.expander(t("as_sets", lang)):
            st.code("\n".join(f"--set {shlex.quote(o)}" for o in sets), language="bash")
    c1, c2 = st.columns([1, 1])
    if c1.button(t("run_compare", lang), key="run_compare", type="primary", disabled=not lines):
        _start_compare(draft, base, shipped, folders, manager)
    if c2.button(t("reset", lang), key="reset"):
        _reset()
        st.rerun()


def _signature(draft: Draft) -> tuple[object, ...]:
    return (draft.name, tuple(draft.overrides()), tuple((p.name, p.service, tuple(p.members)) for p in draft.pools),
            tuple(_user_overrides()))


def _add_pool(lang: str) -> None:
    """The pool from the fields above the button (a callback: it may clear those fields)."""
    s = st.session_state
    members = list(s.get("pool_members") or [])
    service = s.get("pool_service") or "short_term"
    if len(members) < 2:
        s["pool_warning"] = t("pool_need_two", lang)
        return
    name = (s.get("pool_name") or "").strip() or (
        t("pool_default_name", lang, service=t(f"service.{service}", lang)) + f" ({', '.join(members)})")
    s["pools"] = [*s["pools"], {"name": name, "service": service, "members": members}]
    s["pool_members"], s["pool_name"], s["pool_warning"] = [], "", None


def _cap_changed(key: str, old: float) -> None:
    value = st.session_state.get(f"cap:{key}")
    caps = dict(st.session_state["capacity"])
    if value is None or value == old:
        caps.pop(key, None)
    else:
        caps[key] = value
    st.session_state["capacity"] = caps


def _start_compare(draft: Draft, base: LoadedScenario, shipped: list[Any], folders: AppFolders,
                   manager: JobManager) -> None:
    try:
        other = load_draft(draft, folders, shipped, _user_overrides())
        if other.scenario.name == base.scenario.name:
            raise ScenarioError([f"{other.path}:scenario.name: the scenario needs a name other than the "
                                 "baseline's"])
    except (ScenarioError, OutsideFolders) as exc:
        # shown above the tabs until the input changes; what was computed before stays
        st.session_state["errors"] = exc.messages if isinstance(exc, ScenarioError) else [str(exc)]
        st.session_state["errors_for"] = _signature(draft)
        return
    st.session_state["errors"] = []
    reps, seed = _settings(base)
    job, _ = manager.submit([base, other], seed, reps, base.scenario.scenario.parameter_uncertainty,
                            command=_command([base, other], seed, reps))
    st.session_state["compare_job"] = job
    st.session_state["compare_scenario"] = other


def _command(scenarios: list[LoadedScenario], seed: int, reps: int) -> str:
    files = " ".join(shlex.quote(str(ls.path)) for ls in scenarios)
    sets = " ".join(f"--set {shlex.quote(o)}" for o in scenarios[-1].overrides)
    verb = "compare" if len(scenarios) > 1 else "run"
    return f"hjemtilhjem app ({verb} {files} {sets} --seed {seed} -r {reps})".replace("  ", " ")


# ------------------------------------------------------------------------------------------------ results
def _results_tab(lang: str) -> None:
    _stop_polling("compare_job")
    job: Job | None = st.session_state.get("compare_job")
    if job is None:
        st.info(t("no_result", lang))
        return
    _progress(job, lang)
    c = job.comparison()
    if c is None:
        return
    st.subheader(t("headline", lang, scenario=c.others[0].name, reference=c.reference.name))
    st.markdown("\n".join(f"- {x}" for x in difference_sentences(c, lang)))
    st.subheader(t("forest", lang))
    _forest(c, lang)
    # tables with many columns as plain tables: every cell wrapped and readable, none cut at a column's edge
    st.table(difference_rows(c, lang), hide_index=True)
    st.subheader(t("by_municipality", lang))
    _table(municipality_rows(c, lang))
    _budget(job, c, lang)
    st.subheader(t("occupancy", lang))
    _occupancy_chart(c.results, lang, ("hospital_occupancy", "delayed_patients"))
    _occupancy_chart(c.results, lang, ("short_term_occupancy", "kad_occupancy"))
    for attr in ("by_hospital", "by_pool"):
        with st.expander(t(attr, lang)):
            for r in c.results:
                st.caption(r.name)
                st.dataframe(place_rows(r, attr, lang), hide_index=True, width="stretch")
    if job.status == "done" and job.folder is not None:
        _downloads(job, lang)


def _table(rows: list[dict[str, str]], most: int = 25) -> None:
    """A plain table (every cell wrapped and readable) up to ``most`` rows; a scrolling one beyond (a health community
    of 20-odd municipalities would fill the screen)."""
    if len(rows) <= most:
        st.table(rows, hide_index=True)
    else:
        st.dataframe(rows, hide_index=True, width="stretch")


def _budget(job: Job, c: Any, lang: str) -> None:
    """Budsjett per partner: each partner's net change per year (the report's figure, and a table) and the cost per
    delayed day and per readmission avoided (Fieller's CI)."""
    st.subheader(t("budget", lang))
    rows = budget_rows(c, lang)
    if not rows:
        st.info(t("no_budget", lang))
        return
    st.caption(t("budget_intro", lang))
    cache = st.session_state.setdefault("budget_figures", {})
    key = (id(job), job.snapshot_n, lang)
    if key not in cache:
        cache.clear()  # one figure kept: the latest snapshot's
        cache[key] = budget_figure(c, lang)
    fig = cache[key]
    if fig is not None:
        png, title, caption = fig
        st.image(png, width="stretch")
        st.caption(caption)
    _table(rows)
    st.markdown(f"**{t('per_avoided', lang)}**")
    st.table(per_avoided_rows(c, lang), hide_index=True)
    st.caption(t("per_avoided_note", lang))


def _forest(c: Any, lang: str) -> None:
    import altair as alt

    rows = forest_rows(c, lang)
    if not rows:
        return
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("indicator:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)))
    bars = base.mark_rule(strokeWidth=2).encode(x=alt.X("low_pct:Q", title=t("forest_axis", lang)), x2="high_pct:Q")
    dots = base.mark_point(filled=True, size=70).encode(
        x="relative_pct:Q", tooltip=["indicator:N", alt.Tooltip("relative_pct:Q", format=".1f"),
                                     alt.Tooltip("low_pct:Q", format=".1f"), alt.Tooltip("high_pct:Q", format=".1f")])
    zero = alt.Chart(alt.Data(values=[{"x": 0}])).mark_rule(color="grey", strokeDash=[4, 4]).encode(x="x:Q")
    st.altair_chart((zero + bars + dots).properties(height=28 * len(rows) + 40), width="stretch")


def _downloads(job: Job, lang: str) -> None:
    folder = job.folder
    assert folder is not None
    other = job.scenarios[-1]
    st.subheader(t("downloads", lang))
    stem = other.scenario.name
    sets = "".join(f" --set {shlex.quote(o)}" for o in job.scenarios[0].overrides)
    cmd = (f"hjemtilhjem compare {shlex.quote(_shown_path(job.scenarios[0].path))} {_slug(stem)}.toml{sets} "
           f"--seed {job.seed} -r {job.replications}")
    st.caption(t("toml_note", lang, cmd=cmd))
    c1, c2, c3, c4 = st.columns(4)
    c1.download_button(t("dl.toml", lang), other.resolved_toml(), file_name=f"{_slug(stem)}.toml",
                       mime="application/toml", key="dl_toml")
    if not job.report_ready:
        st.caption(t("writing", lang))
        return
    html, md = job.report(lang) or (folder / "report.html", folder / "report.md")
    if html.exists():
        c2.download_button(t("dl.html", lang), html.read_bytes(), file_name=html.name, mime="text/html",
                           key="dl_html")
    if md.exists():
        c3.download_button(t("dl.md", lang), md.read_bytes(), file_name=md.name, mime="text/markdown", key="dl_md")
    csv = folder / "comparison.csv"
    if csv.exists():
        c4.download_button(t("dl.csv", lang), csv.read_bytes(), file_name="comparison.csv", mime="text/csv",
                           key="dl_csv")


def _shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _slug(name: str) -> str:
    from hjemtilhjem.experiment.results import slug

    return slug(name)


# ------------------------------------------------------------------------------------------------ page
def main() -> None:
    st.set_page_config(page_title="hjemtilhjem", layout="wide")
    folders = _folders()
    manager = _manager(str(folders.out), folders.jobs)
    _state()
    lang, community, baseline = _sidebar(folders)
    st.title(t("title", lang))
    st.caption(t("intro", lang))
    base, base_errors = _load_base(baseline, folders) if baseline is not None else (None, [])
    errors_box = st.empty()
    if community is None or baseline is None:
        return
    tab_base, tab_build, tab_results = st.tabs([t("tab.baseline", lang), t("tab.build", lang),
                                                t("tab.results", lang)])
    with tab_base:
        _baseline_tab(lang, base, manager)
    with tab_build:
        _build_tab(lang, community, baseline, base, folders, manager)
    with tab_results:
        _live(_results_tab, "compare_job", lang)
    with errors_box.container():  # filled last: errors of this very run (a button pressed) are shown too
        _show_errors(lang, base_errors + list(st.session_state.get("errors") or []))


main()
