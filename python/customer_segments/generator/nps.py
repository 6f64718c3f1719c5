"""NPS survey responses: ~30 % of customers answer 1-3 times; scores follow propensity
(frequent buyers are promoters 9-10, reluctant ones detractors 0-6)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import arrowutil as au
from . import contract, ids, vocab
from .arrays import unit_ranks
from .context import ChunkContext
from .ids import Counter
from .population import Population
from .randomness import Stream, categorical
from .timeutil import DAY, nightly_load

COMMENT_SHARE = 0.45
_COMMENTS = vocab.NPS_COMMENTS_DETRACTOR + vocab.NPS_COMMENTS_PASSIVE + vocab.NPS_COMMENTS_PROMOTER
_COMMENT_GROUPS = (  # (first index, count) per detractor, passive, promoter
    (0, len(vocab.NPS_COMMENTS_DETRACTOR)),
    (len(vocab.NPS_COMMENTS_DETRACTOR), len(vocab.NPS_COMMENTS_PASSIVE)),
    (len(vocab.NPS_COMMENTS_DETRACTOR) + len(vocab.NPS_COMMENTS_PASSIVE), len(vocab.NPS_COMMENTS_PROMOTER)),
)


def nps_table(ctx: ChunkContext, pop: Population) -> pa.Table:
    rng = ctx.rng(Stream.NPS)
    end = ctx.config.end_s
    n = pop.size
    answers = np.where(rng.random(n) < np.where(pop.buyer, 0.32, 0.12), 1 + categorical(rng, (0.6, 0.3, 0.1), n), 0)
    who = np.repeat(np.arange(n), answers)
    m = len(who)
    # buyers answer after a purchase during their active life, others soon after signup
    lo = np.where(pop.buyer[who], pop.first_order[who], pop.signup[who])
    hi = np.where(pop.buyer[who], pop.active_end[who], pop.signup[who])
    at = lo + (rng.random(m) * (hi - lo)).astype(np.int64) + rng.integers(1 * DAY, 14 * DAY, m)
    keep = at < end
    who, at = who[keep], at[keep]
    order = np.lexsort((who, at))
    who, at = who[order], at[order]
    m = len(who)

    rank = unit_ranks(pop.propensity)
    score = np.clip(np.round(4.8 + 5.5 * rank[who] + rng.normal(0.0, 1.6, m)), 0, 10).astype(np.int64)
    group = np.select([score <= 6, score <= 8], [0, 1], 2)
    first = np.array([g[0] for g in _COMMENT_GROUPS])[group]
    count = np.array([g[1] for g in _COMMENT_GROUPS])[group]
    comment = first + (rng.random(m) * count).astype(np.int64)
    return au.build_table(
        contract.NPS_RESPONSES,
        {
            "response_id": au.ids(ids.NPS_RESPONSE, ctx.counters.allocate(Counter.NPS_RESPONSE, m)),
            "customer_id": au.ids(ids.CUSTOMER, pop.number[who]),
            "responded_at": au.timestamps(at),
            "score": au.ints(score),
            "comment": au.labels(_COMMENTS, comment, valid=rng.random(m) < COMMENT_SHARE),
            contract.LOADED_AT: au.timestamps(nightly_load(at)),
        },
    )
