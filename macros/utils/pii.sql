{#- Personal data never reaches a mart raw: a salted hash (for joins with other systems that
    use the same salt) and a masked form (for people reading a dashboard). -#}

{#- Hex SHA-256 of var pii_hash_salt followed by the value; null stays null. -#}
{% macro salted_hash(column) -%}
    {{ return(adapter.dispatch('salted_hash', 'customer_segments')(column)) }}
{%- endmacro %}

{% macro default__salted_hash(column) -%}
    case when {{ column }} is not null then sha256('{{ var("pii_hash_salt") }}' || {{ column }}) end
{%- endmacro %}

{% macro postgres__salted_hash(column) -%}
    case
        when {{ column }} is not null
            then encode(sha256(convert_to('{{ var("pii_hash_salt") }}' || {{ column }}, 'UTF8')), 'hex')
    end
{%- endmacro %}

{% macro spark__salted_hash(column) -%}
    case when {{ column }} is not null then sha2(concat('{{ var("pii_hash_salt") }}', {{ column }}), 256) end
{%- endmacro %}


{#- li.wei@example.com -> l***@example.com -#}
{% macro mask_email(column) -%}
    case
        when {{ column }} is not null
            then {{ dbt.concat([
                'substring(' ~ column ~ ', 1, 1)',
                "'***'",
                dbt.right(column, dbt.length(column) ~ ' - ' ~ dbt.position("'@'", column) ~ ' + 1'),
            ]) }}
    end
{%- endmacro %}


{#- 13800138000 -> 138****8000 -#}
{% macro mask_phone(column) -%}
    case
        when {{ column }} is not null
            then {{ dbt.concat(['substring(' ~ column ~ ', 1, 3)', "'****'", dbt.right(column, '4')]) }}
    end
{%- endmacro %}
