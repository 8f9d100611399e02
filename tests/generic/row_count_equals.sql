{#- Reconciliation: the model (optionally filtered) has exactly as many rows as
    another relation (optionally filtered). Returns one row when they differ. -#}
{% test row_count_equals(model, compare_model, where_clause='1 = 1', compare_where='1 = 1') %}

with

model_rows as (
    select count(*) as row_count from {{ model }} where {{ where_clause }}
),

compare_rows as (
    select count(*) as row_count from {{ compare_model }} where {{ compare_where }}
)

select
    model_rows.row_count as model_row_count,
    compare_rows.row_count as compare_row_count
from model_rows
cross join compare_rows
where model_rows.row_count != compare_rows.row_count

{% endtest %}
