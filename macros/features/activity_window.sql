{#- The definitions behind usage rate and engagement, shared by
    the feature macros (int_customer_features, int_customer_period_end_features) so that
    history and the current segments cannot drift apart. -#}

{#- Activity: every event of the groups browsing, cart and app in the seed event_types. -#}
{% macro is_activity_event(event_group) -%}
    {{ event_group }} in ('browsing', 'cart', 'app')
{%- endmacro %}

{#- The activity window: the last segment_activity_window_days days up to and
    including the as-of date (events are already on or before it). -#}
{% macro in_activity_window(occurred_on, as_of_date) -%}
    {{ occurred_on }} > {{ dbt.dateadd('day', -var('segment_activity_window_days'), as_of_date) }}
{%- endmacro %}

{#- Weeks from the first activity in the window to the as-of date, the partial
    week counted as one: activity per active week does not punish customers
    who only started recently. -#}
{% macro active_weeks(first_activity_on, as_of_date) -%}
    case
        when {{ first_activity_on }} is not null
            then cast(floor(({{ days_between(first_activity_on, as_of_date) }} + 7) / 7.0) as {{ dbt.type_int() }})
    end
{%- endmacro %}

{#- A customer's expected days between purchase days: the mean gap, the default
    cadence for single-purchase customers, never shorter than the minimum. -#}
{% macro purchase_cadence(mean_gap_days) -%}
    greatest(
        coalesce({{ mean_gap_days }}, {{ var('lifecycle_default_cadence_days') }}),
        {{ var('lifecycle_min_cadence_days') }}
    )
{%- endmacro %}

{#- Percent rank of a value among the members of a population only (usage
    rate: customers with activity; value tier: buyers); NULL for the others.
    partition_by ranks every value of that column on its own (history periods). -#}
{% macro percent_rank_among(value, is_member, partition_by=none) -%}
    case
        when {{ is_member }}
            then percent_rank() over (
                partition by {{ partition_by ~ ', ' if partition_by }}{{ is_member }}
                order by {{ value }}
            )
    end
{%- endmacro %}
