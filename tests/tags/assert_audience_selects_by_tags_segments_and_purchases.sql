{#-
    audience() must return exactly the expected customers on fixtures (as-of date 2026-06-30):
    tags it must have all of, any of or none of, segment labels, categories bought and not bought
    in the last 30 days (29 days back is inside, 30 outside, after the as-of date never), and
    marketing consent (left out by default, kept with include_opted_out). Returns one row per
    customer missed or returned wrongly.
-#}
{%- set scenarios = [
    ('vip_apparel_not_beauty', {
        'tags_all': ['vip_member'], 'bought_categories': ['apparel'],
        'not_bought_categories': ['beauty'], 'purchase_window_days': 30}),
    ('vip_apparel_not_beauty_with_opted_out', {
        'tags_all': ['vip_member'], 'bought_categories': ['apparel'],
        'not_bought_categories': ['beauty'], 'purchase_window_days': 30, 'include_opted_out': true}),
    ('winback_dormant_not_detractor', {
        'tags_all': ['winback_candidate'], 'tags_none': ['nps_detractor'],
        'segments': {'rfm_group': ['dormant']}}),
    ('night_or_weekend', {'tags_any': ['night_owl', 'weekend_shopper']}),
] -%}
{%- set fixtures = {
    'customers': 'customers_fixture', 'customer_tags': 'customer_tags_fixture',
    'purchases': 'purchases_fixture', 'order_items': 'order_items_fixture',
} -%}

with

customers_fixture as (

    select
        customer_rows.customer_key,
        cast('2026-06-30' as date) as as_of_date,
        cast(null as {{ dbt.type_string() }}) as email_hash,
        cast(null as {{ dbt.type_string() }}) as phone_hash,
        cast(null as {{ dbt.type_string() }}) as member_level,
        cast(null as {{ dbt.type_string() }}) as rfm_segment,
        customer_rows.rfm_group,
        cast(null as {{ dbt.type_string() }}) as lifecycle_stage,
        cast(null as {{ dbt.type_string() }}) as value_tier,
        customer_rows.is_marketing_opt_in
    from (
        values
        ('apparel_29_days_ago', 'high_value', true),
        ('apparel_30_days_ago', 'high_value', true),
        ('apparel_and_beauty', 'high_value', true),
        ('opted_out', 'high_value', false),
        ('not_vip', 'high_value', true),
        ('beauty_before_window', 'high_value', true),
        ('apparel_after_as_of', 'high_value', true),
        ('winback_dormant', 'dormant', true),
        ('winback_detractor', 'dormant', true),
        ('winback_high_value', 'high_value', true),
        ('night_owl', 'lost', true),
        ('weekend_shopper', 'lost', true)
    ) as customer_rows (customer_key, rfm_group, is_marketing_opt_in)

),

customer_tags_fixture as (

    select
        tag_rows.customer_key,
        tag_rows.tag_code
    from (
        values
        ('apparel_29_days_ago', 'vip_member'),
        ('apparel_30_days_ago', 'vip_member'),
        ('apparel_and_beauty', 'vip_member'),
        ('opted_out', 'vip_member'),
        ('beauty_before_window', 'vip_member'),
        ('apparel_after_as_of', 'vip_member'),
        ('winback_dormant', 'winback_candidate'),
        ('winback_detractor', 'winback_candidate'),
        ('winback_detractor', 'nps_detractor'),
        ('winback_high_value', 'winback_candidate'),
        ('night_owl', 'night_owl'),
        ('weekend_shopper', 'weekend_shopper')
    ) as tag_rows (customer_key, tag_code)

),

purchases_fixture as (

    select
        purchase_rows.order_id,
        purchase_rows.customer_key,
        cast(purchase_rows.order_date as date) as order_date
    from (
        values
        ('o1', 'apparel_29_days_ago', '2026-06-01'),
        ('o2', 'apparel_30_days_ago', '2026-05-31'),
        ('o3', 'apparel_and_beauty', '2026-06-10'),
        ('o4', 'apparel_and_beauty', '2026-06-11'),
        ('o5', 'opted_out', '2026-06-10'),
        ('o6', 'not_vip', '2026-06-10'),
        ('o7', 'beauty_before_window', '2026-06-10'),
        ('o8', 'beauty_before_window', '2026-05-01'),
        ('o9', 'apparel_after_as_of', '2026-07-01')
    ) as purchase_rows (order_id, customer_key, order_date)

),

order_items_fixture as (

    select
        item_rows.order_id,
        item_rows.category
    from (
        values
        ('o1', 'apparel'),
        ('o2', 'apparel'),
        ('o3', 'apparel'),
        ('o4', 'beauty'),
        ('o5', 'apparel'),
        ('o6', 'apparel'),
        ('o7', 'apparel'),
        ('o8', 'beauty'),
        ('o9', 'apparel')
    ) as item_rows (order_id, category)

),

{% for scenario, arguments in scenarios %}
    {%- do arguments.update(fixtures) %}
    returned_{{ scenario }} as (
        {{ audience(**arguments) }}
    ),
{% endfor %}

expected as (

    select
        expected_rows.scenario,
        expected_rows.customer_key
    from (
        values
        ('vip_apparel_not_beauty', 'apparel_29_days_ago'),
        ('vip_apparel_not_beauty', 'beauty_before_window'),
        ('vip_apparel_not_beauty_with_opted_out', 'apparel_29_days_ago'),
        ('vip_apparel_not_beauty_with_opted_out', 'beauty_before_window'),
        ('vip_apparel_not_beauty_with_opted_out', 'opted_out'),
        ('winback_dormant_not_detractor', 'winback_dormant'),
        ('night_or_weekend', 'night_owl'),
        ('night_or_weekend', 'weekend_shopper')
    ) as expected_rows (scenario, customer_key)

),

returned as (
    {% for scenario, arguments in scenarios %}
        select
            '{{ scenario }}' as scenario,
            selected.customer_key
        from returned_{{ scenario }} as selected
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    coalesce(expected.scenario, returned.scenario) as scenario,
    coalesce(expected.customer_key, returned.customer_key) as customer_key,
    case
        when returned.customer_key is null then 'should be in the audience but is not'
        else 'should not be in the audience but is'
    end as problem
from expected
full outer join returned
    on
        expected.scenario = returned.scenario
        and expected.customer_key = returned.customer_key
where expected.customer_key is null or returned.customer_key is null
