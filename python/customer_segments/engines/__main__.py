"""``python -m customer_segments.engines``: see :mod:`customer_segments.engines`."""

from .run import main

raise SystemExit(main())
