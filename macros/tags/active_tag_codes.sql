{#- The active tag codes of a tag catalogue relation (group, then code), read with run_query:
    the columns of customer_tags_wide and the tags an audience may name. [] while dbt parses and
    before the catalogue exists. Stops the build when a code cannot be a column name.
    catalog: the relation, e.g. ref('tag_catalog'), passed by the caller so the ref is visible in
    the model that reads it. -#}
{% macro active_tag_codes(catalog) %}
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
