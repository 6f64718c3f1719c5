"""Small numpy helpers shared by the generation steps."""

from __future__ import annotations

import numpy as np


def group_starts(counts: np.ndarray) -> np.ndarray:
    """Index of the first row of each group in a flat array holding the groups in order."""
    counts = np.asarray(counts, dtype=np.int64)
    return np.cumsum(counts) - counts


def unit_ranks(values: np.ndarray) -> np.ndarray:
    """Rank of every value scaled to [0, 1] (ties broken by position, deterministically)."""
    n = len(values)
    return np.argsort(np.argsort(values, kind="stable"), kind="stable") / max(n - 1, 1)
