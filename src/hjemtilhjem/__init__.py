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
"""

__version__ = "0.1.0"

from .scenario.loader import ScenarioError, load_scenario  # noqa: E402, I001
from .experiment.results import RunResults, run  # noqa: E402
from .experiment.compare import Comparison, compare  # noqa: E402
from .experiment.precision import PrecisionRule  # noqa: E402
from .experiment.sweep import SweepResults, sweep  # noqa: E402

__all__ = ["__version__", "load_scenario", "run", "compare", "sweep", "RunResults", "Comparison", "SweepResults",
           "PrecisionRule", "ScenarioError"]
