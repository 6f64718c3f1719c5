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

all_keys as (

    {{ raw_key_version_group_checked_keys('fixed_keys') }}

),

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
