"""Chart layout and number formatting for the dashboard (presentation only)."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd


def count(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{int(value):,}"


def money(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):,.2f}"


def percent(value, digits: int = 1) -> str:
    return "–" if value is None or pd.isna(value) else f"{100 * float(value):.{digits}f}%"


def segment_sizes_chart(summary: pd.DataFrame, highlight: str | None = None) -> alt.Chart:
    """Customers per segment of one dimension (rows of segment_summary), largest first;
    the `highlight` segment drawn in another colour."""
    encoding = dict(
        x=alt.X("customers:Q", title="customers"),
        y=alt.Y("segment:N", sort="-x", title=None, axis=alt.Axis(labelOverlap=False)),
        tooltip=["segment", alt.Tooltip("customers:Q", format=",d"),
                 alt.Tooltip("customer_share:Q", format=".1%"), alt.Tooltip("net_revenue:Q", format=",.2f")],
    )
    if highlight is not None:
        encoding["color"] = alt.condition(alt.datum.segment == highlight, alt.value("#e45756"), alt.value("#4c78a8"))
    return alt.Chart(summary).mark_bar().encode(**encoding)


def flow_chart(moves: pd.DataFrame, source: str, target: str, value: str,
               left_title: str, right_title: str, height: int = 460) -> alt.Chart:
    """A two-column flow (Sankey-like) chart: each row of `moves` is a band from its
    `source` node on the left to its `target` node on the right, as thick as `value`.
    Node heights are the sums of their bands, so both columns add up to the same total."""
    moves = moves[moves[value] > 0].copy()
    total = float(moves[value].sum()) or 1.0
    gap = total * 0.02
    order = sorted(set(moves[source]) | set(moves[target]), key=lambda s: (s == "(none)", s))

    def stack(column: str) -> dict[str, float]:
        sizes = moves.groupby(column)[value].sum()
        tops, y = {}, 0.0
        for node in order:
            if node in sizes.index:
                tops[node] = y
                y += float(sizes[node]) + gap
        return tops

    left_top, right_top = stack(source), stack(target)
    left_used = dict.fromkeys(left_top, 0.0)
    right_used = dict.fromkeys(right_top, 0.0)

    bands = []
    # bands leave each left node in the order of their right node, and enter each right node in
    # the order of their left node, so bands cross as little as a two-column layout allows
    moves = moves.assign(left_rank=moves[source].map(order.index), right_rank=moves[target].map(order.index))
    for row in moves.sort_values(["left_rank", "right_rank"]).itertuples(index=False):
        row = row._asdict()
        size = float(row[value])
        y0 = left_top[row[source]] + left_used[row[source]]
        left_used[row[source]] += size
        bands.append([row[source], row[target], size, y0])
    for band in sorted(bands, key=lambda b: (order.index(b[1]), order.index(b[0]))):
        band.append(right_top[band[1]] + right_used[band[1]])
        right_used[band[1]] += band[2]

    steps = 24
    points = []
    for i, (left, right, size, y_left, y_right) in enumerate(bands):
        for k in range(steps + 1):
            x = k / steps
            t = (1 - math.cos(math.pi * x)) / 2          # smooth S-curve from left to right
            top = y_left + (y_right - y_left) * t
            points.append({"band": i, "x": x, "top": top, "bottom": top + size,
                           "from": left, "to": right, "customers": size})
    band_data = pd.DataFrame(points)

    nodes = []
    for column, tops, x0, x1 in ((source, left_top, -0.06, 0.0), (target, right_top, 1.0, 1.06)):
        sizes = moves.groupby(column)[value].sum()
        for node, top in tops.items():
            nodes.append({"segment": node, "x0": x0, "x1": x1, "top": top, "bottom": top + float(sizes[node]),
                          "customers": float(sizes[node]), "side": left_title if x0 < 0 else right_title,
                          "label": f"{node} ({int(sizes[node]):,})", "mid": top + float(sizes[node]) / 2,
                          "label_x": -0.07 if x0 < 0 else 1.07, "align": "right" if x0 < 0 else "left"})
    node_data = pd.DataFrame(nodes)

    y_scale = alt.Scale(domain=[0, max(node_data["bottom"].max(), 1.0)], reverse=True)
    x_scale = alt.Scale(domain=[-0.45, 1.45])
    no_axis = alt.Axis(labels=False, ticks=False, title=None, grid=False, domain=False)
    colour = alt.Color("from:N", legend=None, scale=alt.Scale(scheme="tableau20", domain=order))

    band_layer = alt.Chart(band_data).mark_area(opacity=0.45, interpolate="monotone").encode(
        x=alt.X("x:Q", scale=x_scale, axis=no_axis),
        y=alt.Y("top:Q", scale=y_scale, axis=no_axis),
        y2="bottom:Q",
        detail="band:N",
        color=colour,
        tooltip=["from:N", "to:N", alt.Tooltip("customers:Q", format=",d")],
    )
    node_layer = alt.Chart(node_data).mark_rect(color="#4c4c4c").encode(
        x=alt.X("x0:Q", scale=x_scale, axis=no_axis), x2="x1:Q",
        y=alt.Y("top:Q", scale=y_scale, axis=no_axis), y2="bottom:Q",
        tooltip=["side:N", "segment:N", alt.Tooltip("customers:Q", format=",d")],
    )
    labels = []
    for align in ("right", "left"):
        labels.append(alt.Chart(node_data[node_data["align"] == align]).mark_text(align=align, fontSize=12).encode(
            x=alt.X("label_x:Q", scale=x_scale, axis=no_axis),
            y=alt.Y("mid:Q", scale=y_scale, axis=no_axis),
            text="label:N",
        ))
    titles = pd.DataFrame([{"x": -0.03, "t": left_title}, {"x": 1.03, "t": right_title}])
    title_layer = alt.Chart(titles).mark_text(fontWeight="bold", dy=-14, fontSize=13).encode(
        x=alt.X("x:Q", scale=x_scale, axis=no_axis), y=alt.value(0), text="t:N")
    return alt.layer(band_layer, node_layer, *labels, title_layer).properties(height=height).configure_view(
        strokeWidth=0)
