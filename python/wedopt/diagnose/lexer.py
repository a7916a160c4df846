# ruff: noqa: PLR0912, PLR0915 -- a scanner is one loop with a branch per lexical rule
r"""A tokenizer and statement splitter that follows PostgreSQL's lexical rules (scan.l).

Used inside the server, where pglast cannot run (it crashes the backend), to decide how
many statements a text holds and what kind each one is. Handles: -- and nested /* */
comments, '' strings (with backslash escapes when standard_conforming_strings is off),
E'' / B'' / X'' / N'' / U&'' strings, strings continued over a newline, "" and U&""
quoted identifiers, $tag$ dollar quoting, $n parameters, and BEGIN ATOMIC ... END bodies of
CREATE FUNCTION/PROCEDURE (whose semicolons do not end the statement, as in psql).

Its character classes are scan.l's, not Python's: whitespace is exactly space, \t, \n, \r,
\f and \v (Python's \s and str.isspace also take U+00A0, U+3000, U+0085, \x1c...), a
newline is \n or \r, digits are 0-9 only, and every non-ASCII character is an identifier
character (PostgreSQL's scanner takes every byte >= 0x80 as a letter). PostgreSQL 15 itself
refuses \v outside strings (16 made it whitespace); the lexer follows 16.

The lexer is no safety decision: how many statements a text holds and which kind each is
comes from the server's own parser (wedopt._parse_statements, src/parse_statements.c).
It serves plan filters and suggestions, and the tests cross-check it against the server.
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
# scan.l's classes: {space}, {newline}, {ident_start}, {ident_cont} (bytes >= 0x80 are letters).
PG_SPACE = " \t\n\r\f\v"
DIGITS = frozenset("0123456789")
_NON_ASCII = "\x80-\U0010ffff"
# Runs of one kind, matched at a position with C speed; the rules stay the hand-written ones.
_SPACE_RUN = re.compile(r"[ \t\n\r\f\v]+")
_IDENT_RUN = re.compile(rf"[A-Za-z_{_NON_ASCII}][A-Za-z0-9_${_NON_ASCII}]*")
# {quotecontinue}: after a closing quote, whitespace and -- comments holding a newline, then a
# quote: the string goes on (in the same mode: an E'' string keeps its backslash escapes).
_QUOTE_CONTINUE = re.compile(r"(?:[ \t\f\v]|--[^\n\r]*)*[\n\r](?:[ \t\n\r\f\v]|--[^\n\r]*[\n\r])*'")
# The common, simple tokens in one pattern (possessive: a word is never cut short to let the
# lookahead pass) (plan filters are mostly these); anything else —
# comments, prefixed or dollar-quoted strings, quoted identifiers, odd numbers, an operator
# holding "--" or "/*" — fails it and takes the hand-written rules below.
_FAST = re.compile(
    r"(?P<space>[ \t\n\r\f\v]+)"
    rf"|(?P<word>[A-Za-z_{_NON_ASCII}][A-Za-z0-9_${_NON_ASCII}]*+)(?!['&\"])"
    rf"|(?P<number>[0-9]++)(?![A-Za-z0-9_.${_NON_ASCII}])"
    r"|(?P<punct>::|[(),;\[\]:]|\.(?![0-9]))"
    r"|(?P<string>'(?:[^']|'')*+')(?!'|(?:[ \t\f\v]|--[^\n\r]*)*[\n\r](?:[ \t\n\r\f\v]|--[^\n\r]*[\n\r])*')"
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
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ch == "_" or ord(ch) >= 0x80


def _ident_char(ch: str) -> bool:
    return _ident_start(ch) or ch in DIGITS or ch == "$"


def _line_col(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    return f"line {line}, position {pos + 1}"


_new_token = tuple.__new__  # Token(...) without the namedtuple constructor's overhead
_NEEDS_FULL_RULES = re.compile(rf"--|/\\*|[$\"\\\\]|(?<![A-Za-z0-9_${_NON_ASCII}])[EeBbXxNnUu]&?'")


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
        if ch in PG_SPACE:
            i = _SPACE_RUN.match(sql, i).end()
            if keep_trivia:
                tokens.append(Token(SPACE, sql[start:i], start))
            continue
        nxt = sql[i + 1] if i + 1 < n else ""
        if ch == "-" and nxt == "-":
            # A -- comment ends at a newline: \n or \r (a carriage return alone ends it too).
            end = _NEWLINE.search(sql, i)
            i = n if end is None else end.start()
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
            # E'' always takes backslash escapes; N'' is a plain '' string after an NCHAR
            # (escapes when standard_conforming_strings is off); B'' and X'' know no ''.
            mode = {"E": _ESCAPE, "N": _PLAIN if standard_conforming_strings else _ESCAPE}.get(up, _BITS)
            i = _skip_string(sql, i + 1, mode)
            tokens.append(Token(STRING, sql[start:i], start))
            continue
        if up == "U" and nxt == "&" and i + 2 < n and sql[i + 2] in "'\"":
            if sql[i + 2] == "'":
                i = _skip_string(sql, i + 2, _PLAIN)
                tokens.append(Token(STRING, sql[start:i], start))
            else:
                i = _skip_quoted_ident(sql, i + 2)
                tokens.append(Token(QIDENT, sql[start:i], start))
            continue
        if ch == "'":
            i = _skip_string(sql, i, _PLAIN if standard_conforming_strings else _ESCAPE)
            tokens.append(Token(STRING, sql[start:i], start))
            continue
        if ch == '"':
            i = _skip_quoted_ident(sql, i)
            tokens.append(Token(QIDENT, sql[start:i], start))
            continue
        if _ident_start(ch):
            i = _IDENT_RUN.match(sql, i).end()
            tokens.append(Token(WORD, sql[start:i], start))
            continue
        if ch == "$":
            if nxt in DIGITS:
                i += 1
                while i < n and sql[i] in DIGITS:
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
        if ch in DIGITS or (ch == "." and nxt in DIGITS):
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


_PLAIN = "plain"  # '' and U&'': '' doubles a quote, no backslash escapes
_ESCAPE = "escape"  # E'' (and '' with standard_conforming_strings off): also backslash escapes
_BITS = "bits"  # B'' and X'': the first quote ends it ('' is two strings)
_NEWLINE = re.compile(r"[\n\r]")
_STRING_STOP = {_PLAIN: re.compile("'"), _ESCAPE: re.compile(r"['\\]"), _BITS: re.compile("'")}


def _skip_string(sql: str, i: int, mode: str) -> int:
    """i is at the opening quote; returns the index after the closing one (scan.l's xq, xe,
    xus, xb, xh and xqs states: a quote then whitespace holding a newline then a quote goes on)."""
    n = len(sql)
    start = i
    i += 1
    stop = _STRING_STOP[mode]
    while True:
        m = stop.search(sql, i)
        if m is None:
            break
        j = m.start()
        if sql[j] == "\\":
            i = j + 2
            continue
        if mode != _BITS and j + 1 < n and sql[j + 1] == "'":
            i = j + 2
            continue
        cont = _QUOTE_CONTINUE.match(sql, j + 1)
        if cont is not None:
            i = cont.end()
            continue
        return j + 1
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
        while j < n and (_ident_start(sql[j]) or sql[j] in DIGITS):
            j += 1
        if j < n and sql[j] == "$":
            return j + 1
    return None


def _skip_number(sql: str, i: int) -> int:
    n = len(sql)
    if sql.startswith(("0x", "0X", "0o", "0O", "0b", "0B"), i):
        i += 2
        while i < n and (_ident_start(sql[i]) or sql[i] in DIGITS):
            i += 1
        return i
    while i < n and (sql[i] in DIGITS or sql[i] == "_"):
        i += 1
    # "1..2" is not a decimal (array slices use it)
    if i < n and sql[i] == "." and not sql.startswith("..", i):
        i += 1
        while i < n and (sql[i] in DIGITS or sql[i] == "_"):
            i += 1
    if i < n and sql[i] in "eE":
        j = i + 1
        if j < n and sql[j] in "+-":
            j += 1
        if j < n and sql[j] in DIGITS:
            i = j
            while i < n and sql[i] in DIGITS:
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
            statements.append(Statement(sql[begin:end].strip(PG_SPACE), list(current), begin))
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
            # The body's BEGIN ATOMIC stands outside every parenthesis: "(begin atomic)" is a
            # parameter named begin of type atomic.
            atomic = (
                word == "BEGIN"
                and paren == 0
                and idx + 1 < len(tokens)
                and tokens[idx + 1].kind == WORD
                and tokens[idx + 1].upper == "ATOMIC"
            )
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
