"""What every step of a chunk's generation needs to know."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .catalog import Catalog
from .contract import TABLE_NAMES
from .config import GeneratorConfig
from .ids import IdCounters
from .randomness import Stream, rng_for
from .timeutil import ShoppingClock


@dataclass(frozen=True)
class RunContext:
    """Shared by all chunks of one run."""

    config: GeneratorConfig
    clock: ShoppingClock
    catalog: Catalog
    counters: IdCounters


@dataclass(frozen=True)
class ChunkContext:
    """One chunk of base customers: numbers ``first_customer + 1 .. first_customer + size``."""

    run: RunContext
    chunk_no: int
    first_customer: int
    size: int

    @property
    def config(self) -> GeneratorConfig:
        return self.run.config

    @property
    def clock(self) -> ShoppingClock:
        return self.run.clock

    @property
    def catalog(self) -> Catalog:
        return self.run.catalog

    @property
    def counters(self) -> IdCounters:
        return self.run.counters

    def rng(self, stream: Stream, part: int = 0) -> np.random.Generator:
        return rng_for(self.config.seed, self.chunk_no, stream, part)

    def dirt_rng(self, table: str) -> np.random.Generator:
        """The random stream of the dirt injected into raw table ``table`` (numbered by its place
        in the contract's table order)."""
        return self.rng(Stream.DIRT, TABLE_NAMES.index(table))
