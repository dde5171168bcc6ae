"""Primary keys given twice within one request (a batch of a file, or the rows typed on a line).

The servers do not agree on such a request: Milvus 2.3.5 keeps both rows (an upsert of ids 1,1,2
left two rows of 1), Milvus Lite keeps one but reports both as inserted. So the shell decides before
sending: an insert refuses the second row (a bad row, with the line of the first); an upsert folds
it, the later row replacing the earlier one as two upserts in turn would, and says so.

Only the keys of the batch being built are kept (memory stays flat in the file's size); a key given
again in a later batch is the server's to handle (an insert keeps both, an upsert replaces).
"""

from __future__ import annotations

from typing import Any

from .rowcheck import RowError, shown

SHOWN = 10  # folds named in the closing note; the rest are counted


def repeated_key(name: str, key: Any, first: int, where: str = "line") -> RowError:
    return RowError(f"primary key {shown(key)} is given again (first on {where} {first:,}): one insert "
                    "may not hold a key twice (upsert replaces a row by its key)", name)


class BatchKeys:
    """The primary keys of the batch being built, and where each came from."""

    def __init__(self, primary: str) -> None:
        self.primary = primary
        self._where: dict[Any, tuple[int, int]] = {}  # key -> (its line, its index in the batch)
        self.folded: list[tuple[int, int]] = []  # (line replaced, line kept): the first SHOWN of them
        self.folded_count = 0

    def seen(self, row: dict[str, Any]) -> tuple[int, int] | None:
        """(line, index in the batch) of the earlier row with ``row``'s key, or None."""
        key = row.get(self.primary)
        return None if key is None else self._where.get(key)

    def add(self, row: dict[str, Any], line: int, index: int) -> None:
        key = row.get(self.primary)
        if key is not None:
            self._where[key] = (line, index)

    def fold(self, line_replaced: int, line_kept: int) -> None:
        self.folded_count += 1
        if len(self.folded) < SHOWN:
            self.folded.append((line_replaced, line_kept))

    def clear(self) -> None:
        """A new batch begins."""
        self._where.clear()

    def folded_note(self, where: str = "line") -> str:
        """What folding did, in a line ('' when nothing was folded)."""
        n = self.folded_count
        if not n:
            return ""
        pairs = ", ".join(f"{where} {a:,} by {b:,}" for a, b in self.folded)
        more = f" and {n - len(self.folded):,} more" if n > len(self.folded) else ""
        return (f"{n:,} row{'s' if n != 1 else ''} replaced by a later row with the same primary key in "
                f"the same request ({pairs}{more}): the later row is the one kept")
