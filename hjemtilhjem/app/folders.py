"""The folders the app may read and write, and nothing outside them (DESIGN.md section 7, "The app").

Scenarios are read only under the scenario folders the app was started with; generated scenarios, uploads and
results are written only under its results folder. Every path that comes from the page (a choice in a list, an
uploaded file's name, an ``extends`` inside an uploaded file) is resolved and checked against these roots.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["AppFolders", "OutsideFolders", "ENV_SCENARIOS", "ENV_OUT", "ENV_JOBS", "Community"]

#: how ``hjemtilhjem app`` hands its folders to the page (the page runs in the Streamlit server's process)
ENV_SCENARIOS = "HJEMTILHJEM_APP_SCENARIOS"
ENV_OUT = "HJEMTILHJEM_APP_OUT"
ENV_JOBS = "HJEMTILHJEM_APP_JOBS"


class OutsideFolders(ValueError):
    """A path that would leave the app's folders."""


@dataclass(frozen=True)
class Community:
    """A folder of scenario files: a health community (``scenarios/vestfold``) or the user's own folder."""

    name: str
    folder: Path
    files: tuple[Path, ...]

    def baseline(self) -> Path:
        for f in self.files:
            if f.name == "baseline.toml":
                return f
        return self.files[0]


@dataclass
class AppFolders:
    """Scenario folders (read) and the results folder (write); ``work`` holds generated scenarios and uploads."""

    scenario_roots: list[Path]
    out: Path
    jobs: int = field(default_factory=lambda: max(1, os.cpu_count() or 1))

    def __post_init__(self) -> None:
        self.scenario_roots = [Path(p).resolve() for p in self.scenario_roots]
        self.out = Path(self.out).resolve()

    @classmethod
    def from_env(cls) -> AppFolders:
        """The folders ``hjemtilhjem app`` was started with (default: ``scenarios/`` and ``results/`` here)."""
        roots = [Path(p) for p in os.environ.get(ENV_SCENARIOS, "").split(os.pathsep) if p]
        if not roots:
            roots = [Path("scenarios")]
        jobs = int(os.environ.get(ENV_JOBS) or 0) or max(1, os.cpu_count() or 1)
        return cls(roots, Path(os.environ.get(ENV_OUT) or "results"), jobs)

    @property
    def work(self) -> Path:
        return self.out / "app"

    # ------------------------------------------------------------------ checks
    def readable(self, path: str | Path) -> Path:
        """``path`` resolved, if it lies under a scenario folder or the work folder; else :class:`OutsideFolders`."""
        p = Path(path).resolve()
        for root in [*self.scenario_roots, self.work.resolve()]:
            if p.is_relative_to(root):
                return p
        raise OutsideFolders(f"{path}: outside the app's scenario folders")

    def writable(self, path: str | Path) -> Path:
        p = Path(path).resolve()
        if not p.is_relative_to(self.out):
            raise OutsideFolders(f"{path}: outside the app's results folder")
        return p

    # ------------------------------------------------------------------ listing
    def communities(self) -> list[Community]:
        """Every folder under the scenario roots that holds scenario files (targets files left out)."""
        out: list[Community] = []
        for root in self.scenario_roots:
            if not root.is_dir():
                continue
            for folder in [root, *sorted(p for p in root.iterdir() if p.is_dir())]:
                files = tuple(f for f in sorted(folder.glob("*.toml")) if is_scenario_file(f))
                if files:
                    name = folder.name if folder != root or len(self.scenario_roots) == 1 else folder.name
                    out.append(Community(name=name, folder=folder, files=files))
        uploads = self.work / "uploads"
        if uploads.is_dir():
            files = tuple(f for f in sorted(uploads.glob("*.toml")) if is_scenario_file(f))
            if files:
                out.append(Community(name="uploads", folder=uploads.resolve(), files=files))
        return out

    # ------------------------------------------------------------------ writing
    def save_upload(self, name: str, data: bytes) -> Path:
        """Keep an uploaded scenario under ``work/uploads`` with a safe name (its folder part is dropped)."""
        stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in Path(name).stem)[:60] or "scenario"
        digest = hashlib.sha256(data).hexdigest()[:8]
        folder = self.work / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        path = self.writable(folder / f"{stem}-{digest}.toml")
        path.write_bytes(data)
        return path


def is_scenario_file(path: Path) -> bool:
    """A TOML file with a ``[scenario]`` table or an ``extends`` (not a targets file); unreadable files count,
    so that loading them says what is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return True
    return "target" not in data or "scenario" in data or "extends" in data
