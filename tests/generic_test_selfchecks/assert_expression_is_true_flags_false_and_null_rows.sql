{#-
    expression_is_true must return exactly the fixture rows marked true in the column
    named after each scenario: false and null results fail, the expression is appended to
    column_name when given, and an expression with `or` is kept whole. Returns one row per
    disagreement.
-#}
{%- set scenarios = [
    ('fails_amount_at_least_0', {'column_name': 'amount', 'expression': '>= 0'}),
    ('fails_amount_covers_discount', {'expression': 'amount >= discount'}),
    ('fails_amount_positive_or_null', {'column_name': 'amount', 'expression': '> 0 or amount is null'}),
] -%}

with

fixture as (
    select
        fixture_rows.row_id,
        fixture_rows.amount,
        fixture_rows.discount,
        fixture_rows.fails_amount_at_least_0,
        fixture_rows.fails_amount_covers_discount,
        fixture_rows.fails_amount_positive_or_null
    from (
        values
        (1, 5, 3, false, false, false),
        (2, 0, 0, false, false, true),
        (3, -1, 0, true, true, true),
        (4, cast(null as {{ dbt.type_int() }}), 1, true, true, false),
        (5, 2, cast(null as {{ dbt.type_int() }}), false, true, false),
        (6, 4, 5, false, true, false)
    ) as fixture_rows (
        row_id,
        amount,
        discount,
        fails_amount_at_least_0,
        fails_amount_covers_discount,
        fails_amount_positive_or_null
    )
),

{% for scenario, arguments in scenarios %}
    returned_{{ scenario }} as (
        {{ test_expression_is_true(model='fixture', **arguments) }}
    ),
{% endfor %}

expected as (
    {% for scenario, arguments in scenarios %}
        select
            '{{ scenario }}' as scenario,
            fixture.row_id
        from fixture
        where fixture.{{ scenario }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

returned as (
    {% for scenario, arguments in scenarios %}
        select
            '{{ scenario }}' as scenario,
            flagged.row_id,
            count(*) as n_returned
        from returned_{{ scenario }} as flagged
        group by flagged.row_id
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    coalesce(expected.scenario, returned.scenario) as scenario,
    coalesce(expected.row_id, returned.row_id) as row_id,
    case
        when returned.row_id is null then 'should fail but passed'
        when expected.row_id is null then 'should pass but failed'
        else 'returned more than once'
    end as problem
from expected
full outer join returned
    on
        expected.scenario = returned.scenario
        and expected.row_id = returned.row_id
where
    expected.row_id is null
    or returned.row_id is null
    or returned.n_returned <> 1
