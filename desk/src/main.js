// The desk's entry point: header, API key form and the hash router over the views.
import { apiKey, config, setApiKey } from "./api.js";
import { h, problem, replace } from "./dom.js";
import { renderArticle, renderArticles } from "./articles.js";
import { renderEntity } from "./entity.js";
import { renderEvent } from "./evidence.js";
import { renderEvents } from "./dashboard.js";

const ROUTES = [
  [/^\/?(events)?$/, (root, params) => renderEvents(root, params)],
  [/^\/event\/(.+)$/, (root, params, id) => renderEvent(root, id, params)],
  [/^\/articles$/, (root) => renderArticles(root)],
  [/^\/article\/(.+)$/, (root, params, id) => renderArticle(root, id)],
  [/^\/entity\/(.+)$/, (root, params, key) => renderEntity(root, key)],
];

function keyForm() {
  const input = h("input", { id: "api-key", type: "password", autocomplete: "off", value: apiKey() });
  const message = h("p", { class: "muted small" }, "Kept in this tab only (sessionStorage), sent as Authorization: Bearer.");
  const form = h(
    "form",
    { class: "key-form", hidden: true, "aria-label": "API key" },
    h("label", { for: "api-key" }, "API key "),
    input,
    h("button", { type: "submit", class: "primary" }, "Use key"),
    h("button", { type: "button", onclick: () => { setApiKey(""); input.value = ""; route(); } }, "Forget"),
    message,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    setApiKey(input.value.trim());
    form.hidden = true;
    route();
  });
  const open = (why) => {
    form.hidden = false;
    if (why) replace(message, why);
    input.focus();
  };
  window.addEventListener("desk:unauthorized", () => open("The API wants a valid key: enter one to go on."));
  if (config.read_key_required && !apiKey()) setTimeout(() => open("This API requires a key to read."), 0);
  return { form, open };
}

function header(key) {
  return h(
    "header",
    { class: "top-bar" },
    h("a", { class: "brand", href: "#/events" }, "Newsflow ", h("span", {}, "desk")),
    h(
      "nav",
      { "aria-label": "Views" },
      h("a", { href: "#/events", dataset: { section: "event" } }, "Events"),
      h("a", { href: "#/articles", dataset: { section: "article" } }, "Articles"),
      h("a", { href: "/docs", title: "The API's OpenAPI documentation" }, "Docs"),
    ),
    h("button", { type: "button", class: "key-button", onclick: () => key.open() }, apiKey() ? "API key ✓" : "API key"),
  );
}

let main;

function route() {
  const hash = location.hash.slice(1);
  const cut = hash.indexOf("?");
  const path = decodeURIComponent(cut < 0 ? hash : hash.slice(0, cut));
  const params = new URLSearchParams(cut < 0 ? "" : hash.slice(cut + 1));
  for (const link of document.querySelectorAll("nav a[data-section]")) {
    const current = path.startsWith(`/${link.dataset.section}`) || (!path.replace("/", "") && link.dataset.section === "event");
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  for (const [pattern, render] of ROUTES) {
    const match = path.match(pattern);
    if (match) return render(main, params, match[1]);
  }
  replace(main, problem({ title: "Not Found", detail: `The desk has no page ${path}.` }));
}

function start() {
  if (location.search && !location.hash) location.hash = `#/events${location.search}`;
  const key = keyForm();
  main = h("main", { id: "view", tabindex: "-1" });
  document.body.replaceChildren(header(key), key.form, main);
  window.addEventListener("hashchange", () => {
    route();
    main.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  });
  route();
}

start();
