"""The pathway diagram: boxes for the steps of the pathway and arrows from where patients come from.

:func:`flow_layout` decides what is drawn (pure data, tested): a box per step with patients (a step with none,
e.g. "treated at home" when the scenario treats nobody at home, is left out with its arrow), arrows from each
step to the next, and the readmissions drawn back to hospital from the live discharges (the boxes of patients
discharged alive, bracketed together), never from "died in hospital". :func:`_flow_panel` only draws the layout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

from .data import ReportData, ScenarioData  # noqa: E402
from .numbers import number  # noqa: E402
from .texts import text  # noqa: E402

__all__ = ["Box", "Arrow", "FlowLayout", "flow_layout", "LIVE_DESTINATIONS", "LIVE"]

#: destinations of patients discharged alive, top to bottom
LIVE_DESTINATIONS = ("discharge_home", "discharge_home_care", "discharge_short_term", "discharge_rehab",
                     "discharge_long_term")
#: the bracket around the live-discharge boxes: where readmissions come from
LIVE = "live_discharges"
_FLOW = "#7a9cc6"
_DEATH = "#c9a25f"
_READMIT = "#D55E00"


@dataclass(frozen=True)
class Box:
    """A step of the pathway: ``key`` (a flow key, or :data:`LIVE` for the bracket), centre, size, count."""

    key: str
    x: float
    y: float
    w: float
    h: float
    count: float
    color: str = "#f2f2f2"

    @property
    def top(self) -> float:
        return self.y + self.h / 2

    @property
    def bottom(self) -> float:
        return self.y - self.h / 2

    @property
    def left(self) -> float:
        return self.x - self.w / 2

    @property
    def right(self) -> float:
        return self.x + self.w / 2


@dataclass(frozen=True)
class Arrow:
    """``count`` patients per year from box ``source`` to box ``target`` along ``points`` (the last one is the head)."""

    source: str
    target: str
    count: float
    points: tuple[tuple[float, float], ...]
    color: str = _FLOW
    flow: str = ""  # the flow key counted


@dataclass(frozen=True)
class FlowLayout:
    boxes: dict[str, Box]
    arrows: list[Arrow]
    live: tuple[str, ...]  # the live-discharge boxes the readmission bracket spans

    def arrow(self, flow: str) -> Arrow | None:
        return next((a for a in self.arrows if a.flow == flow), None)


def flow_layout(flows: dict[str, float]) -> FlowLayout:
    """What the diagram of one scenario shows, from its yearly ``flows`` (``summary.json``)."""

    def f(key: str) -> float:
        v = flows.get(key, 0.0)
        return float(v) if isinstance(v, (int, float)) and math.isfinite(v) else 0.0

    boxes: dict[str, Box] = {}
    arrows: list[Arrow] = []
    acute = Box("acute_events", 0.85, 3.6, 1.5, 1.0, f("acute_events"))
    hosp = Box("hospital_admissions", 5.0, 3.6, 1.7, 1.2, f("hospital_admissions"), "#dbe8f6")
    boxes[acute.key] = acute
    boxes[hosp.key] = hosp
    if f("triage_kad") > 0:
        kad = Box("triage_kad", 3.0, 5.8, 1.75, 0.95, f("triage_kad"), "#e8f1e4")
        boxes[kad.key] = kad
        arrows.append(Arrow(acute.key, kad.key, f("triage_kad"), ((1.4, acute.top), (kad.left + 0.15, kad.bottom)),
                            flow="triage_kad"))
        if f("kad_to_hospital") > 0:
            arrows.append(Arrow(kad.key, hosp.key, f("kad_to_hospital"),
                                ((kad.right - 0.1, kad.bottom), (hosp.x - 0.25, hosp.top)), flow="kad_to_hospital"))
    if f("triage_home") > 0:
        home = Box("triage_home", 3.0, 1.45, 1.75, 0.95, f("triage_home"))
        boxes[home.key] = home
        arrows.append(Arrow(acute.key, home.key, f("triage_home"),
                            ((1.4, acute.bottom), (home.left + 0.15, home.top)), flow="triage_home"))
    arrows.append(Arrow(acute.key, hosp.key, f("triage_hospital"), ((acute.right, acute.y), (hosp.left, hosp.y)),
                        flow="triage_hospital"))
    # right column: died in hospital on top, set apart; the live discharges below it, bracketed together
    x, w, h = 8.4, 2.1, 0.72
    if f("deaths_in_hospital") > 0:
        dead = Box("deaths_in_hospital", x, 6.35, w, h, f("deaths_in_hospital"), "#f6ead6")
        boxes[dead.key] = dead
        arrows.append(Arrow(hosp.key, dead.key, dead.count, ((hosp.right, hosp.y + 0.3), (dead.left, dead.y)),
                            _DEATH, flow="deaths_in_hospital"))
    live = [k for k in LIVE_DESTINATIONS if f(k) > 0]
    top, bottom = 5.05, 0.95
    step = (top - bottom) / max(len(live) - 1, 1) if len(live) > 1 else 0.0
    for i, k in enumerate(live):
        b = Box(k, x, top - i * step if len(live) > 1 else (top + bottom) / 2, w, h, f(k), "#eef3f9")
        boxes[k] = b
        arrows.append(Arrow(hosp.key, k, b.count, ((hosp.right, hosp.y), (b.left, b.y)), flow=k))
    if live and f("readmissions") > 0:
        first, last = boxes[live[0]], boxes[live[-1]]
        bx = last.right + 0.2
        bracket = Box(LIVE, bx, (first.top + last.bottom) / 2, 0.0, first.top - last.bottom,
                      sum(f(k) for k in live))
        boxes[LIVE] = bracket
        low = last.bottom - 0.55
        arrows.append(Arrow(LIVE, hosp.key, f("readmissions"),
                            ((bx, bracket.y), (bx + 0.25, bracket.y), (bx + 0.25, low), (hosp.x, low),
                             (hosp.x, hosp.bottom)), _READMIT, flow="readmissions"))
    return FlowLayout(boxes, arrows, tuple(live))


# ----------------------------------------------------------------------------------------- drawing
def _shaft(n: float, scale: float) -> float:
    """Shaft width in points: grows with the square root of the count."""
    return max(0.8, 13.0 * math.sqrt(n / scale))


def _draw_arrow(ax: plt.Axes, a: Arrow, scale: float) -> None:
    if a.count <= 0:
        return
    tail = _shaft(a.count, scale)
    pts = a.points
    if len(pts) > 2:  # a routed arrow: the shaft as a line, the head on the last segment
        xs, ys = zip(*pts[:-1], strict=False)
        ax.plot(xs, ys, color=a.color, linewidth=tail, alpha=0.7, solid_capstyle="butt", solid_joinstyle="miter",
                zorder=2)
        pts = pts[-2:]
    style = f"simple,head_length={6 + tail * 0.35:.2f},head_width={tail + 6:.2f},tail_width={tail:.2f}"
    ax.add_patch(FancyArrowPatch(pts[0], pts[1], connectionstyle="arc3,rad=0", arrowstyle=style, mutation_scale=1,
                                 linewidth=0, color=a.color, alpha=0.7, zorder=2, shrinkA=0, shrinkB=0))


def _draw_box(ax: plt.Axes, b: Box, title: str, count: str) -> None:
    ax.add_patch(FancyBboxPatch((b.left, b.bottom), b.w, b.h, boxstyle="round,pad=0.02,rounding_size=0.12",
                                facecolor=b.color, edgecolor="#333333", linewidth=0.8, zorder=3))
    ax.text(b.x, b.y + b.h * 0.17, title, ha="center", va="center", fontsize=8.3, zorder=4)
    ax.text(b.x, b.y - b.h * 0.22, count, ha="center", va="center", fontsize=9.5, fontweight="bold", zorder=4)


def _flow_panel(ax: plt.Axes, s: ScenarioData, lang: str) -> None:
    f = s.flows
    lay = flow_layout(f)
    big = max(f.get("hospital_admissions", 0.0), f.get("acute_events", 0.0), 1.0)

    def n(key: str) -> str:
        return number(round(f.get(key, 0.0)), lang, 0)

    ax.set_xlim(0, 10)
    ax.set_ylim(-0.45, 7.0)
    ax.axis("off")
    for a in lay.arrows:
        _draw_arrow(ax, a, big)
    for key, b in lay.boxes.items():
        if key == LIVE:
            ax.plot([b.x - 0.08, b.x, b.x, b.x - 0.08], [b.top, b.top, b.bottom, b.bottom], color=_READMIT,
                    linewidth=1.2, zorder=3)
            continue
        title = "KAD" if key == "triage_kad" else text(f"flow.{key}", lang)
        _draw_box(ax, b, title, n(key))
    acute = lay.boxes["acute_events"]
    ax.text(acute.x, acute.bottom - 0.1, f"({text('flow.triage', lang)})", ha="center", va="top", fontsize=7.3,
            color="#333333")
    if "triage_kad" in lay.boxes:
        kad = lay.boxes["triage_kad"]
        ax.text(kad.x, kad.top + 0.08, f"→ {text('flow.discharge_home', lang).lower()} {n('kad_to_home')}, "
                                          f"→ {text('flow.hospital', lang).lower()} {n('kad_to_hospital')}",
                ha="center", va="bottom", fontsize=7.3, color="#333333")
    if lay.live:
        first = lay.boxes[lay.live[0]]
        ax.text(first.x, first.top + 0.12, "Utskrevet i live til" if lang == "nb" else "Discharged alive to",
                ha="center", va="bottom", fontsize=8.5, fontweight="bold", color="#333333")
    re_ = lay.arrow("readmissions")
    if re_ is not None:
        (x0, _), _, _, (x1, y1), _ = re_.points
        ax.text((x0 + x1) / 2 + 0.6, y1 - 0.12, f"{text('flow.readmissions_30d', lang)}: {n('readmissions')}",
                ha="center", va="top", fontsize=8.3, color="#a33f00", fontweight="bold", zorder=4)
    ax.text(0.0, 6.75, s.name, fontsize=9.5, fontweight="bold", ha="left")


def _flows(data: ReportData, lang: str) -> tuple[Figure, str, str] | None:
    with_flows = [s for s in data.scenarios if "hospital_admissions" in s.flows]
    if not with_flows:
        return None
    fig, axes = plt.subplots(len(with_flows), 1, figsize=(9.0, 4.7 * len(with_flows)), squeeze=False)
    for ax, s in zip(axes[:, 0], with_flows, strict=False):
        _flow_panel(ax, s, lang)
    title = "Pasientforløpet: strømmer per år" if lang == "nb" else "The pathway: flows per year"
    fig.suptitle(title, x=0.01, ha="left", fontsize=11.5, fontweight="bold")
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    f = with_flows[0].flows
    adm = number(round(f.get("hospital_admissions", 0)), lang, 0)
    if lang == "nb":
        cap = (f"Antall pasienter per år i hvert steg av forløpet (gjennomsnitt over replikasjonene), fra akutt "
               f"hendelse via KAD eller sykehus til utskrivningssted. Reinnleggelsene (oransje) går tilbake til "
               f"sykehuset fra pasientene som ble skrevet ut i live (klammen rundt utskrivningsstedene). Pilenes "
               f"bredde følger antallet; et steg uten pasienter vises ikke. Sykehusinnleggelsene ({adm}) omfatter "
               f"direkte innleggelser, overføringer fra KAD og reinnleggelser.")
    else:
        cap = (f"Patients per year at each step of the pathway (mean over replications), from the acute event via KAD "
               f"or hospital to the discharge destination. Readmissions (orange) return to hospital from the patients "
               f"discharged alive (the bracket around the destinations). Arrow width follows the count; a step with "
               f"no patients is not shown. Hospital admissions ({adm}) include direct admissions, transfers from KAD "
               f"and readmissions.")
    return fig, title, cap
