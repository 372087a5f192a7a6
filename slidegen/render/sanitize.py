"""Make slide HTML and deck CSS script-free and fetch-free before storage (decision 1)."""

from __future__ import annotations

import re
import unicodedata

import nh3
from pydantic import BaseModel, ConfigDict

# The slide contract's building blocks plus common inline formatting. `a` is deliberately
# absent: links are not part of the contract, a click would carry data out of the sandboxed
# frame (navigation is not covered by CSP), and "add links" is a classic prompt-injection
# ask. nh3 unwraps a dropped tag, so the link text stays.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {"p", "h1", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "b", "i", "u", "s"}
    | {"sub", "sup", "br", "hr", "span", "div", "section", "figure", "figcaption", "table"}
    | {"thead", "tbody", "tfoot", "tr", "th", "td", "caption", "blockquote", "cite", "code"}
    | {"pre", "small", "mark", "img", "aside", "footer", "header"}
)
# Removed together with their content: unwrapping them would leave script source, foreign
# markup or raw text behind as visible slide text.
DROPPED_WITH_CONTENT: frozenset[str] = frozenset(
    {"script", "style", "svg", "math", "template", "noscript", "title", "iframe", "object"}
    | {"embed", "applet", "textarea", "select", "noembed", "noframes", "xmp", "head"}
)
# `id` is left out: the contract never needs it, and ids from many slides would collide in
# the one-document HTML export. `data-chart` carries the chart spec the LLM writes (inert
# text without scripts); the others are the ids and edit operations of decision 6.
_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "style", "title", "data-slide-id", "data-chart-id", "data-chart"}
    | {"data-op", "data-after"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
_IMAGE_SRC = re.compile(
    r"image:[A-Za-z0-9_-]+|data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/]*={0,2}"
)
_DIMENSION = re.compile(r"\d{1,4}(?:px|%)?")
_URL_IGNORED = re.compile(r"[\t\n\r]+")


class CssRemoval(BaseModel):
    """One declaration or rule that was stripped from a stylesheet, and why."""

    model_config = ConfigDict(frozen=True)

    selector_or_at_rule: str
    declaration: str
    reason: str


class CssSanitizeResult(BaseModel):
    """The safe stylesheet and what was removed from it."""

    model_config = ConfigDict(frozen=True)

    css: str
    removed: list[CssRemoval]


def sanitize_slide_html(html: str) -> str:
    """Return slide HTML with only allow-listed tags, attributes and image sources."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        strip_comments=True,
        link_rel=None,
        # nh3 checks schemes before attribute_filter sees src; the filter then narrows
        # `data:` to raster images and `image:` to library ids.
        url_schemes={"image", "data"},
        url_relative="deny",
    )


def sanitize_style_attribute(style: str) -> str:
    """Return an inline style with every unsafe declaration removed."""
    lines = _CssFilter().items(_preprocess(style), "style", in_rule=True, depth=-1)
    return "; ".join(line[:-1] for line in lines)  # each line ends with its own ';'


def sanitize_css(css: str) -> CssSanitizeResult:
    """Return a deck stylesheet without fetches, script hooks or breakouts, and the removals."""
    walker = _CssFilter()
    lines = walker.items(_preprocess(css), "", in_rule=False)
    return CssSanitizeResult(css="".join(f"{line}\n" for line in lines), removed=walker.removed)


def _filter_attribute(tag: str, attr: str, value: str) -> str | None:
    """Narrow the values of attributes nh3 lets through; None drops the attribute."""
    if attr == "style":
        return sanitize_style_attribute(value) or None
    if tag == "img" and attr == "src":
        # The URL parser drops tabs and newlines anywhere, so compare (and keep) that form.
        compact = _URL_IGNORED.sub("", value.strip())
        return compact if _IMAGE_SRC.fullmatch(compact) else None
    if attr in ("width", "height"):
        return value.strip() if _DIMENSION.fullmatch(value.strip()) else None
    return value


# --- CSS -----------------------------------------------------------------------------------
# Strategy: strip comments, split into rules and declarations with a small string- and
# bracket-aware scanner that mirrors the CSS tokenizer, check each piece on a normalised copy
# (escapes decoded, whitespace and case removed), and re-emit only the pieces that pass. What
# is checked is exactly what is emitted, so tricks that depend on comments or escapes either
# show up in the normalised copy or cannot form a dangerous token.

_BLOCK_AT_RULES = {"media", "supports", "container", "layer", "keyframes", "-webkit-keyframes"}
_DECLARATION_AT_RULES = {"page"}  # its body holds declarations, not rules
_STATEMENT_AT_RULES = {"layer"}
_AT_RULE_REASONS = {
    "import": "@import loads a remote stylesheet",
    "font-face": "@font-face downloads font files",
    "namespace": "@namespace is not allowed",
}
# Checked on the normalised copy. Property-like patterns end with ':' because whitespace is
# gone by then.
_FORBIDDEN = (
    ("@import", "@import loads a remote stylesheet"),
    ("expression(", "expression() runs script in old browsers"),
    ("-moz-binding", "-moz-binding loads script"),
    ("behavior:", "behavior loads script"),
    ("javascript:", "javascript: URLs are not allowed"),
    ("vbscript:", "vbscript: URLs are not allowed"),
    ("image-set(", "image-set() can fetch remote images"),
    ("image(", "image() can fetch remote images"),
    ("src(", "src() fetches a resource"),
    ("progid:", "progid filters load resources"),
)
_MALFORMED = "unbalanced quotes or brackets, or a dangling escape"
_URL_REASON = "url() may only embed a base64 data:image (png, jpeg, gif or webp)"
_DATA_URL = re.compile(r"url\((['\"]?)data:image/(?:png|jpeg|gif|webp);base64,[a-z0-9+/]*=*\1\)")
_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n]?|\\(.)", re.DOTALL)
_PROPERTY = re.compile(r"--[A-Za-z0-9_-]+|-?[A-Za-z][A-Za-z0-9-]*")
_AT_NAME = re.compile(r"@(-?[A-Za-z][A-Za-z0-9-]*)")
# `fixed` positions against the viewport, not the slide, so it escapes the slide box (and can
# overlay a whole page wherever slides share one). `sticky` stays inside its scroll container,
# the slide (which clips its overflow), so it is allowed. Anything else, var() included,
# could smuggle `fixed` in.
_POSITIONS = {"static", "relative", "absolute", "sticky", "inherit", "initial", "unset"}
_POSITIONS |= {"revert", "revert-layer"}
_PAIRS = {"(": ")", "[": "]", "{": "}"}
# A string ends at its quote or, as a bad string, before an unescaped newline.
_STRING_PATTERN = r"\"(?:[^\"\\\n]|\\.)*(\"?)|'(?:[^'\\\n]|\\.)*('?)"
_STRING = re.compile(_STRING_PATTERN, re.DOTALL)
_COMMENT = re.compile(rf"((?:{_STRING_PATTERN})|\\.)|/\*.*?(?:\*/|\Z)", re.DOTALL)
_MAX_DEPTH = 8  # real stylesheets nest two or three levels; the cap bounds recursion


def _preprocess(css: str) -> str:
    """Apply the CSS input preprocessing, then drop comments."""
    css = css.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    # Strings and escapes are matched first so that a '/*' inside them is not a comment.
    return _COMMENT.sub(lambda m: m.group(1) or "", css.replace("\x00", "\ufffd"))


def _skip_string(text: str, i: int) -> tuple[int, bool]:
    """Return the index after the string starting at i, and whether it was closed."""
    match = _STRING.match(text, i)
    if match is None:  # unreachable while i is at a quote; fail closed all the same
        return i + 1, False
    return match.end(), bool(match.group(1) or match.group(2))


def _scan(text: str, i: int, stops: str) -> tuple[int, bool]:
    """Return the first stop character outside brackets and strings, and whether the span is
    well formed (closed strings, matched brackets, no dangling escape)."""
    stack: list[str] = []
    ok, n = True, len(text)
    while i < n:
        char = text[i]
        if not stack and char in stops:
            return i, ok
        if char == "\\":
            ok = ok and i + 1 < n
            i += 2
            continue
        if char in "\"'":
            i, closed = _skip_string(text, i)
            ok = ok and closed
            continue
        if char in _PAIRS:
            stack.append(_PAIRS[char])
        elif char in ")]}":
            # Like the CSS parser, a closer that does not match the open block is ignored.
            if stack and stack[-1] == char:
                stack.pop()
            else:
                ok = False
        i += 1
    return n, ok and not stack


def _normalise(text: str) -> str:
    """Return text with CSS escapes decoded (repeatedly), whitespace removed and lowercased."""
    for _ in range(5):
        decoded = _ESCAPE.sub(_decode_escape, text)
        if decoded == text:
            break
        text = decoded
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(c for c in text if not (c.isspace() or unicodedata.category(c)[0] == "C"))


def _decode_escape(match: re.Match[str]) -> str:
    """Decode one CSS escape the way the tokenizer does."""
    if match.group(1) is None:
        return "" if match.group(2) == "\n" else match.group(2)
    code = int(match.group(1), 16)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


def _danger(text: str) -> str | None:
    """Return why a rule prelude or declaration is unsafe, or None."""
    if "</" in text or "<!--" in text or "-->" in text:
        return "markup inside CSS could close the <style> element"
    norm = _normalise(text)
    for pattern, reason in _FORBIDDEN:
        if pattern in norm:
            return reason
    for match in re.finditer(r"url\(", norm):
        if not _DATA_URL.match(norm, match.start()):
            return _URL_REASON
    return None


def _declaration_problem(text: str, well_formed: bool) -> str | None:
    """Return why a declaration must go, or None to keep it."""
    name, colon, value = text.partition(":")
    if not well_formed:
        return _MALFORMED
    if not colon or not _PROPERTY.fullmatch(name.strip()):
        return "not a plain `property: value` declaration"
    if reason := _danger(text):
        return reason
    position = _normalise(value).removesuffix("!important")
    if name.strip().lower() == "position" and position not in _POSITIONS:
        fixed = "fixed" in position
        return "position: fixed escapes the slide" if fixed else "use a plain position keyword"
    return None


def _at_rule_name(head: str) -> str:
    """Return the lower-cased name of an at-rule; an escaped name gives '?'."""
    match = _AT_NAME.match(head)
    return match.group(1).lower() if match else "?"


def _at_rule_problem(head: str, ok: bool, allowed: set[str]) -> str | None:
    """Return why an at-rule must go, or None."""
    name = _at_rule_name(head)
    if name in _AT_RULE_REASONS:
        return _AT_RULE_REASONS[name]
    if name not in allowed:
        return f"@{name} is not an allowed at-rule"
    return None if ok else _MALFORMED


class _CssFilter:
    """Walk rules and declarations, emitting what passes and recording what does not."""

    def __init__(self) -> None:
        self.removed: list[CssRemoval] = []

    def drop(self, where: str, declaration: str, reason: str) -> list[str]:
        """Record a removal and emit nothing."""
        self.removed.append(
            CssRemoval(selector_or_at_rule=where, declaration=declaration, reason=reason)
        )
        return []

    def items(self, text: str, context: str, *, in_rule: bool, depth: int = 0) -> list[str]:
        """Sanitise a rule list or declaration list; return the lines to emit."""
        # A negative depth marks a style attribute, where no block is allowed at all.
        lines: list[str] = []
        i, n = 0, len(text)
        while i < n:
            if text[i].isspace() or text[i] in ";}":  # a stray '}' closes nothing we emit
                i += 1
                continue
            end, ok = _scan(text, i, "{;}")
            head = text[i:end].strip()
            # Stripping `\ ` would leave a backslash that escapes the ';' or '{' we add.
            ok = ok and (len(head) - len(head.rstrip("\\"))) % 2 == 0
            if end < n and text[end] == "{":
                close, _ = _scan(text, end + 1, "}")
                body = text[end + 1 : close]
                i = close + 1
                if not 0 <= depth < _MAX_DEPTH:
                    lines += self.drop(context, head, "nested rule not allowed here")
                else:
                    lines += self.block(head, ok, body, context, in_rule=in_rule, depth=depth)
                continue
            i = end + 1 if end < n and text[end] == ";" else end
            if head.startswith("@"):
                reason = _at_rule_problem(head, ok, _STATEMENT_AT_RULES) or _danger(head)
                lines += self.drop(head, "", reason) if reason else [f"{head};"]
            elif not in_rule:
                lines += self.drop(context, head, "declaration outside any style rule")
            elif reason := _declaration_problem(head, ok):
                lines += self.drop(context, head, reason)
            else:
                lines.append(f"{head};")
        return lines

    def block(
        self, head: str, ok: bool, body: str, context: str, *, in_rule: bool, depth: int
    ) -> list[str]:
        """Sanitise one `prelude { body }` block; drop it whole when its prelude is unsafe."""
        label = f"{context} {head}".strip()
        if head.startswith("@"):
            reason = _at_rule_problem(head, ok, _BLOCK_AT_RULES | _DECLARATION_AT_RULES)
            in_rule = in_rule or _at_rule_name(head) in _DECLARATION_AT_RULES
        elif not head or head.startswith("--"):
            reason, in_rule = "empty selector or custom property with a block value", True
        else:
            reason, in_rule = (None if ok else _MALFORMED), True
        if reason := reason or _danger(head):
            return self.drop(label, "", reason)
        inner = self.items(body, label, in_rule=in_rule, depth=depth + 1)
        return [f"{head} {{", *(f"  {line}" for line in inner), "}"] if inner else []
