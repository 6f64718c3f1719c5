{#-
    tag_catalog_problems must report exactly the expected problems on fixtures: an active
    catalogue row without a rule (an inactive one is fine), a rule model and an attribute rule
    without a catalogue row, a family rule's code for a value new to the catalogue (a warning), a
    code emitted by the wrong rule, and nothing for a family rule whose codes are all catalogued nor for an attribute rule
    with its row. Returns one row per problem missed, reported wrongly or reported with a
    different message.
-#}

with

catalog_fixture as (

    select
        catalog_rows.tag_code,
        catalog_rows.rule,
        catalog_rows.is_active
    from (
        values
        ('vip_member', 'vip_member', true),
        ('top_category_food', 'top_category', true),
        ('top_category_books', 'top_category', true),
        ('ghost_tag', 'ghost', true),
        ('retired_tag', 'retired', false),
        ('night_owl', 'night_owl', true)
    ) as catalog_rows (tag_code, rule, is_active)

),

attribute_rules_fixture as (

    select attribute_rows.rule
    from (
        values
        ('vip_member'),
        ('gender')
    ) as attribute_rows (rule)

),

emitted_fixture as (

    select
        emitted_rows.tag_rule,
        emitted_rows.tag_code
    from (
        values
        ('vip_member', 'vip_member'),
        ('top_category', 'top_category_food'),
        ('top_category', 'top_category_pets'),
        ('weekend_shopper', 'night_owl'),
        ('night_owl', 'night_owl')
    ) as emitted_rows (tag_rule, tag_code)

),

returned as (

    {{ tag_catalog_problems(
        'catalog_fixture', ['top_category', 'night_owl', 'weekend_shopper'], 'attribute_rules_fixture',
        'emitted_fixture'
    ) }}

),

expected as (

    select
        expected_rows.problem,
        expected_rows.tag_rule,
        expected_rows.message
    from (
        values
        (
            'catalog_tag_without_rule', 'ghost',
            'tag_catalog row ghost_tag names rule ghost, but no rule model or attribute rule defines '
            || 'it: add models/intermediate/tags/rules/int_customers_tagged_ghost.sql (and its line in '
            || 'int_customer_tags_unioned), or a row of seeds/lookups/tag_attribute_rules.csv for a '
            || 'one-filter rule, or set is_active to false'
        ),
        (
            'rule_without_catalog_row', 'weekend_shopper',
            'rule weekend_shopper (models/intermediate/tags/rules/int_customers_tagged_weekend_shopper.sql) '
            || 'has no row in tag_catalog: add a row with rule = weekend_shopper for each tag it emits, '
            || 'or delete the rule'
        ),
        (
            'rule_without_catalog_row', 'gender',
            'rule gender (seeds/lookups/tag_attribute_rules.csv) has no row in tag_catalog: add a row '
            || 'with rule = gender for each tag it emits, or delete the rule'
        ),
        (
            'uncatalogued_tag_code', 'top_category',
            'rule top_category emitted tag_code top_category_pets for a value new to tag_catalog: the '
            || 'tag is built but left out of the marts until you add its row (rule = top_category, '
            || 'with its names)'
        ),
        (
            'tag_code_not_in_catalog', 'weekend_shopper',
            'rule weekend_shopper emitted tag_code night_owl, which has no tag_catalog row with '
            || 'rule = weekend_shopper: add the row (name it) or change the rule'
        )
    ) as expected_rows (problem, tag_rule, message)

)

select
    coalesce(expected.problem, returned.problem) as problem,
    coalesce(expected.tag_rule, returned.tag_rule) as tag_rule,
    coalesce(expected.message, returned.message) as message,
    case
        when returned.problem is null then 'expected but not reported'
        else 'reported but not expected (or with another message)'
    end as disagreement
from expected
full outer join returned
    on
        expected.problem = returned.problem
        and expected.tag_rule = returned.tag_rule
        and expected.message = returned.message
where expected.problem is null or returned.problem is null
