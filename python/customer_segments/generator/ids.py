"""Identifier formats and the running counters that keep IDs unique across chunks.

Base customers are numbered 1..N in order (``C00000001``). Everything else comes from a
running counter advanced chunk after chunk, so IDs are dense and never repeat:

* second accounts of the same person: ``C`` numbers N+1, N+2, ...
* customers referenced by orders but missing from the CRM: ``C9xxxxxxx`` (from 90,000,001)
* order items pointing at orders that do not exist: ``O9xxxxxxxxx`` (from 9,000,000,001)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np


@dataclass(frozen=True)
class IdFormat:
    prefix: str
    digits: int


CUSTOMER = IdFormat("C", 8)
ORDER = IdFormat("O", 10)
ORDER_ITEM = IdFormat("OI", 11)
PRODUCT = IdFormat("P", 5)
EVENT = IdFormat("E", 12)
NPS_RESPONSE = IdFormat("N", 9)
CAMPAIGN = IdFormat("CMP", 3)
SESSION = IdFormat("S", 10)
ANONYMOUS = IdFormat("A", 10)

UNKNOWN_CUSTOMER_START = 90_000_001
ORPHAN_ORDER_START = 9_000_000_001


class Counter(Enum):
    SECOND_ACCOUNT = "second_account"
    UNKNOWN_CUSTOMER = "unknown_customer"
    ORDER = "order"
    ORDER_ITEM = "order_item"
    ORPHAN_ORDER = "orphan_order"
    EVENT = "event"
    SESSION = "session"
    DEVICE = "device"
    NPS_RESPONSE = "nps_response"


class IdCounters:
    """Next free number per kind of ID; chunks are generated in order and allocate blocks."""

    def __init__(self, customers: int) -> None:
        self._next: dict[Counter, int] = {kind: 1 for kind in Counter}
        self._next[Counter.SECOND_ACCOUNT] = customers + 1
        self._next[Counter.UNKNOWN_CUSTOMER] = UNKNOWN_CUSTOMER_START
        self._next[Counter.ORPHAN_ORDER] = ORPHAN_ORDER_START

    def allocate(self, kind: Counter, count: int) -> np.ndarray:
        """``count`` fresh consecutive numbers (int64)."""
        start = self._next[kind]
        self._next[kind] = start + count
        return np.arange(start, start + count, dtype=np.int64)
