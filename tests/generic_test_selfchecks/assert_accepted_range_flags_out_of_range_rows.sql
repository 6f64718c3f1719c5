{#-
    accepted_range must return exactly the fixture rows marked true in the column named
    after each scenario: bounds pass when inclusive, fail when not, one-sided ranges work,
    nulls always pass. Returns one row per disagreement.
-#}
{%- set scenarios = [
    ('fails_0_to_10', {'min_value': 0, 'max_value': 10}),
    ('fails_strictly_0_to_10', {'min_value': 0, 'max_value': 10, 'inclusive': false}),
    ('fails_at_least_0', {'min_value': 0}),
    ('fails_strictly_below_10', {'max_value': 10, 'inclusive': false}),
] -%}

with

fixture as (
    select
        fixture_rows.row_id,
        fixture_rows.amount,
        fixture_rows.fails_0_to_10,
        fixture_rows.fails_strictly_0_to_10,
        fixture_rows.fails_at_least_0,
        fixture_rows.fails_strictly_below_10
    from (
        values
        (1, -1, true, true, true, false),
        (2, 0, false, true, false, false),
        (3, 5, false, false, false, false),
        (4, 10, false, true, false, true),
        (5, 11, true, true, false, true),
        (6, cast(null as {{ dbt.type_int() }}), false, false, false, false)
    ) as fixture_rows (
        row_id,
        amount,
        fails_0_to_10,
        fails_strictly_0_to_10,
        fails_at_least_0,
        fails_strictly_below_10
    )
),

{% for scenario, arguments in scenarios %}
    returned_{{ scenario }} as (
        {{ test_accepted_range(model='fixture', column_name='amount', **arguments) }}
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
