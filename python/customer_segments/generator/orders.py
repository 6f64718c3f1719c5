"""Orders and order items.

Organic purchases come from the population's purchase windows (Poisson counts, seasonal
timestamps); campaign purchases are added by :mod:`customer_segments.generator.campaigns`. Each
order gets 1-5 items, a currency (USD at about 1/7.1 of CNY prices), discounts for
discount seekers, and a status lifecycle cut off at the end of the period (cancellations,
partial and full refunds, pending payments). About 10 % of orders are exported twice: an
earlier ``paid`` version and the later final one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import arrowutil as au
from . import contract, ids, vocab
from .arrays import group_starts
from .context import ChunkContext
from .dirty import insert_copies
from .ids import Counter
from .population import Population
from .randomness import Stream, categorical, pick, pick_from
from .timeutil import DAY, HOUR, MINUTE, nightly_load

VERSIONED_ORDER_RATE = 0.10
UNKNOWN_CUSTOMER_RATE = 0.005
#: normal, cancelled, partially refunded, fully refunded, left pending
OUTCOME_WEIGHTS = (0.88, 0.05, 0.04, 0.02, 0.01)
ORGANIC = -1


@dataclass(frozen=True)
class Purchases:
    """Purchase intents: who buys when (and through which campaign, or ORGANIC)."""

    customer: np.ndarray
    at: np.ndarray
    campaign: np.ndarray

    @staticmethod
    def concat(*parts: "Purchases") -> "Purchases":
        return Purchases(
            customer=np.concatenate([p.customer for p in parts]),
            at=np.concatenate([p.at for p in parts]),
            campaign=np.concatenate([p.campaign for p in parts]),
        )


@dataclass(frozen=True)
class Orders:
    number: np.ndarray
    customer: np.ndarray  # account index in the population
    customer_number: np.ndarray  # as exported (some point at unknown customers)
    ordered_at: np.ndarray
    status: np.ndarray  # index into vocab.STATUSES
    currency: np.ndarray
    gross: np.ndarray  # cents
    discount: np.ndarray
    refunded: np.ndarray
    channel: np.ndarray
    updated_at: np.ndarray
    campaign: np.ndarray

    @property
    def size(self) -> int:
        return len(self.number)


@dataclass(frozen=True)
class Items:
    number: np.ndarray
    order: np.ndarray  # row index into Orders (items are sorted by it)
    product: np.ndarray
    quantity: np.ndarray
    unit_cents: np.ndarray

    def per_order(self, n_orders: int) -> tuple[np.ndarray, np.ndarray]:
        """(number of items, row of the first item) of every order."""
        counts = np.bincount(self.order, minlength=n_orders)
        return counts, group_starts(counts)


def organic_purchases(ctx: ChunkContext, pop: Population) -> Purchases:
    """Forced first/comeback purchases plus Poisson purchases over each window, scaled so
    that the chunk averages ``orders_per_customer`` orders per base customer (person)."""
    rng = ctx.rng(Stream.PURCHASES)
    days = (pop.window_hi - pop.window_lo) / DAY
    intensity = pop.propensity[pop.window_customer] * days
    wanted = ctx.config.orders_per_customer * ctx.size - len(pop.forced_customer)
    scale = max(wanted, 0.0) / intensity.sum() if intensity.sum() > 0 else 0.0
    counts = rng.poisson(intensity * scale)
    window = np.repeat(np.arange(len(counts)), counts)
    customer = pop.window_customer[window]
    at = ctx.clock.sample(
        rng, pop.window_lo[window] + MINUTE, pop.window_hi[window], pop.night_owl[customer], pop.weekend_shopper[customer]
    )
    customers = np.concatenate([pop.forced_customer, customer])
    return Purchases(
        customer=customers,
        at=np.concatenate([pop.forced_at, at]),
        campaign=np.full(len(customers), ORGANIC, dtype=np.int64),
    )


def build_orders(ctx: ChunkContext, pop: Population, purchases: Purchases) -> tuple[Orders, Items]:
    rng = ctx.rng(Stream.ORDERS)
    end = ctx.config.end_s
    order = np.lexsort((purchases.customer, purchases.at))
    customer = purchases.customer[order]
    at = purchases.at[order]
    m = len(order)

    channel = np.where(rng.random(m) < 0.7, pop.channel[customer], categorical(rng, vocab.SALES_CHANNEL_WEIGHTS, m))
    usd = np.where(pop.pays_usd[customer], rng.random(m) < 0.93, rng.random(m) < 0.01)
    currency = np.where(usd, vocab.USD, vocab.CNY)

    # items: 1-5 per order, mostly from the customer's favourite category; a one-time buyer's
    # only order is a trial purchase of a single unit (small baskets of new customers are what
    # populates the new_customers / promising RFM cells)
    trial = (pop.active_end[customer] == pop.first_order[customer]) & (at == pop.first_order[customer])
    n_items = np.where(trial, 1, 1 + categorical(rng, vocab.ITEMS_PER_ORDER_WEIGHTS, m))
    item_order = np.repeat(np.arange(m), n_items)
    product = ctx.catalog.sample(rng, pop.favorite_category[customer[item_order]])
    quantity = np.where(trial[item_order], 1, 1 + categorical(rng, vocab.QUANTITY_WEIGHTS, len(item_order)))
    price = ctx.catalog.price_cents[product]
    unit = np.where(
        usd[item_order], (price * vocab.USD_PER_CNY_NUM + vocab.USD_PER_CNY_DEN // 2) // vocab.USD_PER_CNY_DEN, price
    )
    first_item = group_starts(n_items)
    gross = np.add.reduceat(quantity * unit, first_item) if m else np.zeros(0, dtype=np.int64)

    seeker = pop.discount_seeker[customer] & (rng.random(m) < 0.75)
    discount = np.where(seeker, np.round(gross * rng.uniform(0.05, 0.30, m)).astype(np.int64), 0)
    net = gross - discount

    # status lifecycle, cut off at the end of the period
    outcome = categorical(rng, OUTCOME_WEIGHTS, m)
    shipped_at = at + rng.integers(4 * HOUR, 48 * HOUR, m)
    completed_at = shipped_at + rng.integers(2 * DAY, 7 * DAY, m)
    cancelled_at = at + rng.integers(10 * MINUTE, 24 * HOUR, m)
    refund_at = completed_at + rng.integers(1 * DAY, 20 * DAY, m)
    partial_amount = np.clip((net * rng.uniform(0.1, 0.8, m)).astype(np.int64), 1, np.maximum(net - 1, 1))

    status = np.where(completed_at < end, vocab.COMPLETED, np.where(shipped_at < end, vocab.SHIPPED, vocab.PAID))
    updated_at = np.where(completed_at < end, completed_at, np.where(shipped_at < end, shipped_at, at))
    refunded = np.zeros(m, dtype=np.int64)
    cancel = (outcome == 1) & (cancelled_at < end)
    partial = (outcome == 2) & (refund_at < end) & (net > 1)
    full = (outcome == 3) & (refund_at < end)
    pending = outcome == 4
    status = np.select([cancel, full, pending], [vocab.CANCELLED, vocab.REFUNDED, vocab.PENDING], status)
    updated_at = np.select([cancel, full | partial, pending], [cancelled_at, refund_at, at], updated_at)
    refunded = np.select([partial, full], [partial_amount, net], refunded)

    # ~0.5 % of orders point at customers missing from the CRM export
    customer_number = pop.number[customer].copy()
    unknown = pick(rng, m, UNKNOWN_CUSTOMER_RATE, minimum=2)
    customer_number[unknown] = ctx.counters.allocate(Counter.UNKNOWN_CUSTOMER, len(unknown))

    orders = Orders(
        number=ctx.counters.allocate(Counter.ORDER, m),
        customer=customer,
        customer_number=customer_number,
        ordered_at=at,
        status=status.astype(np.int64),
        currency=currency,
        gross=gross,
        discount=discount,
        refunded=refunded,
        channel=channel,
        updated_at=updated_at,
        campaign=purchases.campaign[order],
    )
    items = Items(
        number=ctx.counters.allocate(Counter.ORDER_ITEM, len(item_order)),
        order=item_order,
        product=product,
        quantity=quantity,
        unit_cents=unit,
    )
    return orders, items


def orders_table(ctx: ChunkContext, orders: Orders) -> pa.Table:
    """Final versions of all orders, plus earlier ``paid`` versions of ~10 % of them."""
    table = au.build_table(
        contract.ORDERS,
        {
            "order_id": au.ids(ids.ORDER, orders.number),
            "customer_id": au.ids(ids.CUSTOMER, orders.customer_number),
            "ordered_at": au.timestamps(orders.ordered_at),
            "status": au.labels(vocab.STATUSES, orders.status),
            "currency": au.labels(vocab.CURRENCIES, orders.currency),
            "gross_amount": au.decimals(orders.gross),
            "discount_amount": au.decimals(orders.discount),
            "refunded_amount": au.decimals(orders.refunded),
            "sales_channel": au.labels(vocab.SALES_CHANNELS, orders.channel),
            "updated_at": au.timestamps(orders.updated_at),
            contract.LOADED_AT: au.timestamps(nightly_load(orders.updated_at)),
        },
    )
    rng = ctx.rng(Stream.ORDER_VERSIONS)
    candidates = np.flatnonzero(
        (orders.status != vocab.PAID)
        & (orders.status != vocab.PENDING)
        & (nightly_load(orders.ordered_at) < nightly_load(orders.updated_at))
    )
    rate = VERSIONED_ORDER_RATE * orders.size / max(len(candidates), 1)
    rows = pick_from(rng, candidates, rate, minimum=3)
    return insert_copies(
        table,
        rows,
        {
            "status": "paid",
            "refunded_amount": au.decimals(np.zeros(len(rows), dtype=np.int64)),
            "updated_at": au.timestamps(orders.ordered_at[rows]),
            contract.LOADED_AT: au.timestamps(nightly_load(orders.ordered_at[rows])),
        },
        before=True,
    )


def items_table(orders: Orders, items: Items) -> pa.Table:
    return au.build_table(
        contract.ORDER_ITEMS,
        {
            "order_item_id": au.ids(ids.ORDER_ITEM, items.number),
            "order_id": au.ids(ids.ORDER, orders.number[items.order]),
            "product_id": au.ids(ids.PRODUCT, items.product + 1),
            "quantity": au.ints(items.quantity),
            "unit_price": au.decimals(items.unit_cents),
            contract.LOADED_AT: au.timestamps(nightly_load(orders.ordered_at[items.order])),
        },
    )
