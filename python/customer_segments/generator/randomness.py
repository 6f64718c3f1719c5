"""Deterministic random streams and sampling helpers.

Every chunk draws from its own generators seeded with ``[seed, chunk_no, stream]``, so
the output never depends on anything but the arguments (no clock, no hash seeds).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

import numpy as np

#: Pseudo chunk number for the tables that do not depend on customers (products, campaigns).
GLOBAL_CHUNK = 2**32 - 1


class Stream(IntEnum):
    """One independent random stream per generation step."""

    CATALOG = 1
    POPULATION = 2
    PURCHASES = 3
    CAMPAIGNS = 4
    ORDERS = 5
    ORDER_VERSIONS = 6
    EVENTS = 7
    NPS = 8
    CUSTOMERS = 9
    DIRT = 10


def rng_for(seed: int, chunk_no: int, stream: Stream, part: int = 0) -> np.random.Generator:
    """The generator for one (seed, chunk, step, part of the step)."""
    return np.random.default_rng([seed, chunk_no, int(stream), part])


def categorical(rng: np.random.Generator, weights: Sequence[float] | np.ndarray, size: int) -> np.ndarray:
    """``size`` draws of indices 0..len(weights)-1 with the given relative weights."""
    w = np.asarray(weights, dtype=np.float64)
    cdf = np.cumsum(w) / w.sum()
    return np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), len(w) - 1)


def pick(rng: np.random.Generator, n: int, rate: float, minimum: int = 0) -> np.ndarray:
    """Sorted distinct row indices out of ``n``: about ``rate * n`` of them, at least ``minimum``."""
    count = min(n, max(minimum, int(rng.binomial(n, min(rate, 1.0))) if n else 0))
    return np.sort(rng.choice(n, size=count, replace=False)) if count else np.zeros(0, dtype=np.int64)


def pick_from(rng: np.random.Generator, candidates: np.ndarray, rate: float, minimum: int = 0) -> np.ndarray:
    """Like :func:`pick`, among the given candidate row indices."""
    return np.asarray(candidates, dtype=np.int64)[pick(rng, len(candidates), rate, minimum)]


def choose_from(rng: np.random.Generator, options: Sequence[str], size: int) -> list[str]:
    """``size`` uniform draws from a short list of strings."""
    return [options[i] for i in rng.integers(0, len(options), size)]
