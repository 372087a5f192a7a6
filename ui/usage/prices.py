"""Token prices per endpoint, set on the page and stored for the cost estimate."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from slidegen.schemas.usage import Price


def price_form(
    prices: list[Price], models: list[str], save: Callable[[str, float, float], None]
) -> None:
    """Show the stored prices and a form to set one endpoint's price per 1k tokens."""
    with st.expander(":material/payments: Token prices", expanded=not prices):
        if prices:
            st.dataframe([p.model_dump() for p in prices], hide_index=True)
        with st.form("usage.price_form", clear_on_submit=False, border=False):
            known = sorted({*models, *(p.endpoint for p in prices)})
            endpoint = st.selectbox(
                "Endpoint", known, accept_new_options=True, key="usage.price_endpoint"
            )
            left, right = st.columns(2)
            price_in = left.number_input(
                "Price per 1k input tokens", min_value=0.0, step=0.001, format="%.4f"
            )
            price_out = right.number_input(
                "Price per 1k output tokens", min_value=0.0, step=0.001, format="%.4f"
            )
            if st.form_submit_button("Save price") and endpoint:
                save(endpoint, price_in, price_out)
                st.toast("Price saved.", icon=":material/check:")
