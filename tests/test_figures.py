"""Figure scripts: each runs alone, writes byte-identical files, and fails cleanly on bad input."""

from __future__ import annotations

import ast
import importlib.util
import os
import stat
import subprocess
import sys
from pathlib import Path
from unittest import mock

import matplotlib.pyplot as plt
import pytest

from bendlines import render, style

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted(p for p in (ROOT / "figures").glob("*.py") if not p.name.startswith("_"))
GALLERY = ROOT / "figures" / "activation_gallery.py"


def run(script: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run a figure script as a reader would, in a fresh interpreter."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )


def test_there_are_figure_scripts():
    assert GALLERY in SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_script_has_docstring_make_figure_and_cli_guard(script):
    tree = ast.parse(script.read_text())
    doc = ast.get_docstring(tree)
    assert doc and len(doc.split()) >= 8, "the docstring must say what the figure shows"
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert "make_figure" in functions
    assert 'if __name__ == "__main__":' in script.read_text()
    assert "render.main(make_figure, __doc__)" in script.read_text()


def load(script: Path):
    """Import a figure script as a module (its command line does not run), as a chapter does;
    what it sets in the environment at import is undone afterwards."""
    spec = importlib.util.spec_from_file_location(f"figure_{script.stem}", script)
    module = importlib.util.module_from_spec(spec)
    with mock.patch.dict(os.environ):
        spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_script_and_a_second_independent_run_write_identical_bytes(script, tmp_path):
    """One run of the command line, in a fresh interpreter, writes SVG and PNG files with no
    dates inside; ``make_figure`` run again in this process (another interpreter, another
    hash seed, the figure computed and drawn anew) renders to exactly the same bytes."""
    result = run(script, "-o", "fig.svg", "-o", "fig.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.png", "fig.svg"]
    written = ((tmp_path / "fig.svg").read_bytes(), (tmp_path / "fig.png").read_bytes())
    svg = written[0].decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "<dc:date>" not in svg
    assert written[1][:8] == b"\x89PNG\r\n\x1a\n"
    fig = load(script).make_figure()
    try:
        assert (render.to_bytes(fig, "svg"), render.to_bytes(fig, "png")) == written
    finally:
        plt.close(fig)


def test_help_shows_the_docstring():
    result = run(GALLERY, "--help")
    assert result.returncode == 0
    assert "Every activation in the registry" in result.stdout
    assert "--output" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "out.svg", "--bogus"], "unrecognized arguments"),
        ([], "required"),
        (["-o", "out.txt"], "cannot tell the format"),
        (["-o", "out.svg", "--format", "gif"], "invalid choice"),
        (["-o", "no/such/folder/out.svg"], "does not exist"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_file(args, message, tmp_path):
    result = run(GALLERY, *args, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_is_a_clean_error(tmp_path):
    """/proc refuses new files even to root; a read-only folder does so for everyone else."""
    result = run(GALLERY, "-o", "/proc/bendlines-figure.svg")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot write" in lines[0], result.stderr
    assert not Path("/proc/bendlines-figure.svg").exists()
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            result = run(GALLERY, "-o", str(locked / "out.svg"))
            assert result.returncode == 2 and "permission denied" in result.stderr
            assert list(locked.iterdir()) == []
        finally:
            locked.chmod(0o700)


def test_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    fig, ax = style.figure()
    ax.plot([0, 1], [0, 1])

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(render.os, "replace", broken_replace)
    with pytest.raises(OSError):
        render.save(fig, tmp_path / "out.svg")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_figure_files_respect_the_umask(tmp_path, umask):
    fig, ax = style.figure()
    ax.plot([0, 1], [0, 1])
    old = os.umask(umask)
    try:
        written = render.save(fig, tmp_path / "out.svg")
    finally:
        os.umask(old)
    assert stat.S_IMODE(written.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["out.svg"]


def test_unknown_format_raises_value_error():
    fig, _ = style.figure()
    with pytest.raises(ValueError, match="svg"):
        render.to_bytes(fig, "gif")


def test_svg_for_notebooks_carries_size_and_closes_the_figure():
    fig, ax = style.figure(width=5, height=2.5)
    ax.plot([0, 1], [1, 0])
    shown = render.show(fig)
    data, metadata = shown._repr_svg_()
    assert data.lstrip().startswith("<?xml")
    assert (shown.width, shown.height) == (480, 240)
    assert metadata == {"width": 480, "height": 240}
    assert not plt.fignum_exists(fig.number)


def _relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_text_ink_meets_wcag_contrast_on_white():
    ratio = (1.0 + 0.05) / (_relative_luminance(style.INK) + 0.05)
    assert ratio >= 7.0  # WCAG AAA for normal text


def test_palette_is_okabe_ito_and_distinct():
    okabe_ito = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"}
    assert set(style.CYCLE) == okabe_ito
    assert len(set(style.CYCLE)) == len(style.CYCLE) == len(style.LINESTYLES)
