-- Every (r_score, fm_score) cell of the 5 x 5 grid has exactly one segment in rfm_segment_map.
-- Returns the cells that are missing or mapped more than once.

with

segment_map as (

    select * from {{ ref('rfm_segment_map') }}

),

scores as (

    select 1 as score
    union all
    select 2
    union all
    select 3
    union all
    select 4
    union all
    select 5

),

cells as (

    select
        r_scores.score as r_score,
        fm_scores.score as fm_score
    from scores as r_scores
    cross join scores as fm_scores

),

mapped as (

    select
        cells.r_score,
        cells.fm_score,
        count(segment_map.segment_code) as segments
    from cells
    left join segment_map
        on
            cells.r_score = segment_map.r_score
            and cells.fm_score = segment_map.fm_score
    group by cells.r_score, cells.fm_score

),

outside_grid as (

    select
        r_score,
        fm_score,
        1 as segments
    from segment_map
    where r_score not between 1 and 5 or fm_score not between 1 and 5

)

select * from mapped
where segments <> 1
union all
select * from outside_grid
