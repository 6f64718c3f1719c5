{#- RFM scores and the named segment of every purchasing customer on the as-of date. The rule
    (cut points, scores, fm_score) is macros/segmentation/rfm_scores.sql, shared with the history;
    the (r_score, fm_score) -> segment map is the rfm_segment_map seed. -#}

with

metrics as (

    select * from {{ ref('int_customer_purchases_aggregated') }}

),

-- read only with var rfm_scoring_method: fixed
fixed_cut_points as ( -- noqa: ST03

    select * from {{ ref('rfm_fixed_cut_points') }}

),

segment_map as (

    select * from {{ ref('rfm_segment_map') }}

),

segments as (

    select * from {{ ref('rfm_segments') }}

),

cut_points as (

    {{ rfm_cut_points('metrics', 'fixed_cut_points') }}

),

scored as (

    select
        metrics.*,
        cut_points.recency_days_cut_1,
        cut_points.recency_days_cut_2,
        cut_points.recency_days_cut_3,
        cut_points.recency_days_cut_4,
        cut_points.frequency_cut_1,
        cut_points.frequency_cut_2,
        cut_points.frequency_cut_3,
        cut_points.frequency_cut_4,
        cut_points.monetary_cut_1,
        cut_points.monetary_cut_2,
        cut_points.monetary_cut_3,
        cut_points.monetary_cut_4,
        {{ rfm_score('metrics.recency_days', 'cut_points', 'recency_days') }} as r_score,
        {{ rfm_score('metrics.frequency', 'cut_points', 'frequency') }} as f_score,
        {{ rfm_score('metrics.monetary', 'cut_points', 'monetary') }} as m_score
    from metrics
    inner join cut_points
        on metrics.as_of_date = cut_points.as_of_date

),

fm_scored as (

    select
        *,
        {{ rfm_fm_score('f_score', 'm_score') }} as fm_score
    from scored

),

final as (

    select
        fm_scored.*,
        segment_map.segment_code as rfm_segment,
        segments.group_code as rfm_group
    from fm_scored
    left join segment_map
        on
            fm_scored.r_score = segment_map.r_score
            and fm_scored.fm_score = segment_map.fm_score
    left join segments
        on segment_map.segment_code = segments.segment_code

)

select * from final
