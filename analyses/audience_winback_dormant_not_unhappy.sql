-- Audience: win-back coupon - lapsed repeat customers (tag winback_candidate) in the dormant or
-- lost RFM groups, leaving out NPS detractors and refund-prone customers, who need service
-- rather than a coupon. Marketing consent required (the audience() default; pass
-- include_opted_out=true only for service messages). Compile with `dbt compile --select
-- audience_winback_dormant_not_unhappy` and run the SQL in target/compiled/.

{{ audience(
    customers=ref('customers'),
    customer_tags=ref('customer_tags'),
    purchases=ref('int_purchases_filtered'),
    order_items=ref('int_order_items_attributed'),
    tag_catalog=ref('tag_catalog'),
    tags_all=['winback_candidate'],
    tags_none=['nps_detractor', 'refund_prone'],
    segments={'rfm_group': ['dormant', 'lost']},
) }}
