// Ranked lists (actors, dyads, places): each value links to the filter narrowed to it.
import { count, empty, h } from "./dom.js";

/** Return a ranked list; each item links to hrefFor(key) and shows its share of the first. */
export function topList(items, hrefFor, label = (key) => key) {
  if (!items.length) return empty("None for this filter.");
  const max = items[0].count || 1;
  const list = h(
    "ol",
    { class: "top" },
    items.map((item) =>
      h(
        "li",
        {},
        hrefFor(item.key) ? h("a", { href: hrefFor(item.key) }, label(item.key)) : h("span", {}, label(item.key)),
        h("span", { class: "bar", dataset: { share: String(item.count / max) } }),
        h("span", { class: "n" }, count(item.count)),
      ),
    ),
  );
  for (const bar of list.querySelectorAll(".bar")) bar.style.width = `${Math.round(Number(bar.dataset.share) * 100)}%`;
  return list;
}
