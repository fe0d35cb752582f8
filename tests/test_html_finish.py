"""The build's HTML finishing (book/_ext/bendlines_html.py): the CSS purge keeps what pages use."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))

from bendlines_html import purge_css


def test_unused_class_rules_go_and_used_ones_stay():
    css = ".used{color:red}.unused{color:blue}p{margin:0}#main .used{x:1}#gone{x:2}"
    out = purge_css(css, {"used", "main"})
    assert ".used{color:red}" in out and "p{margin:0}" in out and "#main .used{x:1}" in out
    assert "unused" not in out and "gone" not in out


def test_selector_lists_keep_only_their_used_members():
    out = purge_css(".a,.b,.c > p{color:red}", {"a", "c"})
    assert out == ".a,.c > p{color:red}"


def test_media_blocks_are_purged_inside_and_dropped_when_empty():
    css = "@media (min-width: 960px){.a{x:1}.b{x:2}}@media print{.b{x:3}}"
    out = purge_css(css, {"a"})
    assert out == "@media (min-width: 960px){.a{x:1}}"


def test_font_faces_keyframes_imports_and_strings_survive():
    css = (
        '@charset "UTF-8";@font-face{font-family:x;src:url("a{b}.woff")}'
        "@keyframes spin{from{x:0}to{x:1}}"
        '.a::before{content:"}{"}/* .b{ */.c{x:1}'
    )
    out = purge_css(css, {"a"})
    assert '@charset "UTF-8";' in out
    assert '@font-face{font-family:x;src:url("a{b}.woff")}' in out
    assert "@keyframes spin{from{x:0}to{x:1}}" in out
    assert '.a::before{content:"}{"}' in out
    assert ".c{" not in out


def test_attribute_values_and_pseudo_arguments_are_not_mistaken_for_classes():
    css = 'a[href$=".pdf"]{x:1}li:not(.active){x:2}html[data-theme=dark] .x{x:3}'
    out = purge_css(css, {"x"})
    assert 'a[href$=".pdf"]{x:1}' in out
    assert "li:not(.active){x:2}" in out
    assert "html[data-theme=dark] .x{x:3}" in out


def test_commas_inside_functional_selectors_do_not_split_them():
    css = ":is(.a,.b,.c)::before{x:1}.d:not(.e,.f){x:2}.g,.h{x:3}"
    out = purge_css(css, {"a", "h"})
    assert ":is(.a,.b,.c)::before{x:1}" in out
    assert ".d:not(.e,.f)" not in out  # names .d, which nothing uses
    assert ".h{x:3}" in out and ".g" not in out
    assert out.count("(") == out.count(")") and out.count("{") == out.count("}")


def test_content_named_files_are_written_whole(tmp_path, monkeypatch):
    """A write that stops midway leaves nothing under the final name (a later build would
    take a file named by its content as finished)."""
    from bendlines_html import _write_whole

    target = tmp_path / "bundle.0123456789.css"
    _write_whole(target, b"body{}")
    assert target.read_bytes() == b"body{}" and sorted(tmp_path.iterdir()) == [target]

    write_bytes = type(target).write_bytes

    def interrupted(self, data):  # the disk fills up halfway through
        write_bytes(self, data[: len(data) // 2])
        raise OSError("No space left on device")

    monkeypatch.setattr(type(target), "write_bytes", interrupted)
    other = tmp_path / "icons.0123456789.woff2"
    with pytest.raises(OSError, match="No space"):
        _write_whole(other, b"font")
    assert not other.exists()


def test_lists_leave_the_paragraphs_sphinx_wraps_them_in():
    """A numpydoc "Returns" with a list (bullets, or terms and definitions) comes out of
    Sphinx inside a <p>, which HTML forbids; the finishing pass unwraps it."""
    from bendlines_html import _LIST_IN_PARAGRAPH

    bullets = '<p><ul class="simple"><li>x</li></ul></p>'
    assert _LIST_IN_PARAGRAPH.sub(r"\1", bullets) == '<ul class="simple"><li>x</li></ul>'
    inner = '<p><em>dict</em> x:</p>\n<dl class="simple">\n<dt>a</dt><dd><p>b</p></dd>\n</dl>'
    assert _LIST_IN_PARAGRAPH.sub(r"\1", f"<dd><p>{inner}\n</p>") == f"<dd>{inner}"
    plain = "<p>text</p>"
    assert _LIST_IN_PARAGRAPH.sub(r"\1", plain) == plain
