{#- Fail every dbt command at once, before any model runs, when a var holds a
    value the project cannot use. Each message names the var and what it allows. -#}

{% macro config_error(var_name, allowed, got) -%}
    {{ exceptions.raise_compiler_error(
        "Invalid configuration: var '" ~ var_name ~ "' must be " ~ allowed
        ~ " (got: " ~ (got | string) ~ ")."
    ) }}
{%- endmacro %}

{#- The var rfm_bins, checked: models and tests that loop over it call this,
    so a bad value fails even while dbt parses. -#}
{% macro rfm_bins() -%}
    {%- set bins = var('rfm_bins') -%}
    {%- if bins is not number or bins != (bins | int) or bins < 2 or bins > 10 -%}
        {{ config_error('rfm_bins', 'a whole number from 2 to 10', bins) }}
    {%- endif -%}
    {{ return(bins | int) }}
{%- endmacro %}

{% macro validate_project_vars() %}
    {%- set bins = rfm_bins() -%}

    {%- do var_choice('rfm_scoring_method', ['hybrid', 'quantile', 'thresholds']) -%}

    {%- do churn_risk_method() -%}
    {%- do value_tier_method() -%}

    {%- for name in ['rfm_recency_thresholds', 'rfm_frequency_thresholds', 'rfm_monetary_thresholds'] -%}
        {%- set cuts = var(name) -%}
        {%- set described = 'a list of ' ~ (bins - 1) ~ ' strictly ascending numbers (rfm_bins - 1)' -%}
        {%- if cuts is string or cuts is not iterable or cuts | length != bins - 1 -%}
            {{ config_error(name, described, cuts) }}
        {%- endif -%}
        {%- for cut in cuts -%}
            {%- if cut is not number or (not loop.first and cut <= cuts[loop.index0 - 1]) -%}
                {{ config_error(name, described, cuts) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}

    {%- set preset = var('rfm_segment_map') -%}
    {%- if preset is not string or preset | length == 0 -%}
        {{ config_error('rfm_segment_map', 'the name of a preset in the seed rfm_segment_map', preset) }}
    {%- endif -%}

    {#- Parses the date or fails with a message naming the var. -#}
    {%- do as_of_date_literal() -%}

    {#- Activation: consent channel of the cart audience, salt of hashed identifiers. -#}
    {%- do validate_activation_vars() -%}

    {#- Segment history. -#}
    {%- do history_period() -%}
    {%- do date_var_literal('history_start_date', 'null to start at the first event') -%}
    {%- do require_whole_number('history_lookback_periods', 0) -%}

    {#- Behavioral segment and KPI settings. -#}
    {%- for name in [
        'segment_activity_window_days', 'frequent_buyer_min_orders', 'seasonal_min_orders',
        'lifecycle_new_days', 'lifecycle_default_cadence_days', 'lifecycle_min_cadence_days',
        'lifecycle_reactivated_window_days', 'lifecycle_loyal_min_orders', 'lifecycle_loyal_min_tenure_days',
        'engagement_sessions_high', 'engagement_app_opens_min', 'engagement_highly_engaged_min_points',
        'engagement_engaged_min_points', 'occasion_min_orders', 'birthday_min_purchases',
        'kpi_retention_window_days', 'cart_abandonment_hours', 'cart_abandonment_lookback_days',
        'affinity_min_customers', 'campaign_attribution_days',
    ] -%}
        {%- do require_whole_number(name, 1) -%}
    {%- endfor -%}
    {%- for name in [
        'seasonal_min_share', 'usage_heavy_min_percentile', 'usage_moderate_min_percentile',
        'engagement_open_rate_high', 'engagement_open_rate_low', 'engagement_click_rate_min',
        'occasion_min_share', 'weekend_preference_min_share', 'price_driven_min_discounted_share',
        'price_driven_min_discount_value_share',
        'churn_risk_medium_min', 'churn_risk_high_min', 'value_high_min_percentile', 'value_medium_min_percentile',
    ] -%}
        {%- do require_share(name) -%}
    {%- endfor -%}
    {%- for name in ['lifecycle_at_risk_cadence_multiple', 'lifecycle_lapsed_cadence_multiple',
                     'premium_min_price_ratio', 'churn_risk_steepness'] -%}
        {%- if var(name) is not number or var(name) <= 0 -%}
            {{ config_error(name, 'a number above 0', var(name)) }}
        {%- endif -%}
    {%- endfor -%}
    {%- for low, high in [
        ('usage_moderate_min_percentile', 'usage_heavy_min_percentile'),
        ('engagement_open_rate_low', 'engagement_open_rate_high'),
        ('engagement_engaged_min_points', 'engagement_highly_engaged_min_points'),
        ('churn_risk_medium_min', 'churn_risk_high_min'),
        ('value_medium_min_percentile', 'value_high_min_percentile'),
        ('lifecycle_at_risk_cadence_multiple', 'lifecycle_lapsed_cadence_multiple'),
    ] -%}
        {%- if var(low) >= var(high) -%}
            {{ config_error(low, 'below ' ~ high ~ ' (' ~ var(high) ~ ')', var(low)) }}
        {%- endif -%}
    {%- endfor -%}
    {%- do require_whole_number('quarantine_future_tolerance_hours', 0) -%}
    {%- do date_var_literal('quarantine_earliest_date', 'null for no lower bound') -%}
    {%- do require_whole_number('incremental_lookback_days', 0) -%}
    {%- set hours = var('daypart_start_hours') -%}
    {%- set described = 'a mapping {morning, afternoon, evening, night} of ascending hours 0-23' -%}
    {%- if hours is not mapping or hours.keys() | list | sort != ['afternoon', 'evening', 'morning', 'night'] -%}
        {{ config_error('daypart_start_hours', described, hours) }}
    {%- endif -%}
    {%- set ordered = [hours['morning'], hours['afternoon'], hours['evening'], hours['night']] -%}
    {%- for hour in ordered -%}
        {%- if hour is not number or hour < 0 or hour > 23 or (not loop.first and hour <= ordered[loop.index0 - 1]) -%}
            {{ config_error('daypart_start_hours', described, hours) }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}

{% macro require_whole_number(name, minimum) -%}
    {%- set value = var(name) -%}
    {%- if value is boolean or value is not number or value != (value | int) or value < minimum -%}
        {{ config_error(name, 'a whole number of at least ' ~ minimum, value) }}
    {%- endif -%}
    {{ return(value | int) }}
{%- endmacro %}

{% macro require_share(name) -%}
    {%- set value = var(name) -%}
    {%- if value is not number or value < 0 or value > 1 -%}
        {{ config_error(name, 'a number from 0 to 1', value) }}
    {%- endif -%}
{%- endmacro %}

{#- The as_of_date var as a SQL date literal, or none when it is unset. -#}
{% macro as_of_date_literal() -%}
    {{ return(date_var_literal('as_of_date', 'null for the last event date')) }}
{%- endmacro %}

{#- A date var (YYYY-MM-DD) as a SQL date literal, or none when it is unset;
    anything else fails naming the var. -#}
{% macro date_var_literal(name, unset_meaning) -%}
    {%- set raw = var(name, none) -%}
    {%- if raw is none or (raw | string | trim) in ['', 'none', 'null'] -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = raw | string | trim -%}
    {%- set parsed = none -%}
    {%- if modules.re.match('^\\d{4}-\\d{2}-\\d{2}$', text) -%}
        {%- set parsed = modules.datetime.datetime.strptime(text, '%Y-%m-%d') if is_valid_iso_date(text) else none -%}
    {%- endif -%}
    {%- if parsed is none -%}
        {{ config_error(name, 'a date written YYYY-MM-DD, or ' ~ unset_meaning, raw) }}
    {%- endif -%}
    {{ return("cast('" ~ text ~ "' as date)") }}
{%- endmacro %}

{#- The value of the var `name`, which must be one of `choices`. -#}
{% macro var_choice(name, choices) -%}
    {%- set value = var(name) -%}
    {%- if value not in choices -%}
        {{ config_error(name, 'one of ' ~ (choices | map('tojson') | join(', ') | replace('"', "'")), value) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{#- The var history_period, checked. -#}
{% macro history_period() -%}
    {{ return(var_choice('history_period', ['month', 'week'])) }}
{%- endmacro %}

{% macro is_valid_iso_date(text) -%}
    {#- strptime raises on impossible dates (2025-02-30); catch that without try. -#}
    {%- set parts = text.split('-') | map('int') | list -%}
    {%- set year, month, day = parts[0], parts[1], parts[2] -%}
    {%- set leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
    {%- set month_days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
    {{ return(1 <= month <= 12 and 1 <= day <= month_days[month - 1]) }}
{%- endmacro %}
