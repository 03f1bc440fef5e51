"""``python -m hjemtilhjem``: the same entry as the console script (signal handlers before the imports)."""

from ._entry import main

raise SystemExit(main())
