"""plot without a server: the PCA projection against a known one, the pictures' characters, the
message when an extra is missing, the PNG file's creation, and what stays off the first prompt's imports."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from milvus_shell import plotting
from milvus_shell.cli import main
from milvus_shell.errors import ShellError, UsageError
from milvus_shell.plotting import Points, Scene, draw_text, project, write_new_file


# -- the projection ----------------------------------------------------------------------------------

def test_two_numbers_are_drawn_as_they_are():
    points, share = project([[0.5, 1.0], [2.0, -3.0]])
    assert points == [(0.5, 1.0), (2.0, -3.0)]
    assert share is None


def test_a_plane_in_three_dimensions_is_projected_onto_its_own_axes():
    # Points on the plane spanned by u and v (orthonormal), offset by c: the projection must keep
    # every distance (up to rotation) and all of the variance.
    rng = np.random.default_rng(7)
    u = np.array([1.0, 1.0, 0.0]) / np.sqrt(2)
    v = np.array([0.0, 0.0, 1.0])
    a, b = rng.normal(0, 3, 40), rng.normal(0, 1, 40)
    data = np.outer(a, u) + np.outer(b, v) + np.array([5.0, 5.0, -2.0])
    points, share = project(data.tolist())
    assert share == pytest.approx(1.0)
    got = np.array(points)
    original = np.linalg.norm(data[:, None, :] - data[None, :, :], axis=2)
    projected = np.linalg.norm(got[:, None, :] - got[None, :, :], axis=2)
    assert np.allclose(original, projected)


def test_the_projection_is_the_known_one_with_its_variance_share():
    # Along x the spread is 10, along y 1, along z 0.1: PCA's axes are x then y, signs positive, and
    # the share kept is (100 + 1) / (100 + 1 + 0.01) for these exactly centred points.
    data = np.array([[10, 0, 0], [-10, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 0.1], [0, 0, -0.1]], dtype=float)
    points, share = project(data.tolist())
    assert np.allclose(points, data[:, :2])
    assert share == pytest.approx(202 / 202.02)


def test_the_sign_of_each_axis_is_fixed():
    data = np.array([[3.0, 0, 0], [-3.0, 0, 0], [0, 2.0, 0], [0, -2.0, 0.5]])
    first, _ = project(data.tolist())
    again, _ = project((data[::-1]).tolist())
    assert np.allclose(first, again[::-1])


def test_no_rows_and_one_row():
    assert project([]) == ([], None)
    points, share = project([[1.0, 2.0, 3.0]])
    assert points == [(0.0, 0.0)] and share == 1.0


# -- the pictures ------------------------------------------------------------------------------------

SCENE = Scene(
    title="foods.vector: 4 rows", x_name="dim 0", y_name="dim 1",
    groups=[Points("fruit", [(0.9, 0.2), (0.8, 0.3)], ["apple", ""]), Points("snack", [(0.1, 0.9), (0.3, 0.8)])],
    query=Points("query", [(0.6, 0.55)], [""]),
    hits=Points("1 nearest", [(0.8, 0.3)], ["1 pear"]),
)


def test_without_colors_the_picture_is_plain_characters():
    text = draw_text(SCENE, 70, 18, color=False)
    assert text.isascii() and "\x1b" not in text
    lines = text.splitlines()
    assert len(lines) <= 18 + 1 and max(len(line) for line in lines) <= 70
    assert "X" in text and "o 1 pear" in text and " apple" in text
    assert lines[-1].split() == ["*", "fruit", "+", "snack", "o", "1", "nearest", "X", "query"]
    assert "foods.vector: 4 rows" in lines[0] and "dim 0" in text and "dim 1" in text


def test_with_colors_points_are_braille_dots_in_color():
    text = draw_text(SCENE, 70, 18, color=True)
    assert "\x1b[" in text
    assert any(0x2800 <= ord(ch) <= 0x28FF for ch in text)
    assert "1 pear" in text and "X" in text


def test_the_picture_fills_the_width_it_is_given():
    for width in (60, 140):
        lines = draw_text(SCENE, width, 20, color=False).splitlines()
        assert max(len(line) for line in lines) == width


# -- a missing extra ---------------------------------------------------------------------------------

def test_a_missing_plot_extra_is_named_with_its_pip_command(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "plotext", None)  # `import plotext` now fails as if not installed
    with pytest.raises(ShellError) as caught:
        plotting.require("plot", "plot")
    assert str(caught.value) == "plot needs the plot extra: pip install 'milvus-shell[plot]'"
    assert main(["-c", "plot books"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "error: plot needs the plot extra: pip install 'milvus-shell[plot]'\n"


def test_a_missing_png_extra_is_named_with_its_pip_command(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["-c", "plot books --png out.png"]) == 1
    assert capsys.readouterr().err == ("error: plot --png needs the png extra: "
                                      "pip install 'milvus-shell[png]'\n")


def test_drawing_libraries_stay_off_the_start_and_other_commands():
    script = textwrap.dedent("""
        import sys
        from milvus_shell.commands import build_table
        from milvus_shell.cli import main
        build_table()
        main(["-c", "help plot; help search"])
        heavy = sorted(m for m in ("plotext", "numpy", "matplotlib") if m in sys.modules)
        print("HEAVY", heavy)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr


# -- the PNG file ------------------------------------------------------------------------------------

def test_a_new_file_is_created_private(tmp_path):
    target = tmp_path / "p.png"
    assert write_new_file(str(target), b"data") == str(target)
    assert target.read_bytes() == b"data"
    assert target.stat().st_mode & 0o777 == 0o600


def test_an_existing_file_or_a_link_is_refused_and_left_alone(tmp_path):
    existing = tmp_path / "p.png"
    existing.write_bytes(b"keep")
    with pytest.raises(UsageError) as caught:
        write_new_file(str(existing), b"new")
    assert "will not write" in str(caught.value) and "already exists" in str(caught.value)
    assert existing.read_bytes() == b"keep"
    link = tmp_path / "link.png"
    link.symlink_to(tmp_path / "elsewhere.png")  # dangling: following it would create the target
    with pytest.raises(UsageError):
        write_new_file(str(link), b"new")
    assert not (tmp_path / "elsewhere.png").exists()


def test_png_bytes_are_a_png():
    data = plotting.png_bytes(SCENE)
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000


# -- hits from a server that leaves vectors out of search results ---------------------------------

def test_hits_without_vectors_are_completed_by_primary_key():
    from types import SimpleNamespace

    from milvus_shell.catalog import CollectionInfo, FieldInfo
    from milvus_shell.commands.plot import _hits

    info = CollectionInfo("c", (FieldInfo("id", "Int64", "INT64", primary=True),
                                FieldInfo("v", "FloatVector(dim 2)", "FLOAT_VECTOR", dim=2)))
    calls = []

    class Server:  # answers as a server would that sends no vectors with hits
        def search(self, *args):
            calls.append(("search", args))
            return [[{"id": i, "distance": d, "entity": {}} for i, d in ((4, 0.0), (2, 0.1), (9, 0.2), (5, 0.3))]]

        def get(self, collection, key_filter, fields):
            calls.append(("get", (collection, key_filter, list(fields))))
            return [{"id": 2, "v": [0.2, 0.2]}, {"id": 9, "v": [0.9, 0.9]}]  # 5 was deleted meanwhile

    ctx = SimpleNamespace(session=lambda: Server())
    inv = SimpleNamespace(opt=lambda key, default=None: {"like": "4", "k": 3}.get(key, default))
    hits = _hits(ctx, inv, info, info.field("v"), [0.4, 0.4], ["id", "v"])
    assert hits == [{"id": 2, "distance": 0.1, "v": [0.2, 0.2]},
                    {"id": 9, "distance": 0.2, "v": [0.9, 0.9]}]  # the like row itself left out
    assert calls[0][1][3] == 4  # k + 1: the query row comes back first and is dropped
    assert calls[1] == ("get", ("c", "id in [2, 9, 5]", ["id", "v"]))


def test_size_and_limit_are_checked_in_words(capsys):
    from milvus_shell.catalog import FieldInfo
    from milvus_shell.commands.plot import MAX_NUMBERS, _row_limit

    for typed, said in (("3", "--size is COLUMNSxROWS, e.g. 80x24, not '3'"),
                        ("80x", "--size is COLUMNSxROWS, e.g. 80x24, not '80x'"),
                        ("８0x24", "--size is COLUMNSxROWS, e.g. 80x24, not '８0x24'"),
                        ("20x24", "--size: 20 columns is too few (from 40 to 1000)"),
                        ("80x900", "--size: 900 rows is too many (from 10 to 500)")):
        assert main(["-c", f"plot books --size {typed}"]) == 1
        assert capsys.readouterr().err == f"error: {said}\n"
    wide = FieldInfo("v", "FloatVector(dim 4096)", "FLOAT_VECTOR", dim=4096)
    most = MAX_NUMBERS // 4096
    assert _row_limit(None, wide) == most  # the default shrinks to fit
    assert _row_limit(most, wide) == most
    with pytest.raises(UsageError) as caught:
        _row_limit(most + 1, wide)
    assert str(caught.value) == (f"--limit {most + 1} rows of 4096 numbers is more than plot draws at once\n"
                                 f"  hint: at most {most} rows of 'v'")


def test_color_groups_keep_the_most_common_values_and_gather_the_rest():
    from milvus_shell.commands.plot import MAX_CATEGORIES, _groups

    values = ["a"] * 5 + ["b"] * 4 + [f"v{i}" for i in range(10)] + [None]
    rows = [{"id": i, "kind": v} for i, v in enumerate(values)] + [{"id": 99}]  # 99: no such key (dynamic)
    xy = [(float(i), 0.0) for i in range(len(rows))]
    groups = _groups(rows, xy, "kind", [""] * len(rows))
    assert len(groups) == MAX_CATEGORIES
    names = [g.name for g in groups]
    assert names[:2] == ["a", "b"] and names[-1].endswith("other values")
    assert sum(len(g.xy) for g in groups) == len(rows)  # every row is drawn once
    assert [g.xy for g in groups if g.name == "a"] == [[(float(i), 0.0) for i in range(5)]]
    assert _groups(rows, xy, None, [""] * len(rows))[0].name == "rows"
