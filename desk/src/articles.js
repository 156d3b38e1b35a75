// Articles: the list with their status, the form that posts one, one article's analysis.
import { config, get, postArticle } from "./api.js";
import { day, empty, h, loading, problem, replace } from "./dom.js";
import { marked } from "./marks.js";

const POLL_MS = 1000;
const PAGE_SIZE = 20;
const UNFINISHED = new Set(["queued", "processing"]);

function status(article) {
  return h("span", { class: `status ${article.status}`, dataset: { status: article.status } }, article.status);
}

function articleLink(article) {
  return h("a", { href: `#/article/${encodeURIComponent(article.id)}` }, article.title || article.id);
}

async function failureReasons(items) {
  const failed = items.filter((item) => item.status === "failed");
  const details = await Promise.all(failed.map((item) => get(`/articles/${encodeURIComponent(item.id)}`).catch(() => ({}))));
  return new Map(failed.map((item, index) => [item.id, details[index].error || "no reason recorded"]));
}

function articleRows(items, reasons) {
  if (!items.length) return empty("No articles yet: post one above.");
  return h(
    "ul",
    { class: "articles" },
    items.map((item) =>
      h(
        "li",
        { dataset: { id: item.id } },
        status(item),
        " ",
        articleLink(item),
        h("span", { class: "muted" }, ` ${item.source ? `${item.source} · ` : ""}${day(item.published_at)}`),
        reasons.has(item.id) ? h("div", { class: "reason" }, reasons.get(item.id)) : null,
      ),
    ),
  );
}

function listPanel() {
  const body = h("div", {}, loading("articles"));
  const cursors = [];
  let timer = null;
  const load = async () => {
    clearTimeout(timer);
    try {
      const cursor = cursors[cursors.length - 1];
      const page = await get("/articles", { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
      const reasons = await failureReasons(page.items);
      replace(
        body,
        articleRows(page.items, reasons),
        h(
          "div",
          { class: "pager" },
          h("button", { type: "button", disabled: !cursors.length, onclick: () => (cursors.pop(), load()) }, "← Newer"),
          h("button", { type: "button", disabled: !page.next_cursor, onclick: () => (cursors.push(page.next_cursor), load()) }, "Older →"),
        ),
      );
      if (page.items.some((item) => UNFINISHED.has(item.status))) timer = setTimeout(() => body.isConnected && load(), POLL_MS);
    } catch (error) {
      replace(body, problem(error));
    }
  };
  load();
  return { element: h("section", { class: "panel", "aria-labelledby": "list-title" }, h("h2", { id: "list-title" }, "Articles"), body), refresh: load };
}

function field(name, label, control) {
  return h("label", { class: "field", for: `post-${name}` }, h("span", {}, label), control);
}

async function watch(id, line, onChange) {
  for (;;) {
    const article = await get(`/articles/${encodeURIComponent(id)}`).catch(() => null);
    if (article) {
      replace(line, "Article ", articleLink(article), " is ", status(article), article.error ? ` (${article.error})` : "");
      onChange();
      if (!UNFINISHED.has(article.status)) return;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (!line.isConnected) return;
  }
}

function postForm(onPosted) {
  const result = h("div", { class: "post-result", role: "status", "aria-live": "polite" });
  const input = (name, type = "text", extra = {}) => h("input", { id: `post-${name}`, name, type, ...extra });
  const form = h(
    "form",
    { class: "post-form", "aria-labelledby": "post-heading" },
    field("text", "Text", h("textarea", { id: "post-text", name: "text", required: true, rows: 6 })),
    h(
      "div",
      { class: "fields" },
      field("title", "Title", input("title")),
      field("url", "URL", input("url", "url", { placeholder: "https://…" })),
      field("source", "Outlet", input("source")),
      field("published", "Published", input("published", "date")),
    ),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Post article")),
    result,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(form));
    const article = { text: values.text };
    for (const name of ["title", "url", "source"]) if (values[name].trim()) article[name] = values[name].trim();
    if (values.published) article.published_at = `${values.published}T00:00:00Z`;
    replace(result, "Posting…");
    try {
      const accepted = await postArticle(article);
      form.reset();
      replace(result, h("p", { class: "watch" }, `Accepted ${accepted.id} (${accepted.status})`));
      watch(accepted.id, result.firstChild, onPosted);
    } catch (error) {
      replace(result, problem(error));
    }
  });
  return h(
    "section",
    { class: "panel", "aria-labelledby": "post-heading" },
    h("h2", { id: "post-heading" }, "Post an article"),
    h("p", { class: "muted small" }, `Sent to the ingest service at ${config.ingest_url || "?"}.`),
    form,
  );
}

/** Render the articles page (form and list) into root. */
export function renderArticles(root) {
  const list = listPanel();
  replace(root, h("h1", { class: "visually-hidden" }, "Articles"), h("div", { class: "articles-page" }, postForm(list.refresh), list.element));
}

function summary(analysis) {
  const found = analysis && analysis.summary;
  if (!found) return null;
  const rows = ["who", "what", "where", "when"].filter((part) => found[part]);
  return h(
    "dl",
    { class: "facts summary" },
    rows.map((part) => [h("dt", {}, part), h("dd", {}, found[part].text)]),
    found.date ? [h("dt", {}, "date"), h("dd", {}, found.date)] : null,
  );
}

function entitySpans(analysis) {
  return (analysis ? analysis.entities : []).map((entity) => ({ ...entity, kind: `entity ${entity.label}`, title: entity.key }));
}

function entityList(analysis) {
  const keys = new Map();
  for (const entity of analysis ? analysis.entities : []) if (!keys.has(entity.key)) keys.set(entity.key, entity);
  return h(
    "ul",
    { class: "entity-list" },
    [...keys.values()].map((entity) => h("li", {}, h("a", { href: `#/entity/${encodeURIComponent(entity.key)}` }, entity.text), h("span", { class: "span-label" }, entity.label))),
  );
}

function eventList(article) {
  const events = article.analysis ? article.analysis.events : [];
  if (!events.length) return empty("No events found in this article.");
  return h(
    "ol",
    { class: "event-list" },
    events.map((event, index) =>
      h("li", {}, h("a", { href: `#/event/${encodeURIComponent(`${article.id}~${index}`)}` }, h("code", {}, event.code), ` ${event.source ? event.source.text : "?"} — ${event.trigger.text} — ${event.target ? event.target.text : "?"}`)),
    ),
  );
}

/** Render one article (its status, summary, entities and events) into root. */
export async function renderArticle(root, id) {
  const back = h("a", { href: "#/articles", class: "back" }, "← Articles");
  replace(root, back, loading("the article"));
  try {
    const article = await get(`/articles/${encodeURIComponent(id)}`);
    const analysis = article.analysis;
    replace(
      root,
      back,
      h("h1", {}, article.title || article.id),
      h("p", { class: "article-meta" }, status(article), article.source ? ` · ${article.source}` : "", ` · ${day(article.published_at)}`, article.error ? h("span", { class: "reason" }, ` ${article.error}`) : ""),
      h(
        "div",
        { class: "evidence" },
        h("section", { class: "panel", "aria-label": "Text with its entities" }, h("div", { class: "article-text" }, marked(article.text, 0, article.text.length, entitySpans(analysis)))),
        h("aside", { class: "panel" }, summary(analysis) ? [h("h2", {}, "Summary"), summary(analysis)] : null, h("h2", {}, "Events"), eventList(article), h("h2", {}, "Entities"), entityList(analysis)),
      ),
    );
    if (UNFINISHED.has(article.status)) setTimeout(() => back.isConnected && renderArticle(root, id), POLL_MS);
  } catch (error) {
    replace(root, back, problem(error));
  }
}
