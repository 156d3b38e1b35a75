// The events API's filters: read from and written to the URL, edited in one filter bar.
import { h } from "./dom.js";
import { MODALITIES, PLOVER, ROOTS } from "./codebook.js";

/** The filters the bar edits, as the events API names them. */
const FIELDS = [
  { name: "since", label: "From", type: "date" },
  { name: "until", label: "To", type: "date" },
  { name: "actor", label: "Actor", placeholder: "RUS", upper: true },
  { name: "source", label: "Source", placeholder: "RUSMIL", upper: true },
  { name: "target", label: "Target", placeholder: "EST", upper: true },
  { name: "country", label: "Country", placeholder: "EST", upper: true },
  { name: "root", label: "CAMEO root", options: Object.entries(ROOTS) },
  { name: "plover", label: "PLOVER", options: PLOVER.map((name) => [name, name]) },
  { name: "modality", label: "Modality", options: MODALITIES.map((name) => [name, name]) },
  { name: "min_confidence", label: "Min. confidence", type: "number", step: "0.05" },
  { name: "place", label: "Place", placeholder: "Brussels" },
  { name: "q", label: "Text", placeholder: "airspace", type: "search" },
];

/** Filters set by clicks elsewhere (tops, map, entity pages): shown as removable chips. */
const CHIPS = ["dyad", "undirected", "entity", "code", "quad_class", "outlet", "article", "near", "bbox"];

/** Every filter parameter the page keeps in the URL. */
export const FILTER_NAMES = [...FIELDS.map((field) => field.name), ...CHIPS];

/** Return the filters of URL parameters (unknown ones dropped). */
export function readFilters(params) {
  const filters = {};
  for (const name of FILTER_NAMES) {
    const value = params.get(name);
    if (value) filters[name] = value;
  }
  return filters;
}

function control(field, value) {
  const id = `filter-${field.name}`;
  const common = { id, name: field.name };
  const input = field.options
    ? h(
        "select",
        common,
        h("option", { value: "" }, "any"),
        field.options.map(([key, text]) =>
          h("option", { value: key, selected: key === value }, key === text ? key : `${key} ${text}`),
        ),
      )
    : h("input", {
        ...common,
        type: field.type || "text",
        value: value || "",
        placeholder: field.placeholder,
        step: field.step,
        min: field.type === "number" ? "0" : undefined,
        max: field.type === "number" ? "1" : undefined,
        autocapitalize: field.upper ? "characters" : undefined,
      });
  return h("label", { class: "field", for: id }, h("span", {}, field.label), input);
}

function chips(filters, onChange) {
  return CHIPS.filter((name) => filters[name]).map((name) =>
    h(
      "button",
      {
        type: "button",
        class: "chip",
        title: `Remove the ${name} filter`,
        onclick: () => {
          const next = { ...filters };
          delete next[name];
          onChange(next);
        },
      },
      `${name}: ${filters[name]} ×`,
    ),
  );
}

/** Return the filter bar: editing it and pressing Apply calls onChange with the new filters. */
export function filterBar(filters, onChange) {
  const form = h(
    "form",
    { class: "filter-bar", role: "search", "aria-label": "Filter events" },
    h("div", { class: "fields" }, FIELDS.map((field) => control(field, filters[field.name]))),
    h(
      "div",
      { class: "actions" },
      chips(filters, onChange),
      h("button", { type: "submit", class: "primary" }, "Apply"),
      h("button", { type: "button", onclick: () => onChange({}) }, "Clear"),
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = {};
    for (const name of CHIPS) if (filters[name]) next[name] = filters[name];
    for (const field of FIELDS) {
      const value = form.elements[field.name].value.trim();
      if (value) next[field.name] = field.upper ? value.toUpperCase() : value;
    }
    onChange(next);
  });
  const set = Object.keys(filters).length;
  const details = h(
    "details",
    { class: "filters", open: !window.matchMedia("(max-width: 700px)").matches },
    h("summary", {}, set ? `Filters (${set})` : "Filters"),
    form,
  );
  return details;
}
