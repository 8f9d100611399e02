{#- Rules and settings of the activation marts (cart_abandonment_audience,
    product_affinity). Each rule is a small dispatchable macro: override
    `activation_cart_event_types` (or its default__ version) in your own project
    to change what counts as cart activity; the marts do not change. -#}

{#- Event types that make up a cart: adding a product, or starting checkout.
    remove_from_cart events are not counted as cart activity. -#}
{% macro activation_cart_event_types() -%}
    {{ return(adapter.dispatch('activation_cart_event_types', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__activation_cart_event_types() -%}
    {{ return(['add_to_cart', 'checkout_started']) }}
{%- endmacro %}

{#- `event_type in (...)` for a list of event types. -#}
{% macro activation_event_type_in(column, event_types) -%}
    {{ column }} in ({% for event_type in event_types %}'{{ event_type }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#- Marketing channels a consent source may name, in the order audiences list
    them. Consent records for other channels fail the staging tests. -#}
{% macro activation_consent_channels() -%}
    {{ return(adapter.dispatch('activation_consent_channels', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__activation_consent_channels() -%}
    {{ return(['email', 'sms', 'push']) }}
{%- endmacro %}

{#- The var cart_abandonment_channel, checked: the channel whose consent puts a
    customer's abandoned carts in cart_abandonment_audience. -#}
{% macro cart_abandonment_channel() -%}
    {%- set channel = var('cart_abandonment_channel', 'email') -%}
    {%- if channel not in activation_consent_channels() -%}
        {{ config_error('cart_abandonment_channel',
                        'one of ' ~ activation_consent_channels() | join(', '), channel) }}
    {%- endif -%}
    {{ return(channel) }}
{%- endmacro %}

{#- Activation settings, checked before any model runs (validate_project_vars):
    the channel of the cart audience and the salt of hashed identifiers.
    Without a salt the models that hash identifiers are disabled (macro
    activation_salt_is_set) and a warning names the var and how to set it;
    a salt that is set must be valid. On the public demo salt a warning is
    logged: its hashes are not private. -#}
{% macro validate_activation_vars() -%}
    {%- do cart_abandonment_channel() -%}
    {%- if not activation_salt_is_set() -%}
        {%- if execute -%}
            {%- do log("Warning: var 'activation_hash_salt' is empty, so the activation marts "
                       ~ "(cart_abandonment_audience, segment_audience_exports) and int_customer_emails_hashed "
                       ~ "are skipped; every other model builds. To build them, set the environment variable "
                       ~ "SEGWH_ACTIVATION_SALT to a secret (for example: export "
                       ~ "SEGWH_ACTIVATION_SALT=$(openssl rand -hex 32)) or pass --vars '{activation_hash_salt: ...}'.",
                       info=true) -%}
        {%- endif -%}
        {{ return('') }}
    {%- endif -%}
    {%- set salt = activation_hash_salt() -%}
    {%- if execute and salt == activation_demo_hash_salt() -%}
        {%- do log("Warning: activation_hash_salt is the public demo salt (set by make or the tests): "
                   ~ "hashed identifiers in the activation marts are not private. Set "
                   ~ "SEGWH_ACTIVATION_SALT to a secret for real data.", info=true) -%}
    {%- endif -%}
{%- endmacro %}

{#- The first UTC day of the cart lookback (var cart_abandonment_lookback_days
    days ending with the as-of date), as an expression on `as_of_date`. -#}
{% macro cart_lookback_first_day(as_of_date) -%}
    {%- set lookback_days = require_whole_number('cart_abandonment_lookback_days', 1) -%}
    {{ dbt.dateadd('day', 1 - lookback_days, as_of_date) }}
{%- endmacro %}
