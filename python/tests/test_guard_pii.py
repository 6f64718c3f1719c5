"""Guardrails for personal data (issue 38, docs/privacy.md): no raw email, phone or name in any mart
(rejected_rows included), masks that show little, the salt from an env var that dbt never writes
into its artifacts or logs, and no build on real data with the published demo salt.

One build of the tiny raw fixtures with a distinctive salt (a quote, a space and a backslash in it)
is shared by the tests that read it; the refusals are dbt runs that stop in the on-run-start hook.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import pytest

from customer_segments.dbt_runner import (
    PII_SALT_ENV, SKIP_DEMO_SEEDS, DbtProject, raw_vars, rows,
)

from conftest import RAW_TINY

#: a salt no file of the project holds: a quote (it broke the SQL when it was a var), a space and a
#: backslash (escaped for PostgreSQL's PGOPTIONS and Spark's string literal), and a token to grep for
TOKEN = "q7Zx9pii"
SALT = f"it's a {TOKEN} \\salt"
DEMO_SALT = "customer_segments_demo_salt"
#: models and seeds only: the data tests are not what these tests are about
BUILD_ARGS = ("build", *SKIP_DEMO_SEEDS, "--exclude-resource-type", "test", "unit_test")


def sha256_hex(salt: str, value: str) -> str:
    return hashlib.sha256((salt + value).encode()).hexdigest()


class NoSaltProject(DbtProject):
    """A project run with no salt in its environment at all (not even the generated-data salt the
    runner hands builds on raw files)."""

    def env(self) -> dict[str, str]:
        env = super().env()
        env.pop(PII_SALT_ENV, None)
        env.pop("PGOPTIONS", None)
        return env


@pytest.fixture(scope="module")
def salted(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """The project built on the tiny raw fixtures with SALT."""
    project = DbtProject(tmp_path_factory.mktemp("pii_salted"), vars=raw_vars(RAW_TINY, "csv"),
                         pii_hash_salt=SALT)
    project.run(*BUILD_ARGS)
    return project


@pytest.fixture(scope="module")
def raw_customers() -> list[dict[str, str]]:
    with (RAW_TINY / "customers.csv").open(newline="") as file:
        return list(csv.DictReader(file))


def personal_values(raw_customers: list[dict[str, str]]) -> set[str]:
    """Every raw email, phone and name of the fixtures, as delivered and as normalised (emails
    lower-cased, phones as their digits and national digits); phones of fewer than 8 digits are
    left out (they are substrings of too many other values to search for)."""
    values: set[str] = set()
    for row in raw_customers:
        email, phone, name = row["email"].strip(), row["phone"].strip(), row["full_name"].strip()
        if email:
            values |= {email, email.lower()}
        digits = re.sub(r"[^0-9]", "", phone)
        if len(digits) >= 8:
            values |= {phone, digits, digits[-11:]}
        if name:
            values.add(name)
    return values


def relations_holding(database: Path, schema: str, values: set[str]) -> dict[str, set[str]]:
    """Per relation of ``schema``: which of ``values`` occur in any of its cells (as a substring of
    the cell's text)."""
    found: dict[str, set[str]] = {}
    tables = [name for (name,) in rows(database, f"select table_name from information_schema.tables "
                                                 f"where table_schema = '{schema}' order by 1")]
    for table in tables:
        for record in rows(database, f"select * from {schema}.{table}"):
            for cell in record:
                if cell is None:
                    continue
                text = str(cell)
                hits = {value for value in values if value in text}
                if hits:
                    found.setdefault(table, set()).update(hits)
    return found


# --- the salt: never in dbt's artifacts or logs; the hash is sha256(salt || value) -----------------

def test_salt_is_in_no_artifact_or_log(salted: DbtProject) -> None:
    target, logs = salted.workdir / "target", salted.workdir / "logs"
    # the premise: the files a leak would be in were written, and the SQL reads the salt from the session
    compiled = target / "compiled" / "customer_segments" / "models" / "marts" / "segments" / "customers.sql"
    for path in (target / "manifest.json", target / "run_results.json", compiled,
                 target / "run" / "customer_segments" / "models" / "marts" / "segments" / "customers.sql",
                 logs / "dbt.log"):
        assert path.is_file() and path.stat().st_size > 0, path
    assert "getvariable('pii_hash_salt')" in compiled.read_text()
    leaks = [str(path.relative_to(salted.workdir)) for folder in (target, logs) for path in folder.rglob("*")
             if path.is_file() and TOKEN.encode() in path.read_bytes()]
    assert leaks == []


def test_hash_is_sha256_of_salt_then_value(salted: DbtProject) -> None:
    hashed = rows(salted.duckdb_path, """
        select profiled.email_normalized, profiled.phone_normalized, customers.email_hash, customers.phone_hash
        from main_marts.customers as customers
        inner join main_intermediate.int_customers_profiled as profiled using (customer_key)
    """)
    emails = [(email, email_hash) for email, _, email_hash, _ in hashed if email is not None]
    phones = [(phone, phone_hash) for _, phone, _, phone_hash in hashed if phone is not None]
    assert len(emails) >= 3 and len(phones) >= 3
    assert [email_hash for _, email_hash in emails] == [sha256_hex(SALT, email) for email, _ in emails]
    assert [phone_hash for _, phone_hash in phones] == [sha256_hex(SALT, phone) for phone, _ in phones]
    assert all(email_hash is None for email, _, email_hash, _ in hashed if email is None)


def test_demo_builds_without_salt_with_the_demo_salt(demo_build_copy: DbtProject) -> None:
    project = NoSaltProject(demo_build_copy.workdir)
    project.run("run", "--select", "customers")
    hashed = rows(project.duckdb_path, """
        select profiled.email_normalized, customers.email_hash
        from main_marts.customers as customers
        inner join main_intermediate.int_customers_profiled as profiled using (customer_key)
        where profiled.email_normalized is not null
    """)
    assert len(hashed) > 1000
    assert all(email_hash == sha256_hex(DEMO_SALT, email) for email, email_hash in hashed)


# --- refusals: the demo salt on other data, the salt as a var ----------------------------------

@pytest.mark.parametrize(("var", "value"), [
    ("raw_path", str(RAW_TINY)),
    ("raw_schema", "crm_export"),
    ("raw_database", "warehouse"),
])
def test_other_data_refuses_the_demo_salt(tmp_path: Path, var: str, value: str) -> None:
    project = NoSaltProject(tmp_path, vars={var: value, "raw_format": "csv"})
    result = project.run(*BUILD_ARGS, check=False)
    assert result.returncode == 2
    assert "Compilation Error in operation customer_segments-on-run-start-0" in result.stdout
    assert (f"pii_hash_salt: this build reads raw data other than the demo (var {var} = {value}) but no "
            "salt is set") in result.stdout
    assert "Set env var DBT_ENV_SECRET_PII_HASH_SALT to a secret of your own" in result.stdout
    # nothing was built: the hook runs before every node
    assert " START " not in result.stdout
    assert rows(project.duckdb_path, "select count(*) from information_schema.tables") == [(0,)]


def test_other_data_refuses_the_demo_salt_given_explicitly(tmp_path: Path) -> None:
    project = DbtProject(tmp_path, vars=raw_vars(RAW_TINY, "csv"), pii_hash_salt=DEMO_SALT)
    result = project.run(*BUILD_ARGS, check=False)
    assert result.returncode == 2
    assert "pii_hash_salt: this build reads raw data other than the demo (var raw_path = " in result.stdout


def test_salt_as_a_var_is_refused(tmp_path: Path) -> None:
    project = DbtProject(tmp_path, vars={"pii_hash_salt": "my secret"})
    result = project.run("run", "--select", "customers", check=False)
    assert result.returncode == 2
    assert ("var pii_hash_salt is not read any more: dbt writes vars in plain text into target/ and its log. "
            "Set the salt in env var DBT_ENV_SECRET_PII_HASH_SALT instead") in result.stdout


# --- no raw email, phone or name in a mart; masks ----------------------------------------------------

def test_no_raw_personal_value_in_any_mart(salted: DbtProject, raw_customers: list[dict[str, str]]) -> None:
    values = personal_values(raw_customers)
    assert {"c1@example.com", "13800000099", "No Id", "Bob.Lee@Example.COM"} <= values
    # the premise: the search finds them where raw personal data is allowed
    staged = relations_holding(salted.duckdb_path, "main_staging", values)
    assert {"c1@example.com", "13800000001", "Alice Wang"} <= staged["base_crm__customers"]
    assert relations_holding(salted.duckdb_path, "main_marts", values) == {}


def test_rejected_customer_rows_are_masked(salted: DbtProject) -> None:
    rejected = rows(salted.duckdb_path, """
        select reject_reason, raw_values from main_marts.rejected_rows
        where source_table = 'crm.customers' order by reject_reason
    """)
    assert [reason for reason, _ in rejected] == ["future_timestamp", "missing_customer_id"]
    assert rejected[1][1].startswith(
        "customer_id=null; email=***@example.com; phone=*******0099; full_name=***; gender=M; birth_date=null; "
        "city=Wuhan;")
    assert rejected[0][1].startswith(
        "customer_id=C8; email=***@example.com; phone=*******0008; full_name=***; gender=M;")


def test_rejected_rows_fingerprint_is_salted_for_personal_tables(salted: DbtProject) -> None:
    """Unsalted, the fingerprint of a row whose other values are shown would give the masked values
    back to anyone trying them (a phone's hidden digits are 10^7 guesses)."""
    def hashes(sql: str) -> set[str]:
        return {row_hash for (row_hash,) in rows(salted.duckdb_path, sql)}

    staged_customers = hashes("select raw_row_hash from main_staging.base_crm__customers where row_status = 'rejected'")
    staged_orders = hashes("select raw_row_hash from main_staging.base_shop__orders where row_status = 'rejected'")
    published = {table: hashes(f"select raw_row_hash from main_marts.rejected_rows where source_table = '{table}'")
                 for table in ("crm.customers", "shop.orders")}
    assert len(staged_customers) == 2 and staged_orders
    assert published["crm.customers"] == {sha256_hex(SALT, row_hash) for row_hash in staged_customers}
    # tables without personal columns keep the fingerprint of staging
    assert staged_orders <= published["shop.orders"]


def test_masks_show_the_last_4_phone_digits_and_the_email_domain(salted: DbtProject) -> None:
    masked = rows(salted.duckdb_path, """
        select profiled.email_normalized, profiled.phone_normalized, customers.email_masked, customers.phone_masked
        from main_marts.customers as customers
        inner join main_intermediate.int_customers_profiled as profiled using (customer_key)
    """)
    assert any(phone for _, phone, _, _ in masked) and any(email for email, _, _, _ in masked)
    for email, phone, email_masked, phone_masked in masked:
        assert email_masked == (None if email is None else "***@" + email.split("@", 1)[1])
        assert phone_masked == (None if phone is None else "*" * 7 + phone[-4:])


# --- restricted layers: dbt grants -----------------------------------------------------------------

def test_grants_restrict_staging_and_intermediate(tmp_path: Path, salted: DbtProject) -> None:
    project = DbtProject(tmp_path, vars={"pii_restricted_roles": ["pii_steward"], "mart_reader_roles": ["bi_reader"]})
    project.run("parse", "--no-partial-parse")
    nodes = json.loads((tmp_path / "target" / "manifest.json").read_text())["nodes"].values()
    grants = {(node["config"]["schema"], json.dumps(node["config"]["grants"])) for node in nodes
              if node["resource_type"] == "model"}
    # the semantic layer's views over the marts (docs/semantic-layer.md) hold what the marts hold:
    # readable by the mart readers
    assert grants == {("staging", '{"select": ["pii_steward"]}'), ("intermediate", '{"select": ["pii_steward"]}'),
                      ("marts", '{"select": ["bi_reader"]}'), ("semantic", '{"select": ["bi_reader"]}')}
    # none by default (the salted build sets no roles): DuckDB has no roles and Spark cannot show grants
    nodes = json.loads((salted.workdir / "target" / "manifest.json").read_text())["nodes"].values()
    assert {json.dumps(node["config"]["grants"]) for node in nodes if node["resource_type"] == "model"} == {"{}"}
