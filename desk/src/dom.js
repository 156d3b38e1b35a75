// Building elements without innerHTML: every text from the API goes in as a text node.

const SVG_NS = "http://www.w3.org/2000/svg";

function fill(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Return an HTML element with attributes (`onclick` adds a listener) and children. */
export function h(tag, attributes, ...children) {
  return fill(document.createElement(tag), attributes, children);
}

/** Return an SVG element with attributes and children. */
export function s(tag, attributes, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attributes, children);
}

/** Replace an element's children. */
export function replace(element, ...children) {
  element.replaceChildren();
  return fill(element, {}, children);
}

/** Return a panel's "loading" placeholder. */
export function loading(what) {
  return h("p", { class: "state loading", role: "status" }, `Loading ${what}…`);
}

/** Return a panel's "nothing here" placeholder. */
export function empty(text) {
  return h("p", { class: "state empty" }, text);
}

/** Return an API error as its problem's title and detail. */
export function problem(error) {
  const title = error.title || "Error";
  const detail = error.detail || String(error.message || error);
  const fields = (error.errors || []).map((item) => h("li", {}, `${item.field}: ${item.message}`));
  return h(
    "div",
    { class: "problem", role: "alert" },
    h("strong", {}, title),
    h("p", {}, detail),
    fields.length ? h("ul", {}, fields) : null,
  );
}

/** Format a number with thousands separators. */
export function count(value) {
  return Number(value).toLocaleString("en");
}

/** Format an ISO date-time as its day, or a dash. */
export function day(value) {
  return value ? String(value).slice(0, 10) : "–";
}
