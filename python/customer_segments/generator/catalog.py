"""The product catalogue (~200 products in 8 categories from 30 brands)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import arrowutil as au
from . import contract, ids, vocab
from .config import GeneratorConfig
from .randomness import GLOBAL_CHUNK, Stream, categorical, rng_for
from .timeutil import LOAD_TIME_OF_DAY


@dataclass(frozen=True)
class Catalog:
    """Products and what the order and event generators need to sample them."""

    table: pa.Table
    category: np.ndarray  # category index per product
    price_cents: np.ndarray  # list price in CNY cents
    popularity_cdf: np.ndarray
    by_category: np.ndarray  # product indices sorted by category
    category_start: np.ndarray  # first position of each category in ``by_category``
    category_size: np.ndarray

    @property
    def size(self) -> int:
        return len(self.category)

    def sample(self, rng: np.random.Generator, favorite_category: np.ndarray, loyalty: float = 0.5) -> np.ndarray:
        """One product per row: from the row's favourite category with probability ``loyalty``,
        otherwise by overall popularity."""
        n = len(favorite_category)
        popular = np.minimum(np.searchsorted(self.popularity_cdf, rng.random(n), side="right"), self.size - 1)
        size = self.category_size[favorite_category]
        within = self.category_start[favorite_category] + np.minimum((rng.random(n) * size).astype(np.int64), size - 1)
        return np.where(rng.random(n) < loyalty, self.by_category[within], popular)


def build_catalog(config: GeneratorConfig) -> Catalog:
    rng = rng_for(config.seed, GLOBAL_CHUNK, Stream.CATALOG)
    n = vocab.PRODUCT_COUNT
    n_categories = len(vocab.CATEGORIES)
    category = categorical(rng, vocab.CATEGORY_WEIGHTS, n)
    category[:n_categories] = np.arange(n_categories)  # every category has products
    # each brand mostly sells in one home category
    brand_home = np.arange(len(vocab.BRANDS)) % n_categories
    home_brands = [np.flatnonzero(brand_home == c) for c in range(n_categories)]
    u = rng.random(n)
    any_brand = rng.integers(0, len(vocab.BRANDS), n)
    brand = np.array([home_brands[c][int(x * len(home_brands[c]))] for c, x in zip(category, rng.random(n))])
    brand = np.where(u < 0.85, brand, any_brand)

    medians = np.array([c[1] for c in vocab.CATEGORIES], dtype=np.float64)
    raw = medians[category] * rng.lognormal(0.0, 0.55, n)
    price_cents = np.maximum(990, np.round(raw / 100).astype(np.int64) * 100 - 10)  # prices end in .90

    adjective = rng.integers(0, len(vocab.PRODUCT_ADJECTIVES), n)
    noun = rng.integers(0, 1000, n)
    names = [
        f"{vocab.BRANDS[b]} {vocab.PRODUCT_ADJECTIVES[a]} {vocab.CATEGORIES[c][2][k % len(vocab.CATEGORIES[c][2])]}"
        for b, a, c, k in zip(brand, adjective, category, noun)
    ]
    popularity = 1.0 / (1.0 + rng.permutation(n)) ** 0.8  # Zipf-like, random order
    by_category = np.argsort(category, kind="stable")
    size = np.bincount(category, minlength=n_categories)
    start = np.concatenate([[0], np.cumsum(size)[:-1]])

    number = np.arange(1, n + 1)
    table = au.build_table(
        contract.PRODUCTS,
        {
            "product_id": au.ids(ids.PRODUCT, number),
            "product_name": pa.array(names, pa.string()),
            "category": au.labels([c[0] for c in vocab.CATEGORIES], category),
            "brand": au.labels(vocab.BRANDS, brand),
            # the catalogue is loaded once, by the first nightly load of the period
            contract.LOADED_AT: au.timestamps(np.full(n, config.start_s + LOAD_TIME_OF_DAY)),
        },
    )
    return Catalog(
        table=table,
        category=category,
        price_cents=price_cents,
        popularity_cdf=np.cumsum(popularity) / popularity.sum(),
        by_category=by_category,
        category_start=start,
        category_size=size,
    )
