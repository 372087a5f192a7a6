"""Read JavaScript literals (objects, arrays, strings, numbers) out of script text; run nothing.

Anything that is not a literal (a function, a variable, an expression) is skipped to the end
of its value and read as `NOT_LITERAL`, so an options object full of callbacks still yields
its literal data.
"""

from __future__ import annotations

import re
from typing import Any

NOT_LITERAL: Any = type("NotLiteral", (), {"__repr__": lambda self: "NOT_LITERAL"})()
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_NAME = re.compile(r"[A-Za-z_$][\w$]*")
_WORDS = {"true": True, "false": False, "null": None, "undefined": None}
_CLOSERS = {"(": ")", "[": "]", "{": "}"}


class JsSyntaxError(ValueError):
    """The text is not the literal it should be (unbalanced, cut off)."""


def parse_literal(text: str, start: int) -> Any:
    """Return the value of the JavaScript literal at `start` (NOT_LITERAL for an expression)."""
    return _Reader(text, start).value()


def argument_spans(text: str, start: int) -> list[tuple[int, int]]:
    """Return the (start, end) of each argument of the call whose `(` ends just before start."""
    reader, spans = _Reader(text, start), []
    while True:
        reader.skip_space()
        if reader.peek() == ")":
            return spans
        begin = reader.pos
        reader.skip_expression()
        spans.append((begin, reader.pos))
        reader.skip_space()
        if reader.peek() == ",":
            reader.pos += 1
        elif reader.peek() != ")":
            raise JsSyntaxError("unbalanced call")


class _Reader:
    def __init__(self, text: str, pos: int) -> None:
        self.text, self.pos = text, pos

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_space(self) -> None:
        while self.pos < len(self.text):
            if self.text.startswith("//", self.pos):
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            elif self.text.startswith("/*", self.pos):
                end = self.text.find("*/", self.pos + 2)
                self.pos = len(self.text) if end < 0 else end + 2
            elif self.text[self.pos].isspace():
                self.pos += 1
            else:
                return

    def value(self) -> Any:
        self.skip_space()
        begin, char = self.pos, self.peek()
        if char == "{":
            found: Any = self._object()
        elif char == "[":
            found = self._array()
        elif char in "'\"`":
            found = self._string()
        elif (number := _NUMBER.match(self.text, self.pos)) and char not in "+":
            self.pos = number.end()
            found = (
                float(number.group())
                if re.search(r"[.eE]", number.group())
                else int(number.group())
            )
        elif (name := _NAME.match(self.text, self.pos)) and name.group() in _WORDS:
            self.pos = name.end()
            found = _WORDS[name.group()]
        else:
            found = NOT_LITERAL
        self.skip_space()
        if self.peek() not in (",", "}", "]", ")", ""):  # `12 * rate`, `'$' + v`: an expression
            self.pos = begin
            found = NOT_LITERAL
        if found is NOT_LITERAL:
            self.pos = begin
            self.skip_expression()
        return found

    def _object(self) -> dict[str, Any]:
        self.pos += 1
        found: dict[str, Any] = {}
        while True:
            self.skip_space()
            if self.peek() == "}":
                self.pos += 1
                return found
            if not self.peek():
                raise JsSyntaxError("unclosed object")
            key = self._key()
            self.skip_space()
            if self.peek() == ":":
                self.pos += 1
                found[key] = self.value()
            else:  # shorthand `{ data }`, a method `callback(v) {...}`, a spread `...rest`
                self.skip_expression()
                found[key] = NOT_LITERAL
            self._comma("}")

    def _array(self) -> list[Any]:
        self.pos += 1
        found: list[Any] = []
        while True:
            self.skip_space()
            if self.peek() == "]":
                self.pos += 1
                return found
            if not self.peek():
                raise JsSyntaxError("unclosed array")
            found.append(self.value())
            self._comma("]")

    def _comma(self, closer: str) -> None:
        self.skip_space()
        if self.peek() == ",":
            self.pos += 1
        elif self.peek() != closer:
            raise JsSyntaxError(f"expected , or {closer}")

    def _key(self) -> str:
        char = self.peek()
        if char in "'\"`":
            value = self._string()
            return value if isinstance(value, str) else ""
        match = _NAME.match(self.text, self.pos) or _NUMBER.match(self.text, self.pos)
        if match:
            self.pos = match.end()
            return match.group()
        if self.text.startswith("...", self.pos) or char == "[":
            return ""  # a spread or a computed key: the value is skipped as an expression
        raise JsSyntaxError("expected a key")

    def _string(self) -> Any:
        quote, chars = self.peek(), []
        self.pos += 1
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\":
                chars.append(self.text[self.pos + 1 : self.pos + 2])
                self.pos += 2
                continue
            self.pos += 1
            if char == quote:
                text = "".join(chars)
                return NOT_LITERAL if quote == "`" and "${" in text else text
            chars.append(char)
        raise JsSyntaxError("unclosed string")

    def skip_expression(self) -> None:
        """Move past one value of any kind: up to a `,` or a closer at depth 0."""
        depth: list[str] = []
        while self.pos < len(self.text):
            self.skip_space()
            char = self.peek()
            if not char:
                break
            if char in "'\"`":
                self._string()
                continue
            if char in _CLOSERS:
                depth.append(_CLOSERS[char])
            elif char in ")]}":
                if not depth:
                    return
                if depth.pop() != char:
                    raise JsSyntaxError("unbalanced brackets")
            elif char == "," and not depth:
                return
            self.pos += 1
        if depth:
            raise JsSyntaxError("cut off")
