"""Run the parts of `make test` one after another, timing each: the test suite's split.

``python benchmarks/suite_split.py run lint js book ...`` runs ``make PART`` for each part in
order (a part ``a+b`` runs ``make a`` and ``make b`` side by side, and is timed as one: the
book's build uses about one core, so the tests that need no site run beside it), stops at the
first that fails (with its exit status), prints how long each took and
records it in book/_build/test-split.json, with the machine's load when each part began (other
work on the machine slows every part). ``python benchmarks/suite_split.py show`` prints the
last record; `make bench` includes it (it measures the last real run rather than running the
whole suite again). The pytest parts also leave JUnit XML files in book/_build (``JUNITS``),
from which the record adds the summed test time per test file.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "book" / "_build" / "test-split.json"
#: The JUnit XML the pytest parts write: `make suite`, or `make unit-tests` and `make site-tests`.
JUNITS = tuple(ROOT / "book" / "_build" / f"test-{n}.xml" for n in ("suite", "unit", "site"))
#: `make test` on a 2-core machine from a clean clone (the project's target).
BUDGET_SECONDS = 420.0


def load_average() -> list[float]:
    """The 1-, 5- and 15-minute load averages (empty where the system has none)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def seconds_per_test_file(*junits: Path) -> dict[str, float]:
    """Summed duration of the tests of each file, from pytest's JUnit XML files (largest
    first)."""
    totals: dict[str, float] = defaultdict(float)
    cases = (case for junit in junits for case in ET.parse(junit).getroot().iter("testcase"))
    for case in cases:
        module = case.get("classname", "").split(".")
        name = "/".join(part for part in module if part.startswith("test_")) or "?"
        totals[f"{name}.py"] += float(case.get("time", 0))
    return dict(sorted(totals.items(), key=lambda item: -item[1]))


def children_cpu_seconds() -> float:
    """User and system CPU time of the finished child processes (and theirs) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(parts: list[str], make: str = "make") -> int:
    """Run ``make PART`` for each part, timing it (wall clock, and CPU time, which depends
    less on what else the machine is doing); record and print the split."""
    record = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "cores": os.cpu_count(),
        "parts": [],
    }
    status = 0
    for part in parts:
        load, start, cpu = load_average(), time.perf_counter(), children_cpu_seconds()
        status = _make_side_by_side(make, part.split("+"))
        seconds, cpu = time.perf_counter() - start, children_cpu_seconds() - cpu
        record["parts"].append(
            {"name": part, "seconds": round(seconds, 1), "cpu": round(cpu, 1), "load": load}
        )
        if status != 0:
            record["failed"] = part
            break
    record["total"] = round(sum(p["seconds"] for p in record["parts"]), 1)
    fresh = [j for j in JUNITS if j.is_file() and j.stat().st_mtime > time.time() - record["total"]]
    if status == 0 and fresh:
        record["test_files"] = {k: round(v, 1) for k, v in seconds_per_test_file(*fresh).items()}
    RECORD.parent.mkdir(parents=True, exist_ok=True)
    RECORD.write_text(json.dumps(record, indent=1) + "\n")
    print()
    print(describe(record))
    return status


def _make_side_by_side(make: str, targets: list[str]) -> int:
    """Run ``make TARGET`` for every target at once; the first non-zero exit status, or 0."""
    running = [
        subprocess.Popen([make, "--no-print-directory", target], cwd=ROOT) for target in targets
    ]
    statuses = [process.wait() for process in running]
    return next((status for status in statuses if status != 0), 0)


def _commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return result.stdout.strip() or "unknown"


def describe(record: dict) -> str:
    """The split as text: one line per part, its share, the load when it began."""
    total = record["total"]
    lines = [
        f"make test split ({record['started']}, commit {record['commit']}, "
        f"{record['cores']} cores){' FAILED at ' + record['failed'] if 'failed' in record else ''}"
    ]
    for part in record["parts"]:
        share = part["seconds"] / total if total else 0.0
        load = " ".join(f"{x:g}" for x in part["load"]) or "?"
        lines.append(
            f"  {part['name']:<14} {part['seconds']:7.1f} s  {share:6.1%}  "
            f"CPU {part['cpu']:7.1f} s  load {load}"
        )
    cpu = sum(p["cpu"] for p in record["parts"])
    lines.append(f"  {'total':<14} {total:7.1f} s  (budget {BUDGET_SECONDS:g} s)  CPU {cpu:7.1f} s")
    if record.get("test_files"):
        lines.append("  summed pytest time per file (the workers run side by side), top 12:")
        for name, seconds in list(record["test_files"].items())[:12]:
            lines.append(f"    {name:<34} {seconds:7.1f} s")
    return "\n".join(lines)


def rows() -> list[dict]:
    """`make bench` rows: each part of the last recorded `make test`, and its total."""
    if not RECORD.is_file():
        print("no `make test` recorded yet: its split appears here after one")
        return []
    record = json.loads(RECORD.read_text())
    if "failed" in record:
        print(f"the last `make test` failed at {record['failed']}: no split to show")
        return []
    when = f"last make test ({record['started']}, {record['commit']})"
    out = [
        {"name": f"{when}: {p['name']}", "value": p["seconds"], "unit": "s"}
        for p in record["parts"]
    ]
    out.append(
        {"name": f"{when}: total", "value": record["total"], "unit": "s", "budget": BUDGET_SECONDS}
    )
    return out


def main(argv: list[str]) -> int:
    if argv[:1] == ["run"] and len(argv) > 1:
        return run(argv[1:], make=os.environ.get("MAKE", "make"))
    if argv == ["show"]:
        if not RECORD.is_file():
            print("no `make test` recorded yet")
            return 1
        print(describe(json.loads(RECORD.read_text())))
        return 0
    print("usage: suite_split.py run PART... | show", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
