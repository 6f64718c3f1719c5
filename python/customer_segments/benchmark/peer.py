"""The peer: the RFM, lifecycle and value-tier definitions in pandas, as in a notebook.

It starts from the same raw Parquet files as the project and applies the same rules
(docs/segments.md; ``python/tests/reference.py`` states them in plain Python), vectorised:

* staging, only the columns the three labels depend on: the project's reject rules for
  customers, orders and events (missing keys, statuses that do not normalise, missing or
  negative amounts, timestamps later than ``_loaded_at``), text trimmed as SQL ``trim`` does;
  the newest version per ``customer_id`` / ``order_id`` (newest ``updated_at``);
* the identity merge (records sharing a normalised email or phone, transitively, by the same
  number of label-propagation passes; the first-signed-up record survives);
* amounts converted with the ``exchange_rates`` seed (rate valid on the order date), in integer
  cents rounded half away from zero, as the project's ``decimal(18, 2)`` cast does;
* purchases, RFM quintile scores, the ``rfm_segment_map`` seed, lifecycle stages and value
  tiers (``cume_dist`` of lifetime revenue, highest first) for the same as-of date.

Simplifications (they cannot change a label on the generated data, and the benchmark checks
that): versions with identical timestamps are not broken by the project's row fingerprint (the
generator's duplicates with equal timestamps are exact copies); events are not de-duplicated
(they only decide the as-of date, and a redelivered event is a copy of the first delivery);
``reporting_timezone`` is UTC (the default) and every var the peer applies has its default, read
from ``dbt_project.yml`` (:data:`VARS`).

Run as ``python -m customer_segments.benchmark.peer RAW OUT`` (its own process, so its
memory is measured like dbt's); writes ``OUT`` (Parquet: customer_key, rfm_segment,
lifecycle_stage, value_tier) and prints one JSON line with timings and counts.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..project import PROJECT_DIR, dbt_vars
from .measure import self_maxrss_mib

LOOKUPS = PROJECT_DIR / "seeds" / "lookups"
#: the project's vars with their defaults: the peer applies the rules as a default build does
VARS: Mapping[str, Any] = dbt_vars()
REPORTING_CURRENCY = str(VARS["reporting_currency"])
ORDER_STATUSES = tuple(VARS["order_statuses"])
STATUS_ALIASES = dict(VARS["order_status_aliases"])
PHONE_COUNTRY_CODE = str(VARS["phone_country_code"])
PHONE_NATIONAL_LENGTH = int(VARS["phone_national_length"])
IDENTITY_PASSES = int(VARS["identity_resolution_passes"])


def read(raw: Path, table: str, columns: list[str]) -> pd.DataFrame:
    """A raw table; decimal amounts become integer cents (pandas has no exact decimal dtype)."""
    frame = pd.read_parquet(raw / f"{table}.parquet", columns=columns, dtype_backend="pyarrow")
    out = pd.DataFrame(index=frame.index)
    for name in columns:
        column = frame[name]
        kind = str(column.dtype)
        if kind.startswith("decimal"):
            out[name] = (column.astype("float64[pyarrow]") * 100).round().astype("Int64")
        elif kind.startswith("timestamp"):
            out[name] = column.astype("datetime64[us]")
        elif kind.startswith("string"):
            out[name] = column.astype("str")
        elif kind.startswith("bool"):
            out[name] = column.astype("boolean")
        else:
            out[name] = column
    return out


def clean_text(column: pd.Series) -> pd.Series:
    """SQL ``nullif(trim(x), '')``: DuckDB's trim removes spaces only."""
    trimmed = column.str.strip(" ")
    return trimmed.where(trimmed != "")


def later(a: pd.Series, b: pd.Series) -> pd.Series:
    """``a > b`` with SQL null semantics in a ``where`` (null is not true)."""
    return (a > b).fillna(False).astype(bool)


# --- staging --------------------------------------------------------------------------------

def customers_clean(raw: Path) -> pd.DataFrame:
    c = read(raw, "customers", ["customer_id", "email", "phone", "signup_at", "is_test_account",
                                "updated_at", "_loaded_at"])
    c["customer_id"] = clean_text(c["customer_id"])
    valid = (c["customer_id"].notna() & c["updated_at"].notna() & c["signup_at"].notna()
             & ~later(c["signup_at"], c["_loaded_at"]) & ~later(c["updated_at"], c["_loaded_at"]))
    c = c[valid].sort_values(["customer_id", "updated_at"], ascending=[True, False])
    c = c.drop_duplicates("customer_id").reset_index(drop=True)

    email = clean_text(c["email"]).str.replace(" ", "").str.lower()
    c["email"] = email.where(email.str.match(r"(?s)^.+@.+\..+$").fillna(False).astype(bool))
    digits = clean_text(c["phone"]).str.replace(r"[^0-9]", "", regex=True)
    digits = digits.where(~digits.str.startswith("00").fillna(False).astype(bool), digits.str[2:])
    national = digits.where(digits.str.len() == PHONE_NATIONAL_LENGTH)
    with_code = (digits.str.len() == PHONE_NATIONAL_LENGTH + len(PHONE_COUNTRY_CODE)) & digits.str.startswith(
        PHONE_COUNTRY_CODE)
    c["phone"] = national.fillna(digits.str[len(PHONE_COUNTRY_CODE):].where(with_code.fillna(False).astype(bool)))
    c["is_test_account"] = c["is_test_account"].fillna(False).astype(bool)
    return c


def identity_map(customers: pd.DataFrame) -> pd.DataFrame:
    """source customer_id -> customer_key (survivor of the person), is_test_account, signup_at."""
    c = customers.sort_values("customer_id").reset_index(drop=True)
    label = pd.Series(np.arange(len(c)), index=c.index)  # rank of customer_id: min label = min id
    email = c["email"].where(~c["is_test_account"])
    phone = c["phone"].where(~c["is_test_account"])
    for _ in range(IDENTITY_PASSES):
        by_email = label.groupby(email).transform("min").reindex(c.index).fillna(label)
        by_phone = label.groupby(phone).transform("min").reindex(c.index).fillna(label)
        label = np.minimum(label, np.minimum(by_email, by_phone)).astype("int64")
    c["component"] = label
    survivors = c.sort_values(["component", "signup_at", "customer_id"]).drop_duplicates("component")
    c = c.merge(survivors[["component", "customer_id"]].rename(columns={"customer_id": "customer_key"}),
                on="component")
    return c[["customer_id", "customer_key", "is_test_account", "signup_at"]]


def orders_clean(raw: Path, id_map: pd.DataFrame) -> pd.DataFrame:
    o = read(raw, "orders", ["order_id", "customer_id", "ordered_at", "status", "currency", "gross_amount",
                             "discount_amount", "refunded_amount", "updated_at", "_loaded_at"])
    o["order_id"] = clean_text(o["order_id"])
    o["customer_id"] = clean_text(o["customer_id"])
    status = clean_text(o["status"]).str.lower().replace(STATUS_ALIASES)
    o["status"] = status.where(status.isin(ORDER_STATUSES))
    o["currency"] = clean_text(o["currency"]).str.upper()
    negative = ((o["discount_amount"] < 0) | (o["refunded_amount"] < 0)).fillna(False).astype(bool)
    valid = (o["order_id"].notna() & o["customer_id"].notna() & o["ordered_at"].notna() & o["status"].notna()
             & o["currency"].notna() & o["gross_amount"].notna() & ~(o["gross_amount"] < 0).fillna(False)
             & ~negative & ~later(o["ordered_at"], o["_loaded_at"]) & ~later(o["updated_at"], o["_loaded_at"]))
    o = o[valid]
    o = o.assign(version_at=o["updated_at"].fillna(o["ordered_at"]))
    o = o.sort_values(["order_id", "version_at"], ascending=[True, False]).drop_duplicates("order_id")
    o["order_date"] = o["ordered_at"].dt.normalize()

    # the rate valid on the order date (from valid_from until the next valid_from of the pair)
    rates = pd.read_csv(LOOKUPS / "exchange_rates.csv", dtype={"rate": str}, parse_dates=["valid_from"])
    rates = rates[rates["quote_currency"] == REPORTING_CURRENCY]
    rates = rates.assign(rate_e8=rates["rate"].map(lambda text: round(float(text) * 10**8)).astype("int64"),
                         valid_from=rates["valid_from"].astype("datetime64[us]"))
    o = pd.merge_asof(o.sort_values("order_date"), rates[["currency_code", "valid_from", "rate_e8"]].sort_values(
        "valid_from"), left_on="order_date", right_on="valid_from", left_by="currency", right_by="currency_code")
    o["rate_e8"] = o["rate_e8"].where(o["currency"] != REPORTING_CURRENCY, 10**8)
    o = o[o["rate_e8"].notna()]
    net = (o["gross_amount"] - o["discount_amount"].fillna(0) - o["refunded_amount"].fillna(0)).astype("int64")
    scaled = net.to_numpy() * o["rate_e8"].astype("int64").to_numpy()  # cents * 1e8
    o["net_cents"] = np.sign(scaled) * ((np.abs(scaled) + 5 * 10**7) // 10**8)  # half away from zero
    return o.merge(id_map[["customer_id", "customer_key", "is_test_account"]], on="customer_id")


def latest_event_date(raw: Path, id_map: pd.DataFrame) -> pd.Timestamp:
    e = read(raw, "events", ["event_id", "customer_id", "anonymous_id", "event_type", "occurred_at", "_loaded_at"])
    customer = clean_text(e["customer_id"])
    valid = (clean_text(e["event_id"]).notna() & clean_text(e["event_type"]).notna() & e["occurred_at"].notna()
             & (customer.notna() | clean_text(e["anonymous_id"]).notna()) & ~later(e["occurred_at"], e["_loaded_at"]))
    real = id_map.loc[~id_map["is_test_account"], "customer_id"]
    counted = valid & (customer.isna() | customer.isin(real))  # anonymous events count too
    return e.loc[counted, "occurred_at"].max().normalize()


# --- segmentation ---------------------------------------------------------------------------

def segment(orders: pd.DataFrame, id_map: pd.DataFrame, as_of: pd.Timestamp,
            settings: Mapping[str, Any] = VARS) -> pd.DataFrame:
    purchases = orders[orders["status"].isin(settings["purchase_statuses"]) & ~orders["is_test_account"]
                       & (orders["net_cents"] > 0) & (orders["order_date"] <= as_of)].copy()
    purchases["days"] = (as_of - purchases["order_date"]).dt.days
    purchases["in_rfm"] = purchases["days"] < settings["rfm_window_days"]
    purchases["in_loyal"] = purchases["days"] < settings["loyal_window_days"]
    purchases["rfm_cents"] = purchases["net_cents"].where(purchases["in_rfm"], 0)
    purchases = purchases.sort_values(["customer_key", "order_date", "order_id"], ascending=[True, False, False])
    purchases["nth"] = purchases.groupby("customer_key").cumcount()
    m = purchases.groupby("customer_key").agg(
        first=("order_date", "min"), last=("order_date", "max"), purchases=("order_id", "size"),
        revenue=("net_cents", "sum"), frequency=("in_rfm", "sum"), monetary=("rfm_cents", "sum"),
        loyal=("in_loyal", "sum"))
    m["previous"] = purchases[purchases["nth"] == 1].set_index("customer_key")["order_date"]
    m["recency"] = (as_of - m["last"]).dt.days
    m["first_age"] = (as_of - m["first"]).dt.days
    m["gap"] = (m["last"] - m["previous"]).dt.days

    # RFM: percentile_cont cut points, scores count the cut points strictly below the value
    def cuts(values: pd.Series) -> np.ndarray:
        return np.asarray(values.astype("float64").quantile([0.2, 0.4, 0.6, 0.8], interpolation="linear"))

    def below(values: pd.Series) -> np.ndarray:
        v = values.astype("float64").to_numpy()
        return (cuts(values)[None, :] < v[:, None]).sum(axis=1)

    m["r_score"] = 5 - below(m["recency"])
    m["f_score"] = 1 + below(m["frequency"])
    m["m_score"] = 1 + below(m["monetary"] / 100)
    m["fm_score"] = (m["f_score"] + m["m_score"] + 1) // 2
    segment_map = pd.read_csv(LOOKUPS / "rfm_segment_map.csv")
    m = m.reset_index().merge(segment_map.rename(columns={"segment_code": "rfm_segment"}),
                              on=["r_score", "fm_score"], how="left").set_index("customer_key")

    # value tier: p = cume_dist() of lifetime revenue, highest first (ties share the larger p)
    tiers = pd.read_csv(LOOKUPS / "value_tiers.csv").sort_values("max_cume_dist")
    p = m["revenue"].rank(method="max", ascending=False) / len(m)
    m["value_tier"] = tiers["tier_code"].to_numpy()[
        np.searchsorted(tiers["max_cume_dist"].to_numpy(), p.to_numpy(), side="left")]

    # lifecycle: every real person who exists on the as-of date, first matching rule wins
    people = id_map.groupby("customer_key").agg(signup_at=("signup_at", "min"),
                                                is_test_account=("is_test_account", "max"))
    people = people[~people["is_test_account"]]
    people = people.join(m, how="left")
    people = people[(people["signup_at"].dt.normalize() <= as_of) | people["purchases"].notna()]
    stage = np.select(
        [people["purchases"].isna(), people["recency"] > settings["churn_days"],
         people["recency"] > settings["at_risk_days"], people["first_age"] <= settings["new_customer_days"],
         (people["gap"] > settings["churn_days"]).fillna(False).astype(bool),
         people["loyal"] >= settings["loyal_min_purchases"]],
        ["prospect", "churned", "at_risk", "new", "reactivated", "loyal"], default="active")
    return pd.DataFrame({"customer_key": people.index.astype(str), "rfm_segment": people["rfm_segment"].to_numpy(),
                         "lifecycle_stage": stage, "value_tier": people["value_tier"].to_numpy()})


def run_peer(raw: Path, out: Path) -> dict[str, Any]:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    id_map = identity_map(customers_clean(raw))
    timings["customers_and_identity"] = time.perf_counter() - started
    mark = time.perf_counter()
    orders = orders_clean(raw, id_map)
    timings["orders"] = time.perf_counter() - mark
    mark = time.perf_counter()
    real_orders = orders.loc[~orders["is_test_account"], "order_date"]
    as_of = max(real_orders.max(), latest_event_date(raw, id_map))
    timings["events"] = time.perf_counter() - mark
    mark = time.perf_counter()
    labels = segment(orders, id_map, as_of)
    timings["segmentation"] = time.perf_counter() - mark
    labels.to_parquet(out, index=False)
    return {"as_of_date": as_of.date().isoformat(), "customers": len(labels),
            "purchasers": int(labels["value_tier"].notna().sum()), "seconds": timings,
            "total_seconds": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description="The pandas peer of the segment marts.")
    parser.add_argument("raw", type=Path, help="folder of <table>.parquet")
    parser.add_argument("out", type=Path, help="labels Parquet file to write")
    args = parser.parse_args()
    print(json.dumps({**run_peer(args.raw, args.out), "self_maxrss_mib": self_maxrss_mib()}))


if __name__ == "__main__":
    main()
