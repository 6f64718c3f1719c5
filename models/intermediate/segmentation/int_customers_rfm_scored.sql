{#- RFM scores and the named segment of every purchasing customer (macro rfm_score_ctes;
    the (r_score, fm_score) -> segment map is the rfm_segment_map seed). -#}
-- depends_on: {{ ref('rfm_fixed_cut_points') }}

with

metrics as (

    select * from {{ ref('int_customer_purchases_aggregated') }}

),

{% if var('rfm_scoring_method') == 'fixed' %}
    fixed_cut_points as (

        select * from {{ ref('rfm_fixed_cut_points') }}

    ),
{% endif %}

segment_map as (

    select * from {{ ref('rfm_segment_map') }}

),

segments as (

    select * from {{ ref('rfm_segments') }}

),

{{ rfm_score_ctes('metrics', 'fixed_cut_points') }},

{{ rfm_segment_ctes('rfm_scores', 'segment_map', 'segments') }},

final as (

    select * from rfm_segmented

)

select * from final
