{#- The cut points that scored R, F and M on the as-of date, one row per measure: the 20/40/60/80th
    percentiles over the scored customers (method quantile) or the rfm_fixed_cut_points seed
    (method fixed). -#}

{%- set measures = ['recency_days', 'frequency', 'monetary'] %}

with

scored as (

    select * from {{ ref('int_customers_rfm_scored') }}

),

{% for measure in measures %}
    cut_points_{{ measure }} as (

        select distinct
            as_of_date,
            '{{ measure }}' as measure,
            {{ measure }}_cut_1 as cut_1,
            {{ measure }}_cut_2 as cut_2,
            {{ measure }}_cut_3 as cut_3,
            {{ measure }}_cut_4 as cut_4
        from scored

    ),
{% endfor %}

unpivoted as (

    select * from cut_points_recency_days
    union all
    select * from cut_points_frequency
    union all
    select * from cut_points_monetary

),

final as (

    select
        cast(as_of_date as date) as as_of_date,
        cast(measure as {{ dbt.type_string() }}) as measure,
        cast('{{ var("rfm_scoring_method") }}' as {{ dbt.type_string() }}) as scoring_method,
        cast(cut_1 as {{ type_double() }}) as cut_1,
        cast(cut_2 as {{ type_double() }}) as cut_2,
        cast(cut_3 as {{ type_double() }}) as cut_3,
        cast(cut_4 as {{ type_double() }}) as cut_4
    from unpivoted

)

select * from final
