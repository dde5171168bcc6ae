"""Pictures of vectors: a 2-D projection (PCA), drawn in the terminal (plotext) or as a PNG (matplotlib).

numpy, plotext and matplotlib are heavy and optional: each is imported inside the function that
needs it, so nothing here costs the first prompt or another command anything. ``require`` checks an
optional extra is installed before a command fetches anything, and says which extra to install.
"""

from __future__ import annotations

import importlib
import io
import os
from dataclasses import dataclass
from typing import Any, Sequence

from .errors import ShellError, UsageError, os_reason
from .safe_files import Refused, create_new, remove_created

# The modules of each optional extra (pyproject.toml), for the message when one is missing.
EXTRAS = {"plot": "plotext", "png": "matplotlib"}

# Terminal colors for the categories (16-color names: they follow the terminal's theme), then the
# query and its hits; without colors, each category has its own plain character instead.
CATEGORY_COLORS = ("blue+", "green+", "magenta+", "cyan+", "orange+", "blue", "green", "magenta")
PLAIN_MARKERS = ("*", "+", "#", "%", "=", "~", "^", ".")
QUERY_MARKER, HIT_MARKER = "X", "o"
QUERY_COLOR, HIT_COLOR, LABEL_COLOR = "red+", "red", "gray+"
LEGEND_SAMPLE = "⣿"  # the legend's sample of a category drawn in braille dots
# The PNG's colors (matplotlib's tab10, in the same order as the terminal's).
PNG_COLORS = ("tab:blue", "tab:green", "tab:purple", "tab:cyan", "tab:orange", "tab:olive", "tab:brown",
              "tab:pink")

# Box-drawing characters plotext draws its frame with, and their plain replacements.
_PLAIN_FRAME = str.maketrans({
    "─": "-", "│": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+", "┤": "+", "├": "+", "┬": "+", "┴": "+",
    "┼": "+",
})


def require(extra: str, command: str) -> Any:
    """The module of an optional extra, or a ShellError naming the pip command that installs it."""
    module = EXTRAS[extra]
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ShellError(f"{command} needs the {extra} extra: pip install 'milvus-shell[{extra}]'") from None


# -- the projection --------------------------------------------------------------------------------

def project(vectors: Sequence[Sequence[float]]) -> tuple[list[tuple[float, float]], float | None]:
    """Each vector as a point in 2-D, and the share of the variance the two axes keep.

    Vectors of two numbers are returned as they are (share None); one number gets y = 0. Longer ones
    go through PCA: centred, then onto the two directions of most variance (the first two right
    singular vectors). Each direction's sign is fixed so that its largest loading is positive, so the
    same rows always give the same picture.
    """
    import numpy as np  # noqa: PLC0415 - heavy, only for plot

    data = np.asarray(vectors, dtype=np.float64)
    if data.ndim != 2 or data.shape[0] == 0:
        return [], None
    if data.shape[1] <= 2:
        if data.shape[1] == 1:
            data = np.hstack([data, np.zeros_like(data)])
        return [(float(x), float(y)) for x, y in data], None
    centred = data - data.mean(axis=0)
    _, singular, directions = np.linalg.svd(centred, full_matrices=False)
    axes = directions[:2]
    if axes.shape[0] < 2:  # one row: a single direction (all of nothing)
        axes = np.vstack([axes, np.zeros((2 - axes.shape[0], data.shape[1]))])
    for i in range(axes.shape[0]):
        if axes[i, np.argmax(np.abs(axes[i]))] < 0:
            axes[i] = -axes[i]
    coords = centred @ axes.T
    energy = singular ** 2
    total = float(energy.sum())
    share = float(energy[:2].sum() / total) if total > 0 else 1.0
    return [(float(x), float(y)) for x, y in coords], share


# -- what the picture shows ------------------------------------------------------------------------

@dataclass(frozen=True)
class Points:
    """One legend entry: points with their labels (empty strings: none drawn)."""

    name: str
    xy: Sequence[tuple[float, float]]
    labels: Sequence[str] = ()


@dataclass(frozen=True)
class Scene:
    """The rows by category, the query point and its hits, in 2-D, with the picture's words."""

    title: str
    x_name: str
    y_name: str
    groups: Sequence[Points]
    query: Points | None = None
    hits: Points | None = None


def _limits(values: Sequence[float]) -> tuple[float, float]:
    """An axis's range: the values' with a margin, so no point sits on the frame."""
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    margin = (high - low) * 0.05 or 0.5
    return low - margin, high + margin


def _parts(scene: Scene) -> list[Points]:
    return list(scene.groups) + [p for p in (scene.hits, scene.query) if p is not None]


# -- the terminal picture --------------------------------------------------------------------------

def draw_text(scene: Scene, width: int, height: int, color: bool) -> str:
    """The scene drawn by plotext, ``width`` x ``height`` cells: braille dots and colors when
    ``color``, else one plain character per category and an ASCII frame."""
    import plotext  # noqa: PLC0415 - optional extra, only for plot

    figure = plotext.figure  # plotext's one figure: cleared before and after, drawn on this thread only
    figure.clear()
    try:
        plotext.terminal.limit(False, False)  # the size is ours (the renderer's), not plotext's guess
        figure.plot_size(width, height)
        figure.theme("simple" if color else "colorless")

        def marker(symbol: str, paint: str) -> Any:
            return plotext.marker(symbol, plotext.pixel(foreground=paint)) if color else symbol

        def text(words: str, paint: str) -> Any:
            return plotext.colorize(words, plotext.pixel(foreground=paint)) if color else words

        legend: list[Any] = []  # drawn under the picture: inside, plotext's legend box hides points

        def add(points: Points, symbol: str, paint: str) -> None:
            if not points.xy:
                return
            xs, ys = zip(*points.xy)
            figure.draw(figure.signal(list(xs), list(ys), marker=marker(symbol, paint)))
            legend.append(text(f"{LEGEND_SAMPLE if symbol == 'braille' else symbol} {points.name}", paint))

        x_range = _limits([x for part in _parts(scene) for x, _ in part.xy])
        y_range = _limits([y for part in _parts(scene) for _, y in part.xy])
        figure.ruler("x").lim(*x_range)
        figure.ruler("y").lim(*y_range)
        for i, group in enumerate(scene.groups):
            paint = CATEGORY_COLORS[i % len(CATEGORY_COLORS)]
            add(group, "braille" if color else PLAIN_MARKERS[i % len(PLAIN_MARKERS)], paint)
        # The rows, then the labels (readable over the rows' dots), then the hits and the query on top.
        # A label starts a cell right of its point, or ends a cell left of it when it would not fit.
        cell = (x_range[1] - x_range[0]) / max(10, width - 8)
        for part in _parts(scene):
            paint = QUERY_COLOR if part is scene.query else HIT_COLOR if part is scene.hits else LABEL_COLOR
            for (x, y), label in zip(part.xy, part.labels):
                if not label:
                    continue
                if x + cell * (len(label) + 2) < x_range[1]:
                    figure.draw(figure.text(x + cell, y, text(" " + label, paint)))
                else:
                    figure.draw(figure.text(x - cell, y, text(label + " ", paint), alignment="right"))
        if scene.hits is not None:
            add(scene.hits, HIT_MARKER, HIT_COLOR)
        if scene.query is not None:
            add(scene.query, QUERY_MARKER, QUERY_COLOR)
        figure.title(scene.title)
        figure.label(scene.x_name, axis="x")
        figure.label(scene.y_name, axis="y")
        drawn = figure.build().string(colorless=not color)
        key = "   ".join(part.string() if color else part for part in legend)
    finally:
        figure.clear()
    lines = [line.rstrip() for line in drawn.split("\n")]
    picture = "\n".join(lines).rstrip("\n") + "\n"
    if not color:
        picture = picture.translate(_PLAIN_FRAME)
    return picture + "    " + key + "\n"


# -- the PNG ---------------------------------------------------------------------------------------

def png_bytes(scene: Scene) -> bytes:
    """The scene as a PNG image (matplotlib, no window: drawn off screen)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415 - optional extra
    from matplotlib.figure import Figure  # noqa: PLC0415

    figure = Figure(figsize=(8, 6), dpi=120)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for i, group in enumerate(scene.groups):
        if group.xy:
            xs, ys = zip(*group.xy)
            axes.scatter(xs, ys, s=14, color=PNG_COLORS[i % len(PNG_COLORS)], label=group.name)
    if scene.hits is not None and scene.hits.xy:
        xs, ys = zip(*scene.hits.xy)
        axes.scatter(xs, ys, s=90, facecolors="none", edgecolors="red", linewidths=1.5, label=scene.hits.name)
    if scene.query is not None and scene.query.xy:
        xs, ys = zip(*scene.query.xy)
        axes.scatter(xs, ys, s=120, marker="X", color="red", label=scene.query.name)
    for part in _parts(scene):
        for (x, y), label in zip(part.xy, part.labels):
            if label:
                axes.annotate(label, (x, y), xytext=(5, 3), textcoords="offset points", fontsize=8)
    axes.set_title(scene.title)
    axes.set_xlabel(scene.x_name)
    axes.set_ylabel(scene.y_name)
    axes.legend(loc="best", fontsize=8)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def write_new_file(path: str, data: bytes) -> str:
    """Write ``data`` to a new file (safe_files.create_new: 0600, never an existing name or a link);
    returns the path written. Refuses in words and leaves nothing behind when the write fails."""
    target = os.path.expanduser(path)
    try:
        fd = create_new(target)
    except Refused as exc:
        raise UsageError(f"will not write {path}: {exc.reason}",
                         "plot does not overwrite a file: name a new file, or remove that one first") from None
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError as exc:
        remove_created(target, fd)
        raise UsageError(f"cannot write {path}: {os_reason(exc)}") from None
    finally:
        os.close(fd)
    return target
