{#-
    Data tests on the newest loads only, for the daily job.

    When var data_test_recent_days is set, every data test of a model whose config has
    meta data_tests_scope: recent_loads tests only the rows of that model loaded within that many
    days of its newest load (and rows without a load time). Unset (the default, and every full
    build), tests read whole models. The daily job sets it: the rows it loaded are tested, the
    rows earlier builds loaded and tested are not scanned again. The models so marked are the
    fact-sized ones with a loaded_at column, whose incremental builds reclassify or replace by
    the tested key (delete+insert), so earlier rows cannot collide with new ones; a
    relationships test filters its child rows, never the parent it looks them up in.

    Overrides dbt's get_where_subquery (the documented hook for where configs); every other test,
    and every test when the var is unset, behaves as with dbt's own.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- if tested_model_scope() == 'recent_loads' and var('data_test_recent_days', none) is not none -%}
        {%- do conditions.append(recent_loads_predicate(relation)) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}


{#- meta data_tests_scope of the model the running data test is attached to ('' if none). -#}
{% macro tested_model_scope() -%}
    {%- set attached = model.get('attached_node') if model is mapping else none -%}
    {%- if not attached or attached not in graph.nodes -%}
        {{ return('') }}
    {%- endif -%}
    {{ return(graph.nodes[attached].config.get('meta', {}).get('data_tests_scope', '')) }}
{%- endmacro %}


{#- Rows loaded within var data_test_recent_days of the relation's newest loaded_at, or without a
    load time. -#}
{% macro recent_loads_predicate(relation) -%}
    {%- set days = var('data_test_recent_days') -%}
    {%- if not (days | string).isdigit() -%}
        {{ exceptions.raise_compiler_error(
            "var data_test_recent_days must be a whole number of days (0 or more) or null, not '"
            ~ days ~ "'") }}
    {%- endif -%}
    (
        loaded_at is null
        or loaded_at >= (
            select {{ dbt.dateadd('day', -1 * (days | int), 'max(newest.loaded_at)') }}
            from {{ relation }} as newest
        )
    )
{%- endmacro %}
