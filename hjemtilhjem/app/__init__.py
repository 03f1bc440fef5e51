"""The FSU meeting app (``hjemtilhjem app``): scenarios built and compared live in the browser, offline.

The page itself (:mod:`.page`) needs the optional extra ``[app]`` (Streamlit); the logic under it does not:
:mod:`.folders` (which folders the app may read and write), :mod:`.build` (a scenario built in the page:
interventions, capacities, shared pools, as a generated file that ``extends`` the baseline plus ``--set``
strings), :mod:`.jobs` (comparisons in worker processes, results shown as replications finish, cached) and
:mod:`.texts` (the page's wording in Norwegian and English). This package imports the layers below it;
nothing below imports it.
"""
