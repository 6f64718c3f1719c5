"""Latent customer population of a chunk: who signs up when, how often they buy, for how long.

Each account (a base customer, or a person's second account) gets:

* a signup time (growing slightly over the period, following the seasonal clock);
* a purchase propensity (gamma distributed) and whether they ever buy (~85 %);
* a lifecycle: one-time buyers, buyers who stay until the end, buyers who churn after an
  exponential lifetime, and ~5 % who come back after a dormant gap of 205-300 days;
* habits: night owl (22:00-02:00 Shanghai time), weekend shopper, discount seeker, pays
  in USD, preferred sales channel and product category, phone OS, app devices.

The lifecycle is expressed as purchase *windows* (Poisson orders spread over the seasonal
clock) plus *forced* orders (the first purchase and the comeback purchase).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import vocab
from .context import ChunkContext
from .ids import Counter
from .randomness import Stream, categorical, pick_from
from .timeutil import DAY, HOUR, MINUTE

PERSON, EMAIL_TWIN, PHONE_TWIN = 0, 1, 2

BUYER_SHARE = 0.85
TEST_ACCOUNT_RATE = 0.005
EMAIL_TWIN_RATE = 0.02
PHONE_TWIN_RATE = 0.01
ONE_TIMER_SHARE = 0.28  # of buyers
STAYS_ACTIVE_SHARE = 0.5  # of repeat buyers
COMEBACK_SHARE_OF_ELIGIBLE = 0.25  # gives ~5 % of all customers
SIGNUP_GROWTH = 1.5  # signup density rises linearly by this factor over the period


def copy_to_second_accounts(values: np.ndarray, origin: np.ndarray) -> np.ndarray:
    """Second accounts (origin >= 0) share the person's attributes (in place)."""
    twin = origin >= 0
    values[twin] = values[origin[twin]]
    return values


@dataclass(frozen=True)
class Population:
    number: np.ndarray  # customer number (C + 8 digits)
    kind: np.ndarray  # PERSON, EMAIL_TWIN or PHONE_TWIN
    origin: np.ndarray  # for twins: index of the person's first account, else -1
    signup: np.ndarray
    is_test: np.ndarray
    buyer: np.ndarray
    propensity: np.ndarray
    first_order: np.ndarray  # valid where buyer
    active_end: np.ndarray  # last moment the account buys
    churned: np.ndarray  # stopped buying well before the end of the period
    night_owl: np.ndarray
    weekend_shopper: np.ndarray
    discount_seeker: np.ndarray
    pays_usd: np.ndarray
    country: np.ndarray  # index into vocab.COUNTRIES
    channel: np.ndarray  # preferred sales channel
    mobile_os: np.ndarray  # vocab.IOS or vocab.ANDROID
    favorite_category: np.ndarray
    device: np.ndarray  # anonymous id number of the main device
    second_device: np.ndarray  # -1 if none
    window_customer: np.ndarray  # purchase windows: (account, lo, hi)
    window_lo: np.ndarray
    window_hi: np.ndarray
    forced_customer: np.ndarray  # orders that must happen: (account, at)
    forced_at: np.ndarray

    @property
    def size(self) -> int:
        return len(self.number)

    @property
    def is_twin(self) -> np.ndarray:
        """Second accounts of a person."""
        return self.kind != PERSON

    @property
    def has_twin(self) -> np.ndarray:
        """First accounts of people who also have a second account."""
        linked = np.zeros(self.size, dtype=bool)
        linked[self.origin[self.is_twin]] = True
        return linked

    def inherit(self, values: np.ndarray) -> np.ndarray:
        """Give second accounts the value of the person's first account (in place)."""
        return copy_to_second_accounts(values, self.origin)


def _signups(ctx: ChunkContext, rng: np.random.Generator, n: int) -> np.ndarray:
    cfg = ctx.config
    g = SIGNUP_GROWTH
    x = (np.sqrt(1.0 + 2.0 * g * (1.0 + g / 2.0) * rng.random(n)) - 1.0) / g
    raw = cfg.start_s + (x * (cfg.end_s - cfg.start_s - DAY)).astype(np.int64)
    no = np.zeros(n, dtype=bool)
    return ctx.clock.sample(rng, raw - 12 * HOUR, raw + 12 * HOUR, no, no)


def sample_population(ctx: ChunkContext) -> Population:
    cfg = ctx.config
    rng = ctx.rng(Stream.POPULATION)
    t1 = cfg.end_s
    n_base = ctx.size

    # --- accounts: base customers, then second accounts of some of them -----------------
    base_signup = _signups(ctx, rng, n_base)
    eligible = np.flatnonzero(base_signup < t1 - 90 * DAY)
    email_origin = pick_from(rng, eligible, EMAIL_TWIN_RATE, minimum=3)
    phone_origin = pick_from(rng, np.setdiff1d(eligible, email_origin), PHONE_TWIN_RATE, minimum=3)
    origin = np.concatenate([np.full(n_base, -1), email_origin, phone_origin]).astype(np.int64)
    kind = np.concatenate(
        [np.full(n_base, PERSON), np.full(len(email_origin), EMAIL_TWIN), np.full(len(phone_origin), PHONE_TWIN)]
    ).astype(np.int8)
    n = len(origin)
    twin = kind != PERSON
    twin_origin = origin[twin]
    number = np.concatenate(
        [
            np.arange(ctx.first_customer + 1, ctx.first_customer + n_base + 1, dtype=np.int64),
            ctx.counters.allocate(Counter.SECOND_ACCOUNT, int(twin.sum())),
        ]
    )
    signup = np.empty(n, dtype=np.int64)
    signup[:n_base] = base_signup
    later = base_signup[twin_origin] + 30 * DAY
    signup[twin] = later + (rng.random(len(later)) * (t1 - DAY - later)).astype(np.int64)

    def inherit(values: np.ndarray) -> np.ndarray:
        return copy_to_second_accounts(values, origin)

    is_test = np.zeros(n, dtype=bool)
    is_test[pick_from(rng, np.arange(n_base), TEST_ACCOUNT_RATE, minimum=2)] = True
    propensity = rng.gamma(1.0, 1.0, n)
    buyer = np.where(is_test, rng.random(n) < 0.6, rng.random(n) < BUYER_SHARE) | twin
    buyer[email_origin] = True  # both accounts of a person have orders
    night_owl = inherit(rng.random(n) < 0.12)
    weekend_shopper = inherit(rng.random(n) < 0.10)
    discount_seeker = inherit(rng.random(n) < 0.18)
    country = inherit(categorical(rng, vocab.COUNTRY_WEIGHTS, n))
    pays_usd = inherit((country != 0) | (rng.random(n) < 0.06))
    channel = categorical(rng, vocab.SALES_CHANNEL_WEIGHTS, n)
    mobile_os = inherit(np.where(rng.random(n) < 0.45, vocab.IOS, vocab.ANDROID))
    favorite_category = inherit(categorical(rng, vocab.CATEGORY_WEIGHTS, n))
    device = ctx.counters.allocate(Counter.DEVICE, n)
    has_second = rng.random(n) < 0.25
    second_device = np.full(n, -1, dtype=np.int64)
    second_device[has_second] = ctx.counters.allocate(Counter.DEVICE, int(has_second.sum()))

    # --- lifecycle ----------------------------------------------------------------------
    delay = np.where(
        rng.random(n) < 0.35,
        rng.integers(2 * MINUTE, 2 * HOUR, n),
        (rng.exponential(12 * DAY, n)).astype(np.int64),
    )
    first_order = signup + delay
    buyer &= first_order < t1 - HOUR
    one_timer = buyer & ~twin & (rng.random(n) < ONE_TIMER_SHARE)
    repeat = buyer & ~one_timer
    stays = rng.random(n) < STAYS_ACTIVE_SHARE
    lifetime = 20 * DAY + rng.exponential(180 * DAY, n).astype(np.int64)
    active_end = np.where(stays, t1 - 1, np.minimum(first_order + lifetime, t1 - 1))
    active_end = np.where(one_timer | ~buyer, first_order, active_end)

    # comeback: active, dormant for more than 200 days, active again
    comeback = repeat & ~twin & (first_order < t1 - 440 * DAY) & (rng.random(n) < COMEBACK_SHARE_OF_ELIGIBLE)
    first_end = first_order + rng.integers(15 * DAY, 120 * DAY, n)
    back_at = first_end + rng.integers(205 * DAY, 300 * DAY, n)
    back_end = np.minimum(back_at + rng.integers(30 * DAY, 400 * DAY, n), t1 - 1)
    active_end = np.where(comeback, back_end, active_end)
    churned = buyer & (active_end < t1 - 120 * DAY)

    plain = repeat & ~comeback
    cb = np.flatnonzero(comeback)
    window_customer = np.concatenate([np.flatnonzero(plain), cb, cb])
    window_lo = np.concatenate([first_order[plain], first_order[cb], back_at[cb]])
    window_hi = np.concatenate([active_end[plain], first_end[cb], back_end[cb]])
    forced_customer = np.concatenate([np.flatnonzero(buyer), cb])
    forced_at = np.concatenate([first_order[buyer], back_at[cb]])

    return Population(
        number=number, kind=kind, origin=origin, signup=signup, is_test=is_test, buyer=buyer,
        propensity=propensity, first_order=first_order, active_end=active_end, churned=churned,
        night_owl=night_owl, weekend_shopper=weekend_shopper, discount_seeker=discount_seeker,
        pays_usd=pays_usd, country=country, channel=channel, mobile_os=mobile_os,
        favorite_category=favorite_category, device=device, second_device=second_device,
        window_customer=window_customer, window_lo=window_lo, window_hi=window_hi,
        forced_customer=forced_customer, forced_at=forced_at,
    )
