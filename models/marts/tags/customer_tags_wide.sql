{#-
    The wide boolean table for BI: one row per customer of the customers mart, customer_key,
    computed_for_date and one boolean column per active tag_catalog row (group, then code), named
    after its tag_code and true when the customer has the tag in customer_tags. The columns are
    read from the catalogue when the model runs (the usual dbt pivot: run_query on the seed), so a
    new catalogue row becomes a column without anyone typing it; the test
    assert_customer_tags_wide_has_a_column_per_active_tag checks them.
-#}

{%- set tag_codes = active_tag_codes(ref('tag_catalog')) %}

with

customers as (

    select * from {{ ref('customers') }}

),

customer_tags as (

    select * from {{ ref('customer_tags') }}

),

final as (

    -- Before the catalogue exists (sqlfluff on a fresh clone) the loop renders no column, so the
    -- indent after it and the join read by no column are only flagged in that rendering.
    -- noqa: disable=LT02
    select
        customers.customer_key,
        customers.as_of_date as computed_for_date
        {%- for tag_code in tag_codes %}
            {{- "," }}
            coalesce(max(case when customer_tags.tag_code = '{{ tag_code }}' then 1 end), 0) = 1
                as {{ tag_code }}
        {%- endfor %}
    from customers
    -- noqa: enable=LT02
    left join customer_tags  -- noqa: ST11
        on customers.customer_key = customer_tags.customer_key
    group by customers.customer_key, customers.as_of_date

)

select * from final
