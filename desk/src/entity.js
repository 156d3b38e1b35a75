// One canonical entity: its timeline, its top counterparts (dyads) and its articles.
import { get } from "./api.js";
import { count, day, empty, h, loading, problem, replace } from "./dom.js";
import { DYAD, eventsHash } from "./dashboard.js";
import { timelineChart } from "./timeline.js";
import { topList } from "./tops.js";

function articles(items) {
  if (!items.length) return empty("No articles.");
  return h(
    "ul",
    { class: "articles" },
    items.map((item) => h("li", {}, h("a", { href: `#/article/${encodeURIComponent(item.id)}` }, item.title || item.id), h("span", { class: "muted" }, ` ${item.source ? `${item.source} · ` : ""}${day(item.published_at)}`))),
  );
}

/** Render an entity's page into root. */
export async function renderEntity(root, key) {
  const back = h("a", { href: "#/events", class: "back" }, "← Events");
  replace(root, back, loading("the entity"));
  const scope = { entity: key };
  try {
    const [entity, timeline, dyads] = await Promise.all([
      get(`/entities/${encodeURIComponent(key)}`),
      get("/events/timeline", { ...scope, interval: "week", by: "quad_class" }),
      get("/events/top", { ...scope, by: "dyad", limit: 10 }),
    ]);
    replace(
      root,
      back,
      h("h1", {}, entity.name, " ", h("span", { class: "span-label" }, entity.label), entity.actor_code ? [" ", h("code", {}, entity.actor_code)] : ""),
      h("p", { class: "muted" }, `${count(entity.article_count)} articles · `, h("a", { href: eventsHash(scope) }, "its events on the desk")),
      h("section", { class: "panel" }, h("h2", {}, "Timeline"), timelineChart(timeline, {}, (since, until) => (location.hash = eventsHash({ ...scope, since, until })))),
      h(
        "div",
        { class: "grid" },
        h("section", { class: "panel" }, h("h2", {}, "Top counterparts"), topList(dyads.items, (dyad) => (DYAD.test(dyad) ? eventsHash({ ...scope, dyad }) : null), (dyad) => dyad.replace(",", " → "))),
        h("section", { class: "panel" }, h("h2", {}, "Articles"), articles(entity.articles)),
      ),
    );
  } catch (error) {
    replace(root, back, problem(error));
  }
}
