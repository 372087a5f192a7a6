"""Tables with a CSV download each; cells are shown as data, never as Markdown."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui.text import plain


def table(title: str, rows: list[dict[str, Any]], *, key: str, **options: Any) -> pd.DataFrame:
    """Show rows as a table under a subheader, with a CSV download button."""
    frame = pd.DataFrame(rows)
    st.subheader(plain(title))
    if frame.empty:
        st.caption("Nothing in this range.")
        return frame
    st.dataframe(frame, hide_index=True, width="stretch", **options)
    st.download_button(
        "Download CSV",
        lambda: frame.to_csv(index=False).encode(),  # made when clicked, not every rerun
        file_name=f"slidegen-{key}.csv",
        mime="text/csv",
        key=f"usage.csv.{key}",
        icon=":material/download:",
        on_click="ignore",  # a download needs no rerun
    )
    return frame
