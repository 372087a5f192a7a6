"""Untrusted text reaches Streamlit's Markdown only through ui/text.py (decision 12).

The audit walks app_pages/ and ui/ with `ast`; planted examples prove each kind of call it
covers can fail, and that the idioms it accepts are really safe.
"""

from __future__ import annotations

import pytest

from tests.import_graph import ROOT
from tests.markdown_audit import audit_source, audit_tree
from ui.text import plain, plain_label


def test_app_pages_and_ui_show_untrusted_text_only_through_the_helper() -> None:
    findings = audit_tree(ROOT)
    assert not findings, "Markdown-rendering calls with unescaped text:\n" + "\n".join(
        map(str, findings)
    )


UNSAFE = [
    "st.write(slide.notes)",
    "st.markdown(f'**{chart.title}**')",
    "st.caption(deck_prompt.description or '')",
    "st.error(exc.user_message)",
    "st.subheader(prompt.name if prompt else 'New')",
    "st.button(f'{row.title} · {row.slide_count:d} slides')",
    "st.checkbox('Sure', help=profile.name)",
    "st.expander(f'Notes of {deck.title}')",
    "st.tabs(['HTML', series.name])",
    "st.popover(image.name)",
    "st.radio('Pick', names)",
    "st.radio('Pick', ids, format_func=lambda i: names[i])",
    "st.column_config.TextColumn(series.name)",
    "st.column_config.NumberColumn('Value', help=series.name)",
    "st.progress(0.5, text=f'{job.name}')",
    "st.status(request.progress_message)",
    "st.toast(copy.title)",
    "st.dialog(deck.title)",
    "getattr(st, kind)(message)",
    "row[0].markdown(f'{grant.principal_id}')",
    "label = deck.title\nst.button(label)",
    "def show(title):\n    st.header(title)",
    "def label(d):\n    return d.title\nst.button(label(d))",
    "st.write(f'{count} items')",
]


@pytest.mark.parametrize("source", UNSAFE)
def test_a_planted_unescaped_text_is_found(source: str) -> None:
    assert audit_source("import streamlit as st\n" + source), source


SAFE = [
    "st.write(plain(slide.notes))",
    "st.markdown(f'**{plain(chart.title)}**')",
    "st.button(f'{plain_label(row.title)} · {row.slide_count:d} slides')",
    "st.caption(f'{len(items)} items · page {page + 1} · {when:%Y-%m-%d}')",
    "st.tabs(['HTML', 'Speaker notes', f'Charts ({len(charts)})'])",
    "label = 'Save' if dirty else 'Saved'\nst.button(label)",
    "st.radio('Who', VISIBILITIES, format_func=LABELS.get, captions=[HELP[v] for v in V])",
    "def label(d):\n    return plain_label(d.title)\nst.button(label(d))",
    "logger.error(exc.user_message)",
]


@pytest.mark.parametrize("source", SAFE)
def test_escaped_or_literal_text_passes(source: str) -> None:
    assert not audit_source("import streamlit as st\n" + source), source


def test_plain_label_is_one_escaped_line() -> None:
    assert plain_label("Q3 ![x](http://127.0.0.1:9/a)\n\n# big") == (
        r"Q3 \!\[x\]\(`http://127.0.0.1:9/a)` \# big"
    )
    assert plain_label("**Revenue**") == plain("**Revenue**")
