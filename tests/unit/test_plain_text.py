"""ui.chat.view.plain: untrusted text shown through Markdown renders literally."""

from __future__ import annotations

from ui.text import plain, plain_label


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


def test_email_addresses_are_code_not_mail_links() -> None:
    """GFM makes a mailto: link of an address even with its @ and dots escaped (checked in
    Chromium: `alice\\@example\\.com` still renders as a link)."""
    assert (
        plain("Uploaded by alice.b+x@example.co.uk.") == r"Uploaded by `alice.b+x@example.co.uk`\."
    )
    assert plain("no address: a@b, @team") == r"no address: a@b, @team"


def test_a_label_keeps_a_mail_address_as_text_its_accessible_name_reads() -> None:
    assert plain_label("Permission of bob@example.com") == r"Permission of bob@example\.com"
