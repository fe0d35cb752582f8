// A tiny DOM for node: enough of document, elements and attributes for the widgets' views to
// draw into, and `markup(node)` to serialise what they drew (attributes in the order set).
// No layout, no events (listeners are kept and never called).

const VOID = new Set(["input", "br", "img"]);
const escapeText = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

class Node {
  constructor(tag) {
    this.tagName = tag;
    this.attributes = new Map();
    this.children = [];
    this.parent = null;
    this.text = "";
    this.style = {};
    this.listeners = [];
    this.classList = {
      add: (...names) => this.setAttribute("class", [...new Set([...(this.getAttribute("class") ?? "").split(" ").filter(Boolean), ...names])].join(" ")),
      remove: (...names) => this.setAttribute("class", (this.getAttribute("class") ?? "").split(" ").filter((c) => c && !names.includes(c)).join(" ")),
      toggle: (name, on) => (on ? this.classList.add(name) : this.classList.remove(name)),
      contains: (name) => (this.getAttribute("class") ?? "").split(" ").includes(name),
    };
    this.dataset = new Proxy({}, {
      get: (_, key) => this.getAttribute(`data-${key}`) ?? undefined,
      set: (_, key, value) => { this.setAttribute(`data-${key}`, value); return true; },
      deleteProperty: (_, key) => { this.removeAttribute(`data-${key}`); return true; },
    });
  }
  setAttribute(name, value) { this.attributes.set(name, String(value)); }
  getAttribute(name) { return this.attributes.has(name) ? this.attributes.get(name) : null; }
  removeAttribute(name) { this.attributes.delete(name); }
  hasAttribute(name) { return this.attributes.has(name); }
  toggleAttribute(name, on) { if (on) this.setAttribute(name, ""); else this.removeAttribute(name); }
  get className() { return this.getAttribute("class") ?? ""; }
  set className(value) { this.setAttribute("class", value); }
  set id(value) { this.setAttribute("id", value); }
  get id() { return this.getAttribute("id"); }
  appendChild(child) {
    if (typeof child === "string") child = Object.assign(new Node("#text"), { text: child });
    child.remove();
    child.parent = this;
    this.children.push(child);
    return child;
  }
  append(...children) { for (const c of children) this.appendChild(c); }
  prepend(...children) { for (const c of children.reverse()) { this.appendChild(c); this.children.unshift(this.children.pop()); } }
  replaceChildren(...children) { for (const c of this.children) c.parent = null; this.children = []; this.append(...children); }
  remove() { if (this.parent) { this.parent.children = this.parent.children.filter((c) => c !== this); this.parent = null; } }
  get lastChild() { return this.children.at(-1) ?? null; }
  get parentNode() { return this.parent; }
  get textContent() { return this.tagName === "#text" ? this.text : this.children.map((c) => c.textContent).join("") + this.text; }
  set textContent(value) { this.replaceChildren(); this.text = String(value); }
  addEventListener(type, fn) { this.listeners.push([type, fn]); }
  getContext() { return { createImageData: (w, h) => ({ width: w, height: h, data: new Uint8ClampedArray(4 * w * h) }), putImageData: () => {} }; }
}

/** Install the shim as globalThis.document (once). */
export function installDom() {
  globalThis.document ??= {
    createElement: (tag) => new Node(tag),
    createElementNS: (_, tag) => new Node(tag),
  };
}

/** The markup of `node` and everything under it. */
export function markup(node, indent = "") {
  if (node.tagName === "#text") return `${indent}${escapeText(node.text)}\n`;
  const attrs = [...node.attributes].map(([k, v]) => ` ${k}="${escapeText(v)}"`).join("");
  if (VOID.has(node.tagName)) return `${indent}<${node.tagName}${attrs}>\n`;
  const inner = node.children.map((c) => markup(c, `${indent}  `)).join("") + (node.text ? `${indent}  ${escapeText(node.text)}\n` : "");
  return `${indent}<${node.tagName}${attrs}>\n${inner}${indent}</${node.tagName}>\n`;
}
