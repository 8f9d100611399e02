{#- The buy-till-you-die summary of a customer's features (columns
    distinct_purchase_days, first_purchase_on, last_purchase_on,
    repeat_day_revenue, as_of_date), as lifetimes'
    summary_data_from_transaction_data(freq='D') makes it: frequency =
    repeat purchase days, recency = days from the first to the last purchase
    day, T = days from the first purchase day to the as-of date, monetary
    value = mean net revenue of the repeat purchase days (0 without repeats).
    NULL without purchases. customer_facts publishes it as btyd_*; the CLV
    models fit and score on it. -#}
{% macro btyd_summary_columns(prefix='btyd_') -%}
        cast(case when distinct_purchase_days > 0 then distinct_purchase_days - 1 end as {{ dbt.type_bigint() }})
            as {{ prefix }}frequency,
        {{ days_between('first_purchase_on', 'last_purchase_on') }} as {{ prefix }}recency,
        {{ days_between('first_purchase_on', 'as_of_date') }} as btyd_t,
        case
            when distinct_purchase_days > 1
                then cast(repeat_day_revenue as {{ type_double() }}) / (distinct_purchase_days - 1)
            when distinct_purchase_days = 1 then 0
        end as {{ prefix }}monetary_value
{%- endmacro %}
