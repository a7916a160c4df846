# ruff: noqa: PLR0912, PLR0915 -- a scanner is one loop with a branch per lexical rule
"""A tokenizer and statement splitter that follows PostgreSQL's lexical rules (scan.l).

Used inside the server, where pglast cannot run (it crashes the backend), to decide how
many statements a text holds and what kind each one is. Handles: -- and nested /* */
comments, '' strings (with backslash escapes when standard_conforming_strings is off),
E'' / B'' / X'' / N'' / U&'' strings, "" and U&"" quoted identifiers, $tag$ dollar
quoting, $n parameters, and BEGIN ATOMIC ... END bodies of CREATE FUNCTION/PROCEDURE
(whose semicolons do not end the statement, as in psql).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

# Token kinds
WORD = "word"  # keyword or unquoted identifier (text keeps its case; .upper for keywords)
QIDENT = "qident"  # "quoted identifier" or U&"..."
STRING = "string"
DOLLAR = "dollar"  # $tag$...$tag$
NUMBER = "number"
PARAM = "param"  # $1
OP = "op"
PUNCT = "punct"  # ( ) [ ] , ; : :: .
COMMENT = "comment"
SPACE = "space"

OP_CHARS = frozenset("+-*/<>=~!@#%^&|`?")
# Runs of one kind, matched at a position with C speed; the rules stay the hand-written ones.
_SPACE_RUN = re.compile(r"\s+")
_IDENT_RUN = re.compile(r"[^\W\d][\w$]*")  # letters (any script), digits, _, $
_IDENT_TAIL = re.compile(r"[\w$]+")
# The common, simple tokens in one pattern (plan filters are mostly these); anything else —
# comments, prefixed or dollar-quoted strings, quoted identifiers, odd numbers, an operator
# holding "--" or "/*" — fails it and takes the hand-written rules below.
_FAST = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<word>[^\W\d][\w$]*)(?![\w'&\"\x80-\uffff])"
    r"|(?P<number>\d+)(?![\w.$])"
    r"|(?P<punct>::|[(),;\[\]:]|\.(?!\d))"
    r"|(?P<string>'(?:[^']|'')*')(?!')"
    r"|(?P<op>[-+*<>=~!@#%^&|`?]+|/(?![*]))(?![-+*/<>=~!@#%^&|`?])"
)
_FAST_KIND = {"space": SPACE, "word": WORD, "number": NUMBER, "punct": PUNCT, "string": STRING, "op": OP}
_OP_RUN = re.compile(r"[-+*/<>=~!@#%^&|`?]+")
PUNCT_CHARS = frozenset("()[],;:.")


class LexError(ValueError):
    """The text cannot be tokenized (an unterminated string, comment or identifier)."""

    def __init__(self, message: str, position: int):
        super().__init__(message)
        self.position = position


class Token(NamedTuple):
    kind: str
    text: str
    start: int

    @property
    def upper(self) -> str:
        return self.text.upper()


def _ident_start(ch: str) -> bool:
    return ch.isalpha() or ch == "_" or ord(ch) >= 0x80


def _ident_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_$" or ord(ch) >= 0x80


def _line_col(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    return f"line {line}, position {pos + 1}"


_new_token = tuple.__new__  # Token(...) without the namedtuple constructor's overhead
_NEEDS_FULL_RULES = re.compile(r"--|/\*|[$\"\\]|(?<![\w$])[EeBbXxNnUu]&?'")


def tokenize(sql: str, standard_conforming_strings: bool = True, keep_trivia: bool = False) -> list[Token]:
    """Tokens of sql; comments and whitespace only when keep_trivia. Raises LexError."""
    if not keep_trivia and standard_conforming_strings and not _NEEDS_FULL_RULES.search(sql):
        # Only simple tokens (most plan filters): one pass of the fast pattern, if it covers all.
        tokens = []
        covered = 0
        for m in _FAST.finditer(sql):
            if m.start() != covered:
                break
            covered = m.end()
            if m.lastgroup != "space":
                tokens.append(_new_token(Token, (_FAST_KIND[m.lastgroup], m.group(), m.start())))
        else:
            if covered == len(sql):
                return tokens
    tokens: list[Token] = []
    n = len(sql)
    i = 0
    fast = _FAST.match
    while i < n:
        m = fast(sql, i)
        if m is not None:
            group = m.lastgroup
            text = m.group()
            if not (
                (group == "op" and ("--" in text or "/*" in text))
                or (group == "string" and not standard_conforming_strings)
            ):
                if group != "space" or keep_trivia:
                    tokens.append(Token(_FAST_KIND[group], text, i))
                i = m.end()
                continue
        ch = sql[i]
        start = i
        if ch.isspace():
            i = _SPACE_RUN.match(sql, i).end()
            if keep_trivia:
                tokens.append(Token(SPACE, sql[start:i], start))
            continue
        nxt = sql[i + 1] if i + 1 < n else ""
        if ch == "-" and nxt == "-":
            end = sql.find("\n", i)
            i = n if end < 0 else end
            if keep_trivia:
                tokens.append(Token(COMMENT, sql[start:i], start))
            continue
        if ch == "/" and nxt == "*":
            i = _skip_block_comment(sql, i)
            if keep_trivia:
                tokens.append(Token(COMMENT, sql[start:i], start))
            continue
        # Prefixed strings and identifiers: E'', B'', X'', N'', U&'', U&""
        up = ch.upper()
        if up in "EBXN" and nxt == "'":
            backslash = up == "E"
            i = _skip_string(sql, i + 1, backslash=backslash)
            tokens.append(Token(STRING, sql[start:i], start))
            continue
        if up == "U" and nxt == "&" and i + 2 < n and sql[i + 2] in "'\"":
            if sql[i + 2] == "'":
                i = _skip_string(sql, i + 2, backslash=False)
                tokens.append(Token(STRING, sql[start:i], start))
            else:
                i = _skip_quoted_ident(sql, i + 2)
                tokens.append(Token(QIDENT, sql[start:i], start))
            continue
        if ch == "'":
            i = _skip_string(sql, i, backslash=not standard_conforming_strings)
            tokens.append(Token(STRING, sql[start:i], start))
            continue
        if ch == '"':
            i = _skip_quoted_ident(sql, i)
            tokens.append(Token(QIDENT, sql[start:i], start))
            continue
        if _ident_start(ch):
            match = _IDENT_RUN.match(sql, i)
            i = match.end() if match else i + 1
            while i < n and _ident_char(sql[i]):  # characters >= 0x80 that are not letters
                match = _IDENT_TAIL.match(sql, i)
                i = match.end() if match else i + 1
            tokens.append(Token(WORD, sql[start:i], start))
            continue
        if ch == "$":
            if nxt.isdigit():
                i += 1
                while i < n and sql[i].isdigit():
                    i += 1
                tokens.append(Token(PARAM, sql[start:i], start))
                continue
            tag_end = _dollar_tag_end(sql, i)
            if tag_end is None:
                raise LexError(f"unexpected '$' at {_line_col(sql, i)}", i)
            tag = sql[i:tag_end]
            close = sql.find(tag, tag_end)
            if close < 0:
                raise LexError(f"unterminated dollar-quoted string {tag} at {_line_col(sql, i)}", i)
            i = close + len(tag)
            tokens.append(Token(DOLLAR, sql[start:i], start))
            continue
        if ch.isdigit() or (ch == "." and nxt.isdigit()):
            i = _skip_number(sql, i)
            tokens.append(Token(NUMBER, sql[start:i], start))
            continue
        if ch == ":" and nxt == ":":
            tokens.append(Token(PUNCT, "::", start))
            i += 2
            continue
        if ch in PUNCT_CHARS:
            tokens.append(Token(PUNCT, ch, start))
            i += 1
            continue
        if ch in OP_CHARS:
            end = _OP_RUN.match(sql, i).end()
            # An operator stops where a comment starts (scan.l does the same).
            cut = min(
                (p for p in (sql.find("--", i + 1, end), sql.find("/*", i + 1, end)) if p > 0), default=end
            )
            i = cut
            tokens.append(Token(OP, sql[start:i], start))
            continue
        raise LexError(f"unexpected character {ch!r} at {_line_col(sql, i)}", i)
    return tokens


def _skip_block_comment(sql: str, i: int) -> int:
    depth = 0
    n = len(sql)
    start = i
    while i < n:
        if sql.startswith("/*", i):
            depth += 1
            i += 2
        elif sql.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    raise LexError(f"unterminated /* comment at {_line_col(sql, start)}", start)


def _skip_string(sql: str, i: int, backslash: bool) -> int:
    """i is at the opening quote; returns the index after the closing one."""
    n = len(sql)
    start = i
    i += 1
    if not backslash:
        while True:
            i = sql.find("'", i)
            if i < 0:
                break
            if i + 1 < n and sql[i + 1] == "'":
                i += 2
                continue
            return i + 1
        i = n
    while i < n:
        ch = sql[i]
        if backslash and ch == "\\":
            i += 2
            continue
        if ch == "'":
            if i + 1 < n and sql[i + 1] == "'":
                i += 2
                continue
            return i + 1
        i += 1
    raise LexError(f"unterminated quoted string at {_line_col(sql, start)}", start)


def _skip_quoted_ident(sql: str, i: int) -> int:
    n = len(sql)
    start = i
    i += 1
    while i < n:
        if sql[i] == '"':
            if i + 1 < n and sql[i + 1] == '"':
                i += 2
                continue
            if i == start + 1:
                raise LexError(f"zero-length delimited identifier at {_line_col(sql, start)}", start)
            return i + 1
        i += 1
    raise LexError(f"unterminated quoted identifier at {_line_col(sql, start)}", start)


def _dollar_tag_end(sql: str, i: int) -> int | None:
    """If a dollar-quote tag ($$ or $tag$) starts at i, the index after it."""
    n = len(sql)
    j = i + 1
    if j < n and sql[j] == "$":
        return j + 1
    if j < n and _ident_start(sql[j]):
        j += 1
        while j < n and (sql[j].isalnum() or sql[j] == "_" or ord(sql[j]) >= 0x80):
            j += 1
        if j < n and sql[j] == "$":
            return j + 1
    return None


def _skip_number(sql: str, i: int) -> int:
    n = len(sql)
    if sql.startswith(("0x", "0X", "0o", "0O", "0b", "0B"), i):
        i += 2
        while i < n and (sql[i].isalnum() or sql[i] == "_"):
            i += 1
        return i
    while i < n and (sql[i].isdigit() or sql[i] == "_"):
        i += 1
    # "1..2" is not a decimal (array slices use it)
    if i < n and sql[i] == "." and not sql.startswith("..", i):
        i += 1
        while i < n and (sql[i].isdigit() or sql[i] == "_"):
            i += 1
    if i < n and sql[i] in "eE":
        j = i + 1
        if j < n and sql[j] in "+-":
            j += 1
        if j < n and sql[j].isdigit():
            i = j
            while i < n and sql[i].isdigit():
                i += 1
    return i


@dataclass
class Statement:
    text: str  # the statement without its terminating semicolon, trimmed
    tokens: list[Token]  # without comments and whitespace
    start: int

    @property
    def command(self) -> str:
        """The leading keyword(s), upper case, e.g. SELECT, WITH, CREATE INDEX ('' if none)."""
        words = []
        for tok in self.tokens:
            if tok.kind == PUNCT and tok.text == "(" and not words:
                continue
            if tok.kind != WORD:
                break
            words.append(tok.upper)
            if len(words) == 2:
                break
        if not words:
            return ""
        return words[0] if words[0] not in ("CREATE", "DROP", "ALTER") else " ".join(words)


def _is_routine_definition(tokens: list[Token]) -> bool:
    words = [t.upper for t in tokens[:6] if t.kind == WORD]
    if not words or words[0] != "CREATE":
        return False
    rest = words[1:]
    if rest[:2] == ["OR", "REPLACE"]:
        rest = rest[2:]
    return bool(rest) and rest[0] in ("FUNCTION", "PROCEDURE")


def split_statements(sql: str, standard_conforming_strings: bool = True) -> list[Statement]:
    """The statements of sql (empty ones — only comments or semicolons — left out)."""
    tokens = tokenize(sql, standard_conforming_strings)
    statements: list[Statement] = []
    current: list[Token] = []
    paren = 0
    block = 0  # BEGIN ATOMIC / CASE ... END nesting inside CREATE FUNCTION bodies

    def flush(end: int) -> None:
        if current:
            begin = current[0].start
            statements.append(Statement(sql[begin:end].strip(), list(current), begin))
            current.clear()

    for idx, tok in enumerate(tokens):
        if tok.kind == PUNCT:
            if tok.text in "([":
                paren += 1
            elif tok.text in ")]":
                paren = max(paren - 1, 0)
            elif tok.text == ";" and paren == 0 and block == 0:
                flush(tok.start)
                continue
        elif tok.kind == WORD and current and _is_routine_definition(current):
            word = tok.upper
            atomic = word == "BEGIN" and idx + 1 < len(tokens) and tokens[idx + 1].upper == "ATOMIC"
            if atomic or (word == "CASE" and block > 0):
                block += 1
            elif word == "END" and block > 0:
                block -= 1
        current.append(tok)
    if current:
        last = current[-1]
        flush(last.start + len(last.text))
    return statements


# First words of the SQL commands PostgreSQL knows.
SQL_COMMANDS = frozenset(
    {
        "SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "MERGE", "VALUES", "TABLE", "CREATE", "ALTER",
        "DROP", "TRUNCATE", "VACUUM", "ANALYZE", "EXPLAIN", "COPY", "GRANT", "REVOKE", "SET", "RESET",
        "SHOW", "BEGIN", "COMMIT", "ROLLBACK", "START", "SAVEPOINT", "RELEASE", "LOCK", "REINDEX",
        "CLUSTER", "COMMENT", "DO", "CALL", "PREPARE", "EXECUTE", "DEALLOCATE", "DECLARE", "FETCH",
        "CLOSE", "MOVE", "LISTEN", "NOTIFY", "UNLISTEN", "DISCARD", "REFRESH", "SECURITY", "IMPORT",
        "LOAD", "CHECKPOINT", "REASSIGN", "ABORT", "END",
    }
)  # fmt: skip
# Commands EXPLAIN accepts and that are not utility statements.
EXPLAINABLE = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "VALUES", "TABLE", "WITH"})
DATA_MODIFYING = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE"})


def classify(statement: Statement) -> dict:
    """What execute_explain_query needs to know about one statement."""
    command = statement.command
    params = {int(t.text[1:]) for t in statement.tokens if t.kind == PARAM}
    words = {t.upper for t in statement.tokens if t.kind == WORD}
    modifies = command in DATA_MODIFYING or (command == "WITH" and bool(words & DATA_MODIFYING))
    if command in EXPLAINABLE:
        kind = "dml" if modifies else "query"
    elif command.split(" ")[0] not in SQL_COMMANDS:
        kind = "unknown"
    else:
        kind = "utility"
    return {
        "statement": statement.text,
        "command": command,
        "kind": kind,
        "param_count": max(params) if params else 0,
    }
