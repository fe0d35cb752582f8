// Bending Lines widgets: the loader, linked only from pages that hold a widget.
// Each widget is a collapsed <details data-widget="KIND"> under its static figure. Its module
// (kinds/KIND.js) is imported the first time a reader opens it, and mounted with a context:
//   mount(app, {kind, config, state, hashProblem, data(name), saveState(obj), message(text),
//               describe(text)})
// describe(text): the summary in words under the widget (polite, at most once a second).
// A hash "#w-KIND?..." opens that widget on load, hands it the state (lib/state/hash.js) and
// scrolls to it once mounted (the element's id is "bl-widget-KIND", not "w-KIND", so the
// browser does not jump there first and watch it grow).

import { formatHash, parseHash } from "./lib/state/hash.js";

const KIND = /^[a-z][a-z0-9-]{0,31}$/;

function readConfig(root) {
  try {
    const config = JSON.parse(root.dataset.config || "{}");
    return config && typeof config === "object" && !Array.isArray(config) ? config : {};
  } catch {
    return {};
  }
}

const SUMMARY_MS = 1000;

/** A polite live summary under `body`: `say(text)` updates it at most once a second. */
function summary(body) {
  const line = document.createElement("p");
  line.className = "bl-summary";
  line.setAttribute("aria-live", "polite");
  body.append(line);
  let [last, timer, pending] = [-Infinity, 0, ""];
  const show = () => {
    [timer, last] = [0, performance.now()];
    line.textContent = pending;
  };
  return (text) => {
    pending = text;
    if (timer) return;
    const wait = SUMMARY_MS - (performance.now() - last);
    if (wait <= 0) show();
    else timer = setTimeout(show, wait);
  };
}

const cache = new Map();
function data(name) {
  if (!/^[a-z0-9_-]+$/.test(name)) return Promise.reject(new Error(`bad data name ${name}`));
  if (!cache.has(name)) {
    const url = new URL(`data/${name}.json`, import.meta.url);
    cache.set(
      name,
      fetch(url).then((r) => {
        if (!r.ok) throw new Error(`could not load ${name} data (${r.status})`);
        return r.json();
      }),
    );
  }
  return cache.get(name);
}

async function start(root) {
  const kind = root.dataset.widget;
  const body = root.querySelector(".bl-widget-body");
  const status = root.querySelector(".bl-widget-status");
  const hash = parseHash(location.hash, kind);
  let timer = 0;
  const ctx = {
    kind,
    config: readConfig(root),
    state: hash.state,
    hashProblem: !hash.ok,
    data,
    saveState(state) {
      clearTimeout(timer);
      timer = setTimeout(() => history.replaceState(null, "", formatHash(kind, state)), 150);
    },
    message(text) {
      status.textContent = text;
      status.hidden = !text;
    },
    describe: summary(body),
  };
  ctx.message("Loading the interactive figure…");
  try {
    if (!KIND.test(kind)) throw new Error(`unknown widget ${kind}`);
    const t0 = performance.now();
    const module = await import(`./kinds/${kind}.js`);
    const app = document.createElement("div");
    app.className = "bl-widget-app";
    body.append(app);
    ctx.message("");
    const t1 = performance.now();
    await module.mount(app, ctx);
    // Timings for benchmarks and tests: loading the module, and mounting it.
    performance.measure(`widget ${kind} import`, { start: t0, end: t1 });
    performance.measure(`widget ${kind} mount`, { start: t1, end: performance.now() });
    if (!hash.ok && !root.querySelector(".bl-widget-status").textContent) {
      ctx.message("The settings in this page's address could not be read, so the widget starts from its defaults.");
    }
    root.dataset.ready = "true";
    // Opened from a shared address: show it now that it has its full height. (Scrolling
    // before it grew would make the content under it jump in view: a layout shift.)
    // Two frames later: the growth is painted where no one looks, then the page scrolls.
    if (hash.found) requestAnimationFrame(() => requestAnimationFrame(() => root.scrollIntoView({ block: "start" })));
  } catch (error) {
    ctx.message(`The interactive figure could not start (${error.message}). The static figure above still shows the idea.`);
    root.dataset.ready = "error";
  }
}

function init() {
  for (const root of document.querySelectorAll("details[data-widget]")) {
    const status = root.querySelector(".bl-widget-status");
    status.textContent = "";
    status.hidden = true;
    status.setAttribute("role", "status");
    let started = false;
    const open = () => {
      if (root.open && !started) {
        started = true;
        start(root);
      }
    };
    root.addEventListener("toggle", open);
    if (parseHash(location.hash, root.dataset.widget).found) root.open = true;
    open();
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init);
} else {
  init();
}
