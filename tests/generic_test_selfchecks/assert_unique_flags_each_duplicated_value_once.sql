{#-
    The project's unique test (it replaces dbt's built-in one) must return exactly the
    non-null values held by more than one row, once each, with their row count, on a column
    and on an expression; nulls, however many, pass. Returns one row per disagreement.
-#}
{%- set null_string = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}

with

fixture as (
    select
        fixture_rows.row_id,
        fixture_rows.event_id
    from (
        values
        (1, 'e1'),
        (2, 'e1'),
        (3, 'e1'),
        (4, 'e2'),
        (5, 'E2'),
        (6, 'e3'),
        (7, {{ null_string }}),
        (8, {{ null_string }})
    ) as fixture_rows (row_id, event_id)
),

returned_column as (
    {{ test_unique(model='fixture', column_name='event_id') }}
),

returned_expression as (
    {{ test_unique(model='fixture', column_name='lower(event_id)') }}
),

returned_unique as (
    {{ test_unique(model='fixture', column_name='row_id') }}
),

returned as (
    select
        'column' as scenario,
        cast(unique_field as {{ dbt.type_string() }}) as unique_field,
        n_records
    from returned_column
    union all
    select
        'expression' as scenario,
        cast(unique_field as {{ dbt.type_string() }}) as unique_field,
        n_records
    from returned_expression
    union all
    select
        'unique' as scenario,
        cast(unique_field as {{ dbt.type_string() }}) as unique_field,
        n_records
    from returned_unique
),

expected as (
    select
        expected_rows.scenario,
        expected_rows.unique_field,
        expected_rows.n_records
    from (
        values
        ('column', 'e1', 3),
        ('expression', 'e1', 3),
        ('expression', 'e2', 2)
    ) as expected_rows (scenario, unique_field, n_records)
),

returned_counted as (
    select
        scenario,
        unique_field,
        n_records,
        count(*) as n_returned
    from returned
    group by
        scenario,
        unique_field,
        n_records
)

select
    coalesce(expected.scenario, returned_counted.scenario) as scenario,
    coalesce(expected.unique_field, returned_counted.unique_field) as unique_field,
    expected.n_records as expected_n_records,
    returned_counted.n_records as returned_n_records,
    case
        when returned_counted.scenario is null then 'duplicated value not returned'
        when expected.scenario is null then 'returned a value that is not duplicated'
        else 'value returned more than once'
    end as problem
from expected
full outer join returned_counted
    on
        expected.scenario = returned_counted.scenario
        and expected.unique_field = returned_counted.unique_field
        and expected.n_records = returned_counted.n_records
where
    expected.scenario is null
    or returned_counted.scenario is null
    or returned_counted.n_returned <> 1
