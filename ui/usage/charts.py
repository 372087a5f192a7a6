"""Small Vega-Lite charts drawn by Streamlit's own renderer (no CDN).

`st.bar_chart` and `st.line_chart` build each chart through Altair and validate it against the
Vega-Lite JSON schema on every rerun: about half of the Usage page's time. A fixed spec given
to `st.vega_lite_chart` draws the same chart without that work.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st


def bars(frame: pd.DataFrame, x: str, series: list[str], *, temporal: bool = False) -> None:
    """Draw one bar per series and x value, side by side."""
    _chart(frame, x, series, mark="bar", temporal=temporal)


def lines(frame: pd.DataFrame, x: str, series: list[str], *, temporal: bool = False) -> None:
    """Draw one line per series."""
    _chart(frame, x, series, mark={"type": "line", "point": True}, temporal=temporal)


def _chart(frame: pd.DataFrame, x: str, series: list[str], *, mark: Any, temporal: bool) -> None:
    data = frame[[x, *series]].copy()
    if temporal:
        data[x] = pd.to_datetime(data[x])
    x_axis: dict[str, Any] = {"field": x, "type": "temporal" if temporal else "nominal"}
    if temporal:
        x_axis |= {"timeUnit": "yearmonthdate", "title": x}
    encoding: dict[str, Any] = {
        "x": x_axis,
        "y": {"field": "value", "type": "quantitative", "title": None},
        "color": {"field": "series", "type": "nominal", "title": None, "sort": series},
        "tooltip": [x_axis, {"field": "series"}, {"field": "value", "type": "quantitative"}],
    }
    if len(series) > 1 and mark == "bar":
        encoding["xOffset"] = {"field": "series", "sort": series}
    spec = {
        "transform": [{"fold": series, "as": ["series", "value"]}],
        "mark": mark,
        "encoding": encoding,
        "height": 220,
    }
    st.vega_lite_chart(data, spec)
