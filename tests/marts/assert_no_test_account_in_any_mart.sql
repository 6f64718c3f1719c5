-- Test accounts appear in no mart: every customer_key of a segment mart must belong to a
-- person none of whose source records is a test account.

with

id_map as (

    select * from {{ ref('int_customer_ids_mapped') }}

),

test_keys as (

    select distinct customer_key from id_map
    where is_test_account

),

mart_keys as (

    {%- for mart in ['customers', 'customer_rfm', 'customer_lifecycle', 'customer_value_tiers'] %}
        select
            '{{ mart }}' as mart,
            customer_key
        from {{ ref(mart) }}
        {{ "union all" if not loop.last }}
    {%- endfor %}

)

select mart_keys.*
from mart_keys
inner join test_keys
    on mart_keys.customer_key = test_keys.customer_key
