-- Test accounts appear in no tag mart: no customer_key of customer_tags belongs to a person any
-- of whose source records is a test account.

with

id_map as (

    select * from {{ ref('int_customer_ids_mapped') }}

),

customer_tags as (

    select * from {{ ref('customer_tags') }}

),

test_keys as (

    select distinct customer_key from id_map
    where is_test_account

)

select customer_tags.*
from customer_tags
inner join test_keys
    on customer_tags.customer_key = test_keys.customer_key
