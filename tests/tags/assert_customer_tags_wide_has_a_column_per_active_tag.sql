{#-
    The model customer_tags_wide has exactly the columns customer_key, computed_for_date and one
    per active tag_catalog row - no tag missing, none extra. Its columns come from the catalogue
    when it runs, so no contract can list them: this test is its contract. Returns one row per
    missing or unexpected column.
-#}

{%- set customer_tags_wide = ref('customer_tags_wide') %}
{%- set wide_columns = [] %}
{%- if execute %}
    {%- for column in adapter.get_columns_in_relation(customer_tags_wide) %}
        {%- do wide_columns.append(column.name | lower) %}
    {%- endfor %}
{%- endif %}

with

catalog as (

    select * from {{ ref('tag_catalog') }}

),

expected_columns as (

    select 'customer_key' as column_name
    union all
    select 'computed_for_date' as column_name
    union all
    select tag_code as column_name
    from catalog
    where is_active

),

actual_columns as (

    {%- for column_name in wide_columns %}

        select '{{ column_name }}' as column_name
        {{ "union all" if not loop.last }}
    {%- endfor %}
    {%- if not wide_columns %}

        select cast(null as {{ dbt.type_string() }}) as column_name
        from catalog
        where 1 = 0
    {%- endif %}

)

select
    coalesce(expected_columns.column_name, actual_columns.column_name) as column_name,
    case
        when actual_columns.column_name is null then 'missing from customer_tags_wide'
        else 'in customer_tags_wide but not an active tag_catalog row'
    end as problem
from expected_columns
full outer join actual_columns
    on expected_columns.column_name = actual_columns.column_name
where expected_columns.column_name is null or actual_columns.column_name is null
