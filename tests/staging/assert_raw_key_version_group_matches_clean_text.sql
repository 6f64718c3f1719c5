{#-
    raw_key_version_group must give what version_group(clean_text(...)) gives, on every input: it
    replaces that expression in the incremental filter of the staging base models, and a key that
    came out different would leave rows of a changed version group out of the rebuild. Returns one
    row per input where the two disagree.
-#}

with

fixed_keys as (

    select raw_keys.raw_key
    from (
        values
        (cast(null as {{ dbt.type_string() }})),
        (''),
        (' '),
        ('   '),
        ('E1'),
        (' E1'),
        ('E1 '),
        ('  E1  '),
        ('E 1')
    ) as raw_keys (raw_key)

),

{% if target.type == 'duckdb' %}
    {#- DuckDB's version trims only keys that start or end with some code points: try each code
        point alone, before a key and after one (surrogates are not characters) -#}
    code_points as (

        select chr(cast(range as integer)) as code_point
        from range(1, 1114112)
        where range not between 55296 and 57343

    ),

    all_keys as (

        select raw_key from fixed_keys
        union all
        select code_point from code_points
        union all
        select code_point || 'k' from code_points
        union all
        select 'k' || code_point from code_points

    ),
{% else %}
    {#- elsewhere raw_key_version_group is the default, the expression itself -#}
    all_keys as (

        select raw_key from fixed_keys

    ),
{% endif %}

compared as (

    select
        raw_key,
        {{ raw_key_version_group('raw_key') }} as fast_group,
        {{ version_group(clean_text('raw_key')) }} as reference_group
    from all_keys

)

select
    raw_key,
    fast_group,
    reference_group
from compared
where fast_group <> reference_group or fast_group is null
