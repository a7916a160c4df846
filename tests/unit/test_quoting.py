"""wedopt.quoting.quote_ident against the server's own quote_ident() and keyword list."""

from wedopt.quoting import QUOTED_KEYWORDS, fold_unquoted, quote_ident, quote_qualified

NAMES = [
    "booking", "Booking", "booking_2026", "_x", "2fast", "a b", 'say "hi"', "café", "a$b", "x-y",
    "ORDER", "Order", "order_", "", "select1", "näive", "\u00a0", "table", "user", "int4", "text",
]  # fmt: skip


def test_quoted_keywords_are_the_servers_non_unreserved_keywords(db):
    rows = db.execute("SELECT word, catcode FROM pg_get_keywords()").fetchall()
    quoted_by_server = {w for w, cat in rows if cat != "U"}
    unreserved = {w for w, cat in rows if cat == "U"}
    assert quoted_by_server <= QUOTED_KEYWORDS, sorted(quoted_by_server - QUOTED_KEYWORDS)
    assert not (QUOTED_KEYWORDS & unreserved), sorted(QUOTED_KEYWORDS & unreserved)


def test_quote_ident_is_the_servers(db):
    words = [w for (w,) in db.execute("SELECT word FROM pg_get_keywords()").fetchall()]
    for name in words + NAMES:
        assert quote_ident(name) == db.execute("SELECT quote_ident(%s)", [name]).fetchone()[0], name


def test_qualified_names_and_folding():
    assert quote_qualified("public", "order") == 'public."order"'
    assert quote_qualified(None, "Booking") == '"Booking"'
    assert fold_unquoted("Booking_ÉTÉ") == "booking_ÉtÉ"  # only ASCII letters fold, as in UTF-8
