{#-
    The lifecycle rule (docs/segments.md, "Lifecycle stage"), shared by
    int_customers_lifecycle_staged (the as-of date) and customer_segment_history (every as-of
    date). Unit tests: int_customers_lifecycle_staged in
    models/intermediate/segmentation/_segmentation__models.yml.

    One stage per customer who exists on the as-of date, the first rule that matches; days are
    counted from a purchase date to the as-of date. metrics: the relation of the customer's
    purchase metrics on that date, left-joined (no row: the customer has no purchase yet).
-#}
{% macro lifecycle_stage(metrics) -%}
    case
        when {{ metrics }}.customer_key is null then 'prospect'
        when {{ metrics }}.recency_days > {{ var('churn_days') }} then 'churned'
        when {{ metrics }}.recency_days > {{ var('at_risk_days') }} then 'at_risk'
        when {{ metrics }}.days_since_first_purchase <= {{ var('new_customer_days') }} then 'new'
        when {{ metrics }}.days_between_last_two_purchases > {{ var('churn_days') }} then 'reactivated'
        when {{ metrics }}.loyal_window_purchases >= {{ var('loyal_min_purchases') }} then 'loyal'
        else 'active'
    end
{%- endmacro %}
