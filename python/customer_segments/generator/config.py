"""Generator settings shared by the CLI, the generator and the benchmark."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .timeutil import DAY, epoch_seconds

DEFAULT_SEED = 42
DEFAULT_ORDERS_PER_CUSTOMER = 5.0
DEFAULT_EVENTS_PER_CUSTOMER = 15.0
DEFAULT_START = date(2024, 7, 1)
DEFAULT_END = date(2026, 6, 30)

#: Customer numbers above this are reserved (second accounts and unknown customers).
MAX_CUSTOMERS = 50_000_000
MIN_PERIOD_DAYS = 120


@dataclass(frozen=True)
class GeneratorConfig:
    """What to generate. ``customers`` counts people; some get a second account on top."""

    customers: int
    seed: int = DEFAULT_SEED
    orders_per_customer: float = DEFAULT_ORDERS_PER_CUSTOMER
    events_per_customer: float = DEFAULT_EVENTS_PER_CUSTOMER
    start: date = DEFAULT_START
    end: date = DEFAULT_END

    def __post_init__(self) -> None:
        if not 1 <= self.customers <= MAX_CUSTOMERS:
            raise ValueError(f"customers must be between 1 and {MAX_CUSTOMERS:,}")
        if self.seed < 0:
            raise ValueError("seed must be >= 0")
        if self.orders_per_customer <= 0 or self.events_per_customer <= 0:
            raise ValueError("orders and events per customer must be positive")
        if (self.end - self.start).days + 1 < MIN_PERIOD_DAYS:
            raise ValueError(f"the period --start..--end must span at least {MIN_PERIOD_DAYS} days")

    @property
    def days(self) -> int:
        """Number of calendar days in the period (both ends included)."""
        return (self.end - self.start).days + 1

    @property
    def start_s(self) -> int:
        """First second of the period (UTC epoch seconds)."""
        return epoch_seconds(self.start)

    @property
    def end_s(self) -> int:
        """First second after the period (exclusive bound, UTC epoch seconds)."""
        return self.start_s + self.days * DAY
