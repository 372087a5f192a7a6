"""A small CSS cascade for export: the style's rules, matched against the slide's elements.

Only what the slide contract's styles use is understood: type, class and compound selectors
joined by descendant or child combinators, `var()` from the `.slide` rule, px/em/pt/%
lengths, hex and rgb(a) colours. Selectors with pseudo-classes, attributes or sibling
combinators are ignored, as are unknown properties: unknown CSS degrades, it never fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lxml.html import HtmlElement

INHERITED = frozenset(
    {
        "color",
        "font-family",
        "font-size",
        "font-weight",
        "font-style",
        "line-height",
        "text-align",
        "text-transform",
        "white-space",
    }
)
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_RULE = re.compile(r"([^{}@]+)\{([^{}]*)\}")
_DECL = re.compile(r"([\w-]+)\s*:\s*([^;]+)")
_COMPOUND = re.compile(r"^([a-zA-Z][\w-]*)?((?:\.[\w-]+)*)$")
_VAR = re.compile(r"var\(\s*(--[\w-]+)\s*(?:,\s*([^()]*))?\)")
_HEX = re.compile(r"#([0-9a-fA-F]{3,8})\b")
_RGB = re.compile(r"rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)")
_NAMED = {"white": (255, 255, 255), "black": (0, 0, 0), "transparent": None}

Compound = tuple[str | None, frozenset[str]]


@dataclass(frozen=True)
class Rule:
    """One selector (of a comma list) with its declarations and cascade order."""

    chain: tuple[Compound, ...]
    specificity: tuple[int, int]
    order: int
    decls: tuple[tuple[str, str], ...]


class Stylesheet:
    """Parsed rules of a style, indexed by the last compound's key for quick matching."""

    def __init__(self, css: str) -> None:
        self.rules: list[Rule] = []
        self.before: list[Rule] = []  # `::before` rules (the styles' decorative bars)
        self.variables: dict[str, str] = {}
        for order, (selectors, body) in enumerate(_RULE.findall(_COMMENT.sub("", css))):
            decls = tuple(
                (name.lower(), value.replace("!important", "").strip())
                for name, value in _DECL.findall(body)
            )
            for selector in selectors.split(","):
                selector = selector.strip()
                pseudo = selector.endswith("::before")
                chain = _parse_selector(selector.removesuffix("::before"))
                if chain is None:
                    continue
                if chain == ((None, frozenset({"slide"})),):
                    self.variables.update((n, v) for n, v in decls if n.startswith("--"))
                classes = sum(len(c) for _, c in chain)
                tags = sum(1 for t, _ in chain if t)
                rule = Rule(chain, (classes, tags), order, decls)
                (self.before if pseudo else self.rules).append(rule)

    def resolve(self, value: str, depth: int = 0) -> str:
        """Replace `var(--x, fallback)` with the style's value."""
        if depth > 5 or "var(" not in value:
            return value
        return self.resolve(
            _VAR.sub(lambda m: self.variables.get(m.group(1), m.group(2) or ""), value), depth + 1
        )

    def declarations(self, path: tuple[Compound, ...], *, before: bool = False) -> dict[str, str]:
        """Return the declarations that apply to the last element of an ancestor path."""
        rules = self.before if before else self.rules
        matched = [rule for rule in rules if _matches(rule.chain, path)]
        matched.sort(key=lambda r: (r.specificity, r.order))
        out: dict[str, str] = {}
        for rule in matched:
            for name, value in rule.decls:
                if not name.startswith("--"):
                    out[name] = self.resolve(value)
        return out


_STRUCTURAL = {
    ":first-child": ".__first",
    ":last-child": ".__last",
    ":nth-child(even)": ".__even",
    ":nth-child(odd)": ".__odd",
}


def _parse_selector(selector: str) -> tuple[Compound, ...] | None:
    for pseudo, token in _STRUCTURAL.items():
        selector = selector.replace(pseudo, token)
    if not selector or any(ch in selector for ch in ":[+~*#"):
        return None
    chain = []
    for part in selector.replace(">", " ").split():
        match = _COMPOUND.match(part)
        if not match or not (match.group(1) or match.group(2)):
            return None
        classes = frozenset(c for c in match.group(2).split(".") if c)
        chain.append(((match.group(1) or "").lower() or None, classes))
    return tuple(chain)


def _fits(compound: Compound, element: Compound) -> bool:
    tag, classes = compound
    return (tag is None or tag == element[0]) and classes <= element[1]


def _matches(chain: tuple[Compound, ...], path: tuple[Compound, ...]) -> bool:
    if not path or not _fits(chain[-1], path[-1]):
        return False
    position = len(path) - 2
    for compound in reversed(chain[:-1]):
        while position >= 0 and not _fits(compound, path[position]):
            position -= 1
        if position < 0:
            return False
        position -= 1
    return True


def compound_of(element: HtmlElement) -> Compound:
    """Return the element's tag and classes."""
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    classes = (element.get("class") or "").split()
    parent = element.getparent()
    if parent is not None:  # structural pseudo-classes as pseudo class names
        siblings = [c for c in parent if isinstance(c.tag, str)]
        position = next((i for i, c in enumerate(siblings) if c is element), 0) + 1
        classes.append("__even" if position % 2 == 0 else "__odd")
        if position == 1:
            classes.append("__first")
        if position == len(siblings):
            classes.append("__last")
    return tag, frozenset(classes)


@lru_cache(maxsize=4096)
def parse_colour(value: str, over: tuple[int, int, int] = (255, 255, 255)) -> str | None:
    """Return `RRGGBB` for a CSS colour (alpha blended over `over`), or None if none is given."""
    value = value.strip().lower()
    if value in _NAMED:
        rgb = _NAMED[value]
        return None if rgb is None else "".join(f"{c:02X}" for c in rgb)
    if match := _HEX.search(value):
        digits = match.group(1)
        if len(digits) in (3, 4):
            digits = "".join(c * 2 for c in digits)
        if len(digits) not in (6, 8):
            return None
        rgb = tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4))
        alpha = int(digits[6:8], 16) / 255 if len(digits) == 8 else 1.0
        return _blend(rgb, alpha, over)
    if match := _RGB.search(value):
        rgb = tuple(min(255, round(float(match.group(i)))) for i in (1, 2, 3))
        raw = match.group(4) or "1"
        alpha = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
        return None if alpha < 0.02 else _blend(rgb, min(alpha, 1.0), over)
    return None


def _blend(rgb: tuple[int, ...], alpha: float, over: tuple[int, int, int]) -> str:
    mixed = (round(c * alpha + o * (1 - alpha)) for c, o in zip(rgb, over, strict=True))
    return "".join(f"{c:02X}" for c in mixed)


def rgb_tuple(hex6: str) -> tuple[int, int, int]:
    """Return (r, g, b) for `RRGGBB`."""
    return int(hex6[0:2], 16), int(hex6[2:4], 16), int(hex6[4:6], 16)


def length(value: str | None, base: float, default: float = 0.0) -> float:
    """Return a CSS length in px (em and % relative to `base`)."""
    if not value:
        return default
    match = re.match(r"\s*(-?[\d.]+)\s*(px|em|rem|pt|%)?", value)
    if not match:
        return default
    number, unit = float(match.group(1)), match.group(2) or "px"
    factor = {"px": 1.0, "em": base, "rem": 22.0, "pt": 4 / 3, "%": base / 100}[unit]
    return number * factor


def box_sides(value: str | None, base: float) -> tuple[float, float, float, float]:
    """Return (top, right, bottom, left) px of a padding or margin shorthand."""
    parts = [length(p, base) for p in (value or "0").split()[:4]] or [0.0]
    while len(parts) < 4:
        parts.append(parts[{1: 0, 2: 0, 3: 1}[len(parts)]])
    return parts[0], parts[1], parts[2], parts[3]


def padding(decls: dict[str, str], base: float) -> tuple[float, float, float, float]:
    """Return (top, right, bottom, left) px of an element's padding, longhands included."""
    sides = list(box_sides(decls.get("padding"), base))
    for index, side in enumerate(("top", "right", "bottom", "left")):
        if f"padding-{side}" in decls:
            sides[index] = length(decls[f"padding-{side}"], base)
    return sides[0], sides[1], sides[2], sides[3]
