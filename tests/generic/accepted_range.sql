{#-
    Fails on every row whose column_name lies outside [min_value, max_value]
    (or outside (min_value, max_value) when inclusive is false). Nulls pass:
    pair with not_null when the column must be filled. The bounds are pasted
    into the SQL as written, so quote string or date bounds ("'2024-01-01'").
-#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
    {%- if min_value is none and max_value is none %}
        {{ exceptions.raise_compiler_error(
            "accepted_range test on column '" ~ column_name
            ~ "': set min_value, max_value or both"
        ) }}
    {%- endif %}

    {%- set out_of_range = [] %}
    {%- if min_value is not none %}
        {%- do out_of_range.append(column_name ~ (' < ' if inclusive else ' <= ') ~ min_value) %}
    {%- endif %}
    {%- if max_value is not none %}
        {%- do out_of_range.append(column_name ~ (' > ' if inclusive else ' >= ') ~ max_value) %}
    {%- endif %}

    select *
    from {{ model }}
    where
        {{ column_name }} is not null
        and ({{ out_of_range | join(' or ') }})
{% endtest %}
