{#- One row per customer of customer_facts (as of the as-of date) with the
    per-customer counts behind the segment KPIs that customer_facts does not
    publish: converted sessions (conversion rate), purchases in the previous
    and the last kpi_retention_window_days (retention and churn), and the
    customer's weight in the population (segment share). The same features
    segment_summary aggregates (int_customer_features), so the semantic
    layer's rates equal segment_summary's. -#}

with

features as (

    select * from {{ ref('int_customer_features') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

current_features as (

    select features.*
    from features
    inner join as_of
        on features.as_of_date = as_of.as_of_date

),

population as (

    select count(*) as customers
    from current_features

),

final as (

    select
        ----------  ids
        current_features.customer_id,

        ----------  sessions
        cast(current_features.session_count as {{ dbt.type_bigint() }}) as session_count,
        cast(current_features.converted_session_count as {{ dbt.type_bigint() }}) as converted_session_count,

        ----------  retention
        cast(case when current_features.purchased_in_previous_window then 1 else 0 end as {{ dbt.type_int() }})
            as is_previous_window_buyer,
        cast(
            case
                when current_features.purchased_in_previous_window and current_features.purchased_in_last_window
                    then 1
                else 0
            end as {{ dbt.type_int() }}
        ) as is_retained_buyer,

        ----------  share
        cast(1 as {{ type_double() }}) / population.customers as population_weight,

        ----------  dates
        current_features.as_of_date

    from current_features
    cross join population

)

select * from final
