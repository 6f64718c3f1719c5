{#-
    Tag library integrity (docs/tags.md): the rule models, the union and the catalogue must name
    the same rules. tag_rule_models() reads the rule models from dbt's graph; the singular tests
    tests/tags/assert_tag_union_reads_every_rule_model.sql and
    tests/tags/assert_tag_catalog_matches_rules.sql use it. tag_catalog_problems() is the
    catalogue check as one select over any catalogue, rule list and emitted rows (so it can be
    proven on fixtures); raise_tag_catalog_problems stops the build with its messages.
-#}


{#- The folder of the rule models, and the one model of it whose rules are the rows of the seed
    tag_attribute_rules (every other model there is one rule, named after the model). -#}
{% macro tag_rules_folder() -%}
    models/intermediate/tags/rules/
{%- endmacro %}

{% macro tag_attribute_rule_model() -%}
    int_customers_tagged_by_attribute
{%- endmacro %}


{#- The models of models/intermediate/tags/rules/ as dbt's graph knows them (name, unique_id,
    original_file_path ...), sorted by name; [] while dbt parses (the graph is empty then). -#}
{% macro tag_rule_models() %}
    {%- set models = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.package_name == project_name
            and node.original_file_path.startswith(tag_rules_folder()) -%}
            {%- do models.append(node) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(models | sort(attribute='name')) }}
{% endmacro %}


{#- The rule of each rule model but the attribute model: int_customers_tagged_<rule> -> <rule>. -#}
{% macro tag_rule_model_rules() %}
    {%- set rules = [] -%}
    {%- for model in tag_rule_models() if model.name != tag_attribute_rule_model() -%}
        {%- do rules.append(model.name | replace('int_customers_tagged_', '', 1)) -%}
    {%- endfor -%}
    {{ return(rules) }}
{% endmacro %}


{#- One row per problem, with a message saying what to do:
    - catalog_tag_without_rule: an active catalogue row names a rule that no rule model and no
      row of tag_attribute_rules defines;
    - rule_without_catalog_row: a rule (model or attribute rule) that no catalogue row names;
    - tag_code_not_in_catalog: a rule emitted a tag_code that no catalogue row of that rule has;
    - uncatalogued_tag_code: a family rule (one whose catalogue codes are not its own name, such
      as top_category_<category> or an attribute rule with a tag_code_prefix) emitted a code for a
      value its catalogue rows do not have yet and no other rule's row has (a new product
      category): the data grew, the rule is right. Only a warning (tag_catalog_warnings): the
      tag is built and left out of the marts until someone adds its catalogue row.
    catalog: relation or CTE with tag_code, rule, is_active. rule_models: the rules of the rule
    models (tag_rule_model_rules()). attribute_rules: relation or CTE with column rule (the seed
    tag_attribute_rules). emitted: relation or CTE with tag_rule, tag_code (the rows the rules
    emitted). -#}
{% macro tag_catalog_problems(catalog, rule_models, attribute_rules, emitted) %}
{%- set string_type = dbt.type_string() -%}
{%- set rules_folder = tag_rules_folder() -%}

with

catalog_rows as (

    select
        cast(tag_code as {{ string_type }}) as tag_code,
        cast(rule as {{ string_type }}) as tag_rule,
        is_active
    from {{ catalog }}

),

rules as (

    {%- for rule in rule_models %}

        select
            cast('{{ rule }}' as {{ string_type }}) as tag_rule,
            cast('{{ rules_folder }}int_customers_tagged_{{ rule }}.sql' as {{ string_type }}) as defined_in
        union all
    {%- endfor %}

    select
        cast(rule as {{ string_type }}) as tag_rule,
        cast('seeds/lookups/tag_attribute_rules.csv' as {{ string_type }}) as defined_in
    from {{ attribute_rules }}

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
            "', but no rule model or attribute rule defines it: add " ~ rules_folder
            ~ "int_customers_tagged_'", "catalog_rows.tag_rule",
            "'.sql (and its line in int_customer_tags_unioned), or a row of'",
            "' seeds/lookups/tag_attribute_rules.csv for a one-filter rule, or set is_active to false'",
        ]) }} as message
    from catalog_rows
    left join rules
        on catalog_rows.tag_rule = rules.tag_rule
    where catalog_rows.is_active and rules.tag_rule is null

),

rules_without_catalog_row as (

    select
        'rule_without_catalog_row' as problem,
        rules.tag_rule,
        cast(null as {{ string_type }}) as tag_code,
        {{ dbt.concat([
            "'rule '", "rules.tag_rule", "' ('", "rules.defined_in",
            "') has no row in tag_catalog: add a row with rule = '", "rules.tag_rule",
            "' for each tag it emits, or delete the rule'",
        ]) }} as message
    from rules
    left join catalog_rows
        on rules.tag_rule = catalog_rows.tag_rule
    where catalog_rows.tag_rule is null

),

family_rules as (

    select distinct tag_rule
    from catalog_rows
    where tag_code <> tag_rule

),

codes_not_in_catalog as (

    select
        case
            when family_rules.tag_rule is not null and any_rule_rows.tag_code is null
                then 'uncatalogued_tag_code'
            else 'tag_code_not_in_catalog'
        end as problem,
        emitted_codes.tag_rule,
        emitted_codes.tag_code,
        case
            when family_rules.tag_rule is not null and any_rule_rows.tag_code is null
                then {{ dbt.concat([
                    "'rule '", "emitted_codes.tag_rule", "' emitted tag_code '", "emitted_codes.tag_code",
                    "' for a value new to tag_catalog: the tag is built but left out of the marts until'",
                    "' you add its row (rule = '", "emitted_codes.tag_rule", "', with its names)'",
                ]) }}
            else {{ dbt.concat([
                "'rule '", "emitted_codes.tag_rule", "' emitted tag_code '", "emitted_codes.tag_code",
                "', which has no tag_catalog row with rule = '", "emitted_codes.tag_rule",
                "': add the row (name it) or change the rule'",
            ]) }}
        end as message
    from emitted_codes
    left join catalog_rows
        on
            emitted_codes.tag_rule = catalog_rows.tag_rule
            and emitted_codes.tag_code = catalog_rows.tag_code
    left join family_rules
        on emitted_codes.tag_rule = family_rules.tag_rule
    left join (select distinct tag_code from catalog_rows) as any_rule_rows
        on emitted_codes.tag_code = any_rule_rows.tag_code
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


{#- The problems of tag_catalog_problems that stop the build (every one but the warnings), and
    the warnings (uncatalogued_tag_code: a family rule's code for a new value), each as a select. -#}
{% macro tag_catalog_errors(problems_sql) -%}
    select * from ({{ problems_sql }}) as problems where problem <> 'uncatalogued_tag_code'
{%- endmacro %}

{% macro tag_catalog_warnings(problems_sql) -%}
    select * from ({{ problems_sql }}) as problems where problem = 'uncatalogued_tag_code'
{%- endmacro %}


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


{#- The warnings' counterpart of raise_tag_catalog_problems: while dbt builds or tests, logs every
    message as a dbt warning (the test itself only says how many rows it found). -#}
{% macro warn_tag_catalog_problems(problems_sql) %}
    {%- if execute and flags.WHICH in ['build', 'test', 'run-operation'] -%}
        {%- set problems = run_query(problems_sql) -%}
        {%- for message in problems.columns['message'].values() | sort -%}
            {%- do exceptions.warn("Tag catalogue: " ~ message) -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
