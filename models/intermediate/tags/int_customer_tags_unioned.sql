{{ validate_tag_vars() }}

{#-
    Every tag rule's rows in one table, as of the as-of date: one select per macro
    tag_rule__<rule> in macros/tags/rules/, found by name (macro tag_rule_names), so a new tag
    needs only a tag_catalog row and a rule file. Rows are kept as the rules emit them; the
    catalogue-integrity test reads them here, and the customer_tags mart keeps the active
    catalogue tags of real customers.
-#}

{%- set rules = tag_rules_to_compute() %}

{#- The models rules read, declared so a rule added later is ordered after them. Unit tests
    select single rules (var tag_rule_selection) and give only that rule's inputs. #}
{%- if var('tag_rule_selection', none) is none %}
    {%- for input in tag_rule_inputs() %}
    -- depends_on: {{ ref(input) }}
    {%- endfor %}
    {#- Ordering only, not data: at 1 M customers customer_segment_history's full build and this
        model each take most of DuckDB's memory_limit, and side by side both ran out of it; so
        this model waits for the history (DECISIONLOG, "The history's customer trigger, and
        memory"). #}
    -- depends_on: {{ ref('customer_segment_history') }}
{%- endif %}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

{%- for rule in rules %}

    rule__{{ rule }} as (

        {{ tag_rule_sql(rule) }}

    ),
{%- endfor %}

unioned as (

    {%- for rule in rules %}

        select
            '{{ rule }}' as tag_rule,
            customer_key,
            tag_code,
            evidence_value,
            evidence_number
        from rule__{{ rule }}
        {{ "union all" if not loop.last }}
    {%- endfor %}
    {%- if not rules %}

        select
            cast(null as {{ dbt.type_string() }}) as tag_rule,
            cast(null as {{ dbt.type_string() }}) as customer_key,
            cast(null as {{ dbt.type_string() }}) as tag_code,
            cast(null as {{ dbt.type_string() }}) as evidence_value,
            cast(null as {{ type_double() }}) as evidence_number
        from as_of_dates
        where 1 = 0
    {%- endif %}

),

final as (

    select
        -- keys
        cast(unioned.customer_key as {{ dbt.type_string() }}) as customer_key,
        cast(unioned.tag_code as {{ dbt.type_string() }}) as tag_code,
        cast(unioned.tag_rule as {{ dbt.type_string() }}) as tag_rule,

        -- evidence
        cast(unioned.evidence_value as {{ dbt.type_string() }}) as evidence_value,
        cast(unioned.evidence_number as {{ type_double() }}) as evidence_number,

        -- dates
        as_of_dates.as_of_date as computed_for_date

    from unioned
    cross join as_of_dates

)

select * from final
