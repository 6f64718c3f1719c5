{#-
    The tag catalogue and the rules name the same tags: every active tag_catalog row has a rule
    macro, every rule macro has a catalogue row, and every tag_code a rule emitted is a catalogue
    row of that rule. While dbt builds or tests, a problem stops the build with messages saying
    what to add (macro raise_tag_catalog_problems); the rows returned are the same problems.
-#}

{%- set problems_sql = tag_catalog_problems(
    ref('tag_catalog'), tag_rule_names(), ref('int_customer_tags_unioned')
) %}
{{- raise_tag_catalog_problems(problems_sql) }}

{{ problems_sql }}
