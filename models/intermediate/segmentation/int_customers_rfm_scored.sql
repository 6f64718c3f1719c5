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

final as (

    select
        rfm_scores.*,
        segment_map.segment_code as rfm_segment,
        segments.group_code as rfm_group
    from rfm_scores
    left join segment_map
        on
            rfm_scores.r_score = segment_map.r_score
            and rfm_scores.fm_score = segment_map.fm_score
    left join segments
        on segment_map.segment_code = segments.segment_code

)

select * from final
