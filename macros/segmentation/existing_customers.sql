{#-
    Who is counted on an as-of date, shared by int_customers_lifecycle_staged and
    customer_segment_history: every real (non-test) customer who signed up on or before the
    date, or purchased on or before it (metrics has a row for the customer on that date).
    The select of (as_of_date, customer_key); customers, as_of_dates and metrics are relations.
-#}
{% macro existing_customers(customers, as_of_dates, metrics) -%}
    select
        {{ as_of_dates }}.as_of_date,
        {{ customers }}.customer_key
    from {{ customers }}
    cross join {{ as_of_dates }}
    left join {{ metrics }}
        on
            {{ customers }}.customer_key = {{ metrics }}.customer_key
            and {{ as_of_dates }}.as_of_date = {{ metrics }}.as_of_date
    where
        not {{ customers }}.is_test_account
        and (
            {{ customers }}.signup_date <= {{ as_of_dates }}.as_of_date
            or {{ metrics }}.customer_key is not null
        )
{%- endmacro %}
