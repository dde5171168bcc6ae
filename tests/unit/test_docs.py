"""docs/commands.md and `help` come from the one command table."""

import re
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
    assert main(["-c", "help"]) == 0
    listing = capsys.readouterr().out
    for cmd in table.commands:
        assert cmd.name in listing
        assert cmd.examples, f"{cmd.name} has no example"
        assert main(["-c", f"help {cmd.name}"]) == 0
        assert f"usage: {cmd.syntax()}" in capsys.readouterr().out


def test_help_for_unknown_command_fails(capsys):
    assert main(["-c", "help frobnicate"]) == 1
    assert "no command 'frobnicate'" in capsys.readouterr().err


def _github_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces as dashes."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_the_index_links_reach_their_sections():
    """Each row of the index at the top of docs/commands.md links to a section heading that exists."""
    text = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    links = re.findall(r"^\| \[`[^`]+`\]\(#([^)]+)\)", text, flags=re.M)
    anchors = [_github_anchor(h) for h in re.findall(r"^## (.+)$", text, flags=re.M)]
    assert len(links) == len(build_table().commands) == len(anchors)
    assert [a for a in links if a not in anchors] == []
