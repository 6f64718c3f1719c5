{#-
    The wide boolean view for BI: customer_tags_wide, one row per customer of the customers mart
    and one boolean column per active tag_catalog row, named after its tag_code and true when the
    customer has the tag. The columns come from the catalogue, read when customer_tags is built
    (its post-hook), so a new catalogue row becomes a column without anyone typing it.
-#}


{#- The active tag codes of the tag_catalog seed (group, then code), or [] when not executing
    or before the seed exists. Stops the build when a code cannot be a column name. -#}
{% macro active_tag_codes() %}
    {%- set catalog = ref('tag_catalog') -%}
    {%- if not execute or load_relation(catalog) is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set result = run_query(
        "select tag_code from " ~ catalog ~ " where is_active order by tag_group, tag_code"
    ) -%}
    {%- set codes = result.columns[0].values() | list -%}
    {%- for code in codes if not modules.re.match('^[a-z][a-z0-9_]*$', code) -%}
        {{ exceptions.raise_compiler_error("tag_catalog: tag_code '" ~ code
            ~ "' must be lower-case letters, digits and underscores, starting with a letter") }}
    {%- endfor -%}
    {{ return(codes) }}
{% endmacro %}


{#- Post-hook of customer_tags: (re)creates the view customer_tags_wide beside it. -#}
{% macro create_customer_tags_wide_view() %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set wide = api.Relation.create(
        database=this.database, schema=this.schema, identifier='customer_tags_wide', type='view'
    ) -%}
    {%- do adapter.drop_relation(wide) -%}
    {%- set tag_codes = active_tag_codes() -%}
    create view {{ wide }} as
    select
        customers.customer_key,
        customers.as_of_date as computed_for_date
        {%- for tag_code in tag_codes %},
        coalesce(max(case when customer_tags.tag_code = '{{ tag_code }}' then 1 end), 0) = 1 as {{ tag_code }}
        {%- endfor %}
    from {{ ref('customers') }} as customers
    left join {{ this }} as customer_tags
        on customers.customer_key = customer_tags.customer_key
    group by customers.customer_key, customers.as_of_date
{% endmacro %}
