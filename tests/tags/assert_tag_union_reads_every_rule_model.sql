{#-
    int_customer_tags_unioned reads every rule model and nothing else: every model of
    models/intermediate/tags/rules/ is one of its parents in dbt's graph (a rule model missing from
    the union would tag no one), and every parent is such a rule model or int_as_of_date_resolved
    (the date it stamps). Returns one row per problem, its message saying what to change.
-#}

{%- set union_id = 'model.' ~ project_name ~ '.int_customer_tags_unioned' %}
{%- set as_of_id = 'model.' ~ project_name ~ '.int_as_of_date_resolved' %}
{%- set problems = [] %}
{%- if execute %}
    {%- set rule_models = tag_rule_models() %}
    {%- set rule_model_ids = rule_models | map(attribute='unique_id') | list %}
    {%- set parents = graph.nodes[union_id].depends_on.nodes %}
    {%- for model in rule_models if model.unique_id not in parents %}
        {%- do problems.append((
            model.name,
            "rule model " ~ model.name ~ " (" ~ model.original_file_path ~ ") is not read by "
            ~ "int_customer_tags_unioned: add its line there, select * from {{ ref('" ~ model.name ~ "') }}"
        )) %}
    {%- endfor %}
    {%- for parent in parents if parent not in rule_model_ids and parent != as_of_id %}
        {%- do problems.append((
            parent,
            "int_customer_tags_unioned reads " ~ parent ~ ", which is not a rule model of "
            ~ tag_rules_folder() ~ ": compute the rule in a model there and read that"
        )) %}
    {%- endfor %}
{%- endif %}

{%- for node, message in problems %}

    select
        cast({{ sql_quoted_list([node]) }} as {{ dbt.type_string() }}) as node,
        cast({{ sql_quoted_list([message]) }} as {{ dbt.type_string() }}) as message
    union all
{%- endfor %}

select
    cast(null as {{ dbt.type_string() }}) as node,
    cast(null as {{ dbt.type_string() }}) as message
where 1 = 0
