{#-
    The quarantine: every raw row that did not make it into the clean layers, with the
    reason and the raw values as they arrived. Rows rejected in staging (missing keys,
    impossible values, unknown codes, future timestamps) and rows rejected on attribution
    (unknown customer, order, campaign or exchange rate) alike. Superseded versions are not
    rejects: they are counted in raw_row_reconciliation.
    Personal values are masked in raw_values (row_as_text). The fingerprint of a row of a table
    with personal columns is salted (salted_hash): unsalted, with every other value of the row
    shown, it would let anyone try the masked values back (a phone's 7 hidden digits are 10^7
    guesses); it still tells identical raw rows apart.
-#}

{%- set pii_tables = raw_pii_tables() -%}
{%- set published_row_hash -%}
    {%- if pii_tables -%}
        case
            when source_table in ('{{ pii_tables | join("', '") }}')
                then {{ salted_hash('raw_row_hash') }}
            else raw_row_hash
        end
    {%- else -%}
        raw_row_hash
    {%- endif -%}
{%- endset %}

{%- set staging_rejects = [
    ('base_crm__customers', 'crm.customers', 'customer_id'),
    ('base_crm__nps_responses', 'crm.nps_responses', 'response_id'),
    ('base_shop__orders', 'shop.orders', 'order_id'),
    ('base_shop__order_items', 'shop.order_items', 'order_item_id'),
    ('base_shop__products', 'shop.products', 'product_id'),
    ('base_app__events', 'app.events', 'event_id'),
    ('base_marketing__campaigns', 'marketing.campaigns', 'campaign_id'),
    ('base_marketing__campaign_assignments', 'marketing.campaign_assignments',
        dbt.concat(['campaign_id', "'/'", 'customer_id'])),
] %}

with

-- the reasons' English and Chinese names
reason_names as (

    select * from {{ ref('label_names') }}
    where code_set = 'reject_reason'

),

layer_names as (

    select * from {{ ref('label_names') }}
    where code_set = 'rejected_in'

),

{% for model_name, source_table, record_id in staging_rejects %}
    {{ model_name }} as (

        select
            '{{ source_table }}' as source_table,
            {{ record_id }} as record_id,
            reject_reason,
            'staging' as rejected_in,
            loaded_at,
            raw_row_hash,
            raw_values
        from {{ ref(model_name) }}
        where row_status = 'rejected'

    ),

{% endfor %}
unattributed as (

    select
        source_table,
        record_id,
        reject_reason,
        'attribution' as rejected_in,
        loaded_at,
        raw_row_hash,
        raw_values
    from {{ ref('int_rows_unattributed') }}

),

unioned as (

    {% for model_name, source_table, record_id in staging_rejects %}
        select * from {{ model_name }}
        union all
    {% endfor %}
    select * from unattributed

),

numbered as (

    select
        *,
        {{ published_row_hash }} as published_row_hash,
        -- identical raw rows rejected twice stay two rows, told apart by their ordinal
        row_number() over (
            partition by source_table, raw_row_hash
            order by rejected_in, reject_reason
        ) as duplicate_ordinal
    from unioned

),

final as (

    select
        cast({{ dbt.hash(dbt.concat([
            'numbered.source_table', "'|'", 'numbered.published_row_hash', "'|'",
            'cast(numbered.duplicate_ordinal as ' ~ dbt.type_string() ~ ')'
        ])) }} as {{ dbt.type_string() }}) as rejected_row_id,
        cast(numbered.source_table as {{ dbt.type_string() }}) as source_table,
        cast(numbered.record_id as {{ dbt.type_string() }}) as record_id,
        cast(numbered.reject_reason as {{ dbt.type_string() }}) as reject_reason,
        cast(reason_names.name_en as {{ dbt.type_string() }}) as reject_reason_name_en,
        cast(reason_names.name_zh as {{ dbt.type_string() }}) as reject_reason_name_zh,
        cast(numbered.rejected_in as {{ dbt.type_string() }}) as rejected_in,
        cast(layer_names.name_en as {{ dbt.type_string() }}) as rejected_in_name_en,
        cast(layer_names.name_zh as {{ dbt.type_string() }}) as rejected_in_name_zh,
        cast(numbered.loaded_at as {{ dbt.type_timestamp() }}) as loaded_at,
        cast(numbered.published_row_hash as {{ dbt.type_string() }}) as raw_row_hash,
        cast(numbered.raw_values as {{ dbt.type_string() }}) as raw_values
    from numbered
    left join reason_names
        on numbered.reject_reason = reason_names.code
    left join layer_names
        on numbered.rejected_in = layer_names.code

)

select * from final
