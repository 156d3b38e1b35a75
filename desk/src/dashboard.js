// The events desk: filter bar, timeline, map, tops and table, all views of one filter.
import { apiKey, get, url } from "./api.js";
import { h, loading, problem, replace } from "./dom.js";
import { filterBar, readFilters } from "./filters.js";
import { placeMap } from "./map.js";
import { eventsTable } from "./table.js";
import { timelineChart } from "./timeline.js";
import { topList } from "./tops.js";

const PAGE_SIZE = 25;
const DEFAULTS = { interval: "week", by: "quad_class", sort: "date" };
const ACTOR = /^[A-Z]{3}[A-Z0-9]{0,12}$/;
/** What the events API takes as a dyad: source,target codes. */
export const DYAD = /^[A-Z0-9]{3,15},[A-Z0-9]{3,15}$/;

function query(filters, view) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value) params.set(name, value);
  for (const [name, value] of Object.entries(view)) if (value !== DEFAULTS[name]) params.set(name, value);
  return params.toString();
}

/** Return the hash of the events view with these filters and view settings. */
export function eventsHash(filters, view = DEFAULTS) {
  const params = query(filters, view);
  return params ? `#/events?${params}` : "#/events";
}

function select(name, value, options, onChange) {
  const id = `view-${name}`;
  return h(
    "label",
    { class: "inline", for: id },
    h("span", {}, name === "by" ? "Stack by" : "Per"),
    h(
      "select",
      { id, onchange: (event) => onChange(event.target.value) },
      options.map(([key, text]) => h("option", { value: key, selected: key === value }, text)),
    ),
  );
}

function exportLink(format, filters) {
  const href = url("/events/export", { ...filters, format });
  const link = h("a", { href, class: "button", download: `events.${format === "geojson" ? "geojson" : format}` }, format.toUpperCase());
  link.addEventListener("click", async (event) => {
    if (!apiKey()) return; // a plain download: the read API needs no key
    event.preventDefault();
    const response = await fetch(href, { headers: { Authorization: `Bearer ${apiKey()}` } });
    const blob = URL.createObjectURL(await response.blob());
    const save = h("a", { href: blob, download: link.getAttribute("download") });
    save.click();
    URL.revokeObjectURL(blob);
  });
  return link;
}

function panel(title, id, ...children) {
  return h("section", { class: `panel ${id}`, "aria-labelledby": `${id}-title` }, h("h2", { id: `${id}-title` }, title), ...children);
}

/** Render the events desk for URL parameters into root. */
export function renderEvents(root, params) {
  const filters = readFilters(params);
  const view = Object.fromEntries(Object.keys(DEFAULTS).map((name) => [name, params.get(name) || DEFAULTS[name]]));
  const go = (nextFilters, nextView = view) => (location.hash = eventsHash(nextFilters, nextView));
  const narrowed = (name) => (value) => eventsHash(value === null ? { ...filters, [name]: undefined } : { ...filters, [name]: value }, view);
  const timeline = h("div", {}, loading("the timeline"));
  const map = h("div", {}, loading("the map"));
  const actors = h("div", {}, loading("actors"));
  const dyads = h("div", {}, loading("dyads"));
  const places = h("div", {}, loading("places"));
  const table = h("div", {}, loading("events"));
  const timelineTools = h(
    "div",
    { class: "tools" },
    select("interval", view.interval, [["day", "day"], ["week", "week"], ["month", "month"]], (interval) => go(filters, { ...view, interval })),
    select("by", view.by, [["quad_class", "QuadClass"], ["plover", "PLOVER"], ["root", "CAMEO root"]], (by) => go(filters, { ...view, by })),
    filters.since || filters.until
      ? h("button", { type: "button", onclick: () => go({ ...filters, since: undefined, until: undefined }) }, "Clear dates")
      : null,
  );
  replace(
    root,
    h("h1", { class: "visually-hidden" }, "Events"),
    filterBar(filters, (next) => go(next)),
    panel("Timeline", "timeline-panel", timelineTools, timeline),
    h(
      "div",
      { class: "grid" },
      panel("Map", "map-panel", map),
      h(
        "div",
        { class: "tops" },
        panel("Top actors", "actors-panel", actors),
        panel("Top dyads", "dyads-panel", dyads),
        panel("Top places", "places-panel", places),
      ),
    ),
    panel(
      "Events",
      "table-panel",
      h("div", { class: "tools exports" }, h("span", {}, "Export"), ["csv", "ndjson", "geojson"].map((format) => exportLink(format, filters))),
      table,
    ),
  );
  get("/desk/overview", { ...filters, interval: view.interval, by: view.by }).then(
    (overview) => {
      replace(timeline, timelineChart(overview.timeline, filters, (since, until) => go({ ...filters, since, until })));
      replace(map, placeMap(overview.places, filters.place, narrowed("place")));
      replace(actors, topList(overview.actors, (key) => (ACTOR.test(key) ? narrowed("actor")(key) : null)));
      replace(dyads, topList(overview.dyads, (key) => (DYAD.test(key) ? narrowed("dyad")(key) : null), (key) => key.replace(",", " → ")));
      replace(places, topList(overview.places, narrowed("place")));
    },
    (error) => [timeline, map, actors, dyads, places].forEach((element) => replace(element, problem(error))),
  );
  const eventHref = (id) => `#/event/${encodeURIComponent(id)}?${query(filters, view)}`;
  const cursors = [];
  const loadPage = () => {
    replace(table, loading("events"));
    const cursor = cursors[cursors.length - 1];
    get("/events", { ...filters, sort: view.sort, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }).then(
      (page) =>
        replace(
          table,
          eventsTable(page, view.sort, {
            onSort: (sort) => go(filters, { ...view, sort }),
            hrefFor: eventHref,
            onPrev: cursors.length ? () => (cursors.pop(), loadPage()) : undefined,
            onNext: () => (cursors.push(page.next_cursor), loadPage()),
          }),
        ),
      (error) => replace(table, problem(error)),
    );
  };
  loadPage();
}
