{{ config(severity='warn') }}

{#-
    The coverage review of new values: one row (a warning, not an error) per tag_code a family
    rule emitted for a value tag_catalog does not have yet - a product category the shop added
    (top_category_<category>) or a new attribute value (an attribute rule's tag_code_prefix).
    The daily build goes on: the tag is built (int_customer_tags_unioned) and left out of the
    marts until someone adds its catalogue row; each message, logged as a dbt warning
    (warn_tag_catalog_problems), says which row to add.
-#}

{%- set warnings_sql = tag_catalog_warnings(tag_catalog_problems(
    ref('tag_catalog'), tag_rule_model_rules(), ref('tag_attribute_rules'), ref('int_customer_tags_unioned')
)) %}
{{- warn_tag_catalog_problems(warnings_sql) }}

{{ warnings_sql }}
