"""ui.chat.view.plain: untrusted text shown through Markdown renders literally."""

from __future__ import annotations

from ui.text import plain


def test_markdown_syntax_is_escaped() -> None:
    text = "*stars* [x](javascript:alert(1)) ![i](x.png) # `tick` <b>"
    assert plain(text) == (
        r"\*stars\* \[x\]\(javascript:alert\(1\)\) \!\[i\]\(x\.png\) \# \`tick\` \<b\>"
    )


def test_web_addresses_are_code_without_backslashes() -> None:
    """Escaping a bare address would put backslashes into the link GFM makes of it, so it is
    shown as a code span (literal, not a link) instead."""
    text = "Failed: http://127.0.0.1:8080/a_b?x=1 (see www.example.com/docs)."
    assert plain(text) == (
        r"Failed: `http://127.0.0.1:8080/a_b?x=1` \(see `www.example.com/docs).`"
    )
    assert plain("![i](https://evil.example/p.png)") == r"\!\[i\]\(`https://evil.example/p.png)`"
