"""Control, format and separator characters in values are shown escaped in tables, documents and messages,
and kept exact in JSON and CSV (output.visible and the formatters, no server)."""

from __future__ import annotations

import csv
import io
import json
import unicodedata

from hostile import HOSTILE, KEY, SHOWN, assert_inert
from milvus_shell.formats import format_document, format_table, stream_chunks
from milvus_shell.output import Renderer
from milvus_shell.screen_text import visible
from milvus_shell.results import Document, Message, StreamTable, Table


def hostile_table() -> Table:
    return Table(["id", "t", KEY, "meta"], [[1, HOSTILE, "v\x9b2J", {"note": "x\u202ey"}]],
                 title="title\x1b]0;owned\x07", footer="foot\x1b[2J")


def test_visible_escapes_controls_as_backslash_sequences():
    assert visible(HOSTILE) == SHOWN
    assert visible("\x00\x1f") == "\\x00\\x1f"
    assert visible("\U000e0001") == "\\U000e0001"
    assert visible("\ud800") == "\\ud800"


def test_visible_keeps_printable_text_and_composed_characters():
    for text in ("plain", "三体 The Three-Body Problem", "café", "a\\x1b literally", "👨\u200d👩\u200d👧",
                 "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", "ميم\u200cنون", "\u00a0nbsp"):
        assert visible(text) == text


def test_visible_keeps_newlines_only_when_asked():
    assert visible("a\nb\x1b", newlines=True) == "a\nb\\x1b"
    assert visible("a\nb") == "a\\nb"


def test_every_control_format_and_separator_character_is_escaped():
    """Checked against this Python's Unicode tables: Cc, Cf, Zl, Zp and surrogates, except ZWNJ and ZWJ
    (U+200C/D, joined emoji and several scripts) and the tag characters (flag emoji)."""
    kept = {0x200C, 0x200D, *range(0xE0020, 0xE0080)}
    missed = [
        f"U+{cp:04X}" for cp in range(0x110000)
        if cp not in kept and unicodedata.category(chr(cp)) in ("Cc", "Cf", "Zl", "Zp", "Cs")
        and visible(chr(cp)) == chr(cp)
    ]
    assert missed == []


def test_table_and_vertical_escape_cells_names_titles_and_footers():
    for fmt in ("table", "vertical"):
        text = format_table(hostile_table(), fmt, 300)
        assert_inert(text)
        assert "\x9b" not in text
        assert SHOWN in text and "k\\x1b[1m" in text and "v\\x9b2J" in text and "x\\u202ey" in text
    table = format_table(hostile_table(), "table", 300).splitlines()
    assert table[0] == "title\\x1b]0;owned\\x07" and table[-1] == "foot\\x1b[2J"
    assert len(table) == 5  # title, header, rule, one row, footer: the newline did not break the row
    assert len({line.index("|") for line in table[1:4:2]}) == 1  # header and row still line up


def test_streamed_tables_escape_too():
    for fmt in ("table", "vertical"):
        stream = StreamTable(["id", KEY], iter([[[1, HOSTILE]], [[2, "ok\x1b"]]]))
        text = "".join(stream_chunks(stream, fmt, 300))
        assert_inert(text)
        assert SHOWN in text and "k\\x1b[1m" in text and "ok\\x1b" in text


def test_documents_escape_facts_and_sections():
    doc = Document([("description", HOSTILE), ("na\x1bme", "x")],
                   [("fields\x07", Table(["name"], [["f\x1b"]]))])
    text = format_document(doc, "table", 300)
    assert_inert(text)
    assert SHOWN in text and "na\\x1bme" in text and "fields\\x07" in text and "f\\x1b" in text


def test_messages_errors_and_progress_escape_but_keep_their_lines():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    out, err = io.StringIO(), Tty()
    r = Renderer(out, err)
    r.render(Message("created \x1b[31mC\nsecond line"))
    r.render(Message("note \x07", "warning"), "json")
    r.error("collection 'a\x1b[2Jb' not found\n  hint: show collections")
    r.progress("loading \x1b[5m")
    assert out.getvalue() == "created \\x1b[31mC\nsecond line\n"
    assert "warning: note \\x07\n" in err.getvalue()
    assert "error: collection 'a\\x1b[2Jb' not found\n  hint: show collections\n" in err.getvalue()
    assert "loading \\x1b[5m" in err.getvalue()
    assert_inert(out.getvalue())


def test_json_and_csv_keep_the_values_exact():
    text = format_table(hostile_table(), "json")
    assert "\x1b" not in text and "\x07" not in text and "\n  " in text  # C0 escaped by JSON itself
    assert json.loads(text) == [{"id": 1, "t": HOSTILE, KEY: "v\x9b2J", "meta": {"note": "x\u202ey"}}]
    rows = list(csv.reader(io.StringIO(format_table(hostile_table(), "csv"), newline="")))
    assert rows == [["id", "t", KEY, "meta"], ["1", HOSTILE, "v\x9b2J", '{"note":"x\u202ey"}']]
