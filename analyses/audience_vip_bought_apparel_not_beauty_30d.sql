-- Audience: VIP members (tag vip_member) who bought apparel but no beauty product in the last 30
-- days - e.g. for a beauty cross-sell. Customers without marketing consent are left out (the
-- audience() default). Compile with `dbt compile --select audience_vip_bought_apparel_not_beauty_30d`
-- and run the SQL in target/compiled/ against the warehouse.

{{ audience(
    customers=ref('customers'),
    customer_tags=ref('customer_tags'),
    purchases=ref('int_purchases_filtered'),
    order_items=ref('int_order_items_attributed'),
    tag_catalog=ref('tag_catalog'),
    tags_all=['vip_member'],
    bought_categories=['apparel'],
    not_bought_categories=['beauty'],
    purchase_window_days=30,
) }}
