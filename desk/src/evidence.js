// One event with its evidence: the article's text, the sentence and roles marked, and facts.
import { config, get } from "./api.js";
import { day, h, loading, problem, replace } from "./dom.js";
import { QUAD_CLASSES } from "./codebook.js";
import { evidenceText } from "./marks.js";
import { eventsHash } from "./dashboard.js";
import { readFilters } from "./filters.js";

function entityLink(actor) {
  if (!actor) return "–";
  const name = [actor.text, actor.actor_code && h("code", {}, actor.actor_code), actor.country && `(${actor.country})`];
  return actor.entity_key
    ? h("a", { href: `#/entity/${encodeURIComponent(actor.entity_key)}` }, name.filter(Boolean).map((part) => [part, " "]))
    : h("span", {}, name.filter(Boolean).map((part) => [part, " "]));
}

function source(kind) {
  return kind ? h("span", { class: "provenance" }, ` from ${kind}`) : null;
}

function facts(event, article) {
  const location = event.location;
  const rows = [
    ["Event", [h("code", {}, event.code), ` ${event.name}`]],
    ["QuadClass", `${event.quad_class} ${QUAD_CLASSES[event.quad_class] || ""}`],
    ["Goldstein", String(event.goldstein)],
    ["PLOVER", event.plover || "–"],
    ["Source", entityLink(event.source)],
    ["Trigger", `${event.trigger.text} (${event.trigger.lemma})`],
    ["Target", entityLink(event.target)],
    ["Date", [event.date || `${day(article.published_at)} (published)`, event.date_text ? ` “${event.date_text}”` : "", source(event.date_source)]],
    ["Place", location ? [location.name, location.country ? ` (${location.country})` : "", source(event.location_source)] : "–"],
    ["Modality", h("span", { class: `modality ${event.modality}` }, event.modality)],
    ["Attributed to", event.attributed_to ? entityLink(event.attributed_to) : "–"],
    ["Confidence", event.confidence.toFixed(2)],
  ];
  return h("dl", { class: "facts" }, rows.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
}

function articleHead(article) {
  return h(
    "p",
    { class: "article-meta" },
    h("a", { href: `#/article/${encodeURIComponent(article.id)}` }, article.title || article.id),
    article.source ? ` · ${article.source}` : "",
    ` · ${day(article.published_at)}`,
    article.url ? [" · ", h("a", { href: article.url, rel: "noopener noreferrer", target: "_blank" }, "original")] : "",
  );
}

function reportLink(item) {
  const article = item.article || item;
  const href = item.article ? `#/event/${encodeURIComponent(item.id)}` : `#/article/${encodeURIComponent(item.id)}`;
  return h("li", {}, h("a", { href }, article.title || article.id), article.source ? ` · ${article.source}` : "", ` · ${day(article.published_at)}`);
}

/** Fill the stories panel: the other mentions of this happening, else the story's other articles. */
async function stories(panel, event, article) {
  if (!config.stories || !article.story_id) return; // no /stories on this API, or no story yet
  try {
    const story = await get(`/stories/${encodeURIComponent(article.story_id)}`);
    const happening = (story.events || []).find((canonical) => (canonical.mentions || []).some((mention) => mention.id === event.id));
    const mentions = happening ? happening.mentions.filter((mention) => mention.article.id !== article.id) : [];
    const articles = (story.articles || []).filter((other) => other.id !== article.id);
    if (!mentions.length && !articles.length) return;
    replace(
      panel,
      h("h2", {}, mentions.length ? "Other reports of this happening" : "Other articles of this story"),
      h("ul", {}, (mentions.length ? mentions : articles).map(reportLink)),
      h("p", { class: "muted small" }, `Story: ${story.title || story.id} (${story.num_articles} articles, ${story.num_sources} outlets)`),
    );
    panel.hidden = false;
  } catch {
    panel.hidden = true; // the story could not be read: the panel stays hidden
  }
}

/** Render one event's evidence view into root. */
export async function renderEvent(root, eventId, params) {
  const back = h("a", { href: eventsHash(readFilters(params)), class: "back" }, "← Events");
  replace(root, back, loading("the event"));
  try {
    const event = await get(`/events/${encodeURIComponent(eventId)}`);
    const articleId = event.article.id;
    const article = await get(`/articles/${encodeURIComponent(articleId)}`);
    const storyPanel = h("section", { class: "panel stories", hidden: true });
    replace(
      root,
      back,
      h("h1", {}, h("code", {}, event.code), ` ${event.name}`),
      h(
        "div",
        { class: "evidence" },
        h("section", { class: "panel", "aria-label": "What the article says" }, articleHead(article), h("div", { class: "article-text" }, evidenceText(article.text, event))),
        h("aside", { class: "panel", "aria-label": "The event" }, facts(event, article), storyPanel),
      ),
    );
    document.getElementById("evidence-sentence")?.scrollIntoView({ block: "center" });
    stories(storyPanel, event, article);
  } catch (error) {
    replace(root, back, problem(error));
  }
}
