"""Pure tests of ADDRESS parsing (no server)."""

import os

import pytest

from milvus_shell.addresses import parse_address
from milvus_shell.errors import UsageError


@pytest.mark.parametrize(
    "text, kind, host, port, tls, display",
    [
        ("localhost:19530", "grpc", "localhost", 19530, False, "localhost:19530"),
        ("milvus.example.com", "grpc", "milvus.example.com", 19530, False, "milvus.example.com:19530"),
        ("[::1]:19531", "grpc", "::1", 19531, False, "[::1]:19531"),
        ("[::1]", "grpc", "::1", 19530, False, "[::1]:19530"),
        ("http://h:1", "grpc", "h", 1, False, "h:1"),
        ("https://h:8443", "grpc", "h", 8443, True, "https://h:8443"),
        ("https://h", "grpc", "h", 443, True, "https://h:443"),
        ("tcp://10.0.0.1:19530", "grpc", "10.0.0.1", 19530, False, "10.0.0.1:19530"),
        ("unix:/tmp/milvus.sock", "unix", "", 0, False, "unix:/tmp/milvus.sock"),
    ],
)
def test_address_forms(text, kind, host, port, tls, display):
    a = parse_address(text)
    assert (a.kind, a.host, a.port, a.tls, a.display) == (kind, host, port, tls, display)


def test_lite_path_is_made_absolute(tmp_path):
    os.chdir(tmp_path)
    a = parse_address("./data.db")
    assert a.kind == "lite" and a.path == str(tmp_path / "data.db")
    assert parse_address("~/x.db").path == os.path.expanduser("~/x.db")


def test_database_in_url_path():
    assert parse_address("http://h:1/books").database == "books"


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "it is empty"),
        ("h:0", "port 0 is not a number from 1 to 65535"),
        ("h:", "the port after ':' is missing"),
        ("[::1", "unclosed '['"),
        ("ftp://h", "unknown scheme 'ftp'"),
        ("root:pw@h:1", "credentials in the address are not accepted"),
        ("http://h:1/a/b", "may only name a database"),
        ("h:1/db", "a path needs a scheme"),
        ("bad_host!:1", "not a valid host name"),
        ("unix:", "needs a socket path"),
        ("http://h:1?x=1", "query or fragment"),
    ],
)
def test_malformed_addresses_say_what_is_wrong(text, words):
    with pytest.raises(UsageError) as err:
        parse_address(text)
    assert words in str(err.value)
