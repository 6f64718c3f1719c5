"""Labels everywhere a person reads (issue 39): every mart column that holds a label code has its
English and Chinese names beside it (``<code column>_name_en`` / ``_name_zh``), the names come from
the lookup seeds (the same text as the seed's row, for every row of the demo build), and
cohort_retention's rows add up to cohort_retention_totals (no 'all' row a BI tool would sum twice).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from customer_segments.dbt_runner import rows
from customer_segments.project import PROJECT_DIR

LOOKUPS = PROJECT_DIR / "seeds" / "lookups"

#: mart -> code column -> (seed, the seed's code column, filter on label_names' code_set or None).
#: Every label code column of the marts a person reads; test_every_label_code_column_is_named
#: checks that no mart has a *_name_en column missing from here.
NAMED_CODES: dict[str, dict[str, tuple[str, str, str | None]]] = {
    "customers": {
        "rfm_segment": ("rfm_segments", "segment_code", None),
        "rfm_group": ("rfm_segment_groups", "group_code", None),
        "lifecycle_stage": ("lifecycle_stages", "stage_code", None),
        "value_tier": ("value_tiers", "tier_code", None),
        "age_band": ("age_bands", "age_band", None),
        "gender": ("label_names", "code", "gender"),
        "region": ("label_names", "code", "region"),
        "city_tier": ("label_names", "code", "city_tier"),
        "acquisition_channel": ("label_names", "code", "acquisition_channel"),
        "member_level": ("label_names", "code", "member_level"),
    },
    "customer_rfm": {
        "rfm_segment": ("rfm_segments", "segment_code", None),
        "rfm_group": ("rfm_segment_groups", "group_code", None),
    },
    "customer_lifecycle": {"lifecycle_stage": ("lifecycle_stages", "stage_code", None)},
    "customer_value_tiers": {"value_tier": ("value_tiers", "tier_code", None)},
    "customer_segment_history": {
        "rfm_segment": ("rfm_segments", "segment_code", None),
        "rfm_group": ("rfm_segment_groups", "group_code", None),
        "lifecycle_stage": ("lifecycle_stages", "stage_code", None),
        "value_tier": ("value_tiers", "tier_code", None),
    },
    "segment_kpis": {"segmentation": ("label_names", "code", "segmentation")},
    "segment_migrations": {"segmentation": ("label_names", "code", "segmentation")},
    "customer_tags": {"tag_group": ("label_names", "code", "tag_group")},
    "cohort_retention": {"acquisition_channel": ("label_names", "code", "acquisition_channel")},
    "rejected_rows": {
        "reject_reason": ("label_names", "code", "reject_reason"),
        "rejected_in": ("label_names", "code", "rejected_in"),
    },
    "tag_coverage": {
        "tag_group": ("label_names", "code", "tag_group"),
        "review_flag": ("label_names", "code", "tag_review_flag"),
    },
}

#: the segmentations of segment_migrations and their seeds (from_label / to_label)
SEGMENTATION_SEEDS = {
    "rfm_segment": ("rfm_segments", "segment_code"),
    "rfm_group": ("rfm_segment_groups", "group_code"),
    "lifecycle_stage": ("lifecycle_stages", "stage_code"),
    "value_tier": ("value_tiers", "tier_code"),
}


def _seed(name: str) -> list[dict[str, str]]:
    with (LOOKUPS / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _names(seed: str, code_column: str, code_set: str | None) -> dict[str, tuple[str, str]]:
    return {row[code_column]: (row["name_en"], row["name_zh"]) for row in _seed(seed)
            if code_set is None or row["code_set"] == code_set}


def _label_names(code_set: str) -> dict[str, tuple[str, str]]:
    return _names("label_names", "code", code_set)


@pytest.mark.parametrize(("mart", "code_column"),
                         [(mart, column) for mart, columns in NAMED_CODES.items() for column in columns])
def test_names_equal_the_lookup_seed(demo_build: Path, mart: str, code_column: str) -> None:
    seed, seed_code, code_set = NAMED_CODES[mart][code_column]
    expected = _names(seed, seed_code, code_set)
    if mart == "customers" and code_column == "age_band":
        expected |= _label_names("age_band")  # 'unknown': no row of age_bands
    found = rows(demo_build, f"""
        select {code_column}, {code_column}_name_en, {code_column}_name_zh, count(*)
        from main_marts.{mart}
        where {code_column} is not null
        group by 1, 2, 3
    """)
    assert found, f"{mart} has no {code_column}"
    assert {code: (en, zh) for code, en, zh, _ in found} == {code: expected[code] for code, *_ in found}
    assert len({code for code, *_ in found}) == len(found)  # one name pair per code
    # a code without a code has no names
    assert rows(demo_build, f"""
        select count(*) from main_marts.{mart}
        where {code_column} is null and ({code_column}_name_en is not null or {code_column}_name_zh is not null)
    """) == [(0,)]


def test_every_label_code_column_is_named(demo_build: Path) -> None:
    """Each *_name_en column has a _name_zh twin and a code column beside it, and the test above
    covers it (tag names and labels of the migrations are checked on their own below)."""
    columns = rows(demo_build, """
        select table_name, column_name from information_schema.columns
        where table_schema = 'main_marts' order by table_name, ordinal_position
    """)
    by_table: dict[str, list[str]] = {}
    for table, column in columns:
        by_table.setdefault(table, []).append(column)
    own_checks = {("segment_migrations", "from_label"), ("segment_migrations", "to_label"),
                  ("segment_kpis", "label"), ("customer_tags", "tag"), ("tag_coverage", "tag"),
                  ("tag_coverage_history", "tag")}
    for table, names in by_table.items():
        for column in names:
            if not column.endswith("_name_en"):
                continue
            code = column.removesuffix("_name_en")
            assert f"{code}_name_zh" in names, (table, column)
            assert (table, code) in own_checks or code in NAMED_CODES.get(table, {}), (table, column)
            if code not in ("tag",):
                assert code in names, (table, code)
            # the three columns sit side by side: code, _name_en, _name_zh
            if code in names:
                at = names.index(code)
                assert names[at + 1:at + 3] == [f"{code}_name_en", f"{code}_name_zh"], (table, names[at:at + 3])
    # the label codes that had no names before issue 39 have them now
    assert {"rfm_segment_name_en", "lifecycle_stage_name_en", "value_tier_name_en", "age_band_name_zh"} \
        <= set(by_table["customers"])
    assert {"from_label_name_zh", "to_label_name_en", "segmentation_name_en"} <= set(by_table["segment_migrations"])
    assert {"rfm_segment_name_zh", "value_tier_name_en"} <= set(by_table["customer_segment_history"])


def test_migration_labels_are_named_by_their_segmentation(demo_build: Path) -> None:
    pseudo = _label_names("migration_state")
    assert set(pseudo) == {"entry", "none"}
    found = rows(demo_build, """
        select segmentation, from_label, from_label_name_en, from_label_name_zh, 'from' from main_marts.segment_migrations
        union
        select segmentation, to_label, to_label_name_en, to_label_name_zh, 'to' from main_marts.segment_migrations
    """)
    seen_pseudo = set()
    for segmentation, label, name_en, name_zh, _ in found:
        seed, code_column = SEGMENTATION_SEEDS[segmentation]
        expected = pseudo | _names(seed, code_column, None)
        assert (name_en, name_zh) == expected[label], (segmentation, label)
        if label in pseudo:
            seen_pseudo.add(label)
    assert seen_pseudo == {"entry", "none"}
    # at_risk means another thing in RFM than in the lifecycle: named per segmentation
    at_risk = {segmentation: name for segmentation, label, name, _, _ in found if label == "at_risk"}
    assert at_risk == {"rfm_segment": "At risk", "lifecycle_stage": "At risk"}
    assert {segmentation for segmentation, *_ in found} == set(SEGMENTATION_SEEDS)


def test_tag_names_equal_the_catalogue(demo_build: Path) -> None:
    catalog = {row["tag_code"]: (row["name_en"], row["name_zh"]) for row in _seed("tag_catalog")}
    for mart in ("customer_tags", "tag_coverage", "tag_coverage_history"):
        found = rows(demo_build, f"select distinct tag_code, tag_name_en, tag_name_zh from main_marts.{mart}")
        assert len(found) > 10, mart
        assert {code: (en, zh) for code, en, zh in found} == {code: catalog[code] for code, *_ in found}, mart


def test_recommended_actions_in_both_languages(demo_build: Path) -> None:
    for mart, code_column, seed, seed_code in (
            ("customer_rfm", "rfm_segment", "rfm_segments", "segment_code"),
            ("customer_lifecycle", "lifecycle_stage", "lifecycle_stages", "stage_code")):
        expected = {row[seed_code]: (row["recommended_action"], row["recommended_action_zh"]) for row in _seed(seed)}
        assert all(en and zh and en != zh for en, zh in expected.values())
        found = rows(demo_build, f"""
            select distinct {code_column}, recommended_action, recommended_action_zh from main_marts.{mart}
        """)
        assert len(found) >= 5
        assert {code: (en, zh) for code, en, zh in found} == {code: expected[code] for code, *_ in found}
    # segment_kpis: the action of each RFM segment and lifecycle stage, none for groups and tiers
    kpis = rows(demo_build, """
        select segmentation, count(*), count(recommended_action), count(recommended_action_zh)
        from main_marts.segment_kpis group by segmentation order by segmentation
    """)
    assert kpis == [("lifecycle_stage", 7, 7, 7), ("rfm_group", 4, 0, 0), ("rfm_segment", 10, 10, 10),
                    ("value_tier", 4, 0, 0)]


def test_cohort_retention_sums_to_the_totals(demo_build: Path) -> None:
    assert rows(demo_build, """
        select count(*) from main_marts.cohort_retention where acquisition_channel = 'all'
    """) == [(0,)]
    summed = rows(demo_build, """
        select cohort_month, months_since_first_purchase, count(*), sum(cohort_size),
               sum(customers_purchasing), sum(repeat_customers), sum(cumulative_net_revenue)
        from main_marts.cohort_retention
        group by cohort_month, months_since_first_purchase
        order by cohort_month, months_since_first_purchase
    """)
    totals = rows(demo_build, """
        select cohort_month, months_since_first_purchase, acquisition_channels, cohort_size,
               customers_purchasing, repeat_customers, cumulative_net_revenue
        from main_marts.cohort_retention_totals
        order by cohort_month, months_since_first_purchase
    """)
    assert len(totals) > 100
    assert summed == totals
    # a BI tool's grand total over the channel rows of month 0 is every customer who ever purchased
    assert rows(demo_build, """
        select sum(cohort_size) from main_marts.cohort_retention where months_since_first_purchase = 0
    """) == rows(demo_build, """
        select count(*) from main_marts.customers where lifetime_purchases > 0
    """)
    # the rates are the sums' ratios, not averages of the channels' rates
    assert rows(demo_build, """
        select count(*) from main_marts.cohort_retention_totals
        where abs(retention_rate - customers_purchasing / cohort_size) > 1e-12
           or abs(repurchase_rate - repeat_customers / cohort_size) > 1e-12
    """) == [(0,)]


def test_every_possible_reject_reason_is_named() -> None:
    """The quarantine's reasons are a closed set (rejected_rows' accepted_values): each one has a
    label_names row, not only those the demo happens to hold (rejected_rows' not_null test on the
    name columns catches a reason that occurs without its names)."""
    import yaml

    models = yaml.safe_load((PROJECT_DIR / "models" / "marts" / "data_quality" / "_data_quality__models.yml")
                            .read_text(encoding="utf-8"))["models"]
    columns = {column["name"]: column for model in models if model["name"] == "rejected_rows"
               for column in model["columns"]}
    for code_column in ("reject_reason", "rejected_in"):
        accepted = next(test["accepted_values"]["arguments"]["values"]
                        for test in columns[code_column]["data_tests"] if "accepted_values" in test)
        assert len(accepted) >= 2
        assert set(accepted) == set(_label_names(code_column)), code_column
