"""The read-only guard of the SQL tools: one SELECT, lexed as the database would lex it.

The tokenizer mirrors each dialect's quoting and comment rules, so nothing the database runs
as code can hide from it inside a quote or a comment; what it cannot decide, it refuses.
"""

from __future__ import annotations

import re

from slidegen.tools.base import ToolError

# Word lists read better than 60 quoted items, hence the noqa.
FORBIDDEN_KEYWORDS = frozenset(
    "INSERT UPDATE DELETE MERGE UPSERT INTO CREATE DROP ALTER TRUNCATE "  # noqa: SIM905
    "ATTACH DETACH PRAGMA VACUUM REINDEX COPY GRANT REVOKE CALL EXECUTE PREPARE DEALLOCATE "
    "LISTEN NOTIFY UNLISTEN LOAD LOCK BEGIN COMMIT ROLLBACK SAVEPOINT RELEASE DISCARD "
    "CHECKPOINT CLUSTER REFRESH IMPORT REASSIGN".split()
)
# Functions with effects a read-only transaction does not stop (other sessions, files, GUCs).
FORBIDDEN_FUNCTIONS = frozenset(
    "pg_terminate_backend pg_cancel_backend pg_reload_conf pg_rotate_logfile "  # noqa: SIM905
    "pg_promote pg_read_file pg_read_binary_file pg_stat_file set_config pg_notify pg_switch_wal "
    "pg_create_restore_point pg_logical_emit_message query_to_xml query_to_xmlschema "
    "query_to_xml_and_xmlschema cursor_to_xml load_extension readfile writefile edit "
    "fts3_tokenizer "
    # Databricks: secrets, outbound HTTP, JVM calls, and IDENTIFIER(), which names a function
    # in a string this check cannot see.
    "secret try_secret list_secrets http_request reflect java_method try_reflect identifier".split()
)
FORBIDDEN_PREFIXES = ("dblink", "lo_", "pg_advisory", "pg_ls_", "pg_file")
TOOL_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_ASCII_SPACE = " \t\n\r\f\v"
# Spark's lexer (Databricks SQL) also skips these Unicode spaces between tokens.
_SPARK_SPACE = (
    _ASCII_SPACE + "\u00a0\u1680\u2028\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))
)
_IDENTIFIER_QUOTES = {"sqlite": '"`[', "postgresql": '"', "databricks": "`"}
# As in PostgreSQL and SQLite: every non-ASCII character is an identifier character, and "$"
# continues an identifier (a leading "$" is a dollar quote or a parameter, handled below).
_WORD = re.compile(r"[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_$\x80-\U0010ffff]*")
# Spark: letters, digits and "_" (its lexer refuses other non-ASCII characters outside quotes).
_SPARK_WORD = re.compile(r"[^\W\d]\w*")
_NUMBER = re.compile(r"\d+(\.\d*)?([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?")
_LINE_FEED, _LINE_BREAK = re.compile("\n"), re.compile("[\r\n]")
_DOLLAR = re.compile(r"\$([A-Za-z_\x80-\U0010ffff][A-Za-z0-9_\x80-\U0010ffff]*)?\$")


def _reject(reason: str) -> ToolError:
    return ToolError(f"Query rejected: {reason}. Only one read-only SELECT statement is allowed.")


def _scan_quoted(sql: str, start: int, close: str, backslash: bool = False) -> int:
    """Return the index after the literal opened at `start`; doubled `close` escapes it."""
    i = start + 1
    while i < len(sql):
        if backslash and sql[i] == "\\":
            i += 2
        elif sql[i] == close:
            if close != "]" and sql.startswith(close * 2, i):
                i += 2
            else:
                return i + 1
        else:
            i += 1
    raise _reject("an unterminated quote")


def tokenize(sql: str, dialect: str) -> list[tuple[str, str, int]]:
    """Split SQL into (kind, text, offset) tokens, dropping comments, as `dialect` would."""
    spark = dialect == "databricks"
    if spark and "${" in sql:  # Spark may substitute ${...} (even inside strings) before parsing
        raise _reject("variable references (${...}) are not supported")
    spaces = _SPARK_SPACE if spark else _ASCII_SPACE
    tokens: list[tuple[str, str, int]] = []
    i = 0
    while i < len(sql):
        if sql[i] in spaces:
            i += 1
        elif sql.startswith("--", i):
            i = _line_comment_end(sql, i, dialect)
        elif sql.startswith("/*", i):
            i = _block_comment_end(sql, i, dialect)
        else:
            kind, end = _next_token(sql, i, dialect, tokens)
            tokens.append((kind, sql[i + 1 : end - 1] if kind == "quoted" else sql[i:end], i))
            i = end
    return tokens


def _line_comment_end(sql: str, start: int, dialect: str) -> int:
    # SQLite ends a -- comment at a line feed only; PostgreSQL and Spark at a carriage return too.
    match = (_LINE_FEED if dialect == "sqlite" else _LINE_BREAK).search(sql, start)
    end = match.start() if match else len(sql)
    # Spark continues a -- comment past a backslash-newline, older versions did not: refuse.
    if dialect == "databricks" and match and sql[end] == "\n" and sql[end - 1] == "\\":
        raise _reject("a backslash at the end of a -- comment")
    return end + 1


def _block_comment_end(sql: str, start: int, dialect: str) -> int:
    # Spark parses the inside of a /*+ ... */ hint as code.
    if dialect == "databricks" and sql.startswith("/*+", start):
        raise _reject("query hints (/*+ ... */) are not supported")
    end = sql.find("*/", start + 2)
    # PostgreSQL and Spark nest block comments and SQLite does not: refuse rather than guess.
    if end < 0 or "/*" in sql[start + 2 : end]:
        raise _reject("an unterminated or nested /* comment")
    return end + 2


def _next_token(
    sql: str, i: int, dialect: str, previous: list[tuple[str, str, int]]
) -> tuple[str, int]:
    """Return the kind of the token at `i` and the index after it."""
    char = sql[i]
    if dialect == "databricks" and char in "'\"":
        return "string", _spark_string_end(sql, i)
    if char == "'":
        # E'...' strings take backslash escapes in PostgreSQL only.
        e_string = dialect == "postgresql" and previous and previous[-1][1] in ("E", "e")
        escapes = bool(e_string) and previous[-1][2] == i - 1
        return "string", _scan_quoted(sql, i, "'", backslash=escapes)
    if char in _IDENTIFIER_QUOTES.get(dialect, '"'):
        return "quoted", _scan_quoted(sql, i, "]" if char == "[" else char)
    if dialect == "postgresql" and (match := _DOLLAR.match(sql, i)):
        end = sql.find(match.group(0), match.end())
        if end < 0:
            raise _reject("an unterminated $$ string")
        return "string", end + len(match.group(0))
    if match := _NUMBER.match(sql, i):
        return "number", match.end()
    if match := (_SPARK_WORD if dialect == "databricks" else _WORD).match(sql, i):
        return "word", match.end()
    # SQLite parameters ($x, :x, @x, #x) may swallow "(...)" text; none are bound here.
    if dialect == "sqlite" and char in "$:@#":
        raise _reject(f"query parameters ({char}...) are not supported")
    # Spark lexes scheme://... as one identifier, "--" and "/*" inside it included.
    if dialect == "databricks" and sql.startswith("://", i):
        raise _reject("unquoted paths (scheme://...) are not supported; quote them with backticks")
    return "symbol", i + 1


def _spark_string_end(sql: str, start: int) -> int:
    """Return the index after a Spark '...' or "..." literal.

    Spark reads these with backslash escapes, but r'...' raw strings (and "..." when double
    quotes name identifiers) without them. Refusing a backslash right before the closing quote
    character makes every reading end every literal at the same place.
    """
    close, i = sql[start], start + 1
    while i < len(sql):
        if sql[i] == "\\":
            if sql.startswith(close, i + 1):
                raise _reject(
                    f"a backslash before {close} inside a string (to write {close}, "
                    "enclose the text in the other kind of quotes)"
                )
            i += 2
        elif sql[i] == close:
            return i + 1  # '' is the next literal, which Spark joins to this one
        else:
            i += 1
    raise _reject("an unterminated quote")


def validate_select(sql: str, dialect: str) -> str:
    """Return the single read-only statement in `sql` (without its final ;) or raise ToolError."""
    tokens = tokenize(sql, dialect)
    ends = [n for n, token in enumerate(tokens) if token[:2] == ("symbol", ";")]
    if ends and ends[0] != len(tokens) - 1:
        raise _reject("more than one statement")
    body = tokens[: ends[0]] if ends else tokens
    first = next((t for t in body if t[:2] != ("symbol", "(")), None)
    if first is None or first[0] != "word" or first[1].upper() not in ("SELECT", "WITH"):
        raise _reject("the query must start with SELECT or WITH")
    for n, (kind, text, _) in enumerate(body):
        if kind == "word" and text.upper() in FORBIDDEN_KEYWORDS:
            raise _reject(f"{text.upper()} is not allowed")
        calls = n + 1 < len(body) and body[n + 1][:2] == ("symbol", "(")
        name = text.lower()
        forbidden = name in FORBIDDEN_FUNCTIONS or name.startswith(FORBIDDEN_PREFIXES)
        if kind in ("word", "quoted") and calls and forbidden:
            raise _reject(f"the function {name}() is not allowed")
        script = n + 1 < len(body) and body[n + 1][0] == "string" and name == "using"
        if dialect == "databricks" and kind == "word" and script:  # Hive TRANSFORM ... USING
            raise _reject("TRANSFORM scripts (USING '...') are not allowed")
    return sql[: tokens[ends[0]][2]] if ends else sql
