"""The tag library on the demo data: every tag the issue requires tags some customers but not
all of them, the marts agree with each other, the tag review compares a build with the one
before, audiences respect consent, and the catalogue-integrity check says what is wrong."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from customer_segments.dbt_runner import PROJECT_DIR, DbtProject, rows

#: The tags issue 5 requires, one code each.
REQUIRED_TAGS = [
    # behavior
    "no_purchase_30d", "no_login_30d", "monthly_active", "frequent_buyer", "cart_abandoner",
    "discount_seeker", "night_owl", "weekend_shopper",
    # value
    "vip_member", "big_single_order", "high_aov", "refund_prone",
    # relationship
    "referrer", "referred_customer", "community_active", "nps_promoter", "nps_detractor",
    "support_heavy",
    # lifecycle
    "new_signup", "old_customer", "winback_candidate",
]
#: Required tags whose code carries a value: one catalogue row per value.
REQUIRED_FAMILIES = [
    "top_category_", "preferred_sales_channel_", "preferred_platform_", "age_band_", "city_",
    "region_",
]


@pytest.fixture(scope="module")
def tagged(demo_build: Path) -> Path:
    """The DuckDB file of the whole project built on the demo seeds (every test included)."""
    return demo_build


def coverage(db: Path) -> dict[str, tuple[int, int]]:
    return {code: (tagged_, total) for code, tagged_, total in rows(db, """
        select tag_code, customers_tagged, customers_total from main_marts.tag_coverage
    """)}


def test_every_required_tag_tags_someone_but_not_everyone(tagged: Path) -> None:
    figures = coverage(tagged)
    problems = []
    for code in REQUIRED_TAGS:
        if code not in figures:
            problems.append(f"{code}: not an active catalogue tag")
            continue
        count, total = figures[code]
        if not 0 < count < total:
            problems.append(f"{code}: tags {count} of {total} customers")
    for prefix in REQUIRED_FAMILIES:
        family = {code: figures[code] for code in figures if code.startswith(prefix)}
        if not any(count > 0 for count, _ in family.values()):
            problems.append(f"{prefix}*: no code of the family tags anyone")
        problems += [f"{code}: tags every customer" for code, (count, total) in family.items()
                     if count == total]
    assert not problems, "\n".join(problems)


def test_every_catalogue_tag_is_documented(tagged: Path) -> None:
    undocumented = rows(tagged, """
        select tag_code from main_lookups.tag_catalog
        where coalesce(trim(name_zh), '') = '' or coalesce(trim(name_en), '') = ''
            or coalesce(trim(definition), '') = '' or coalesce(trim(owner), '') = ''
    """)
    assert undocumented == []
    tag_docs = (PROJECT_DIR / "docs" / "tags.md").read_text()
    tag_vars = {line.split(":")[0].strip() for line in
                (PROJECT_DIR / "dbt_project.yml").read_text().splitlines()
                if line.startswith("  tag_")}
    assert tag_vars, "no tag vars found in dbt_project.yml"
    missing = sorted(name for name in tag_vars if f"`{name}`" not in tag_docs)
    assert not missing, f"tag vars missing from the var table of docs/tags.md: {missing}"


def test_marts_agree_with_each_other(tagged: Path) -> None:
    figures = coverage(tagged)
    long_counts = dict(rows(tagged, """
        select tag_code, count(*) from main_marts.customer_tags group by tag_code
    """))
    assert {code: count for code, (count, _) in figures.items() if count} == long_counts

    customers = rows(tagged, "select count(*) from main_marts.customers")[0][0]
    assert {total for _, total in figures.values()} == {customers}

    wide_columns = [r[0] for r in rows(tagged, """
        select column_name from information_schema.columns
        where table_schema = 'main_marts' and table_name = 'customer_tags_wide'
        order by ordinal_position
    """)]
    active = [r[0] for r in rows(tagged, """
        select tag_code from main_lookups.tag_catalog where is_active order by tag_group, tag_code
    """)]
    assert wide_columns == ["customer_key", "computed_for_date", *active]
    sums = ", ".join(f"count(*) filter (where {code})" for code in active)
    wide_counts = rows(tagged, f"select count(*), {sums} from main_marts.customer_tags_wide")[0]
    assert wide_counts[0] == customers
    assert dict(zip(active, wide_counts[1:])) == {code: figures[code][0] for code in active}


#: Facts the tag rules read and the column that dates each row (int_purchases_filtered, which
#: they read too, is a view of int_orders_attributed: it loses the later orders with it).
DATED_FACTS = {
    "int_orders_attributed": "order_date",
    "int_order_items_attributed": "order_date",
    "int_events_attributed": "event_date",
    "int_nps_responses_attributed": "responded_date",
}


def test_no_tag_uses_data_after_the_as_of_date(tagged: Path, tmp_path: Path) -> None:
    """Tags as of an earlier date are the same whether or not the later facts exist."""
    as_of = "2026-03-31"
    tag_rows = """
        select customer_key, tag_code, evidence_value, evidence_number, computed_for_date
        from main_marts.customer_tags order by customer_key, tag_code
    """
    results = []
    for name, delete_later_facts in [("with_future", False), ("without_future", True)]:
        workdir = tmp_path / name
        workdir.mkdir()
        shutil.copy(tagged, workdir / "customer_segments.duckdb")
        if delete_later_facts:
            con = duckdb.connect(str(workdir / "customer_segments.duckdb"))
            assert con.execute("""
                select table_type from information_schema.tables
                where table_schema = 'main_intermediate' and table_name = 'int_purchases_filtered'
            """).fetchall() == [("VIEW",)]
            for table, column in DATED_FACTS.items():
                con.execute(f"delete from main_intermediate.{table} where {column} > date '{as_of}'")
            con.close()
        project = DbtProject(workdir, vars={"as_of_date": as_of})
        project.run("run", "--select", "int_as_of_date_resolved+",
                    "--exclude", "path:models/marts/history")
        results.append(rows(project.duckdb_path, tag_rows))
    with_future, without_future = results
    assert with_future and {r[4] for r in with_future} == {date.fromisoformat(as_of)}
    assert with_future == without_future


def test_tag_review_compares_with_the_previous_build(tagged: Path, tmp_path: Path) -> None:
    first = dict(rows(tagged, "select tag_code, customers_tagged from main_marts.tag_coverage"))
    assert rows(tagged, "select count(previous_customers_tagged) from main_marts.tag_coverage") == [(0,)], \
        "a first build has no previous figures"

    # the next day's build, on a copy: it keeps the first build's figures and compares with them
    shutil.copy(tagged, tmp_path / "customer_segments.duckdb")
    project = DbtProject(tmp_path, vars={"as_of_date": "2026-07-01"})
    project.run("run", "--select", "int_as_of_date_resolved+",
                "--exclude", "path:models/marts/history")
    db = project.duckdb_path
    assert rows(db, """
        select computed_for_date::varchar, count(*) from main_marts.tag_coverage_history group by 1 order by 1
    """) == [("2026-06-30", len(first)), ("2026-07-01", len(first))]
    review = rows(db, """
        select tag_code, previous_computed_for_date::varchar, previous_customers_tagged,
               customers_tagged - previous_customers_tagged - change_in_customers_tagged
        from main_marts.tag_coverage
    """)
    assert {(code, previous_date, previous, check) for code, previous_date, previous, check in review} \
        == {(code, "2026-06-30", count, 0) for code, count in first.items()}
    # a day later, customers whose last purchase was 29 days ago have gone 30 days without one
    assert rows(db, """
        select change_in_customers_tagged > 0 from main_marts.tag_coverage where tag_code = 'no_purchase_30d'
    """) == [(True,)]


def test_audiences_respect_consent_and_their_definition(tagged: Path) -> None:
    workdir = Path(tagged).parent
    project = DbtProject(workdir)
    project.run("compile", "--select", "path:analyses")
    compiled = workdir / "target" / "compiled" / "customer_segments" / "analyses"

    vip_sql = (compiled / "audience_vip_bought_apparel_not_beauty_30d.sql").read_text()
    vip = rows(tagged, f"select customer_key, is_marketing_opt_in from ({vip_sql}) as audience")
    assert vip and all(opt_in for _, opt_in in vip)
    expected = rows(tagged, """
        with bought as (
            select distinct purchases.customer_key, items.category
            from main_intermediate.int_purchases_filtered as purchases
            inner join main_intermediate.int_order_items_attributed as items on purchases.order_id = items.order_id
            cross join main_intermediate.int_as_of_date_resolved as as_of
            where purchases.order_date <= as_of.as_of_date
                and purchases.order_date > as_of.as_of_date - 30
        )
        select customers.customer_key
        from main_marts.customers as customers
        inner join main_marts.customer_tags as tags
            on customers.customer_key = tags.customer_key and tags.tag_code = 'vip_member'
        where customers.is_marketing_opt_in
            and customers.customer_key in (select customer_key from bought where category = 'apparel')
            and customers.customer_key not in (select customer_key from bought where category = 'beauty')
    """)
    assert sorted(key for key, _ in vip) == sorted(key for (key,) in expected)

    winback_sql = (compiled / "audience_winback_dormant_not_unhappy.sql").read_text()
    winback = rows(tagged, f"select customer_key, is_marketing_opt_in from ({winback_sql}) as audience")
    assert winback and all(opt_in for _, opt_in in winback)


def test_integrity_check_names_each_problem_on_fixtures(parsed_project: DbtProject) -> None:
    """tag_catalog_problems on fixture relations: the messages say what to add, naming the file."""
    sql = """
        with
        catalog as (
            select * from (values
                ('vip_member', 'vip_member', true),
                ('ghost_tag', 'ghost', true),
                ('retired_tag', 'retired', false),
                ('top_category_food', 'top_category', true)
            ) as catalog_rows (tag_code, rule, is_active)
        ),
        attribute_rules as (
            select * from (values ('vip_member'), ('gender')) as attribute_rows (rule)
        ),
        emitted as (
            select * from (values
                ('vip_member', 'vip_member'),
                ('top_category', 'top_category_food'),
                ('top_category', 'top_category_pets'),
                ('loyal_fan', 'loyal_fan')
            ) as emitted_rows (tag_rule, tag_code)
        ),
        problems as (
            {{ tag_catalog_problems('catalog', ['top_category', 'loyal_fan'], 'attribute_rules', 'emitted') }}
        )
        select * from problems
    """
    result = parsed_project.run("show", "--inline", sql, "--output", "json", "--quiet",
                                      "--limit", "100")
    shown = json.loads(result.stdout[result.stdout.index("{"):])["show"]
    got = sorted(row["message"] for row in shown)
    assert got == sorted([
        "tag_catalog row ghost_tag names rule ghost, but no rule model or attribute rule defines it: "
        "add models/intermediate/tags/rules/int_customers_tagged_ghost.sql (and its line in "
        "int_customer_tags_unioned), or a row of seeds/lookups/tag_attribute_rules.csv for a one-filter "
        "rule, or set is_active to false",
        "rule loyal_fan (models/intermediate/tags/rules/int_customers_tagged_loyal_fan.sql) has no row in "
        "tag_catalog: add a row with rule = loyal_fan for each tag it emits, or delete the rule",
        "rule gender (seeds/lookups/tag_attribute_rules.csv) has no row in tag_catalog: add a row with "
        "rule = gender for each tag it emits, or delete the rule",
        "rule loyal_fan emitted tag_code loyal_fan, which has no tag_catalog row with "
        "rule = loyal_fan: add the row (name it) or change the rule",
        # a family rule's code for a value new to the catalogue: a warning (uncatalogued_tag_code)
        "rule top_category emitted tag_code top_category_pets for a value new to tag_catalog: the tag is "
        "built but left out of the marts until you add its row (rule = top_category, with its names)",
    ])
    assert sorted(row["problem"] for row in shown if row["tag_rule"] == "top_category") \
        == ["uncatalogued_tag_code"]


def test_integrity_failure_stops_dbt_with_the_messages(parsed_project: DbtProject) -> None:
    problems_sql = ("select 'rule loyal_fan (models/intermediate/tags/rules/int_customers_tagged_loyal_fan.sql) "
                    "has no row in tag_catalog' as message "
                    "union all select 'tag_catalog row ghost_tag names rule ghost' as message")
    result = parsed_project.run(
        "run-operation", "raise_tag_catalog_problems",
        "--args", json.dumps({"problems_sql": problems_sql}), check=False)
    assert result.returncode != 0
    assert "Tag catalogue integrity: 2 problem(s)" in result.stdout
    assert "- rule loyal_fan (models/intermediate/tags/rules/int_customers_tagged_loyal_fan.sql) has no row" \
        in result.stdout
    assert "- tag_catalog row ghost_tag names rule ghost" in result.stdout

    clean = parsed_project.run(
        "run-operation", "raise_tag_catalog_problems",
        "--args", json.dumps({"problems_sql": "select 'x' as message where 1 = 0"}))
    assert clean.returncode == 0


@pytest.mark.parametrize("bad_vars, message", [
    ({"tag_night_owl_min_share": 1.5},
     "var tag_night_owl_min_share must be a number between 0 and 1, got 1.5"),
    ({"tag_no_purchase_days": 0},
     "var tag_no_purchase_days must be a whole number of days >= 1, got 0"),
    ({"tag_cart_abandon_days": 30},
     "var tag_cart_abandon_lookback_days (30) must be larger than var tag_cart_abandon_days (30)"),
    ({"tag_nps_detractor_max_score": 9},
     "var tag_nps_detractor_max_score (9) must be a score below var tag_nps_promoter_min_score (9)"),
    ({"tag_clock_timezone": "Shanghai time"},
     "var tag_clock_timezone must be an IANA zone such as Asia/Shanghai, got 'Shanghai time'"),
    # a number written as text stays text (nothing converts it): the check names it
    ({"tag_discount_seeker_share": "0.5"},
     "var tag_discount_seeker_share must be a number between 0 and 1, got 0.5"),
])
def test_nonsensical_tag_vars_stop_the_build_naming_the_var(
        tmp_path: Path, bad_vars: dict[str, Any], message: str) -> None:
    result = DbtProject(tmp_path).run("compile", "--select", "int_customer_tags_unioned",
                                      extra_vars=bad_vars, check=False)
    assert result.returncode != 0
    assert message in result.stdout


RULES_FOLDER = "models/intermediate/tags/rules/"
RULE_COLUMNS = ["customer_key", "tag_code", "tag_rule", "evidence_value", "evidence_number"]


def rule_models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["name"]: node for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["original_file_path"].startswith(RULES_FOLDER)}


def test_every_rule_model_has_a_unit_test(manifest: dict[str, Any]) -> None:
    models = rule_models(manifest)
    assert len(models) >= 20
    tested = {test["model"] for test in manifest["unit_tests"].values()}
    assert sorted(set(models) - tested) == [], "rule models without a unit test"


def test_every_attribute_rule_has_a_unit_test(manifest: dict[str, Any]) -> None:
    """Each row of tag_attribute_rules is exercised by a unit test of the attribute model: one
    of its expected rows carries the rule's tag code (or a code of its family)."""
    with (PROJECT_DIR / "seeds" / "lookups" / "tag_attribute_rules.csv").open(newline="", encoding="utf-8") as file:
        attribute_rules = list(csv.DictReader(file))
    assert {row["rule"] for row in attribute_rules} >= {"age_band", "city_tier", "region", "vip_member",
                                                         "referred_customer"}
    expected_codes = [row["tag_code"] for test in manifest["unit_tests"].values()
                      if test["model"] == "int_customers_tagged_by_attribute"
                      for row in test["expect"]["rows"]]
    untested = [row["rule"] for row in attribute_rules
                if not any(code == row["tag_code"] if row["tag_code"] else code.startswith(row["tag_code_prefix"])
                           for code in expected_codes)]
    assert untested == []


def test_rule_models_have_the_rule_columns_in_order(tagged: Path, manifest: dict[str, Any]) -> None:
    """The union reads each rule model with select *, so every rule model has exactly the rule
    columns, in the same order."""
    built = rows(tagged, """
        select table_name, column_name from information_schema.columns
        where table_schema = 'main_intermediate' and table_name like 'int_customers_tagged_%'
        order by table_name, ordinal_position
    """)
    columns: dict[str, list[str]] = {}
    for table, column in built:
        columns.setdefault(table, []).append(column)
    assert set(columns) == set(rule_models(manifest))
    assert {table: cols for table, cols in columns.items() if cols != RULE_COLUMNS} == {}


def copy_of_the_project(destination: Path) -> Path:
    """The dbt project's files (no virtualenv, no builds) in ``destination``, to break on purpose."""
    destination.mkdir()
    for name in ["dbt_project.yml", "profiles.yml"]:
        shutil.copy(PROJECT_DIR / name, destination / name)
    for name in ["models", "macros", "tests", "seeds", "analyses"]:
        shutil.copytree(PROJECT_DIR / name, destination / name)
    return destination


def test_a_rule_model_missing_from_the_union_fails_the_union_test(tmp_path: Path, parsed_project: DbtProject) -> None:
    project_dir = copy_of_the_project(tmp_path / "project")
    union = project_dir / "models" / "intermediate" / "tags" / "int_customer_tags_unioned.sql"
    sql = union.read_text()
    line = "    select * from {{ ref('int_customers_tagged_night_owl') }}\n    union all\n"
    assert line in sql
    # the union loses the night owls and reads a model that is not a rule model
    union.write_text(sql.replace(line, "").replace(
        "with\n", "-- depends_on: {{ ref('int_customers_profiled') }}\n\nwith\n", 1))
    workdir = tmp_path / "work"
    workdir.mkdir()
    project = DbtProject(workdir, project_dir=project_dir)
    result = project.run("test", "--select", "assert_tag_union_reads_every_rule_model", check=False)
    assert result.returncode != 0
    assert "Got 2 results" in result.stdout
    compiled = next((workdir / "target" / "compiled").rglob("assert_tag_union_reads_every_rule_model.sql"))
    messages = compiled.read_text()
    assert ("rule model int_customers_tagged_night_owl (models/intermediate/tags/rules/"
            "int_customers_tagged_night_owl.sql) is not read by int_customer_tags_unioned") in messages
    assert ("int_customer_tags_unioned reads model.customer_segments.int_customers_profiled, "
            "which is not a rule model") in messages

    # the project as it is passes
    assert parsed_project.run("test", "--select", "assert_tag_union_reads_every_rule_model").returncode == 0
