"""The test-suite split (benchmarks/suite_split.py): `make test` runs and times its parts in
order, stops at the first failure, and `make bench` shows what the last run recorded."""

from __future__ import annotations

import importlib.util
import json
import stat
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def split(tmp_path, monkeypatch):
    """benchmarks/suite_split.py, recording into a temporary folder."""
    spec = importlib.util.spec_from_file_location(
        "suite_split", ROOT / "benchmarks" / "suite_split.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "RECORD", tmp_path / "test-split.json")
    monkeypatch.setattr(module, "JUNITS", (tmp_path / "test-unit.xml", tmp_path / "test-site.xml"))
    return module


def fake_make(tmp_path: Path, failing: str) -> str:
    """A stand-in for make: works (about 0.2 s of CPU) and sleeps a little for each part,
    fails for ``failing``."""
    script = tmp_path / "make"
    script.write_text(
        "#!/bin/sh\n"
        f'[ "$2" = "{failing}" ] && exit 3\n'
        'python3 -c "import time; sum(range(10**7)); time.sleep(0.05)"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_every_part_is_timed_in_order_and_recorded(split, tmp_path, capsys):
    assert split.run(["lint", "book", "suite"], make=fake_make(tmp_path, "none")) == 0
    record = json.loads(split.RECORD.read_text())
    assert [p["name"] for p in record["parts"]] == ["lint", "book", "suite"]
    assert all(p["seconds"] >= 0.05 and p["cpu"] >= 0.1 for p in record["parts"])
    assert record["total"] == pytest.approx(sum(p["seconds"] for p in record["parts"]), abs=0.2)
    assert "failed" not in record
    printed = capsys.readouterr().out
    assert "make test split" in printed and "book" in printed and "budget 420 s" in printed
    rows = split.rows()
    assert [row["name"].rsplit(": ", 1)[1] for row in rows] == ["lint", "book", "suite", "total"]
    assert rows[-1]["budget"] == split.BUDGET_SECONDS == 420


def test_a_failing_part_stops_the_run_with_its_status(split, tmp_path, capsys):
    assert split.run(["lint", "book", "suite"], make=fake_make(tmp_path, "book")) == 3
    record = json.loads(split.RECORD.read_text())
    assert [p["name"] for p in record["parts"]] == ["lint", "book"]
    assert record["failed"] == "book"
    assert "FAILED at book" in capsys.readouterr().out
    assert split.rows() == []  # no split of a failed run in `make bench`


def test_parts_joined_by_a_plus_run_side_by_side_and_are_timed_as_one(split, tmp_path):
    """``pdf+unit-tests``: both run at once (each sleeps 0.6 s: together well under 1.2 s),
    and a failure of either fails the part."""
    script = tmp_path / "make"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$2" >> {tmp_path / "ran"}\n'
        'python3 -c "import time; time.sleep(0.6)"\n'
        '[ "$2" = "broken" ] && exit 4\n'
        "exit 0\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    assert split.run(["lint", "pdf+unit-tests"], make=str(script)) == 0
    record = json.loads(split.RECORD.read_text())
    assert [p["name"] for p in record["parts"]] == ["lint", "pdf+unit-tests"]
    assert 0.6 <= record["parts"][1]["seconds"] < 1.1
    assert sorted((tmp_path / "ran").read_text().split()) == ["lint", "pdf", "unit-tests"]
    assert split.run(["pdf+broken", "site-tests"], make=str(script)) == 4
    assert json.loads(split.RECORD.read_text())["failed"] == "pdf+broken"


def test_pytest_time_is_summed_per_test_file(split):
    unit, site = split.JUNITS
    unit.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="tests.test_site" name="a" time="1.5"/>'
        '<testcase classname="tests.test_build" name="c" time="7.25"/>'
        "</testsuite></testsuites>"
    )
    site.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="tests.test_site" name="b" time="2.0"/>'
        "</testsuite></testsuites>"
    )
    assert split.seconds_per_test_file(unit, site) == {"test_build.py": 7.25, "test_site.py": 3.5}


def test_without_a_record_bench_says_so(split, capsys):
    assert split.rows() == []
    assert "no `make test` recorded yet" in capsys.readouterr().out
    assert split.main(["show"]) == 1
    assert split.main(["bogus"]) == 2


def test_the_longest_test_files_are_handed_out_first():
    """tests/longest_first.py names existing test files, once each; the collected tests of
    those files come first, in its order, and every other test keeps its place."""
    from types import SimpleNamespace

    from longest_first import LONGEST_FIRST, order

    assert all((ROOT / "tests" / name).is_file() for name in LONGEST_FIRST)
    assert len(set(LONGEST_FIRST)) == len(LONGEST_FIRST)
    names = ["test_a.py", LONGEST_FIRST[1], "test_b.py", LONGEST_FIRST[0], "test_a.py"]
    items = [SimpleNamespace(path=ROOT / "tests" / name, n=i) for i, name in enumerate(names)]
    order(items)
    assert [item.n for item in items] == [3, 1, 0, 2, 4]
