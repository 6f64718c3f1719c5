{#-
    The value-tier rule (docs/segments.md, "Value tier"), shared by int_customers_value_tiered (the
    as-of date) and customer_segment_history (every as-of date). Unit tests:
    int_customers_value_tiered in models/intermediate/segmentation/_segmentation__models.yml.

    p = cume_dist() of lifetime net revenue, highest first, among the purchasing customers of an
    as-of date (ties share the larger p). A tier of the value_tiers seed holds p in
    (the next smaller max_cume_dist, its max_cume_dist]; of equal cut points the first tier_code.
-#}


{#- p of a customer on its as-of date (an analytic expression over the rows of the metrics). -#}
{% macro value_tier_cume_dist(revenue) -%}
    cume_dist() over (partition by as_of_date order by {{ revenue }} desc)
{%- endmacro %}


{#- The select of each tier's bounds: tier_code, max_cume_dist and min_cume_dist_exclusive. -#}
{% macro value_tier_bounds(tiers) -%}
    select
        tier_code,
        max_cume_dist,
        coalesce(lag(max_cume_dist) over (order by max_cume_dist, tier_code), 0) as min_cume_dist_exclusive
    from {{ tiers }}
{%- endmacro %}


{#- Whether p lies in a tier's bounds (the join condition of a customer to its one tier). -#}
{% macro in_value_tier(cume_dist, bounds) -%}
    {{ cume_dist }} <= {{ bounds }}.max_cume_dist
    and {{ cume_dist }} > {{ bounds }}.min_cume_dist_exclusive
{%- endmacro %}
