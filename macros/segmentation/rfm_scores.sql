{#-
    The RFM rule (docs/segments.md, "RFM"), shared by int_customers_rfm_scored (the as-of date)
    and customer_segment_history (every as-of date). Unit tests: int_customers_rfm_scored in
    models/intermediate/segmentation/_segmentation__models.yml.

    - Cut points, per as-of date: the 20/40/60/80th percentile_cont of recency_days, frequency
      and monetary over the customers scored on that date (var rfm_scoring_method: quantile), or
      the rfm_fixed_cut_points seed (fixed).
    - Scores 1-5 count the cut points strictly below the value, so equal values share a score and
      a mass of equal values stays together in the lowest band: f_score, m_score = 1 + that count;
      r_score = 5 - that count (a recent purchase, few days, scores high).
    - fm_score = (f_score + m_score) / 2 rounded half up.
-#}


{#- The select of the cut points: one row per as_of_date of metrics, columns
    <measure>_cut_1 .. <measure>_cut_4 for recency_days, frequency and monetary. -#}
{% macro rfm_cut_points(metrics, fixed_cut_points) -%}
{%- set measures = ['recency_days', 'frequency', 'monetary'] -%}
{%- if var('rfm_scoring_method') == 'fixed' -%}
    select
        as_of_dates.as_of_date,
        {%- for measure in measures %}
        {%- set last_measure = loop.last %}
        {%- for cut in range(1, 5) %}
        max(case when cut_points.metric = '{{ measure }}' then cut_points.cut_{{ cut }} end)
            as {{ measure }}_cut_{{ cut }}{{ ',' if not (last_measure and loop.last) }}
        {%- endfor %}
        {%- endfor %}
    from (select distinct as_of_date from {{ metrics }}) as as_of_dates
    cross join {{ fixed_cut_points }} as cut_points
    group by as_of_dates.as_of_date
{%- else -%}
    select
        as_of_date,
        {%- for measure in measures %}
        {%- set last_measure = loop.last %}
        {%- for cut in range(1, 5) %}
        {{ percentile_cont('cast(' ~ measure ~ ' as ' ~ type_double() ~ ')', cut / 5) }}
            as {{ measure }}_cut_{{ cut }}{{ ',' if not (last_measure and loop.last) }}
        {%- endfor %}
        {%- endfor %}
    from {{ metrics }}
    group by as_of_date
{%- endif -%}
{%- endmacro %}


{#- The score 1-5 of a measure: 1 + the cut points strictly below the value (frequency,
    monetary), or 5 - that count (recency_days). value: the measure's column; cut_points: the
    relation of rfm_cut_points; measure: recency_days, frequency or monetary. -#}
{% macro rfm_score(value, cut_points, measure) -%}
    {{ '5 -' if measure == 'recency_days' else '1 +' }} (
        case when {{ cut_points }}.{{ measure }}_cut_1 < {{ value }} then 1 else 0 end
        + case when {{ cut_points }}.{{ measure }}_cut_2 < {{ value }} then 1 else 0 end
        + case when {{ cut_points }}.{{ measure }}_cut_3 < {{ value }} then 1 else 0 end
        + case when {{ cut_points }}.{{ measure }}_cut_4 < {{ value }} then 1 else 0 end
    )
{%- endmacro %}


{#- fm_score: (f_score + m_score) / 2 rounded half up, i.e. (f + m + 1) / 2 rounded down. -#}
{% macro rfm_fm_score(f_score, m_score) -%}
    cast(floor(({{ f_score }} + {{ m_score }} + 1) / 2.0) as {{ dbt.type_int() }})
{%- endmacro %}
