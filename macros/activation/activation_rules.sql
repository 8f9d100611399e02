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
