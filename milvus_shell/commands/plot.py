"""plot: a collection's vectors as a picture, with a query and its nearest hits marked."""

from __future__ import annotations

from collections import Counter
from typing import Any, Sequence

from ..catalog import MAX_QUERY_WINDOW, CollectionInfo, FieldInfo
from ..context import ShellContext
from ..errors import UsageError
from ..expr import one_of
from ..screen_text import visible
from ..results import ABSENT, Message, Picture, Result
from ..rowshape import hit_records
from .data import pk_value, query_vectors, vector_field
from .spec import Command, Invocation, Kind, Option, Positional

DEFAULT_PLOT_ROWS = 2000  # rows drawn unless --limit says otherwise
DEFAULT_HITS = 5  # nearest hits marked: more labels crowd a terminal picture
MAX_HITS = 100
MAX_CATEGORIES = 8  # --color: the most common values get their own color, the rest are "other"
LABEL_EVERY_POINT_UP_TO = 30  # --label: every point is labelled when there are this few, else only hits
LABEL_WIDTH = 20  # characters of a label shown
SIZE_BOUNDS = ((40, 1000), (10, 500))  # --size: columns, rows
MAX_NUMBERS = 4_000_000  # rows x dimensions fetched at most (~130 MB as Python floats)


def plot(ctx: ShellContext, inv: Invocation) -> Result:
    from .. import plotting  # noqa: PLC0415 - numpy and the drawing libraries: only when plotting

    png, size = inv.opt("png"), _size(inv.opt("size"))
    plotting.require("png" if png else "plot", "plot --png" if png else "plot")
    name = inv.arg("COLLECTION")
    session = ctx.session()
    info = session.describe_collection(name)
    field = _plotted_field(info, inv.opt("field"))
    label, paint = _named_field(info, inv.opt("label")), _named_field(info, inv.opt("color"))
    expr = inv.opt("filter") or ""
    limit = _row_limit(inv.opt("limit"), field)
    query = _query(ctx, inv, info, field)

    pk = info.primary.name
    wanted = list(dict.fromkeys(n for n in (pk, field.name, label, paint) if n))
    rows = session.query(name, expr, wanted, limit)
    notes = []
    if len(rows) == limit:
        total = session.count(name, expr)
        if total > limit:
            notes.append(f"drawing {limit:,} of {total:,} rows (the first the server returned; --limit N draws "
                         "more or fewer)")
    hits = _hits(ctx, inv, info, field, query, wanted) if query is not None else []
    if not rows and query is None:
        return Message(f"no rows to plot in {name}" + (" matching the filter" if expr else ""))

    vectors = [r[field.name] for r in rows] + [h[field.name] for h in hits] + ([query] if query is not None else [])
    points, share = plotting.project(vectors)
    if share is not None:
        notes.append(f"projected from {field.dim} to 2 dimensions (PCA): the picture keeps "
                     f"{share:.0%} of the variance")
    row_xy, hit_xy = points[:len(rows)], points[len(rows):len(rows) + len(hits)]
    axis_names = ("dim 0", "dim 1") if share is None else ("principal component 1", "principal component 2")
    scene = plotting.Scene(
        title=f"{name}.{field.name}: {len(rows):,} row{'s' if len(rows) != 1 else ''}"
              + (f" by {paint}" if paint else ""),
        x_name=axis_names[0], y_name=axis_names[1],
        groups=_groups(rows, row_xy, paint, _point_labels(rows, pk, label, hits, inv.opt("like"))),
        hits=plotting.Points(f"{len(hits)} nearest", hit_xy,
                             [f"{rank} {_text(h.get(label, h[pk]) if label else h[pk])}"
                              for rank, h in enumerate(hits, 1)]) if query is not None else None,
        query=plotting.Points("query", points[-1:], [_query_label(inv, info, rows, label)])
        if query is not None else None,
    )
    if png:
        path = plotting.write_new_file(png, plotting.png_bytes(scene))
        return Message("\n".join(notes + [f"wrote {path}: {scene.title}"]))
    return Picture(lambda width, height, color: plotting.draw_text(scene, *(size or (width, height)), color),
                   tuple(notes))


def _row_limit(asked: int | None, field: FieldInfo) -> int:
    """--limit (default DEFAULT_PLOT_ROWS), refused when the rows' numbers would not fit MAX_NUMBERS."""
    limit = asked or DEFAULT_PLOT_ROWS
    most = max(1, MAX_NUMBERS // (field.dim or 1))
    if limit > most:
        if asked is None:
            return most
        raise UsageError(f"--limit {limit} rows of {field.dim} numbers is more than plot draws at once",
                         f"at most {most} rows of {field.name!r}")
    return limit


def _hits(ctx: ShellContext, inv: Invocation, info: CollectionInfo, field: FieldInfo, query: list[float],
          wanted: list[str]) -> list[dict[str, Any]]:
    """The query's k nearest rows (without the query row itself, for --like), each with its vector."""
    session, pk, like = ctx.session(), info.primary.name, inv.opt("like")
    k = inv.opt("k") or DEFAULT_HITS
    found = session.search(info.name, [query], field.name, k + (1 if like is not None else 0),
                           inv.opt("filter") or "", wanted, {})
    hits = [h for h in hit_records(found[0], pk) if like is None or str(h[pk]) != str(like)][:k]
    missing = [h[pk] for h in hits if field.name not in h]
    if missing:  # a server that leaves vectors out of search results: fetched by primary key
        vectors = {r[pk]: r[field.name] for r in session.get(info.name, one_of(pk, missing), [pk, field.name])}
        for hit in hits:
            hit.setdefault(field.name, vectors.get(hit[pk]))
        hits = [h for h in hits if h[field.name] is not None]  # deleted since the search: left out
    return hits


def _size(text: str | None) -> tuple[int, int] | None:
    """--size COLUMNSxROWS, each within SIZE_BOUNDS."""
    if text is None:
        return None
    columns, x, rows = text.lower().partition("x")
    if not (x and columns.isascii() and columns.isdigit() and rows.isascii() and rows.isdigit()):
        raise UsageError(f"--size is COLUMNSxROWS, e.g. 80x24, not {text!r}")
    size = int(columns), int(rows)
    for value, (low, high), what in zip(size, SIZE_BOUNDS, ("columns", "rows")):
        if not low <= value <= high:
            raise UsageError(f"--size: {value} {what} is too {'few' if value < low else 'many'} "
                             f"(from {low} to {high})")
    return size


def _plotted_field(info: CollectionInfo, name: str | None) -> FieldInfo:
    field = vector_field(info, name)
    if field.kind != "FLOAT_VECTOR":
        raise UsageError(f"plot draws float vectors; {field.name!r} is {field.type_name}",
                         "binary, sparse, float16 and int8 vectors cannot be plotted yet")
    return field


def _named_field(info: CollectionInfo, name: str | None) -> str | None:
    """--label / --color FIELD: a scalar field of the schema (any name with a dynamic field)."""
    if not name:
        return None
    field = info.field(name)
    if field is None and not info.dynamic:
        raise UsageError(f"no field {name!r} in collection {info.name!r}",
                         "its fields: " + ", ".join(info.field_names()))
    if field is not None and field.is_vector:
        raise UsageError(f"{name!r} is a vector field: --label and --color take a scalar field")
    return name


def _query(ctx: ShellContext, inv: Invocation, info: CollectionInfo, field: FieldInfo) -> list[float] | None:
    """The query vector of --vector or --like, or None."""
    if inv.opt("vector") is None and inv.opt("like") is None:
        return None
    if inv.opt("vector") is not None and inv.opt("like") is not None:
        raise UsageError("give either --vector or --like, not both")
    vectors = query_vectors(ctx, ctx.session(), inv, info, field)
    if len(vectors) != 1:
        raise UsageError(f"plot marks one query vector, not {len(vectors)}",
                         "e.g. plot books --vector '[0.1, 0.2, 0.3, 0.4]'")
    return list(vectors[0])


def _query_label(inv: Invocation, info: CollectionInfo, rows: Sequence[dict[str, Any]], label: str | None) -> str:
    like = inv.opt("like")
    if like is None:
        return ""
    key = pk_value(info.primary, like)
    row = next((r for r in rows if r.get(info.primary.name) == key), None)
    return _text(row[label]) if row is not None and label and label in row else str(like)


def _point_labels(rows: Sequence[dict[str, Any]], pk: str, label: str | None, hits: Sequence[dict[str, Any]],
                  like: str | None) -> list[str]:
    """Each row's --label value when there are few rows, else none; "" for the hits and the query
    row, which have labels of their own."""
    if not label or len(rows) > LABEL_EVERY_POINT_UP_TO:
        return [""] * len(rows)
    marked = {str(h[pk]) for h in hits} | ({str(like)} if like is not None else set())
    return ["" if str(r.get(pk)) in marked else _text(r.get(label, ABSENT)) for r in rows]


def _groups(rows: Sequence[dict[str, Any]], xy: Sequence[tuple[float, float]], paint: str | None,
            labels: Sequence[str]) -> list[Any]:
    """The rows as legend entries: one per value of the --color field (the most common ones), else one."""
    from ..plotting import Points  # noqa: PLC0415

    if not paint:
        return [Points("rows", xy, labels)]
    values = [_text(r.get(paint, ABSENT)) for r in rows]
    common = [v for v, _ in Counter(values).most_common(MAX_CATEGORIES)]
    if len(common) == MAX_CATEGORIES and len(set(values)) > MAX_CATEGORIES:
        common = common[:-1]
    groups = []
    for value in sorted(common):
        chosen = [i for i, v in enumerate(values) if v == value]
        groups.append(Points(value, [xy[i] for i in chosen], [labels[i] for i in chosen]))
    rest = [i for i, v in enumerate(values) if v not in common]
    if rest:
        others = len({values[i] for i in rest})
        groups.append(Points(f"{others} other values", [xy[i] for i in rest], [labels[i] for i in rest]))
    return groups


def _text(value: Any) -> str:
    """A value as a short label; control characters shown escaped (values come from the server)."""
    if value is ABSENT:
        return "(none)"
    if value is None:
        return "null"
    words = f"{value:.4g}" if isinstance(value, float) else visible(str(value))
    return words if len(words) <= LABEL_WIDTH else words[:LABEL_WIDTH - 3].rstrip() + "..."


COMMANDS = (
    Command(
        name="plot",
        summary="Draw a collection's vectors (projected to 2-D), a query and its nearest hits marked",
        handler=plot,
        positionals=(Positional("COLLECTION", Kind.COLLECTION, "a collection (or an alias of one)", required=True),),
        options=(
            Option("--vector", "a query vector as JSON: it and its nearest hits are marked", Kind.VECTORS, "JSON"),
            Option("--like", "the row with this primary key is the query: it and its nearest hits are marked",
                   Kind.WORD, "ID"),
            Option("--k", f"nearest hits marked (default {DEFAULT_HITS}, at most {MAX_HITS})", Kind.INTEGER, "N",
                   bounds=(1, MAX_HITS)),
            Option("--filter", "only rows (and hits) matching this filter expression", Kind.TEXT, "EXPR"),
            Option("--label", "label hits (and every point, when there are few) with this field", Kind.FIELD,
                   "FIELD"),
            Option("--color", "one color (or character) per value of this field, with a legend", Kind.FIELD,
                   "FIELD"),
            Option("--limit", f"rows drawn (default {DEFAULT_PLOT_ROWS}, at most {MAX_QUERY_WINDOW})",
                   Kind.INTEGER, "N", bounds=(1, MAX_QUERY_WINDOW)),
            Option("--field", "vector field to draw (needed when there are several)", Kind.FIELD, "NAME"),
            Option("--size", "the terminal picture's size in characters (default: the terminal's)", Kind.WORD,
                   "COLUMNSxROWS"),
            Option("--png", "write the picture to this new PNG file instead of the terminal", Kind.PATH, "FILE"),
        ),
        examples=(
            "plot foods --color category --label name",
            "plot foods --vector '[0.8, 0.3]' --k 3 --label name",
            "plot books --like 7 --filter 'year > 2000'",
            "plot foods --color category --png foods.png",
        ),
        details=(
            "Vectors of two numbers are drawn as they are (axes dim 0 and dim 1); longer ones are projected "
            "to 2-D by principal component analysis, and a note says how much of the variance the picture "
            "keeps. The query is marked X and its k nearest hits o, numbered nearest first. With colors "
            "(a terminal, no NO_COLOR) points are braille dots in one color per --color value; without, "
            "each value has its own character. At most --limit rows are drawn (the first the server "
            "returns), and a note says so when the collection holds more. Float vectors only. "
            "The terminal picture needs the plot extra (pip install 'milvus-shell[plot]'); --png needs "
            "the png extra (pip install 'milvus-shell[png]') and never overwrites a file."
        ),
    ),
)
