{#-
    Audiences (人群圈选): a select of the customers who match tags, segment labels and purchase
    history on the as-of date, e.g. "VIP members who bought apparel but not beauty in the last 30
    days". Customers without marketing consent are left out unless include_opted_out is true
    (service messages only). The caller passes every relation it reads (no ref() in here, so an
    analysis shows what it reads): analyses/audience_*.sql pass refs, the self-check fixtures.
    docs/tags.md shows it in use.
-#}


{#- Strings as a SQL list of quoted literals ('a', 'b'), quotes doubled. -#}
{% macro sql_quoted_list(values) -%}
    {%- set quoted = [] -%}
    {%- for value in values -%}
        {%- do quoted.append("'" ~ (value | string | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {{ quoted | join(', ') }}
{%- endmacro %}


{% macro audience(
    customers=none,
    customer_tags=none,
    purchases=none,
    order_items=none,
    tag_catalog=none,
    tags_all=[],
    tags_any=[],
    tags_none=[],
    segments={},
    bought_categories=[],
    not_bought_categories=[],
    purchase_window_days=30,
    include_opted_out=false
) %}
{%- set segment_columns = [
    'rfm_segment', 'rfm_group', 'lifecycle_stage', 'value_tier', 'member_level', 'age_band',
    'city_tier', 'region', 'gender', 'acquisition_channel',
] -%}
{%- set errors = [] -%}
{%- for name, relation in [('customers', customers), ('customer_tags', customer_tags),
                            ('purchases', purchases), ('order_items', order_items)]
    if relation is none or relation is undefined -%}
    {%- do errors.append(name ~ " is required: pass the relation, e.g. " ~ name ~ "=ref('...')") -%}
{%- endfor -%}
{%- for name, value in [('tags_all', tags_all), ('tags_any', tags_any), ('tags_none', tags_none),
                         ('bought_categories', bought_categories),
                         ('not_bought_categories', not_bought_categories)] -%}
    {%- if value is string or value is not iterable or value is mapping -%}
        {%- do errors.append(name ~ " must be a list, got " ~ value) -%}
    {%- endif -%}
{%- endfor -%}
{%- if segments is not mapping -%}
    {%- do errors.append("segments must be a mapping of column to list of labels, got " ~ segments) -%}
{%- else -%}
    {%- for column, labels in segments.items() -%}
        {%- if column not in segment_columns -%}
            {%- do errors.append("segments: '" ~ column ~ "' is not one of " ~ segment_columns | join(', ')) -%}
        {%- elif labels is string or labels is not iterable or labels | length == 0 -%}
            {%- do errors.append("segments: " ~ column ~ " needs a non-empty list of labels, got " ~ labels) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif -%}
{%- if purchase_window_days is not number or purchase_window_days | int != purchase_window_days
    or purchase_window_days < 1 -%}
    {%- do errors.append("purchase_window_days must be a whole number of days >= 1, got "
        ~ purchase_window_days) -%}
{%- endif -%}
{%- if errors -%}
    {{ exceptions.raise_compiler_error("audience(): " ~ errors | join("; ")) }}
{%- endif -%}
{%- set tags_used = tags_all + tags_any + tags_none -%}
{%- if tag_catalog is not none and tags_used -%}
    {%- set known_tags = active_tag_codes(tag_catalog) -%}
    {%- for tag_code in tags_used if known_tags and tag_code not in known_tags -%}
        {{ exceptions.raise_compiler_error("audience(): tag '" ~ tag_code
            ~ "' is not an active tag of tag_catalog") }}
    {%- endfor -%}
{%- endif -%}
{%- set categories = (bought_categories + not_bought_categories) | map('lower') | list -%}

with

audience_customers as (

    select * from {{ customers }}

),

audience_tags as (

    select * from {{ customer_tags }}

),

audience_purchases as (

    select * from {{ purchases }}

),

audience_order_items as (

    select * from {{ order_items }}

),

tag_matches as (

    select
        customer_key,
        {%- if tags_all %}
            sum(case when tag_code in ({{ sql_quoted_list(tags_all) }}) then 1 else 0 end)
                as tags_all_matched,
        {%- endif %}
        {%- if tags_any %}
            sum(case when tag_code in ({{ sql_quoted_list(tags_any) }}) then 1 else 0 end)
                as tags_any_matched,
        {%- endif %}
        {%- if tags_none %}
            sum(case when tag_code in ({{ sql_quoted_list(tags_none) }}) then 1 else 0 end)
                as tags_none_matched,
        {%- endif %}
        count(*) as tags_held
    from audience_tags
    group by customer_key

),

category_purchases as (

    select
        audience_purchases.customer_key,
        lower(audience_order_items.category) as category
    from audience_order_items
    inner join audience_purchases
        on audience_order_items.order_id = audience_purchases.order_id
    inner join audience_customers
        on audience_purchases.customer_key = audience_customers.customer_key
    where
        {{ days_before_as_of_between(
            'audience_purchases.order_date', 0, purchase_window_days, 'audience_customers.as_of_date'
        ) }}

),

category_matches as (

    select
        customer_key,
        {%- for category in categories %}
            max(case when category = {{ sql_quoted_list([category]) }} then 1 else 0 end)
                as bought_category_{{ loop.index }},
        {%- endfor %}
        count(*) as purchased_lines
    from category_purchases
    group by customer_key

),

final as (

    select
        audience_customers.customer_key,
        audience_customers.as_of_date,
        audience_customers.email_hash,
        audience_customers.phone_hash,
        audience_customers.member_level,
        audience_customers.rfm_segment,
        audience_customers.lifecycle_stage,
        audience_customers.value_tier,
        audience_customers.is_marketing_opt_in
    from audience_customers
    left join tag_matches
        on audience_customers.customer_key = tag_matches.customer_key
    left join category_matches
        on audience_customers.customer_key = category_matches.customer_key
    where
        {%- if include_opted_out %}
            -- include_opted_out: customers without marketing consent are kept (service use only)
            1 = 1
        {%- else %}
            audience_customers.is_marketing_opt_in
        {%- endif %}
        {%- if tags_all %}
            and coalesce(tag_matches.tags_all_matched, 0) = {{ tags_all | unique | list | length }}
        {%- endif %}
        {%- if tags_any %}
            and coalesce(tag_matches.tags_any_matched, 0) > 0
        {%- endif %}
        {%- if tags_none %}
            and coalesce(tag_matches.tags_none_matched, 0) = 0
        {%- endif %}
        {%- for column, labels in segments.items() %}
            and audience_customers.{{ column }} in ({{ sql_quoted_list(labels) }})
        {%- endfor %}
        {%- for category in categories %}
            {%- set bought = 1 if loop.index <= bought_categories | length else 0 %}
            and coalesce(category_matches.bought_category_{{ loop.index }}, 0) = {{ bought }}
        {%- endfor %}

)

select * from final

{% endmacro %}
