"""Pure tests of the tokenizer and parser (no server)."""

import pytest

from milvus_shell.commands import build_table
from milvus_shell.errors import ParseError
from milvus_shell.parser import parse_line, redact, secret_spans
from milvus_shell.tokens import tokenize

TABLE = build_table()


def parse1(text):
    (inv,) = parse_line(text, TABLE)
    return inv


def test_quoting_like_a_posix_shell():
    (stmt,) = tokenize("""a 'b c' "d \\"e\\"" f\\ g 'h'"i" """)
    assert [t.value for t in stmt.tokens] == ["a", "b c", 'd "e"', "f g", "hi"]
    assert [t.start for t in stmt.tokens] == [0, 2, 8, 18, 23]


def test_semicolons_separate_and_hash_comments():
    invs = parse_line("connections; ping prod # a comment; not a command", TABLE)
    assert [i.command.name for i in invs] == ["connections", "ping"]
    assert invs[1].arg("ALIAS") == "prod"
    assert parse_line("use a ; ; use b", TABLE)[1].arg("ALIAS") == "b"
    assert tokenize("# only a comment") == []
    (stmt,) = tokenize("ping 'a;b#c'")
    assert stmt.tokens[1].value == "a;b#c"


def test_unclosed_quote_names_the_column():
    with pytest.raises(ParseError) as err:
        parse_line("connect 'prod", TABLE)
    assert err.value.column == 9
    assert "unclosed ' quote" in err.value.reason


def test_connect_full_grammar():
    inv = parse1(
        "connect prod https://h:443 --user root --password s3cret --db books --tls --ca ca.pem "
        "--cert c.pem --key k.pem --server-name h --timeout 2.5"
    )
    assert inv.arg("ALIAS") == "prod" and inv.arg("ADDRESS") == "https://h:443"
    assert inv.options == {
        "user": "root", "password": "s3cret", "db": "books", "tls": True, "ca": "ca.pem",
        "cert": "c.pem", "key": "k.pem", "server_name": "h", "timeout": 2.5,
    }


def test_equals_form_and_bare_password():
    inv = parse1("connect a --password --user=bob")
    assert inv.options == {"password": None, "user": "bob"}
    assert parse1("connect a h:1 --password").options == {"password": None}
    assert parse1("connect --password=x").options == {"password": "x"}


@pytest.mark.parametrize(
    "line, alias, address",
    [
        ("connect", None, None),
        ("connect prod", "prod", None),
        ("connect localhost:19530", None, "localhost:19530"),
        ("connect ./data.db", None, "./data.db"),
        ("connect http://h", None, "http://h"),
        ("connect prod h:1", "prod", "h:1"),
    ],
)
def test_lone_positional_address_rule(line, alias, address):
    inv = parse1(line)
    assert inv.arg("ALIAS") == alias
    assert inv.arg("ADDRESS") == address


@pytest.mark.parametrize(
    "line, column, words",
    [
        ("conect", 1, "did you mean connect"),
        ("connect --pasword x", 9, "did you mean --password"),
        ("connect a b c", 13, "unexpected argument 'c'"),
        ("connect 9lives", 9, "not a valid alias"),
        ("connect a h:99999", 11, "port '99999' is not a number"),
        ("connect a h:1 --timeout -3", 25, "positive number"),
        ("connect a h:1 --timeout abc", 25, "positive number"),
        ("connect --user", 15, "--user needs a value"),
        ("connect --user --db x", 15, "--user needs a value"),
        ("connect --tls=yes", 9, "takes no value"),
        ("connect --user a --user b", 18, "given twice"),
        ("use", 4, "use needs ALIAS"),
        ("disconnect --al", 12, "did you mean --all"),
        ("connections now", 13, "unexpected argument"),
        ("ping a; conect", 9, "unknown command 'conect'"),
        ("'connect'", 1, "unknown command"),
        ("connect a ftp://h", 11, "unknown scheme"),
        ("connect a u:p@h:1", 11, "credentials in the address"),
    ],
)
def test_parse_errors_name_the_column(line, column, words):
    with pytest.raises(ParseError) as err:
        parse_line(line, TABLE)
    assert err.value.column == column, str(err.value)
    assert words in str(err.value)


def test_double_dash_ends_options():
    inv = parse1("disconnect -- a b")
    assert inv.arg("ALIAS") == ["a", "b"]


def test_command_words_are_case_insensitive():
    assert parse1("CONNECTIONS").command.name == "connections"


def test_secret_spans_and_redaction():
    line = "connect a h:1 --user u --password 'p w'; connect b --token=tok; ping"
    spans = secret_spans(line, TABLE)
    assert [line[a:b] for a, b in spans] == ["'p w'", "tok"]
    assert redact(line, TABLE) == "connect a h:1 --user u --password ***; connect b --token=***; ping"
    assert redact("connect a --password --user u", TABLE) == "connect a --password --user u"
    # even lines that do not parse are redacted
    assert redact("conect a --password hunter2 'oops", TABLE) == "conect a --password *** 'oops"


def test_quoted_option_values_bind_and_are_redacted():
    assert parse1('connect a --password="x y"').options == {"password": "x y"}
    assert parse1("connect a --token='t o k'").options == {"token": "t o k"}
    with pytest.raises(ParseError, match="'--token' is not a valid alias"):  # quoted: an argument
        parse1("connect '--token' x")
    assert redact('connect a --token="a b"', TABLE) == "connect a --token=***"
    assert redact("connect a \\--token=xyz", TABLE) == "connect a \\--token=***"
    assert redact("connect a '--password' pw", TABLE) == "connect a '--password' ***"


def test_redaction_of_credentials_inside_an_address():
    assert redact("connect a http://root:Milvus@h:1", TABLE) == "connect a http://root:***@h:1"
    assert redact("connect root:Milvus@h:1", TABLE) == "connect root:***@h:1"
    assert redact("connect a h:19530", TABLE) == "connect a h:19530"
