{#-
    Catalogue integrity (README "Tags"): the tag catalogue and the rules must name the same
    tags. tag_catalog_problems() is the check as one select over any catalogue, rule list and
    emitted rows (so it can be proven on fixtures); the singular test
    tests/tags/assert_tag_catalog_matches_rules.sql runs it on the project and stops the build
    with the messages (raise_tag_catalog_problems).
-#}


{#- One row per problem, with a message saying what to do:
    - catalog_tag_without_rule: an active catalogue row names a rule that has no macro;
    - rule_without_catalog_row: a rule macro that no catalogue row names;
    - tag_code_not_in_catalog: a rule emitted a tag_code that no catalogue row of that rule has.
    catalog: relation or CTE with tag_code, rule, is_active. rules: list of rule names.
    emitted: relation or CTE with tag_rule, tag_code (the rows the rules emitted). -#}
{% macro tag_catalog_problems(catalog, rules, emitted) %}
{%- set string_type = dbt.type_string() -%}

with

catalog_rows as (

    select
        cast(tag_code as {{ string_type }}) as tag_code,
        cast(rule as {{ string_type }}) as tag_rule,
        is_active
    from {{ catalog }}

),

rule_macros as (

    {%- for rule in rules %}

        select cast('{{ rule }}' as {{ string_type }}) as tag_rule
        {{ "union all" if not loop.last }}
    {%- endfor %}
    {%- if not rules %}

        select cast(null as {{ string_type }}) as tag_rule
        from catalog_rows
        where 1 = 0
    {%- endif %}

),

emitted_codes as (

    select distinct
        cast(tag_rule as {{ string_type }}) as tag_rule,
        coalesce(cast(tag_code as {{ string_type }}), '<null>') as tag_code
    from {{ emitted }}

),

catalog_tags_without_rule as (

    select
        'catalog_tag_without_rule' as problem,
        catalog_rows.tag_rule,
        catalog_rows.tag_code,
        {{ dbt.concat([
            "'tag_catalog row '", "catalog_rows.tag_code", "' names rule '", "catalog_rows.tag_rule",
            "', but there is no macro tag_rule__'", "catalog_rows.tag_rule",
            "': add macros/tags/rules/tag_rule__'", "catalog_rows.tag_rule",
            "'.sql or set is_active to false'",
        ]) }} as message
    from catalog_rows
    left join rule_macros
        on catalog_rows.tag_rule = rule_macros.tag_rule
    where catalog_rows.is_active and rule_macros.tag_rule is null

),

rules_without_catalog_row as (

    select
        'rule_without_catalog_row' as problem,
        rule_macros.tag_rule,
        cast(null as {{ string_type }}) as tag_code,
        {{ dbt.concat([
            "'rule tag_rule__'", "rule_macros.tag_rule",
            "' has no row in tag_catalog: add a row with rule = '", "rule_macros.tag_rule",
            "' for each tag it emits, or delete the rule'",
        ]) }} as message
    from rule_macros
    left join catalog_rows
        on rule_macros.tag_rule = catalog_rows.tag_rule
    where catalog_rows.tag_rule is null

),

codes_not_in_catalog as (

    select
        'tag_code_not_in_catalog' as problem,
        emitted_codes.tag_rule,
        emitted_codes.tag_code,
        {{ dbt.concat([
            "'rule tag_rule__'", "emitted_codes.tag_rule", "' emitted tag_code '", "emitted_codes.tag_code",
            "', which has no tag_catalog row with rule = '", "emitted_codes.tag_rule",
            "': add the row (name it) or change the rule'",
        ]) }} as message
    from emitted_codes
    left join catalog_rows
        on
            emitted_codes.tag_rule = catalog_rows.tag_rule
            and emitted_codes.tag_code = catalog_rows.tag_code
    where catalog_rows.tag_code is null

),

final as (

    select * from catalog_tags_without_rule
    union all
    select * from rules_without_catalog_row
    union all
    select * from codes_not_in_catalog

)

select * from final

{% endmacro %}


{#- Runs the problems query while dbt builds or tests (or in run-operation) and stops with
    every message, so the failure says what is wrong instead of a row count. Does nothing while
    parsing, compiling or linting (the relations may not exist then). -#}
{% macro raise_tag_catalog_problems(problems_sql) %}
    {%- if execute and flags.WHICH in ['build', 'test', 'run-operation'] -%}
        {%- set problems = run_query(problems_sql) -%}
        {%- if problems.rows | length > 0 -%}
            {%- set messages = [] -%}
            {%- for row in problems.rows -%}
                {%- do messages.append(row['message']) -%}
            {%- endfor -%}
            {{ exceptions.raise_compiler_error(
                "Tag catalogue integrity: " ~ messages | length ~ " problem(s)\n  - "
                ~ messages | sort | join("\n  - ")
            ) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
