"""``python -m customer_segments``."""

from .cli import main

raise SystemExit(main())
