// Marking spans of an article's text (character offsets), as displaCy marks entities.
import { h } from "./dom.js";

/** Return nodes for text[from, to) with the spans inside it marked (overlaps are skipped). */
export function marked(text, from, to, spans) {
  const nodes = [];
  let at = from;
  const inside = spans
    .filter((span) => span.start >= from && span.end <= to && span.end > span.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  for (const span of inside) {
    if (span.start < at) continue;
    nodes.push(text.slice(at, span.start));
    nodes.push(
      h(
        "mark",
        { class: `span ${span.kind}`, title: span.title || span.label, ...(span.attributes || {}) },
        text.slice(span.start, span.end),
        h("span", { class: "span-label" }, span.label),
      ),
    );
    at = span.end;
  }
  nodes.push(text.slice(at, to));
  return nodes;
}

/** Return [start, end) of an event's sentence in the text: where it contains the trigger. */
export function sentenceSpan(text, event) {
  const sentence = event.sentence_text || "";
  let start = text.lastIndexOf(sentence, event.trigger.start);
  if (!sentence || start < 0 || start + sentence.length < event.trigger.end) {
    start = text.indexOf(sentence);
  }
  if (!sentence || start < 0) return [event.trigger.start, event.trigger.end];
  return [start, start + sentence.length];
}

/** Return the article text with the event's sentence highlighted and its roles marked. */
export function evidenceText(text, event) {
  const spans = [
    event.source && { ...event.source, kind: "source", label: `SOURCE ${event.source.actor_code || ""}`.trim() },
    { ...event.trigger, kind: "trigger", label: `TRIGGER ${event.code}` },
    event.target && { ...event.target, kind: "target", label: `TARGET ${event.target.actor_code || ""}`.trim() },
    // The other sentences that report the same event (headline, lead, body), where given.
    ...(event.mentions || [])
      .filter((mention) => mention.start !== event.trigger.start)
      .map((mention) => ({ ...mention, kind: "mention", label: "ALSO", title: "Another sentence reporting this event" })),
  ].filter(Boolean);
  const [start, end] = sentenceSpan(text, event);
  return [
    marked(text, 0, start, spans),
    h("mark", { class: "sentence", id: "evidence-sentence" }, marked(text, start, end, spans)),
    marked(text, end, text.length, spans),
  ];
}
