{#-
    The last two CTEs of every staging base model: versioned (version_rank of each row among
    the rows of its key and reject_reason, in keep_order) and final (row_status: rejected when
    a rule rejected the row, superseded when another version of the key is kept, else clean).
-#}
{% macro row_status_ctes(classified, key_columns, keep_order) -%}
versioned as (

    select
        *,
        row_number() over (
            partition by {{ key_columns | join(', ') }}, reject_reason
            order by {{ keep_order }}
        ) as version_rank
    from {{ classified }}

),

final as (

    select
        *,
        case
            when reject_reason is not null then 'rejected'
            when version_rank > 1 then 'superseded'
            else 'clean'
        end as row_status
    from versioned

)
{%- endmacro %}
