"""App events (clickstream) correlated with purchases.

* Every online order (not ``offline_store``) is preceded, in one session, by a
  ``product_view`` and an ``add_to_cart`` per item and a ``checkout``.
* Reviews follow some completed orders; support tickets follow most cancellations and
  refunds (and a few normal orders).
* Browsing sessions (login, page_view, product_view, add_to_cart without purchase, share,
  support_ticket) fill the rest of the ``events_per_customer`` budget. Their density fades
  towards the end of a churned customer's life. Some sessions are logged out.
* Anonymous events (customer_id null, anonymous_id set) come from product views before
  the shopper logs in to check out, logged-out sessions, browsing before signup and
  visitors who never sign up (about 20 % of all events).

Every event carries the device's ``anonymous_id``. utm fields are filled for a quarter of
the sessions and for all campaign-driven purchase sessions (``utm_source = 'crm'``).
``events_per_customer`` is a target for the total. Purchase funnels are always complete;
when they alone need more than the target (the 5-orders / 15-events demo), browsing
events are still added as 15 % of the total, so the total exceeds the target.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from . import arrowutil as au
from . import contract, ids, vocab
from .campaigns import CAMPAIGN_IDS, CAMPAIGNS
from .config import GeneratorConfig
from .arrays import group_starts
from .context import ChunkContext
from .ids import Counter
from .orders import Items, Orders
from .population import Population
from .randomness import Stream, categorical
from .timeutil import DAY, HOUR, MINUTE, ShoppingClock, nightly_load

MEAN_EXTRA_BROWSE_EVENTS = 1.8  # after the first event of a browsing session
MEAN_BROWSE_EVENTS = 1.0 + MEAN_EXTRA_BROWSE_EVENTS
LOGIN_SHARE = 0.35  # identified browsing sessions starting with a login
LOGGED_OUT_SHARE = 0.15
PRE_LOGIN_SHARE = 0.3  # purchase sessions whose product views happen before login
MIN_BROWSE_SHARE = 0.15  # of all events, even when purchase funnels exceed the target
#: shares of the browsing budget: before signup, visitors who never sign up
PRE_SIGNUP_SHARE = 0.2
VISITOR_SHARE = 0.2
UTM_SHARE = 0.25
SECOND_DEVICE_SHARE = 0.3
REVIEW_RATE = 0.12
TICKET_RATE_PROBLEM = 0.35
TICKET_RATE_OTHER = 0.015

#: utm (source, medium) pairs: paid/owned traffic, then CRM sends per campaign channel.
UTM_PAIRS: tuple[tuple[str, str], ...] = vocab.UTM_PAIRS + tuple(
    (vocab.CRM_UTM_SOURCE, channel) for channel in dict.fromkeys(c.channel for c in CAMPAIGNS)
)
_CAMPAIGN_PAIR = np.array([UTM_PAIRS.index((vocab.CRM_UTM_SOURCE, c.channel)) for c in CAMPAIGNS])
#: platform of an order's session per sales channel (-1: the customer's phone OS)
_CHANNEL_PLATFORM = np.array([vocab.WEB, -1, vocab.MINI_PROGRAM, -1])


class UtmCampaigns:
    """utm_campaign vocabulary: generic names, seasonal names per year, campaign ids."""

    def __init__(self, config: GeneratorConfig) -> None:
        self.first_year = config.start.year
        years = range(config.start.year, config.end.year + 2)
        seasonal = [f"{name}_{year}" for year in years for name, *_ in vocab.UTM_SEASONAL_CAMPAIGNS]
        self.names: tuple[str, ...] = vocab.UTM_GENERIC_CAMPAIGNS + tuple(seasonal) + CAMPAIGN_IDS
        self.campaign_offset = len(vocab.UTM_GENERIC_CAMPAIGNS) + len(seasonal)

    def for_times(self, rng: np.random.Generator, ts: np.ndarray, clock: ShoppingClock) -> np.ndarray:
        """Seasonal campaign names during 618 / 11-11 / 12-12, a generic one otherwise."""
        year, month, day = clock.local_dates(ts)
        generic = len(vocab.UTM_GENERIC_CAMPAIGNS)
        index = rng.integers(0, generic, len(ts))
        per_year = len(vocab.UTM_SEASONAL_CAMPAIGNS)
        for k, (_, m, first, last) in enumerate(vocab.UTM_SEASONAL_CAMPAIGNS):
            season = (month == m) & (day >= first) & (day <= last)
            index = np.where(season, generic + (year - self.first_year) * per_year + k, index)
        return index


@dataclass
class EventLog:
    """Sessions and events of a chunk, in chunk-local session numbers."""

    _sessions: list[dict[str, np.ndarray]] = field(default_factory=list)
    _events: list[dict[str, np.ndarray]] = field(default_factory=list)
    _session_count: int = 0

    def add_sessions(
        self, customer: np.ndarray, device: np.ndarray, platform: np.ndarray, utm_pair: np.ndarray, utm_campaign: np.ndarray
    ) -> np.ndarray:
        """Register sessions (customer -1: logged out); returns their local numbers."""
        self._sessions.append(
            {"customer": customer, "device": device, "platform": platform, "utm_pair": utm_pair, "utm_campaign": utm_campaign}
        )
        local = np.arange(self._session_count, self._session_count + len(customer))
        self._session_count += len(customer)
        return local

    def add_events(
        self,
        session: np.ndarray,
        kind: np.ndarray,
        at: np.ndarray,
        position: np.ndarray,
        product: np.ndarray,
        anonymous: np.ndarray | None = None,
    ) -> None:
        """Events of registered sessions; ``anonymous`` ones precede the login (no customer_id)."""
        if anonymous is None:
            anonymous = np.zeros(len(session), dtype=bool)
        self._events.append(
            {"session": session, "kind": kind, "at": at, "position": position, "product": product, "anonymous": anonymous}
        )

    @staticmethod
    def _concat(parts: list[dict[str, np.ndarray]], name: str) -> np.ndarray:
        return np.concatenate([p[name] for p in parts]).astype(np.int64) if parts else np.zeros(0, np.int64)

    def table(self, ctx: ChunkContext, utm: UtmCampaigns) -> pa.Table:
        s = {k: self._concat(self._sessions, k) for k in ("customer", "device", "platform", "utm_pair", "utm_campaign")}
        e = {k: self._concat(self._events, k) for k in ("session", "kind", "at", "position", "product", "anonymous")}
        at = np.clip(e["at"], ctx.config.start_s, ctx.config.end_s - 1)
        order = np.lexsort((e["position"], e["session"], at))
        session, kind, at, product = e["session"][order], e["kind"][order], at[order], e["product"][order]
        session_number = ctx.counters.allocate(Counter.SESSION, self._session_count)
        customer = np.where(e["anonymous"][order] > 0, -1, s["customer"][session])
        pair = s["utm_pair"][session]
        campaign = s["utm_campaign"][session]
        has_utm = pair >= 0
        sources = [p[0] for p in UTM_PAIRS]
        mediums = [p[1] for p in UTM_PAIRS]
        return au.build_table(
            contract.EVENTS,
            {
                "event_id": au.ids(ids.EVENT, ctx.counters.allocate(Counter.EVENT, len(order))),
                "customer_id": au.ids(ids.CUSTOMER, customer, valid=customer >= 0),
                "anonymous_id": au.ids(ids.ANONYMOUS, s["device"][session]),
                "event_type": au.labels(vocab.EVENT_TYPES, kind),
                "occurred_at": au.timestamps(at),
                "session_id": au.ids(ids.SESSION, session_number[session]),
                "platform": au.labels(vocab.PLATFORMS, s["platform"][session]),
                "utm_source": au.labels(sources, np.maximum(pair, 0), valid=has_utm),
                "utm_medium": au.labels(mediums, np.maximum(pair, 0), valid=has_utm),
                "utm_campaign": au.labels(utm.names, np.maximum(campaign, 0), valid=has_utm),
                "product_id": au.ids(ids.PRODUCT, product + 1, valid=product >= 0),
                contract.LOADED_AT: au.timestamps(nightly_load(at)),
            },
        )


def _device(rng: np.random.Generator, pop: Population, account: np.ndarray) -> np.ndarray:
    second = pop.second_device[account]
    return np.where((second >= 0) & (rng.random(len(account)) < SECOND_DEVICE_SHARE), second, pop.device[account])


def _app_platform(rng: np.random.Generator, pop: Population, account: np.ndarray) -> np.ndarray:
    """The account's usual platform, sometimes another one."""
    preferred = _CHANNEL_PLATFORM[pop.channel[account]]
    preferred = np.where(preferred < 0, pop.mobile_os[account], preferred)
    return np.where(rng.random(len(account)) < 0.7, preferred, rng.integers(0, len(vocab.PLATFORMS), len(account)))


def _random_utm(
    rng: np.random.Generator, ctx: ChunkContext, utm: UtmCampaigns, at: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    n = len(at)
    has = rng.random(n) < UTM_SHARE
    pair = np.where(has, rng.integers(0, len(vocab.UTM_PAIRS), n), -1)
    return pair, np.where(has, utm.for_times(rng, at, ctx.clock), -1)


def _purchase_funnels(
    log: EventLog, rng: np.random.Generator, ctx: ChunkContext, pop: Population, orders: Orders, items: Items, utm: UtmCampaigns
) -> int:
    online = orders.channel != vocab.OFFLINE_STORE
    o = np.flatnonzero(online)
    account = orders.customer[o]
    platform = _CHANNEL_PLATFORM[orders.channel[o]]
    platform = np.where(platform < 0, pop.mobile_os[account], platform)
    pair, campaign = _random_utm(rng, ctx, utm, orders.ordered_at[o])
    driven = orders.campaign[o] >= 0
    pair = np.where(driven, _CAMPAIGN_PAIR[np.maximum(orders.campaign[o], 0)], pair)
    campaign = np.where(driven, utm.campaign_offset + orders.campaign[o], campaign)
    session_of_order = np.full(orders.size, -1, dtype=np.int64)
    session_of_order[o] = log.add_sessions(orders.customer_number[o], _device(rng, pop, account), platform, pair, campaign)

    n_items, first_item = items.per_order(orders.size)
    duration = rng.integers(3 * MINUTE, 45 * MINUTE, orders.size)
    size = 2 * n_items + 1

    def at(order: np.ndarray, position: np.ndarray) -> np.ndarray:
        d = duration[order]
        return orders.ordered_at[order] - d + (position + 1) * d // (size[order] + 1)

    pre_login = rng.random(orders.size) < PRE_LOGIN_SHARE
    it = np.flatnonzero(online[items.order])
    order_of_item = items.order[it]
    j = it - first_item[order_of_item]
    k = n_items[order_of_item]
    for kind, position, anonymous in (
        (vocab.PRODUCT_VIEW, j, pre_login[order_of_item]),
        (vocab.ADD_TO_CART, k + j, None),
    ):
        log.add_events(
            session_of_order[order_of_item], np.full(len(it), kind), at(order_of_item, position), position,
            items.product[it], anonymous,
        )
    position = 2 * n_items[o]
    log.add_events(session_of_order[o], np.full(len(o), vocab.CHECKOUT), at(o, position), position, np.full(len(o), -1))
    return 2 * len(it) + len(o)


def _after_purchase(
    log: EventLog, rng: np.random.Generator, ctx: ChunkContext, pop: Population, orders: Orders, items: Items
) -> int:
    """Reviews after completed orders, support tickets after problems (single-event sessions)."""
    end = ctx.config.end_s
    _, first_item = items.per_order(orders.size)
    problem = (orders.status == vocab.CANCELLED) | (orders.status == vocab.REFUNDED) | (orders.refunded > 0)
    review_at = orders.updated_at + rng.integers(1 * DAY, 10 * DAY, orders.size)
    ticket_at = orders.updated_at + rng.integers(1 * HOUR, 3 * DAY, orders.size)
    review = (orders.status == vocab.COMPLETED) & (rng.random(orders.size) < REVIEW_RATE) & (review_at < end)
    ticket = (rng.random(orders.size) < np.where(problem, TICKET_RATE_PROBLEM, TICKET_RATE_OTHER)) & (ticket_at < end)
    total = 0
    for kind, chosen, when, product in (
        (vocab.REVIEW, review, review_at, items.product[first_item]),
        (vocab.SUPPORT_TICKET, ticket, ticket_at, np.full(orders.size, -1)),
    ):
        o = np.flatnonzero(chosen)
        account = orders.customer[o]
        none = np.full(len(o), -1)
        session = log.add_sessions(
            orders.customer_number[o], _device(rng, pop, account), _app_platform(rng, pop, account), none, none
        )
        log.add_events(session, np.full(len(o), kind), when[o], np.zeros(len(o), np.int64), product[o])
        total += len(o)
    return total


def _browse(
    log: EventLog,
    rng: np.random.Generator,
    ctx: ChunkContext,
    utm: UtmCampaigns,
    start: np.ndarray,
    customer: np.ndarray,
    device: np.ndarray,
    platform: np.ndarray,
    favorite_category: np.ndarray,
) -> None:
    """Browsing sessions starting at ``start`` (customer -1: anonymous)."""
    n = len(start)
    pair, campaign = _random_utm(rng, ctx, utm, start)
    session = log.add_sessions(customer, device, platform, pair, campaign)
    size = 1 + rng.poisson(MEAN_EXTRA_BROWSE_EVENTS, n)
    of = np.repeat(np.arange(n), size)
    first = group_starts(size)
    position = np.arange(len(of)) - first[of]
    kind = np.asarray(vocab.BROWSE_EVENT_TYPES)[categorical(rng, vocab.BROWSE_EVENT_WEIGHTS, len(of))]
    opening = np.where((customer[of] >= 0) & (rng.random(len(of)) < LOGIN_SHARE), vocab.LOGIN, vocab.PAGE_VIEW)
    kind = np.where(position == 0, opening, kind)
    with_product = (kind == vocab.PRODUCT_VIEW) | (kind == vocab.ADD_TO_CART) | (kind == vocab.SHARE)
    product = np.where(with_product, ctx.catalog.sample(rng, favorite_category[of]), -1)
    elapsed = np.cumsum(rng.integers(5, 300, len(of)))
    elapsed = elapsed - elapsed[first[of]]  # the first event opens the session
    log.add_events(session[of], kind, start[of] + elapsed, position, product)


def events_table(ctx: ChunkContext, pop: Population, orders: Orders, items: Items) -> pa.Table:
    cfg = ctx.config
    rng = ctx.rng(Stream.EVENTS)
    utm = UtmCampaigns(cfg)
    log = EventLog()
    n = pop.size
    budget = cfg.events_per_customer * ctx.size  # per base customer (person)
    used = _purchase_funnels(log, rng, ctx, pop, orders, items, utm)
    used += _after_purchase(log, rng, ctx, pop, orders, items)

    # browsing: what is left of the budget, but at least MIN_BROWSE_SHARE of all events
    rest = max(budget - used, used * MIN_BROWSE_SHARE / (1.0 - MIN_BROWSE_SHARE))

    # browsing before signup (anonymous, on the device that later signs up)
    before = rng.integers(0, n, int(PRE_SIGNUP_SHARE * rest / MEAN_BROWSE_EVENTS))
    at = pop.signup[before] - rng.integers(10 * MINUTE, 14 * DAY, len(before))
    keep = at >= cfg.start_s
    before, at = before[keep], at[keep]
    _browse(log, rng, ctx, utm, at, np.full(len(before), -1), pop.device[before],
            _app_platform(rng, pop, before), pop.favorite_category[before])

    # visitors who never sign up
    visitors = int(VISITOR_SHARE * rest / MEAN_BROWSE_EVENTS)
    devices = ctx.counters.allocate(Counter.DEVICE, max(1, visitors // 2))
    no = np.zeros(visitors, dtype=bool)
    at = ctx.clock.sample(rng, np.full(visitors, cfg.start_s), np.full(visitors, cfg.end_s - 1), no, no)
    _browse(log, rng, ctx, utm, at, np.full(visitors, -1), devices[rng.integers(0, len(devices), visitors)],
            rng.integers(0, len(vocab.PLATFORMS), visitors), categorical(rng, vocab.CATEGORY_WEIGHTS, visitors))

    # browsing by accounts over their engaged period; fading before churn
    rest *= 1.0 - PRE_SIGNUP_SHARE - VISITOR_SHARE
    engaged_end = np.where(
        pop.buyer,
        np.where(pop.churned, pop.active_end + rng.exponential(45 * DAY, n).astype(np.int64), cfg.end_s - 1),
        pop.signup + rng.exponential(90 * DAY, n).astype(np.int64),
    )
    engaged_end = np.clip(engaged_end, pop.signup + HOUR, cfg.end_s - 1)
    weight = (engaged_end - pop.signup) / DAY * (0.3 + np.where(pop.buyer, pop.propensity, 0.3))
    sessions = rng.poisson(weight * (rest / MEAN_BROWSE_EVENTS / max(weight.sum(), 1e-9)))
    account = np.repeat(np.arange(n), sessions)
    u = rng.random(len(account))
    fraction = np.where(pop.churned[account], 1.0 - np.sqrt(1.0 - u), u)
    lo, hi = pop.signup[account], engaged_end[account]
    at = lo + (fraction * (hi - lo)).astype(np.int64)
    at = np.clip(ctx.clock.sample(rng, at - 12 * HOUR, at + 12 * HOUR, pop.night_owl[account], pop.weekend_shopper[account]), lo, hi)
    logged_out = rng.random(len(account)) < LOGGED_OUT_SHARE
    _browse(log, rng, ctx, utm, at, np.where(logged_out, -1, pop.number[account]), _device(rng, pop, account),
            _app_platform(rng, pop, account), pop.favorite_category[account])
    return log.table(ctx, utm)
