"""Site weight and Lighthouse scores of the built book (`make bench` prints them).

Serves book/_build/html the way GitHub Pages does (under its published path, gzip for text)
and runs Lighthouse 12 (mobile preset) on every page with Debian's Chromium, three times a
page, and reports the median run (Lighthouse's own advice: its scores move a few points
between runs) and the lowest performance score. Lighthouse comes from the npm registry into
the user cache folder on first use; without node/npm or Chromium the Lighthouse rows are
skipped with a note. Build the book first (`make book`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "book" / "_build" / "html"
CATEGORIES = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
RUNS = 3  # Lighthouse runs a page; the median one is reported
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
sys.path.insert(0, str(ROOT / "tests"))


def _cache() -> Path:
    base = (
        os.environ.get("BENDLINES_CACHE")
        or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "bendlines"
    )
    return Path(base) / "lighthouse"


def _lighthouse() -> Path | None:
    """The Lighthouse 12 command, installed with npm on first use (None if impossible)."""
    binary = _cache() / "node_modules" / ".bin" / "lighthouse"
    if binary.exists():
        return binary
    if not shutil.which("npm") or not Path(CHROMIUM).exists():
        return None
    _cache().mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "install", "--silent", "--no-audit", "--no-fund", "lighthouse@12"],
        cwd=_cache(),
        check=True,
        capture_output=True,
    )
    return binary if binary.exists() else None


def pages() -> list[str]:
    """Every HTML page of the site (relative paths)."""
    return sorted(p.relative_to(SITE).as_posix() for p in SITE.glob("*.html"))


def lighthouse_rows(targets: list[str], suffix: str = "") -> list[dict]:
    """Lighthouse (mobile) on each target (a page, perhaps with a ``#`` address), RUNS times.

    Rows per target: the median run's first-view weight, its score in every category and its
    total blocking time, and the lowest performance score of the runs (budget 90: the median
    must reach 95 and no run may fall under 90).
    """
    lighthouse = _lighthouse()
    if lighthouse is None:
        return [{"name": "lighthouse: skipped (needs npm and chromium)", "value": 0, "unit": ""}]
    from site_server import serve_published

    flags = "--headless --no-sandbox --disable-gpu --disable-background-networking"
    rows = []
    with serve_published(SITE) as url, tempfile.TemporaryDirectory() as tmp:
        for target in targets:
            results = []
            for _ in range(RUNS):
                report = Path(tmp) / "report.json"
                subprocess.run(
                    [
                        str(lighthouse),
                        url + target,
                        "--output=json",
                        f"--output-path={report}",
                        "--quiet",
                        f"--only-categories={','.join(CATEGORIES)}",
                        f"--chrome-flags={flags}",
                    ],
                    env={**os.environ, "CHROME_PATH": CHROMIUM},
                    check=True,
                    capture_output=True,
                )
                results.append(json.loads(report.read_text()))
            results.sort(key=lambda r: r["categories"]["performance"]["score"])
            result = results[len(results) // 2]
            name = f"{target}{suffix}"
            weight = result["audits"]["total-byte-weight"]["numericValue"]
            rows.append(
                {"name": f"{name}: first-view weight", "value": weight / 2**10, "unit": "KiB",
                 "budget": 1024.0}
            )  # fmt: skip
            for category, minimum in CATEGORIES.items():
                score = round(100 * result["categories"][category]["score"])
                rows.append(
                    {"name": f"{name}: lighthouse {category}", "value": score, "unit": "",
                     "budget": minimum, "better": "higher"}
                )  # fmt: skip
            lowest = round(100 * results[0]["categories"]["performance"]["score"])
            rows.append(
                {"name": f"{name}: lowest of {RUNS} performance scores", "value": lowest,
                 "unit": "", "budget": 90, "better": "higher"}
            )  # fmt: skip
            tbt = result["audits"]["total-blocking-time"]["numericValue"]
            rows.append(
                {"name": f"{name}: total blocking time (median run)", "value": tbt, "unit": "ms",
                 "budget": None}
            )  # fmt: skip
    return rows


def run() -> list[dict]:
    if not SITE.is_dir():
        return [{"name": "site: not built (run make book)", "value": float("nan"), "unit": ""}]
    size = sum(p.stat().st_size for p in SITE.rglob("*") if p.is_file())
    rows = [{"name": "site: size on disk", "value": size / 2**20, "unit": "MB", "budget": 30.0}]
    return rows + lighthouse_rows(pages())


if __name__ == "__main__":
    for row in run():
        print(row)
