{#- Reconciliation: the sum of a column equals the sum of an expression in
    another relation, so no amount is dropped or doubled between layers. -#}
{% test sum_equals(model, column_name, compare_model, compare_expression, where_clause='1 = 1', compare_where='1 = 1') %}

with

model_total as (
    select coalesce(sum({{ column_name }}), 0) as total from {{ model }} where {{ where_clause }}
),

compare_total as (
    select coalesce(sum({{ compare_expression }}), 0) as total from {{ compare_model }} where {{ compare_where }}
)

select
    model_total.total as model_total,
    compare_total.total as compare_total
from model_total
cross join compare_total
where model_total.total != compare_total.total

{% endtest %}
