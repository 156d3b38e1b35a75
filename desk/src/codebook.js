// The names the page shows for CAMEO roots, QuadClasses and PLOVER categories.

export const ROOTS = {
  "01": "Make public statement",
  "02": "Appeal",
  "03": "Express intent to cooperate",
  "04": "Consult",
  "05": "Engage in diplomatic cooperation",
  "06": "Engage in material cooperation",
  "07": "Provide aid",
  "08": "Yield",
  "09": "Investigate",
  10: "Demand",
  11: "Disapprove",
  12: "Reject",
  13: "Threaten",
  14: "Protest",
  15: "Exhibit force posture",
  16: "Reduce relations",
  17: "Coerce",
  18: "Assault",
  19: "Fight",
  20: "Use unconventional mass violence",
};

export const QUAD_CLASSES = {
  1: "Verbal cooperation",
  2: "Material cooperation",
  3: "Verbal conflict",
  4: "Material conflict",
};

export const PLOVER = [
  "ACCUSE", "AGREE", "AID", "ASSAULT", "COERCE", "CONCEDE", "CONSULT", "COOPERATE",
  "MOBILIZE", "PROTEST", "REJECT", "REQUEST", "RETREAT", "SANCTION", "SUPPORT", "THREATEN",
];

export const MODALITIES = ["asserted", "planned", "possible", "negated"];

const PALETTE = [
  "#4e79a7", "#59a14f", "#f28e2b", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
  "#9c755f", "#bab0ac", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02",
];

const QUAD_COLOURS = { 1: "#59a14f", 2: "#1b7837", 3: "#f28e2b", 4: "#d62728" };

/** Return the label of a timeline group (`by` quad_class, plover or root). */
export function groupLabel(by, key) {
  if (key === null || key === undefined) return "none";
  if (by === "quad_class") return QUAD_CLASSES[key] || key;
  if (by === "root") return `${key} ${ROOTS[key] || ""}`.trim();
  return key;
}

/** Return the colour of a timeline group, the same on every render. */
export function groupColour(by, key) {
  if (by === "quad_class") return QUAD_COLOURS[key] || "#999";
  const keys = by === "plover" ? PLOVER : Object.keys(ROOTS);
  const index = keys.indexOf(key);
  return index < 0 ? "#999" : PALETTE[index % PALETTE.length];
}
