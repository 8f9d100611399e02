{#- Identifiers that activation marts must keep (to match customers in an email
    or ad platform) are published only as a salted hash: the lower-case hex
    SHA-256 of the salt followed by the value, sha256(salt || value). The salt
    is the var activation_hash_salt (default: the environment variable
    SEGWH_ACTIVATION_SALT) and must stay secret: anyone who knows it can test
    guessed emails against the hashes. Callers normalise the value first
    (emails: lower(trim(email)), done in stg_raw__customers); NULL gives NULL.
    The same value and salt give the same hash on every engine and in Python:
    hashlib.sha256((salt + value).encode('utf-8')).hexdigest(). -#}

{#- The smallest salt length accepted (openssl rand -hex 32 gives 64). -#}
{% macro activation_hash_salt_min_length() -%}
    {{ return(16) }}
{%- endmacro %}

{#- The var activation_hash_salt, checked: at least
    activation_hash_salt_min_length() characters, no quote or backslash (it is
    written into SQL as a literal). Fails naming the var and how to set it.
    While dbt only parses the project (no SQL runs) a placeholder is returned,
    so `dbt parse`, `dbt ls` and `dbt deps` work without the secret. -#}
{% macro activation_hash_salt() -%}
    {%- if not execute -%}
        {{ return('salt-unknown-while-parsing') }}
    {%- endif -%}
    {%- set salt = var('activation_hash_salt', '') -%}
    {%- set salt = '' if salt is none else (salt | string) -%}
    {%- set how = "set the environment variable SEGWH_ACTIVATION_SALT to a secret "
        ~ "(for example: export SEGWH_ACTIVATION_SALT=$(openssl rand -hex 32)) "
        ~ "or pass --vars '{activation_hash_salt: ...}'; `make` targets use a public "
        ~ "demo salt that must never be used in production" -%}
    {%- if not activation_salt_is_set() -%}
        {{ exceptions.raise_compiler_error(
            "Invalid configuration: var 'activation_hash_salt' is empty. Activation marts "
            ~ "publish identifiers only as salted hashes and need a secret salt: " ~ how ~ ".") }}
    {%- endif -%}
    {%- if salt | length < activation_hash_salt_min_length() or "'" in salt or "\\" in salt -%}
        {{ exceptions.raise_compiler_error(
            "Invalid configuration: var 'activation_hash_salt' must be a secret of at least "
            ~ activation_hash_salt_min_length() ~ " characters without quotes or backslashes (got "
            ~ (salt | length) ~ " characters; the value is not shown): " ~ how ~ ".") }}
    {%- endif -%}
    {{ return(salt) }}
{%- endmacro %}

{#- Whether the var activation_hash_salt is set (not empty). The models that
    hash identifiers (int_customer_emails_hashed) and the activation marts
    built on them are enabled only then: without a salt a build skips them,
    with a warning naming the var (validate_activation_vars), and builds
    everything else. A salt that is set is checked by activation_hash_salt(). -#}
{% macro activation_salt_is_set() -%}
    {%- set salt = var('activation_hash_salt', '') -%}
    {{ return(salt is not none and (salt | string | trim | length) > 0) }}
{%- endmacro %}

{#- The public salt the Makefile and the tests use on demo data. -#}
{% macro activation_demo_hash_salt() -%}
    {{ return('segwh-demo-salt-not-for-production') }}
{%- endmacro %}

{#- sha256(salt || expression) as lower-case hex text; NULL when the expression is NULL. -#}
{% macro salted_hash(expression) -%}
    {%- set salted = dbt.concat([
        "'" ~ activation_hash_salt() ~ "'",
        'cast(' ~ expression ~ ' as ' ~ dbt.type_string() ~ ')',
    ]) -%}
    {{ return(adapter.dispatch('salted_hash', 'behavioral_segmentation')(salted)) }}
{%- endmacro %}

{#- Spark, Databricks, Hive and other engines with sha2(). -#}
{% macro default__salted_hash(salted) -%}
    sha2({{ salted }}, 256)
{%- endmacro %}

{% macro duckdb__salted_hash(salted) -%}
    sha256({{ salted }})
{%- endmacro %}

{% macro postgres__salted_hash(salted) -%}
    encode(sha256(convert_to({{ salted }}, 'UTF8')), 'hex')
{%- endmacro %}
