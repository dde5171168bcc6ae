"""docs/commands.md and `help` come from the one command table."""

from pathlib import Path

from milvus_shell.cli import main
from milvus_shell.commands import build_table
from milvus_shell.docgen import commands_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_commands_md_is_up_to_date():
    on_disk = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert on_disk == commands_markdown(build_table()), (
        "docs/commands.md is stale: run python -m milvus_shell.docgen > docs/commands.md"
    )


def test_every_command_is_documented_and_in_help(capsys):
    table = build_table()
    doc = commands_markdown(table)
    assert main(["-c", "help"]) == 0
    listing = capsys.readouterr().out
    for cmd in table.commands:
        assert f"## {cmd.name}\n" in doc
        assert cmd.name in listing
        assert cmd.examples, f"{cmd.name} has no example"
        assert main(["-c", f"help {cmd.name}"]) == 0
        assert f"usage: {cmd.syntax()}" in capsys.readouterr().out


def test_help_for_unknown_command_fails(capsys):
    assert main(["-c", "help frobnicate"]) == 1
    assert "no command 'frobnicate'" in capsys.readouterr().err
