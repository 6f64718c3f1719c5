"""The CRM customer export: one row per customer version, with the messiness of a real CRM
(see :mod:`customer_segments.generator.dirty` for the full list)."""

from __future__ import annotations

from typing import cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import arrowutil as au
from . import contract, ids, vocab
from .arrays import unit_ranks
from .context import ChunkContext
from .dirty import dirty_customer_rows, disjoint_picks, invalid_email, messy_email, replace_values
from .population import EMAIL_TWIN, PHONE_TWIN, Population
from .randomness import Stream, categorical, pick_from
from .timeutil import DAY, nightly_load

VERSIONED_RATE = 0.15
REFERRED_RATE = 0.10
PHONE_FORMATS = 7
#: (rate, minimum) of messy values per chunk
EMAIL_NULL = (0.03, 3)
EMAIL_INVALID = (0.005, 3)
EMAIL_MESSY = (0.06, 5)
PHONE_NULL = (0.06, 3)
PHONE_INVALID = (0.003, 3)
GENDER_EMPTY = (0.02, 2)
GENDER_NULL = (0.03, 2)
BIRTH_DATE_NULL = (0.07, 2)
COUNTRY_LOWER = (0.015, 2)
COUNTRY_SPACE = (0.015, 2)

PHONE_VALID, PHONE_NULLED, PHONE_BAD = range(3)
_CITY_COUNTRY = np.array([vocab.COUNTRIES.index(c[2]) for c in vocab.CITIES])
_CITY_WEIGHT = np.array([c[3] for c in vocab.CITIES])
_QQ_MODULUS = 999_999_937  # prime: number * k mod p is unique per customer number


def _cities(rng: np.random.Generator, country: np.ndarray) -> np.ndarray:
    city = np.zeros(len(country), dtype=np.int64)
    for c in range(len(vocab.COUNTRIES)):
        rows = np.flatnonzero(country == c)
        options = np.flatnonzero(_CITY_COUNTRY == c)
        city[rows] = options[categorical(rng, _CITY_WEIGHT[options], len(rows))]
    return city


VersionState = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _next_version(rng: np.random.Generator, prev: VersionState, country: np.ndarray, end: int) -> VersionState:
    """A later version of customer rows: one attribute changed, updated_at moved on."""
    city, level, fmt, opt_in, updated_at = prev
    m = len(city)
    change = rng.integers(0, 4, m)
    return (
        np.where(change == 0, _cities(rng, country), city),
        np.where(change == 1, np.minimum(level + 1, len(vocab.MEMBER_LEVELS) - 1), level),
        np.where(change == 2, (fmt + rng.integers(1, PHONE_FORMATS, m)) % PHONE_FORMATS, fmt),
        np.where(change == 3, ~opt_in, opt_in),
        updated_at + (rng.uniform(0.05, 0.7, m) * (end - 1 - updated_at)).astype(np.int64),
    )


def phone_strings(mobile: np.ndarray, fmt: np.ndarray, state: np.ndarray, invalid: np.ndarray) -> pa.Array:
    """One Chinese mobile number in one of 7 formats, null, or an invalid value."""
    a = pc.cast(pa.array(mobile // 10**8), pa.string())
    b = pc.utf8_lpad(pc.cast(pa.array(mobile // 10**4 % 10**4), pa.string()), 4, "0")
    c = pc.utf8_lpad(pc.cast(pa.array(mobile % 10**4), pa.string()), 4, "0")
    plain = pc.binary_join_element_wise(a, b, c, "")
    formats = (
        plain,  # 13800138000
        pc.binary_join_element_wise(a, b, c, "-"),  # 138-0013-8000
        pc.binary_join_element_wise(a, b, c, " "),  # 138 0013 8000
        pc.binary_join_element_wise("+86", a, b, c, " "),  # +86 138 0013 8000
        pc.binary_join_element_wise("+86", plain, ""),  # +8613800138000
        pc.binary_join_element_wise("0086-", plain, ""),  # 0086-13800138000
        pc.binary_join_element_wise("(+86) ", plain, ""),  # (+86) 13800138000
    )
    formatted = pc.choose(pa.array(fmt.astype(np.int8)), *formats)
    bad = au.labels(vocab.INVALID_PHONES, invalid)
    phone = pc.if_else(pa.array(state == PHONE_BAD), bad, formatted)
    return pc.if_else(pa.array(state == PHONE_NULLED), pa.scalar(None, pa.string()), phone)


def _emails(rng: np.random.Generator, pop: Population, given: np.ndarray, family: np.ndarray) -> pa.Array:
    n = pop.size
    twin = pop.is_twin
    local = pc.binary_join_element_wise(
        pc.utf8_lower(au.labels([g[1] for g in vocab.GIVEN_NAMES], given)),
        ".",
        pc.utf8_lower(au.labels([f[1] for f in vocab.FAMILY_NAMES], family)),
        pc.cast(pa.array(pop.number * 48_271 % 10**8), pa.string()),
        "",
    )
    named = pc.binary_join_element_wise(local, au.labels(vocab.EMAIL_DOMAINS, categorical(rng, [1] * len(vocab.EMAIL_DOMAINS), n)), "@")
    qq = pc.binary_join_element_wise(pc.cast(pa.array(10_000 + pop.number * 69_069 % _QQ_MODULUS), pa.string()), "@qq.com", "")
    test = pc.binary_join_element_wise("test+", pc.cast(pa.array(pop.number), pa.string()), "@example.com", "")
    email = pc.if_else(pa.array(rng.random(n) < 0.3), qq, named)
    email = pc.if_else(pa.array(pop.is_test), test, email)
    table = pa.table({"email": email})

    # second accounts: the same address typed differently, or (phone twins) another/no address
    email_twin = np.flatnonzero(pop.kind == EMAIL_TWIN)
    originals = table.column("email").take(pa.array(pop.origin[email_twin])).to_pylist()
    styles = rng.integers(0, 1 << 30, len(email_twin))
    table = replace_values(table, "email", email_twin, [messy_email(e, int(s)) for e, s in zip(originals, styles)])
    phone_twin = np.flatnonzero(pop.kind == PHONE_TWIN)
    table = replace_values(table, "email", phone_twin[rng.random(len(phone_twin)) < 0.5], None)

    # messy addresses of ordinary customers (not the ones whose pairs must stay matchable)
    candidates = np.flatnonzero(~twin & ~pop.has_twin & ~pop.is_test)
    null, invalid, messy = (candidates[p] for p in disjoint_picks(rng, len(candidates), [EMAIL_NULL, EMAIL_INVALID, EMAIL_MESSY]))
    for rows, fix in ((invalid, invalid_email), (messy, messy_email)):
        current = table.column("email").take(pa.array(rows)).to_pylist()
        styles = rng.integers(0, 1 << 30, len(rows))
        table = replace_values(table, "email", rows, [fix(e, int(s)) for e, s in zip(current, styles)])
    table = replace_values(table, "email", null, None)
    return table.column("email").combine_chunks()


def customers_table(ctx: ChunkContext, pop: Population) -> pa.Table:
    cfg = ctx.config
    rng = ctx.rng(Stream.CUSTOMERS)
    end = cfg.end_s
    n = pop.size
    twin = pop.is_twin
    inherit = pop.inherit

    # --- who they are -------------------------------------------------------------------
    family = inherit(rng.integers(0, len(vocab.FAMILY_NAMES), n))
    given = inherit(rng.integers(0, len(vocab.GIVEN_NAMES), n))
    hanzi = pc.binary_join_element_wise(
        au.labels([f[0] for f in vocab.FAMILY_NAMES], family), au.labels([g[0] for g in vocab.GIVEN_NAMES], given), ""
    )
    pinyin = pc.binary_join_element_wise(
        au.labels([g[1] for g in vocab.GIVEN_NAMES], given), au.labels([f[1] for f in vocab.FAMILY_NAMES], family), " "
    )
    full_name = pc.if_else(pa.array((pop.country == 0) & (rng.random(n) < 0.75)), hanzi, pinyin)
    full_name = pc.if_else(pa.array(pop.is_test), pa.scalar("Test User"), full_name)
    email = _emails(rng, pop, given, family)

    sex = inherit(categorical(rng, (0.49, 0.49, 0.02), n))
    spelling = categorical(rng, vocab.SPELLING_WEIGHTS, n)
    gender = np.select(
        [sex == 0, sex == 1],
        [np.asarray(vocab.MALE_SPELLINGS)[spelling], np.asarray(vocab.FEMALE_SPELLINGS)[spelling]],
        vocab.GENDER_SPELLINGS.index("unknown"),
    )
    empty, null_gender, null_birth = disjoint_picks(rng, n, [GENDER_EMPTY, GENDER_NULL, BIRTH_DATE_NULL])
    gender[empty] = vocab.GENDER_SPELLINGS.index("")
    gender_valid = np.ones(n, dtype=bool)
    gender_valid[null_gender] = False
    age_days = ((18 + rng.beta(2.0, 3.5, n) * 50) * 365.25).astype(np.int64) * DAY
    birth = inherit(pop.signup - age_days)
    birth_valid = np.ones(n, dtype=bool)
    birth_valid[null_birth] = False

    # --- phones -------------------------------------------------------------------------
    prefix = np.asarray(vocab.MOBILE_PREFIXES)[rng.integers(0, len(vocab.MOBILE_PREFIXES), n)]
    mobile = prefix * 10**8 + (pop.number * 7_919_009 + 1_234_567) % 10**8
    phone_fmt = np.where(rng.random(n) < 0.5, 0, rng.integers(1, PHONE_FORMATS, n))
    phone_state = np.full(n, PHONE_VALID)
    phone_twin = pop.kind == PHONE_TWIN
    mobile[phone_twin] = mobile[pop.origin[phone_twin]]
    phone_fmt[phone_twin] = (phone_fmt[pop.origin[phone_twin]] + rng.integers(1, PHONE_FORMATS, int(phone_twin.sum()))) % PHONE_FORMATS
    email_twin = np.flatnonzero(pop.kind == EMAIL_TWIN)
    same_phone = email_twin[rng.random(len(email_twin)) < 0.4]
    mobile[same_phone] = mobile[pop.origin[same_phone]]
    phone_state[np.setdiff1d(email_twin, same_phone)] = PHONE_NULLED
    candidates = np.flatnonzero(~twin & ~pop.has_twin)
    null_phone, bad_phone = (candidates[p] for p in disjoint_picks(rng, len(candidates), [PHONE_NULL, PHONE_INVALID]))
    phone_state[null_phone] = PHONE_NULLED
    phone_state[bad_phone] = PHONE_BAD
    invalid_phone = rng.integers(0, len(vocab.INVALID_PHONES), n)

    # --- where from, how acquired, how valuable -------------------------------------------
    city = _cities(rng, pop.country)
    keep_city = twin & (rng.random(n) < 0.7)
    city[keep_city] = city[pop.origin[keep_city]]
    country_spelling = pop.country.copy()
    cn = np.flatnonzero(pop.country == 0)
    lower, spaced = (cn[p] for p in disjoint_picks(rng, len(cn), [COUNTRY_LOWER, COUNTRY_SPACE]))
    country_spelling[lower] = vocab.COUNTRY_SPELLINGS.index("cn")
    country_spelling[spaced] = vocab.COUNTRY_SPELLINGS.index(" CN")

    acquisition = categorical(rng, vocab.ACQUISITION_WEIGHTS, n)
    referred_by = np.full(n, -1, dtype=np.int64)
    persons = np.flatnonzero(~twin)
    by_signup = persons[np.argsort(pop.signup[persons], kind="stable")]
    rank = pick_from(rng, np.arange(1, len(by_signup)), REFERRED_RATE, minimum=min(3, max(len(by_signup) - 1, 0)))
    referred = by_signup[rank]
    referred_by[referred] = pop.number[by_signup[(rng.random(len(rank)) * rank).astype(np.int64)]]
    acquisition[referred] = vocab.REFERRAL

    value = np.where(pop.buyer & ~pop.is_test, pop.propensity, 0.0)
    level = np.minimum(np.searchsorted(vocab.MEMBER_LEVEL_QUANTILES, unit_ranks(value), side="right"), 3)
    opt_in = rng.random(n) < 0.6

    # --- versions: changed city, member level, phone format or opt-in -----------------------
    versioned = pick_from(rng, np.flatnonzero(pop.signup < end - 10 * DAY), VERSIONED_RATE, minimum=3)
    third = rng.random(len(versioned)) < 0.4
    first_state = (city, level, phone_fmt, opt_in, pop.signup)
    second_state = _next_version(rng, cast(VersionState, tuple(col[versioned] for col in first_state)),
                                 pop.country[versioned], end)
    third_state = _next_version(rng, cast(VersionState, tuple(col[third] for col in second_state)),
                                pop.country[versioned[third]], end)
    acct = np.concatenate([np.arange(n), versioned, versioned[third]])
    row_city, row_level, row_fmt, row_opt, row_at = (
        np.concatenate(cols) for cols in zip(first_state, second_state, third_state)
    )
    order = np.lexsort((row_at, pop.number[acct]))
    acct, row_city, row_level, row_fmt, row_opt, row_at = (
        a[order] for a in (acct, row_city, row_level, row_fmt, row_opt, row_at)
    )
    take = pa.array(acct)
    table = au.build_table(
        contract.CUSTOMERS,
        {
            "customer_id": au.ids(ids.CUSTOMER, pop.number[acct]),
            "email": email.take(take),
            "phone": phone_strings(mobile[acct], row_fmt, phone_state[acct], invalid_phone[acct]),
            "full_name": full_name.take(take),
            "gender": au.labels(vocab.GENDER_SPELLINGS, gender[acct], valid=gender_valid[acct]),
            "birth_date": au.dates(birth[acct], valid=birth_valid[acct]),
            "city": au.labels([c[0] for c in vocab.CITIES], row_city),
            "province": au.labels([c[1] for c in vocab.CITIES], row_city),
            "country_code": au.labels(vocab.COUNTRY_SPELLINGS, country_spelling[acct]),
            "signup_at": au.timestamps(pop.signup[acct]),
            "acquisition_channel": au.labels(vocab.ACQUISITION_CHANNELS, acquisition[acct]),
            "referred_by_customer_id": au.ids(ids.CUSTOMER, referred_by[acct], valid=referred_by[acct] >= 0),
            "member_level": au.labels(vocab.MEMBER_LEVELS, row_level),
            "marketing_opt_in": au.bools(row_opt),
            "is_test_account": au.bools(pop.is_test[acct]),
            "updated_at": au.timestamps(row_at),
            contract.LOADED_AT: au.timestamps(nightly_load(row_at)),
        },
    )
    return dirty_customer_rows(table, ctx.dirt_rng("customers"))
