"""One way to say "these two tables are the same", used by every test that
compares the warehouse with a reference or one engine with another."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd


def canonical(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Same values, same representation, whatever the engine or driver: dates and
    timestamps as ISO text, decimals as floats, missing values as None, rows
    sorted by the key."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object and series.map(lambda v: isinstance(v, Decimal)).any():
            out[column] = series.map(lambda v: np.nan if v is None or pd.isna(v) else float(v)).astype(float)
        elif pd.api.types.is_datetime64_any_dtype(series) or series.map(
                lambda v: isinstance(v, (date, datetime))).any():
            out[column] = series.map(lambda v: None if pd.isna(v) else pd.Timestamp(v).isoformat())
        elif not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)):
            out[column] = series.astype(object).where(series.notna(), None)
    return out.sort_values(keys, kind="mergesort").reset_index(drop=True)


def assert_same_table(got: pd.DataFrame, expected: pd.DataFrame, keys: list[str], label: str,
                      rtol: float = 0.0, atol: float = 0.0) -> None:
    """Same columns in the same order, same rows; floats within tolerance and
    NULL in the same places, everything else equal."""
    assert list(got.columns) == list(expected.columns), label
    got, expected = canonical(got, keys), canonical(expected, keys)
    assert len(got) == len(expected), f"{label}: {len(got)} rows, expected {len(expected)}"
    for column in got.columns:
        left, right = got[column], expected[column]
        if pd.api.types.is_float_dtype(left) or pd.api.types.is_float_dtype(right):
            left = pd.to_numeric(left, errors="coerce").astype(float).to_numpy()
            right = pd.to_numeric(right, errors="coerce").astype(float).to_numpy()
            assert (np.isnan(left) == np.isnan(right)).all(), f"{label}.{column}: NULLs differ"
            np.testing.assert_allclose(left, right, rtol=rtol, atol=atol, equal_nan=True,
                                       err_msg=f"{label}.{column}")
        else:
            mismatch = ~((left == right) | (left.isna() & right.isna()))
            assert not mismatch.any(), f"{label}.{column}: {int(mismatch.sum())} rows differ, e.g. " \
                f"{left[mismatch].head(3).tolist()} vs {right[mismatch].head(3).tolist()}"
