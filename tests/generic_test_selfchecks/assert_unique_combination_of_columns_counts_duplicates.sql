{#-
    unique_combination_of_columns must return exactly one row per duplicated combination,
    with the right n_records, for each scenario in `expected` (nulls group together, a
    single column name as a string works like a list of one, unique combinations pass).
    Returns one row per disagreement.
-#}
{%- set scenarios = [
    ('customer_and_date', ['customer_id', 'order_date']),
    ('customer', ['customer_id']),
    ('customer_as_string', 'customer_id'),
    ('date', ['order_date']),
    ('row_and_customer', ['row_id', 'customer_id']),
] -%}
{%- set null_int = 'cast(null as ' ~ dbt.type_int() ~ ')' -%}
{%- set null_string = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}

with

fixture as (
    select
        fixture_rows.row_id,
        fixture_rows.customer_id,
        fixture_rows.order_date
    from (
        values
        (1, 1, '2024-01-01'),
        (2, 1, '2024-01-01'),
        (3, 1, '2024-01-01'),
        (4, 1, '2024-01-02'),
        (5, 2, '2024-01-01'),
        (6, 2, '2024-01-01'),
        (7, 3, '2024-01-01'),
        (8, {{ null_int }}, '2024-01-03'),
        (9, {{ null_int }}, '2024-01-03'),
        (10, 4, {{ null_string }})
    ) as fixture_rows (row_id, customer_id, order_date)
),

{% for scenario, columns in scenarios %}
    returned_{{ scenario }} as (
        {{ test_unique_combination_of_columns(model='fixture', combination_of_columns=columns) }}
    ),
{% endfor %}

-- One row per duplicated combination; columns outside the scenario's combination are null.
expected as (
    select
        expected_rows.scenario,
        expected_rows.customer_id,
        expected_rows.order_date,
        expected_rows.n_records
    from (
        values
        ('customer_and_date', 1, '2024-01-01', 3),
        ('customer_and_date', 2, '2024-01-01', 2),
        ('customer_and_date', {{ null_int }}, '2024-01-03', 2),
        ('customer', 1, {{ null_string }}, 4),
        ('customer', 2, {{ null_string }}, 2),
        ('customer', {{ null_int }}, {{ null_string }}, 2),
        ('customer_as_string', 1, {{ null_string }}, 4),
        ('customer_as_string', 2, {{ null_string }}, 2),
        ('customer_as_string', {{ null_int }}, {{ null_string }}, 2),
        ('date', {{ null_int }}, '2024-01-01', 6),
        ('date', {{ null_int }}, '2024-01-03', 2)
    ) as expected_rows (scenario, customer_id, order_date, n_records)
),

returned as (
    {% for scenario, columns in scenarios %}
        {% set columns = [columns] if columns is string else columns %}
        select
            '{{ scenario }}' as scenario,
            {{ 'flagged.customer_id' if 'customer_id' in columns else null_int }} as customer_id,
            {{ 'flagged.order_date' if 'order_date' in columns else null_string }} as order_date,
            flagged.n_records
        from returned_{{ scenario }} as flagged
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

-- Nulls are part of a combination, so compare them as a marker value.
expected_keys as (
    select
        expected.scenario,
        coalesce(cast(expected.customer_id as {{ dbt.type_string() }}), '<null>') as customer_key,
        coalesce(expected.order_date, '<null>') as order_date_key,
        expected.n_records
    from expected
),

returned_keys as (
    select
        returned.scenario,
        coalesce(cast(returned.customer_id as {{ dbt.type_string() }}), '<null>') as customer_key,
        coalesce(returned.order_date, '<null>') as order_date_key,
        returned.n_records,
        count(*) as n_returned
    from returned
    group by
        returned.scenario,
        returned.customer_id,
        returned.order_date,
        returned.n_records
)

select
    coalesce(expected_keys.scenario, returned_keys.scenario) as scenario,
    coalesce(expected_keys.customer_key, returned_keys.customer_key) as customer_key,
    coalesce(expected_keys.order_date_key, returned_keys.order_date_key) as order_date_key,
    expected_keys.n_records as expected_n_records,
    returned_keys.n_records as returned_n_records,
    case
        when returned_keys.scenario is null then 'duplicate combination not returned'
        when expected_keys.scenario is null then 'returned a combination that is not a duplicate'
        else 'combination returned more than once'
    end as problem
from expected_keys
full outer join returned_keys
    on
        expected_keys.scenario = returned_keys.scenario
        and expected_keys.customer_key = returned_keys.customer_key
        and expected_keys.order_date_key = returned_keys.order_date_key
        and expected_keys.n_records = returned_keys.n_records
where
    expected_keys.scenario is null
    or returned_keys.scenario is null
    or returned_keys.n_returned <> 1
