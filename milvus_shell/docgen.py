"""docs/commands.md, generated from the command table: `python -m milvus_shell.docgen > docs/commands.md`."""

from __future__ import annotations

from .commands import build_table
from .table import CommandTable


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def commands_markdown(table: CommandTable) -> str:
    out = [
        "# Commands",
        "",
        "Generated from the command table by `python -m milvus_shell.docgen > docs/commands.md`;",
        "a test fails when this file is out of date. In the shell, `help COMMAND` shows the same.",
        "",
        "Quoting is as in a POSIX shell; `;` separates commands on a line; `#` starts a comment.",
        "",
        "| command | what it does |",
        "|---|---|",
    ]
    out += [f"| [`{c.name}`](#{c.name.replace(' ', '-')}) | {_cell(c.summary)} |" for c in table.commands]
    for cmd in table.commands:
        out += ["", f"## {cmd.name}", "", cmd.summary + ".", "", "```", cmd.syntax(), "```"]
        if cmd.details:
            out += ["", cmd.details]
        if cmd.safety():
            out += ["", "**" + cmd.safety()[0].upper() + cmd.safety()[1:] + ".**"]
        if cmd.positionals or cmd.options:
            out += ["", "| argument | meaning |", "|---|---|"]
            out += [f"| `{p.name}` | {_cell(p.help)} |" for p in cmd.positionals]
            out += [f"| `{_cell(o.syntax()[1:-1])}` | {_cell(o.help)} |" for o in cmd.options]
        if cmd.examples:
            out += ["", "Examples:", "", "```"] + list(cmd.examples) + ["```"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(commands_markdown(build_table()), end="")
