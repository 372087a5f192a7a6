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
    "fts3_tokenizer".split()
)
FORBIDDEN_PREFIXES = ("dblink", "lo_", "pg_advisory", "pg_ls_", "pg_file")
TOOL_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_ASCII_SPACE = " \t\n\r\f\v"
# As in PostgreSQL and SQLite: every non-ASCII character is an identifier character, and "$"
# continues an identifier (a leading "$" is a dollar quote or a parameter, handled below).
_WORD = re.compile(r"[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_$\x80-\U0010ffff]*")
_NUMBER = re.compile(r"\d+(\.\d*)?([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?")
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
    tokens: list[tuple[str, str, int]] = []
    pg, i = dialect == "postgresql", 0
    while i < len(sql):
        char = sql[i]
        if char in _ASCII_SPACE:
            i += 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = len(sql) if end < 0 else end + 1
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            # PostgreSQL nests block comments and SQLite does not: refuse rather than guess.
            if end < 0 or "/*" in sql[i + 2 : end]:
                raise _reject("an unterminated or nested /* comment")
            i = end + 2
        elif char == "'":
            # E'...' strings take backslash escapes in PostgreSQL only.
            e_string = pg and tokens and tokens[-1][1] in ("E", "e") and tokens[-1][2] == i - 1
            end = _scan_quoted(sql, i, "'", backslash=bool(e_string))
            tokens.append(("string", sql[i:end], i))
            i = end
        elif char == '"' or (not pg and char in "`["):
            end = _scan_quoted(sql, i, "]" if char == "[" else char)
            tokens.append(("quoted", sql[i + 1 : end - 1], i))
            i = end
        elif pg and (match := _DOLLAR.match(sql, i)):
            end = sql.find(match.group(0), match.end())
            if end < 0:
                raise _reject("an unterminated $$ string")
            tokens.append(("string", sql[i : end + len(match.group(0))], i))
            i = end + len(match.group(0))
        elif match := _NUMBER.match(sql, i):
            tokens.append(("number", match.group(0), i))
            i = match.end()
        elif match := _WORD.match(sql, i):
            tokens.append(("word", match.group(0), i))
            i = match.end()
        else:
            # SQLite parameters ($x, :x, @x, #x) may swallow "(...)" text; none are bound here.
            if not pg and char in "$:@#":
                raise _reject(f"query parameters ({char}...) are not supported")
            tokens.append(("symbol", char, i))
            i += 1
    return tokens


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
    return sql[: tokens[ends[0]][2]] if ends else sql
