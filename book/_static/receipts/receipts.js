// Bending Lines receipts: the panel behind every glued value (see _ext/bendlines_receipts.py).
// Linked only from pages that show a receipted value: <span class="bl-receipt" role="button"
// tabindex="0" data-receipt="PAGE:KEY">. Activating one (click, tap, Enter or Space) opens a
// modal <dialog> with where the value comes from; Escape or Close shuts it and focus returns
// to the value. The page's receipts (_static/receipts/PAGE.json) are fetched the first time a
// reader opens one, never before.

const SITE_ROOT = new URL("../../", import.meta.url);
const pages = new Map();

/** The receipts of one page, fetched once (a failed fetch may be tried again). */
function pageReceipts(page) {
  if (!/^[\w/-]+$/.test(page)) return Promise.reject(new Error(`bad page name ${page}`));
  if (!pages.has(page)) {
    const loading = fetch(new URL(`${page}.json`, import.meta.url)).then((response) => {
      if (!response.ok) throw new Error(`the receipts did not load (${response.status})`);
      return response.json();
    });
    loading.catch(() => pages.delete(page));
    pages.set(page, loading);
  }
  return pages.get(page);
}

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

function codeList(items, link) {
  if (!items.length) return element("span", "bl-receipt-none", "none");
  const list = element("ul", "bl-receipt-list");
  for (const item of items) {
    const entry = element("li");
    const code = element("code", "", item);
    const href = link?.(item);
    if (href) {
      const anchor = element("a");
      anchor.href = href;
      anchor.append(code);
      entry.append(anchor);
    } else entry.append(code);
    list.append(entry);
  }
  return list;
}

function settingsList(settings) {
  const items = Object.entries(settings || {}).map(
    ([name, value]) => `${name} = ${typeof value === "string" ? value : JSON.stringify(value)}`,
  );
  return codeList(items);
}

function plainText(text) {
  return text ? element("span", "", text) : element("span", "bl-receipt-none", "none");
}

/** The rows of the panel: [term, description node]. */
function fields(receipt) {
  const place = [receipt.section, receipt.belongs_to_name].filter(Boolean).join(", in ");
  return [
    ["Shown in", plainText(place)],
    ["Computed by", codeList(receipt.code, (name) => receipt.api?.[name] && new URL(receipt.api[name], SITE_ROOT).href)],
    ["Settings", settingsList(receipt.settings)],
    ["Seeds", plainText((receipt.seeds || []).join(", "))],
    ["Method", plainText(receipt.method)],
    ["Compared", plainText((receipt.compared || []).join(", "))],
    ["Stored results read", codeList(receipt.store || [])],
    ["Checked by the tests", codeList(receipt.tests || [])],
  ];
}

let dialog = null;
let returnTo = null;

/** The one dialog of the page, made on first use. */
function panel() {
  if (dialog) return dialog;
  dialog = element("dialog", "bl-receipt-panel");
  dialog.setAttribute("aria-labelledby", "bl-receipt-title");
  const head = element("div", "bl-receipt-head");
  const title = element("h2", "bl-receipt-title", "Where this value comes from");
  title.id = "bl-receipt-title";
  const close = element("button", "bl-receipt-close", "Close");
  close.type = "button";
  close.addEventListener("click", () => dialog.close());
  head.append(title, close);
  const body = element("div", "bl-receipt-body");
  const status = element("p", "bl-receipt-status");
  status.setAttribute("role", "status");
  dialog.append(head, body, status);
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close(); // a click on the backdrop
  });
  dialog.addEventListener("close", () => {
    returnTo?.focus();
    returnTo = null;
  });
  document.body.append(dialog);
  return dialog;
}

/** A copy of what the page shows for the value (typeset math included), without ids. */
function shownValue(trigger) {
  const value = element("p", "bl-receipt-value");
  const copy = trigger.cloneNode(true);
  for (const marked of copy.querySelectorAll("[id]")) marked.removeAttribute("id");
  value.append(...copy.childNodes);
  return value;
}

function rerun(receipt, status) {
  const box = element("div", "bl-receipt-rerun");
  box.append(element("p", "bl-receipt-label", "Recompute it from the book's repository, after make book:"));
  const command = element("code", "bl-receipt-command", receipt.rerun);
  const copy = element("button", "bl-receipt-copy", "Copy the command");
  copy.type = "button";
  copy.addEventListener("click", () => {
    const done = () => {
      status.textContent = "Command copied.";
    };
    const fallback = () => {
      const range = document.createRange();
      range.selectNodeContents(command);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      status.textContent = "Command selected: copy it with your keyboard or menu.";
    };
    if (navigator.clipboard?.writeText) navigator.clipboard.writeText(receipt.rerun).then(done, fallback);
    else fallback();
  });
  box.append(command, copy);
  return box;
}

function show(receipt, trigger) {
  const body = dialog.querySelector(".bl-receipt-body");
  const status = dialog.querySelector(".bl-receipt-status");
  const list = element("dl", "bl-receipt-fields");
  for (const [term, description] of fields(receipt)) {
    const dd = element("dd");
    dd.append(description);
    list.append(element("dt", "", term), dd);
  }
  const id = element("p", "bl-receipt-id");
  id.append("Receipt ", element("code", "", receipt.id), " · ");
  const all = element("a", "", "every receipt");
  all.href = new URL(`evidence.html#evidence-${receipt.page}`, SITE_ROOT).href;
  id.append(all);
  body.replaceChildren(shownValue(trigger), id, list, rerun(receipt, status));
}

async function open(trigger) {
  const id = trigger.dataset.receipt;
  const box = panel();
  const body = box.querySelector(".bl-receipt-body");
  const status = box.querySelector(".bl-receipt-status");
  status.textContent = "";
  body.replaceChildren(element("p", "bl-receipt-loading", "Loading the receipt…"));
  returnTo = trigger;
  if (!box.open) box.showModal();
  try {
    const data = await pageReceipts(id.split(":")[0]);
    const receipt = data.receipts?.[id];
    if (!receipt) throw new Error(`no receipt named ${id}`);
    if (returnTo === trigger) show(receipt, trigger);
  } catch (error) {
    body.replaceChildren(element("p", "bl-receipt-error", `Sorry: ${error.message}.`));
  }
}

function triggerOf(event) {
  const found = event.target instanceof Element ? event.target.closest("[data-receipt]") : null;
  return found && !found.closest("dialog") ? found : null;
}

document.addEventListener("click", (event) => {
  const trigger = triggerOf(event);
  if (!trigger || event.target.closest("a")) return;
  event.preventDefault();
  open(trigger);
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" && event.key !== " ") return;
  const trigger = triggerOf(event);
  if (!trigger || trigger !== event.target) return;
  event.preventDefault(); // Space would scroll the page
  open(trigger);
});
