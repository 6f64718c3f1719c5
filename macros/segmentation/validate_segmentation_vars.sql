{#-
    Stops the build with a message naming the var when the segmentation vars make no sense.
    Called by int_as_of_date_resolved, the root of every segmentation model.
-#}
{% macro validate_segmentation_vars() %}
    {%- set errors = [] -%}
    {%- set day_vars = ['rfm_window_days', 'churn_days', 'at_risk_days', 'new_customer_days',
                        'loyal_window_days'] -%}
    {%- for name in day_vars -%}
        {%- set value = var(name) -%}
        {%- if value is not number or value | int != value or value < 0 -%}
            {%- do errors.append("var " ~ name ~ " must be a whole number of days >= 0, got " ~ value) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if var('rfm_window_days') is number and var('rfm_window_days') < 1 -%}
        {%- do errors.append("var rfm_window_days must be at least 1, got " ~ var('rfm_window_days')) -%}
    {%- endif -%}
    {%- if var('at_risk_days') is number and var('churn_days') is number
        and var('at_risk_days') >= var('churn_days') -%}
        {%- do errors.append("var at_risk_days (" ~ var('at_risk_days') ~ ") must be smaller than var churn_days ("
            ~ var('churn_days') ~ ")") -%}
    {%- endif -%}
    {%- set min_purchases = var('loyal_min_purchases') -%}
    {%- if min_purchases is not number or min_purchases | int != min_purchases or min_purchases < 1 -%}
        {%- do errors.append("var loyal_min_purchases must be a whole number >= 1, got " ~ min_purchases) -%}
    {%- endif -%}
    {%- if var('rfm_scoring_method') not in ['quantile', 'fixed'] -%}
        {%- do errors.append("var rfm_scoring_method must be 'quantile' or 'fixed', got '"
            ~ var('rfm_scoring_method') ~ "'") -%}
    {%- endif -%}
    {%- set purchase_statuses = var('purchase_statuses') -%}
    {%- if purchase_statuses is string or purchase_statuses | length == 0 -%}
        {%- do errors.append("var purchase_statuses must be a non-empty list of statuses, got "
            ~ purchase_statuses) -%}
    {%- else -%}
        {%- for status in purchase_statuses -%}
            {%- if status not in var('order_statuses') -%}
                {%- do errors.append("var purchase_statuses contains '" ~ status
                    ~ "', which is not in var order_statuses " ~ var('order_statuses')) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set as_of = var('as_of_date', none) -%}
    {%- if as_of is not none and not modules.re.match('^\\d{4}-\\d{2}-\\d{2}$', as_of | string) -%}
        {%- do errors.append("var as_of_date must be a date written YYYY-MM-DD, got '" ~ as_of ~ "'") -%}
    {%- endif -%}
    {%- if errors -%}
        {{ exceptions.raise_compiler_error("Invalid segmentation vars:\n  - " ~ errors | join("\n  - ")) }}
    {%- endif -%}
{% endmacro %}
