// The events of a filter as a table: sortable by the API's orders, paged with its cursors.
import { count, day, empty, h } from "./dom.js";

const SORTABLE = { date: "Date", confidence: "Conf.", published: "Article" };

function actor(side) {
  if (!side) return h("span", { class: "muted" }, "–");
  return h("span", {}, h("code", {}, side.actor_code || "?"), " ", side.text);
}

function header(name, sort, onSort) {
  if (!SORTABLE[name]) return h("th", { scope: "col", class: "plain" }, name);
  const current = sort === name;
  return h(
    "th",
    { scope: "col", "aria-sort": current ? "descending" : "none" },
    h("button", { type: "button", class: "sort", onclick: () => onSort(name) }, SORTABLE[name], current ? " ▼" : ""),
  );
}

function row(event, hrefFor) {
  const href = hrefFor(event.id);
  const cells = [
    h("td", { class: "date" }, day(event.date || event.article.published_at)),
    h("td", { class: "source" }, actor(event.source)),
    h("td", { class: "what" }, h("a", { href, class: "event-link" }, h("code", {}, event.code), " ", event.trigger.text), h("div", { class: "muted small" }, event.name)),
    h("td", { class: "target" }, actor(event.target)),
    h("td", { class: "place" }, event.location ? event.location.name : "–"),
    h("td", { class: "modality-cell" }, h("span", { class: `modality ${event.modality}` }, event.modality)),
    h("td", { class: "num" }, event.confidence.toFixed(2)),
    h("td", { class: "article" }, event.article.title || event.article.id),
  ];
  const tr = h("tr", { dataset: { id: event.id } }, cells);
  tr.addEventListener("click", (click) => {
    if (!click.target.closest("a")) location.hash = href;
  });
  return tr;
}

/** Return the table of a page of events with paging; `paging` has prev/next callbacks. */
export function eventsTable(page, sort, { onSort, hrefFor, onPrev, onNext }) {
  const heads = ["date", "Source", "Event", "Target", "Place", "Modality", "confidence", "published"];
  const table = page.items.length
    ? h(
        "div",
        { class: "table-scroll" },
        h(
          "table",
          { class: "events" },
          h("thead", {}, h("tr", {}, heads.map((name) => header(name, sort, onSort)))),
          h("tbody", {}, page.items.map((event) => row(event, hrefFor))),
        ),
      )
    : empty("No events match this filter.");
  return h(
    "div",
    {},
    h("p", { class: "total", role: "status" }, `${count(page.total)} events`),
    table,
    h(
      "div",
      { class: "pager" },
      h("button", { type: "button", disabled: !onPrev, onclick: onPrev }, "← Previous"),
      h("button", { type: "button", disabled: !page.next_cursor, onclick: onNext }, "Next →"),
    ),
  );
}
