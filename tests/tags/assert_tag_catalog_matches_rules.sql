{#-
    The tag catalogue and the rules name the same tags: every active tag_catalog row has a rule
    (a rule model in models/intermediate/tags/rules/, read from dbt's graph, or a row of the seed
    tag_attribute_rules), every rule has a catalogue row, and every tag_code a rule emitted is a
    catalogue row of that rule. While dbt builds or tests, a problem stops the build with
    messages saying what to add (macro raise_tag_catalog_problems); the rows returned are the
    same problems. A family rule's code for a value new to the catalogue (a new product
    category) is only a warning: assert_tag_codes_are_catalogued.
-#}

{%- set problems_sql = tag_catalog_errors(tag_catalog_problems(
    ref('tag_catalog'), tag_rule_model_rules(), ref('tag_attribute_rules'), ref('int_customer_tags_unioned')
)) %}
{{- raise_tag_catalog_problems(problems_sql) }}

{{ problems_sql }}
