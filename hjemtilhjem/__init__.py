"""hjemtilhjem: discrete-event simulation of the Norwegian hjem-til-hjem patient pathway.

The small public API for notebooks (see docs/python_api.md)::

    import hjemtilhjem as h
    sc = h.load_scenario("scenarios/vestfold/baseline.toml")
    res = h.run(sc, replications=10)
    res.summary()["indicators"]["delayed_days"]
    cmp = h.compare(sc, "scenarios/vestfold/flere_korttidsplasser.toml", replications=10)
    cmp.to_dataframe()
    sw = h.sweep("scenarios/vestfold/baseline.toml", {"hospital.beds": [345, 365, 385]}, replications=5)
    sw.to_dataframe()

The names are imported on first use (PEP 562), not with the package: ``import hjemtilhjem`` stays cheap,
so that the command line can install its signal handlers before numpy, scipy and pydantic are loaded
(see ``_entry``).
"""

from .version import __version__

#: public name -> the module that defines it
_API = {
    "load_scenario": ".scenario.loader",
    "ScenarioError": ".scenario.loader",
    "run": ".experiment.results",
    "RunResults": ".experiment.results",
    "compare": ".experiment.compare",
    "Comparison": ".experiment.compare",
    "PrecisionRule": ".experiment.precision",
    "sweep": ".experiment.sweep",
    "SweepResults": ".experiment.sweep",
}

__all__ = ["__version__", "load_scenario", "run", "compare", "sweep", "RunResults", "Comparison", "SweepResults",
           "PrecisionRule", "ScenarioError"]

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing alone takes tens of milliseconds
if TYPE_CHECKING:
    from .experiment.compare import Comparison, compare
    from .experiment.precision import PrecisionRule
    from .experiment.results import RunResults, run
    from .experiment.sweep import SweepResults, sweep
    from .scenario.loader import ScenarioError, load_scenario


if not TYPE_CHECKING:  # hidden from type checkers, which see the imports above (and flag a misspelt name)

    def __getattr__(name: str) -> object:
        module = _API.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from importlib import import_module

        value = getattr(import_module(module, __name__), name)
        globals()[name] = value  # once: later look-ups do not come here
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(_API))
