"""Dirt of real exports, injected on purpose so the dbt staging layer has work to do.

Each case has a rate and a minimum number of rows *per chunk*, so even the 2,000-customer
demo (one chunk) shows every case a few times. Row-level cases (copies) and value-level
cases use generic table operations defined here; picks within one table are disjoint so
one kind of dirt never hides another.

customers (built in :mod:`customer_segments.generator.customers`)
    15 % of customers have 2-3 versions (city, member_level, phone format or opt-in
    changed, increasing updated_at); 1 % exact duplicate rows; a few rows with a null
    customer_id; 2 % second accounts whose email differs only in case/spaces; 1 % second
    accounts sharing a phone in another format; phones in 7 formats, null or invalid;
    gender spelled M/male/Male/男/F/female/Female/女/unknown/''/null; emails with odd
    case/whitespace, null or without '@'; country 'cn' / ' CN'.
orders
    null order_id, customer_id unknown to the CRM (:mod:`customer_segments.generator.orders`),
    negative or null gross_amount, negative discount/refunded amounts, unknown and
    respelled statuses, respelled and unknown currencies, ordered_at in the future.
order_items
    quantity 0 or negative, null unit_price, order_id that does not exist.
events
    occurred_at in the future, duplicated event_ids (exact copies or re-loaded later).
nps_responses
    scores 11 / -1 / null, duplicated response_ids.
campaign_assignments
    variants 'Treatment' / ' control' / 'CONTROL', invalid 'holdout_x', duplicated
    (campaign_id, customer_id) pairs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Union

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import arrowutil as au
from . import contract, ids, vocab
from .ids import Counter, IdCounters
from .randomness import choose_from, pick_from
from .timeutil import DAY, FAR_FUTURE, MINUTE, epoch_seconds

Values = Union[pa.Array, pa.ChunkedArray, Sequence[object], np.ndarray, str, int, None]
#: (rate, minimum rows per chunk)
Spec = tuple[float, int]

# orders
ORDER_FUTURE: Spec = (0.002, 3)
ORDER_NEGATIVE_GROSS: Spec = (0.003, 3)
ORDER_NULL_GROSS: Spec = (0.002, 3)
ORDER_UNKNOWN_STATUS: Spec = (0.003, 3)
ORDER_RESPELLED_STATUS: Spec = (0.012, 6)
ORDER_RESPELLED_CURRENCY: Spec = (0.01, 4)
ORDER_UNKNOWN_CURRENCY: Spec = (0.0005, 2)
ORDER_NULL_ID: Spec = (0.0005, 3)
ORDER_NEGATIVE_DISCOUNT: Spec = (0.002, 2)
ORDER_NEGATIVE_REFUND: Spec = (0.01, 2)
# order items
ITEM_BAD_QUANTITY: Spec = (0.001, 3)
ITEM_NULL_PRICE: Spec = (0.001, 3)
ITEM_ORPHAN: Spec = (0.001, 3)
# events
EVENT_FUTURE: Spec = (0.002, 3)
EVENT_DUPLICATE: Spec = (0.01, 6)
# nps
NPS_OUT_OF_RANGE: Spec = (0.003, 3)
NPS_NULL_SCORE: Spec = (0.003, 3)
NPS_DUPLICATE: Spec = (0.005, 3)
# campaign assignments
ASSIGNMENT_RESPELLED: Spec = (0.005, 4)
ASSIGNMENT_INVALID: Spec = (0.002, 2)
ASSIGNMENT_DUPLICATE: Spec = (0.003, 3)
# customer rows
CUSTOMER_DUPLICATE: Spec = (0.01, 3)
CUSTOMER_NULL_ID: Spec = (0.001, 3)


# --- generic table operations ------------------------------------------------------------


def disjoint_picks(rng: np.random.Generator, n: int, specs: Sequence[Spec]) -> list[np.ndarray]:
    """Non-overlapping sorted row sets, one per (rate, minimum) spec."""
    order = rng.permutation(n)
    picks: list[np.ndarray] = []
    pos = 0
    for rate, minimum in specs:
        count = min(n - pos, max(minimum, int(rng.binomial(n, rate)) if n else 0))
        picks.append(np.sort(order[pos : pos + count]))
        pos += count
    return picks


def replace_values(table: pa.Table, column: str, rows: np.ndarray, values: Values) -> pa.Table:
    """Set ``column`` at ``rows`` to ``values`` (one per row) or to a single scalar/None."""
    if len(rows) == 0:
        return table
    i = table.schema.get_field_index(column)
    field = table.schema.field(i)
    n = table.num_rows
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    replacement: pa.Array | pa.Scalar
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, (pa.Array, list, tuple, np.ndarray)):
        array = values if isinstance(values, pa.Array) else pa.array(values)
        position = np.zeros(n, dtype=np.int64)
        position[rows] = np.arange(len(rows))
        replacement = array.cast(field.type).take(pa.array(position))
    else:
        replacement = pa.scalar(values, field.type)
    column_values = pc.if_else(pa.array(mask), replacement, table.column(i).combine_chunks())
    return table.set_column(i, field, column_values)


def insert_copies(
    table: pa.Table, rows: np.ndarray, updates: Mapping[str, Values] | None = None, *, before: bool = False
) -> pa.Table:
    """Copies of ``rows`` (optionally with some columns changed), each placed right after
    (or before) its original row."""
    if len(rows) == 0:
        return table
    rows = np.asarray(rows, dtype=np.int64)
    copies = table.take(pa.array(rows))
    for column, values in (updates or {}).items():
        copies = replace_values(copies, column, np.arange(len(rows)), values)
    key = np.concatenate([np.arange(table.num_rows) * 2 + 1, rows * 2 + (0 if before else 2)])
    order = np.argsort(key, kind="stable")
    return pa.concat_tables([table, copies]).take(pa.array(order))


def respell(
    table: pa.Table,
    column: str,
    rows: np.ndarray,
    respellings: Sequence[tuple[str, tuple[str, ...]]],
    rng: np.random.Generator,
) -> pa.Table:
    """Replace known values at ``rows`` by one of their alternative spellings."""
    current = table.column(column).take(pa.array(rows)).to_pylist()
    mapping = dict(respellings)
    draw = rng.integers(0, 1 << 30, len(rows))
    new = [mapping[v][int(d) % len(mapping[v])] if v in mapping else v for v, d in zip(current, draw)]
    return replace_values(table, column, rows, pa.array(new, pa.string()))


def column_ints(table: pa.Table, column: str, rows: np.ndarray | None = None) -> np.ndarray:
    """Integer view of a column: epoch microseconds for timestamps, cents for decimals.
    Null entries come out as 0."""
    col = table.column(column)
    if rows is not None:
        col = col.take(pa.array(rows))
    array = col.combine_chunks()
    if pa.types.is_decimal(array.type):
        words = np.frombuffer(array.buffers()[1], dtype="<i8")[2 * array.offset :: 2][: len(array)]
        return np.where(array.is_valid().to_numpy(zero_copy_only=False), words, 0)
    return array.cast(pa.int64()).fill_null(0).to_numpy()


def _future(rng: np.random.Generator, micros: np.ndarray) -> pa.Array:
    """Half of the rows jump to the year 2099, the other half one year ahead."""
    far = (epoch_seconds(FAR_FUTURE) + rng.integers(0, 365 * DAY, len(micros))) * 1_000_000
    ahead = micros + 365 * DAY * 1_000_000
    return pa.array(np.where(rng.random(len(micros)) < 0.5, far, ahead)).cast(contract.TIMESTAMP)


def _duplicates(table: pa.Table, rng: np.random.Generator, rows: np.ndarray, time_column: str, shift: int) -> pa.Table:
    """Half exact copies, half re-delivered copies with ``time_column`` moved by ``shift`` s."""
    later = rows[rng.random(len(rows)) < 0.5]
    exact = np.setdiff1d(rows, later)
    table = insert_copies(table, exact)
    shifted = column_ints(table, time_column, later) + shift * 1_000_000
    # ``later`` row numbers moved by the exact copies inserted before them
    later_now = later + np.searchsorted(exact, later, side="right")
    return insert_copies(table, later_now, {time_column: pa.array(shifted).cast(contract.TIMESTAMP)})


# --- per table ---------------------------------------------------------------------------


def dirty_orders(table: pa.Table, rng: np.random.Generator) -> pa.Table:
    future, neg_gross, null_gross, unknown, respelled, currency, bad_currency, null_id = disjoint_picks(
        rng,
        table.num_rows,
        [ORDER_FUTURE, ORDER_NEGATIVE_GROSS, ORDER_NULL_GROSS, ORDER_UNKNOWN_STATUS, ORDER_RESPELLED_STATUS,
         ORDER_RESPELLED_CURRENCY, ORDER_UNKNOWN_CURRENCY, ORDER_NULL_ID],
    )
    table = replace_values(table, "ordered_at", future, _future(rng, column_ints(table, "ordered_at", future)))
    table = replace_values(table, "gross_amount", neg_gross, pc.negate(table.column("gross_amount").take(pa.array(neg_gross))))
    table = replace_values(table, "gross_amount", null_gross, None)
    table = replace_values(table, "status", unknown, choose_from(rng, vocab.UNKNOWN_STATUSES, len(unknown)))
    table = respell(table, "status", respelled, vocab.STATUS_RESPELLINGS, rng)
    table = respell(table, "currency", currency, vocab.CURRENCY_RESPELLINGS, rng)
    table = replace_values(table, "currency", bad_currency, choose_from(rng, vocab.UNKNOWN_CURRENCIES, len(bad_currency)))
    for column, spec in (("discount_amount", ORDER_NEGATIVE_DISCOUNT), ("refunded_amount", ORDER_NEGATIVE_REFUND)):
        rows = pick_from(rng, np.flatnonzero(column_ints(table, column) > 0), *spec)
        table = replace_values(table, column, rows, pc.negate(table.column(column).take(pa.array(rows))))
    return insert_copies(table, null_id, {"order_id": None})


def dirty_order_items(table: pa.Table, rng: np.random.Generator, counters: IdCounters) -> pa.Table:
    quantity, price, orphan = disjoint_picks(rng, table.num_rows, [ITEM_BAD_QUANTITY, ITEM_NULL_PRICE, ITEM_ORPHAN])
    table = replace_values(table, "quantity", quantity, rng.choice(np.array([0, -1, -2]), len(quantity)))
    table = replace_values(table, "unit_price", price, None)
    return insert_copies(
        table,
        orphan,
        {
            "order_item_id": au.ids(ids.ORDER_ITEM, counters.allocate(Counter.ORDER_ITEM, len(orphan))),
            "order_id": au.ids(ids.ORDER, counters.allocate(Counter.ORPHAN_ORDER, len(orphan))),
        },
    )


def dirty_events(table: pa.Table, rng: np.random.Generator) -> pa.Table:
    future, duplicate = disjoint_picks(rng, table.num_rows, [EVENT_FUTURE, EVENT_DUPLICATE])
    table = replace_values(table, "occurred_at", future, _future(rng, column_ints(table, "occurred_at", future)))
    return _duplicates(table, rng, duplicate, contract.LOADED_AT, DAY)


def dirty_nps(table: pa.Table, rng: np.random.Generator) -> pa.Table:
    out_of_range, null_score, duplicate = disjoint_picks(
        rng, table.num_rows, [NPS_OUT_OF_RANGE, NPS_NULL_SCORE, NPS_DUPLICATE]
    )
    table = replace_values(table, "score", out_of_range, rng.choice(np.array([11, -1]), len(out_of_range)))
    table = replace_values(table, "score", null_score, None)
    return _duplicates(table, rng, duplicate, contract.LOADED_AT, DAY)


def dirty_assignments(table: pa.Table, rng: np.random.Generator) -> pa.Table:
    respelled, invalid, duplicate = disjoint_picks(
        rng, table.num_rows, [ASSIGNMENT_RESPELLED, ASSIGNMENT_INVALID, ASSIGNMENT_DUPLICATE]
    )
    respellings = (("treatment", ("Treatment",)), ("control", (" control", "CONTROL")))
    table = respell(table, "variant", respelled, respellings, rng)
    table = replace_values(table, "variant", invalid, choose_from(rng, vocab.INVALID_VARIANTS, len(invalid)))
    return _duplicates(table, rng, duplicate, "assigned_at", 3 * MINUTE)


def dirty_customer_rows(table: pa.Table, rng: np.random.Generator) -> pa.Table:
    duplicate, null_id = disjoint_picks(rng, table.num_rows, [CUSTOMER_DUPLICATE, CUSTOMER_NULL_ID])
    table = insert_copies(table, duplicate)
    null_id_now = null_id + np.searchsorted(duplicate, null_id, side="right")
    return insert_copies(table, null_id_now, {"customer_id": None})


# --- messy values ------------------------------------------------------------------------


_EMAIL_STYLES: tuple[Callable[[str], str], ...] = (
    lambda e: e.title(),
    lambda e: f" {e.title()} ",
    lambda e: e.upper(),
    lambda e: f"{e} ",
    lambda e: e.replace("@", " @", 1),
    lambda e: f"  {e[:1].upper()}{e[1:]}",
)


def messy_email(email: str, style: int) -> str:
    """The same address as a human might type it: other case, stray spaces."""
    return _EMAIL_STYLES[style % len(_EMAIL_STYLES)](email)


def invalid_email(email: str, style: int) -> str:
    """An address without '@'."""
    local, _, domain = email.partition("@")
    return f"{local}.{domain}" if style % 2 else f"{local} at {domain}"
