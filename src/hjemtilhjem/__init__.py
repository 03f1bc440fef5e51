"""hjemtilhjem: discrete-event simulation of the Norwegian hjem-til-hjem patient pathway.

The small public API for notebooks::

    import hjemtilhjem as h
    sc = h.load_scenario("scenarios/vestfold/baseline.toml")
    res = h.run(sc, replications=10)
    res.summary()["indicators"]["delayed_days"]
"""

__version__ = "0.1.0"

from .experiment.results import RunResults, run  # noqa: E402
from .scenario.loader import ScenarioError, load_scenario  # noqa: E402

__all__ = ["__version__", "load_scenario", "run", "RunResults", "ScenarioError"]
