{#- Fails for every non-NULL value that is not a SHA-256 digest written as 64
    lower-case hex characters (a hashed identifier that is really a hash). -#}
{% test sha256_hex(model, column_name) %}

select {{ column_name }}
from {{ model }}
where
    {{ column_name }} is not null
    and (
        {{ dbt.length(column_name) }} != 64
        or translate({{ column_name }}, '0123456789abcdef', '') != ''
    )

{% endtest %}
