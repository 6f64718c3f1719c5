"""Marketing campaigns, their A/B assignments and the planted treatment effect.

Six campaigns run during the period (their dates are fixed fractions of --start..--end):

=======  ===============================  ====================  =======  ======  ======
id       name                             target_segment        channel  window  effect
=======  ===============================  ====================  =======  ======  ======
CMP001   Welcome Journey                  new_customers         email    14 d    none
CMP002   We Miss You Win-back             at_risk               sms      21 d    +8 pp
CMP003   VIP Early Access                 champions             wechat    7 d    none
CMP004   Come Back Coupon                 hibernating           email    30 d    +8 pp
CMP005   Second Purchase Nudge            potential_loyalists   push     14 d    none
CMP006   Mid-season Sale Blast            all                   push     10 d    none
=======  ===============================  ====================  =======  ======  ======

Targeting, at each campaign's ``starts_at`` and from the organic orders before it:

* new_customers: signed up in the 30 days before the start;
* at_risk: 3+ orders, the last one 60-240 days before the start;
* hibernating: 1-2 orders, the last one 150+ days before the start;
* champions: 5+ orders, the last one less than 30 days before the start;
* potential_loyalists: 2-4 orders, the last one less than 45 days before the start;
* all: every customer signed up before the start (a 25 % sample).

Test accounts are never targeted. 80 % of the eligible customers are assigned (``all``:
25 %), split exactly 50/50 into ``treatment`` and ``control`` at the start (assigned_at
is within 30 minutes after starts_at).

PLANTED EFFECT: a customer *converts* if they order in
[starts_at, starts_at + conversion_window_days). In CMP002 (at_risk) and CMP004
(hibernating) the treatment arm converts 8 percentage points more often than the control
arm: a treated customer without an organic purchase in the window gets an extra
campaign-driven order there with probability 0.08 / (1 - p0), p0 being the organic
conversion rate of that campaign's assigned customers in the chunk. Campaign-driven
orders carry utm_source 'crm', utm_medium = the campaign channel and utm_campaign = the
campaign id on their app session. The other four campaigns have no effect: both arms
buy at the same organic base rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import arrowutil as au
from . import contract, ids, vocab
from .config import GeneratorConfig
from .context import ChunkContext
from .orders import Purchases
from .population import Population
from .randomness import Stream
from .timeutil import DAY, HOUR, MINUTE, nightly_load

UPLIFT = 0.08
CAMPAIGN_SEND_TIME = 2 * HOUR  # 10:00 in Shanghai


@dataclass(frozen=True)
class Campaign:
    number: int
    name: str
    target_segment: str
    channel: str
    start_fraction: float  # of the period
    duration_days: int
    conversion_window_days: int
    uplift: float
    inclusion_rate: float = 0.8

    @property
    def campaign_id(self) -> str:
        return f"{ids.CAMPAIGN.prefix}{self.number:0{ids.CAMPAIGN.digits}d}"

    def starts_at(self, config: GeneratorConfig) -> int:
        return config.start_s + int(self.start_fraction * config.days) * DAY + CAMPAIGN_SEND_TIME

    def ends_at(self, config: GeneratorConfig) -> int:
        return self.starts_at(config) + self.duration_days * DAY


CAMPAIGNS: tuple[Campaign, ...] = (
    Campaign(1, "Welcome Journey", "new_customers", "email", 0.22, 28, 14, 0.0),
    Campaign(2, "We Miss You Win-back", "at_risk", "sms", 0.45, 14, 21, UPLIFT),
    Campaign(3, "VIP Early Access", "champions", "wechat", 0.55, 7, 7, 0.0),
    Campaign(4, "Come Back Coupon", "hibernating", "email", 0.68, 21, 30, UPLIFT),
    Campaign(5, "Second Purchase Nudge", "potential_loyalists", "push", 0.78, 14, 14, 0.0),
    Campaign(6, "Mid-season Sale Blast", "all", "push", 0.88, 10, 10, 0.0, inclusion_rate=0.25),
)
CAMPAIGN_IDS: tuple[str, ...] = tuple(c.campaign_id for c in CAMPAIGNS)


@dataclass(frozen=True)
class Assignments:
    campaign: np.ndarray  # index into CAMPAIGNS
    customer: np.ndarray  # account index
    variant: np.ndarray  # vocab.TREATMENT or vocab.CONTROL
    assigned_at: np.ndarray


def campaigns_table(config: GeneratorConfig) -> pa.Table:
    starts = np.array([c.starts_at(config) for c in CAMPAIGNS])
    ends = np.array([c.ends_at(config) for c in CAMPAIGNS])
    return au.build_table(
        contract.CAMPAIGNS,
        {
            "campaign_id": pa.array(CAMPAIGN_IDS, pa.string()),
            "campaign_name": pa.array([c.name for c in CAMPAIGNS], pa.string()),
            "channel": pa.array([c.channel for c in CAMPAIGNS], pa.string()),
            "target_segment": pa.array([c.target_segment for c in CAMPAIGNS], pa.string()),
            "starts_at": au.timestamps(starts),
            "ends_at": au.timestamps(ends),
            "conversion_window_days": au.ints(np.array([c.conversion_window_days for c in CAMPAIGNS])),
            contract.LOADED_AT: au.timestamps(nightly_load(ends)),
        },
    )


def _eligible(campaign: Campaign, start: int, pop: Population, organic: Purchases) -> np.ndarray:
    n = pop.size
    before = organic.at < start
    count = np.bincount(organic.customer[before], minlength=n)
    last = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(last, organic.customer[before], organic.at[before])
    recency = np.where(count > 0, (start - last) / DAY, np.inf)
    rules = {
        "new_customers": pop.signup >= start - 30 * DAY,
        "at_risk": (count >= 3) & (recency >= 60) & (recency < 240),
        "hibernating": (count >= 1) & (count <= 2) & (recency >= 150),
        "champions": (count >= 5) & (recency < 30),
        "potential_loyalists": (count >= 2) & (count <= 4) & (recency < 45),
        "all": np.ones(n, dtype=bool),
    }
    return (pop.signup < start) & ~pop.is_test & rules[campaign.target_segment]


def assign(ctx: ChunkContext, pop: Population, organic: Purchases) -> tuple[Assignments, Purchases]:
    """Assign customers to every campaign and add the campaign-driven purchases."""
    rng = ctx.rng(Stream.CAMPAIGNS)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    extra: list[Purchases] = []
    for index, campaign in enumerate(CAMPAIGNS):
        start = campaign.starts_at(ctx.config)
        window_end = start + campaign.conversion_window_days * DAY
        eligible = _eligible(campaign, start, pop, organic)
        chosen = np.flatnonzero(eligible & (rng.random(pop.size) < campaign.inclusion_rate))
        variant = np.empty(len(chosen), dtype=np.int64)
        variant[rng.permutation(len(chosen))] = np.arange(len(chosen)) % 2  # exactly 50/50
        assigned_at = start + rng.integers(0, 30 * MINUTE, len(chosen))
        parts.append((np.full(len(chosen), index), chosen, variant, assigned_at))

        in_window = (organic.at >= start) & (organic.at < window_end)
        converted = (np.bincount(organic.customer[in_window], minlength=pop.size) > 0)[chosen]
        draw = rng.random(len(chosen))
        if campaign.uplift > 0 and len(chosen):
            p0 = float(converted.mean())
            boost = (variant == vocab.TREATMENT) & ~converted & (draw < min(1.0, campaign.uplift / max(1.0 - p0, 1e-9)))
            buyers = chosen[boost]
            at = ctx.clock.sample(
                rng, assigned_at[boost] + HOUR, np.full(len(buyers), window_end - HOUR),
                pop.night_owl[buyers], np.zeros(len(buyers), dtype=bool),
            )
            extra.append(Purchases(customer=buyers, at=at, campaign=np.full(len(buyers), index)))
    campaign_idx, customer, variant, assigned_at = (np.concatenate(cols).astype(np.int64) for cols in zip(*parts))
    empty = Purchases(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))
    return Assignments(campaign_idx, customer, variant, assigned_at), Purchases.concat(empty, *extra)


def assignments_table(pop: Population, assignments: Assignments) -> pa.Table:
    order = np.lexsort((pop.number[assignments.customer], assignments.campaign))
    customer = assignments.customer[order]
    assigned_at = assignments.assigned_at[order]
    return au.build_table(
        contract.CAMPAIGN_ASSIGNMENTS,
        {
            "campaign_id": au.labels(CAMPAIGN_IDS, assignments.campaign[order]),
            "customer_id": au.ids(ids.CUSTOMER, pop.number[customer]),
            "variant": au.labels(vocab.VARIANTS, assignments.variant[order]),
            "assigned_at": au.timestamps(assigned_at),
            contract.LOADED_AT: au.timestamps(nightly_load(assigned_at)),
        },
    )
