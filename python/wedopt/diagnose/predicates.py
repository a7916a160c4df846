"""The filter and predicate parser: the text EXPLAIN VERBOSE prints for a Filter, Index Cond
or Recheck Cond, split into its AND-ed conditions, with what each does to a column (a bare
column compared with a constant, a function or cast of a column, a leading-wildcard LIKE);
and the index suggestion built from them. The plan analyzer's rules and the index advisor
(wedopt.recommend) both read predicates through it."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .lexer import NUMBER, OP, PARAM, PUNCT, QIDENT, STRING, WORD, LexError, Token, tokenize

RELABEL_CASTS = frozenset({"text", "bpchar", "varchar", "character varying", "name"})
SQL_WORDS = frozenset(
    {
        "AND", "OR", "NOT", "NULL", "TRUE", "FALSE", "IS", "ANY", "ALL", "ARRAY", "LIKE", "ILIKE",
        "IN", "BETWEEN", "DISTINCT", "FROM", "CASE", "WHEN", "THEN", "ELSE", "END", "SOME",
        "SIMILAR", "TO", "ESCAPE", "COLLATE", "AT", "TIME", "ZONE", "INTERVAL", "ROW",
        "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP", "CURRENT_USER",
        "SESSION_USER", "USER",
    }
)  # fmt: skip
COMPARISON_OPS = frozenset({"=", "<", ">", "<=", ">=", "<>", "!=", "~~", "~~*", "!~~", "!~~*", "@@"})


@dataclass
class Conjunct:
    text: str
    column: str | None  # a bare column compared with something
    op: str | None
    expression: str | None  # a function or cast applied to a column (index expression)
    expression_column: str | None
    leading_wildcard: bool = False


# Plain filter text (no backslash, dollar quote or quoted identifier): '' strings are matched
# whole, so an alias qualifier is removed outside them only, in one C-speed re.sub; other texts
# take the token path (_strip_alias).
_PLAIN_FILTER = re.compile(r'^[^\\$"]*$')


@functools.lru_cache(maxsize=256)
def _alias_pattern(aliases: frozenset):
    names = "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True))
    return re.compile(rf"('(?:[^']|'')*')|(?<![\w$])(?:{names})\.(?=[^\W\d])")


_SIMPLE_NAME = re.compile(r"[^\W\d][\w$]*\Z")


def _drop_alias(m) -> str:
    return m.group(1) or ""


def _strip_alias(tokens, text: str, aliases: set[str]):
    """text and tokens without 'alias.' qualifiers (token offsets shifted to the new text)."""
    out, kept = [], []
    pos = shift = 0
    skip = 0
    for i, tok in enumerate(tokens):
        if skip:
            skip -= 1
            continue
        if (
            tok.kind in (WORD, QIDENT)
            and tok.text.strip('"') in aliases
            and i + 1 < len(tokens)
            and tokens[i + 1].text == "."
        ):
            out.append(text[pos : tok.start])
            pos = tokens[i + 1].start + 1
            shift += pos - tok.start
            skip = 1
            continue
        kept.append(tuple.__new__(Token, (tok.kind, tok.text, tok.start - shift)) if shift else tok)
    out.append(text[pos:])
    return "".join(out), kept


def _split_top(tokens, word: str):
    """Split a token list at a top-level AND/OR."""
    parts, current, depth = [], [], 0
    for tok in tokens:
        if tok.kind == PUNCT and tok.text in "([":
            depth += 1
        elif tok.kind == PUNCT and tok.text in ")]":
            depth -= 1
        if depth == 0 and tok.kind == WORD and tok.upper == word:
            parts.append(current)
            current = []
            continue
        current.append(tok)
    parts.append(current)
    return parts


def _unwrap(tokens, close_at=None):
    """Remove parentheses wrapping the whole token list (close_at: the start offset of the
    bracket closing the one starting at each offset, when known)."""
    while len(tokens) >= 2 and tokens[0].text == "(" and tokens[-1].text == ")":
        if close_at is not None:
            if close_at.get(tokens[0].start) != tokens[-1].start:
                return tokens
            tokens = tokens[1:-1]
            continue
        depth = 0
        for i, tok in enumerate(tokens):
            if tok.text in ("(", "["):
                depth += 1
            elif tok.text in (")", "]"):
                depth -= 1
                if depth == 0 and i != len(tokens) - 1:
                    return tokens
        tokens = tokens[1:-1]
    return tokens


def _brackets(tokens) -> dict:
    """{start offset of an opening bracket: start offset of its closing one}."""
    close_at, stack = {}, []
    for tok in tokens:
        if tok.kind == PUNCT:
            if tok.text in "([":
                stack.append(tok.start)
            elif tok.text in ")]" and stack:
                close_at[stack.pop()] = tok.start
    return close_at


def _columns_in(tokens, own_only: bool = False) -> list[str]:
    """Identifiers that look like column references (not functions, types or keywords);
    with own_only, not those qualified by another relation's alias (outer references)."""
    cols = []
    after_cast = False
    for i, tok in enumerate(tokens):
        if own_only and i > 0 and tokens[i - 1].text == ".":
            continue
        if tok.kind == PUNCT and tok.text == "::":
            after_cast = True
            continue
        if tok.kind in (WORD, QIDENT):
            if after_cast:
                continue  # a type name (possibly several words)
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is not None and nxt.text in ("(", "."):
                continue  # function call or qualifier
            if tok.kind == WORD and tok.upper in SQL_WORDS:
                continue
            name = tok.text[1:-1].replace('""', '"') if tok.kind == QIDENT else tok.text
            if name not in cols:
                cols.append(name)
        else:
            after_cast = False
    return cols


def _has_function_or_cast(tokens) -> bool:
    for i, tok in enumerate(tokens):
        if (
            tok.kind == WORD
            and tok.upper not in SQL_WORDS
            and i + 1 < len(tokens)
            and tokens[i + 1].text == "("
        ):
            return True
        if tok.kind == PUNCT and tok.text == "::":
            type_words = []
            j = i + 1
            while j < len(tokens) and tokens[j].kind in (WORD, QIDENT):
                type_words.append(tokens[j].text.lower().strip('"'))
                j += 1
            if " ".join(type_words) not in RELABEL_CASTS:
                return True
    return False


def _filter_tokens(text: str, aliases) -> tuple[str, list[Token]]:
    """The filter text without 'alias.' qualifiers, and its tokens."""
    if not aliases or "." not in text:
        return text, tokenize(text)
    if _PLAIN_FILTER.match(text) and all(_SIMPLE_NAME.match(a) for a in aliases):
        text = _alias_pattern(frozenset(aliases)).sub(_drop_alias, text)
        return text, tokenize(text)
    return _strip_alias(tokenize(text), text, aliases)


def parse_filter(text: str, aliases) -> list[Conjunct]:
    """The AND-ed conditions of a Filter / Index Cond text, with what each does to a column."""
    try:
        text, tokens = _filter_tokens(text, aliases)
    except LexError:
        return []
    close_at = _brackets(tokens)
    conjuncts = []
    for piece in _split_top(_unwrap(tokens, close_at), "AND"):
        part = _unwrap(piece, close_at)
        if not part:
            continue
        raw = text[part[0].start : part[-1].start + len(part[-1].text)]
        # the comparison operator at depth 0
        depth, op_at = 0, None
        for i, tok in enumerate(part):
            if tok.text in ("(", "["):
                depth += 1
            elif tok.text in (")", "]"):
                depth -= 1
            elif depth == 0 and tok.kind == OP and tok.text in COMPARISON_OPS:
                op_at = i
                break
        if op_at is None:
            conjuncts.append(Conjunct(raw, None, None, None, None))
            continue
        lhs, rhs, op = _unwrap(part[:op_at], close_at), part[op_at + 1 :], part[op_at].text
        lhs_cols, rhs_cols = _columns_in(lhs, own_only=True), _columns_in(rhs, own_only=True)
        if not lhs_cols and rhs_cols and op in ("=", "<>", "!=", "@@"):
            lhs, rhs, lhs_cols, rhs_cols = rhs, lhs, rhs_cols, lhs_cols
        rhs_constant = not rhs_cols and all(
            t.kind in (STRING, NUMBER, PARAM, PUNCT, WORD, OP) for t in rhs
        )  # literals, casts of literals, $n
        column = expression = expression_column = None
        if lhs_cols and len(lhs_cols) == 1 and rhs_constant:
            lhs_text = text[lhs[0].start : lhs[-1].start + len(lhs[-1].text)]
            if _has_function_or_cast(lhs):
                expression, expression_column = lhs_text, lhs_cols[0]
            else:
                column = lhs_cols[0]
        wildcard = (
            op in ("~~", "~~*")
            and bool(rhs)
            and rhs[0].kind == STRING
            and rhs[0].text.lstrip("EeNn").startswith(("'%", "'_"))
        )
        conjuncts.append(Conjunct(raw, column, op, expression, expression_column, wildcard))
    return conjuncts


def _is_tsvector_expression(expression: str) -> bool:
    """to_tsvector(config, column) (the two-argument form is immutable, so it can be indexed)."""
    low = expression.lower()
    return low.startswith("to_tsvector(") and "," in low


def index_suggestion(relation: str, conjuncts: list[Conjunct]) -> tuple[str | None, list[str]]:
    """CREATE INDEX for the plain columns of a filter (equality columns first, then a range),
    built by the index advisor's candidate builder (wedopt.recommend.candidates), so that the
    plan analyzer and the advisor are one engine."""
    from ..recommend.candidates import suggestion_for  # noqa: PLC0415 -- recommend imports this module

    cand, cols = suggestion_for("", "", conjuncts)
    if cand is None:
        return None, []
    return cand.suggestion(relation), cols
