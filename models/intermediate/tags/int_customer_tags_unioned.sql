{{ validate_tag_vars() }}

{#-
    Every tag rule's rows in one table, as of the as-of date: one line per rule model of
    models/intermediate/tags/rules/ (tests assert_tag_union_reads_every_rule_model and
    assert_tag_catalog_matches_rules fail when a rule model is missing here or from the
    catalogue). Rows are kept as the rules emit them; the catalogue-integrity test reads them
    here, and the customer_tags mart keeps the active catalogue tags of real customers.
-#}

with

as_of_dates as (

    select as_of_date from {{ ref('int_as_of_date_resolved') }}

),

unioned as (

    -- behavior
    select * from {{ ref('int_customers_tagged_no_purchase_30d') }}
    union all
    select * from {{ ref('int_customers_tagged_no_login_30d') }}
    union all
    select * from {{ ref('int_customers_tagged_monthly_active') }}
    union all
    select * from {{ ref('int_customers_tagged_frequent_buyer') }}
    union all
    select * from {{ ref('int_customers_tagged_cart_abandoner') }}
    union all
    select * from {{ ref('int_customers_tagged_discount_seeker') }}
    union all
    select * from {{ ref('int_customers_tagged_night_owl') }}
    union all
    select * from {{ ref('int_customers_tagged_weekend_shopper') }}
    union all
    -- value
    select * from {{ ref('int_customers_tagged_big_single_order') }}
    union all
    select * from {{ ref('int_customers_tagged_high_aov') }}
    union all
    select * from {{ ref('int_customers_tagged_refund_prone') }}
    union all
    -- relationship
    select * from {{ ref('int_customers_tagged_referrer') }}
    union all
    select * from {{ ref('int_customers_tagged_community_active') }}
    union all
    select * from {{ ref('int_customers_tagged_nps') }}
    union all
    select * from {{ ref('int_customers_tagged_support_heavy') }}
    union all
    -- lifecycle
    select * from {{ ref('int_customers_tagged_new_signup') }}
    union all
    select * from {{ ref('int_customers_tagged_old_customer') }}
    union all
    select * from {{ ref('int_customers_tagged_winback_candidate') }}
    union all
    -- interest and channel
    select * from {{ ref('int_customers_tagged_top_category') }}
    union all
    select * from {{ ref('int_customers_tagged_preferred_sales_channel') }}
    union all
    select * from {{ ref('int_customers_tagged_preferred_platform') }}
    union all
    -- one filter on a profile attribute (seed tag_attribute_rules): age_band, city_tier, region,
    -- vip_member, referred_customer
    select * from {{ ref('int_customers_tagged_by_attribute') }}

),

final as (

    select
        -- keys
        cast(unioned.customer_key as {{ dbt.type_string() }}) as customer_key,
        cast(unioned.tag_code as {{ dbt.type_string() }}) as tag_code,
        cast(unioned.tag_rule as {{ dbt.type_string() }}) as tag_rule,

        -- evidence
        cast(unioned.evidence_value as {{ dbt.type_string() }}) as evidence_value,
        cast(unioned.evidence_number as {{ type_double() }}) as evidence_number,

        -- dates
        as_of_dates.as_of_date as computed_for_date

    from unioned
    cross join as_of_dates

)

select * from final
