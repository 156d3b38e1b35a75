// Events per interval as stacked bars; dragging across bars (brushing) picks a date range.
import { empty, h, s } from "./dom.js";
import { groupColour, groupLabel } from "./codebook.js";

/** Narrower on a phone, so the bars and dates stay readable when the chart is scaled down. */
const WIDTH = window.matchMedia("(max-width: 700px)").matches ? 400 : 800;
const HEIGHT = 140;
const LEFT = 34;
const BOTTOM = 20;
const TOP = 8;

/** Return the last day (ISO) of a bucket that starts on `start`. */
export function bucketEnd(start, interval) {
  const date = new Date(`${start}T00:00:00Z`);
  if (interval === "week") date.setUTCDate(date.getUTCDate() + 6);
  if (interval === "month") date.setUTCMonth(date.getUTCMonth() + 1, 0);
  return date.toISOString().slice(0, 10);
}

function bars(timeline, band, scale) {
  return timeline.buckets.map((bucket, index) => {
    let y = HEIGHT - BOTTOM;
    const title = `${bucket.start}: ${bucket.count} events`;
    return s(
      "g",
      { class: "bucket" },
      s("title", {}, title),
      bucket.groups.map((group) => {
        const height = group.count * scale;
        y -= height;
        return s("rect", {
          x: (LEFT + index * band + band * 0.1).toFixed(1),
          y: y.toFixed(1),
          width: Math.max(band * 0.8, 1).toFixed(1),
          height: height.toFixed(1),
          fill: groupColour(timeline.by, group.key),
        });
      }),
    );
  });
}

function axis(timeline, band, max) {
  const buckets = timeline.buckets;
  const picks = [...new Set([0, Math.floor((buckets.length - 1) / 2), buckets.length - 1])];
  return [
    s("line", { x1: LEFT, x2: WIDTH, y1: HEIGHT - BOTTOM, y2: HEIGHT - BOTTOM, class: "axis" }),
    s("text", { x: LEFT - 4, y: TOP + 8, class: "tick", "text-anchor": "end" }, String(max)),
    s("text", { x: LEFT - 4, y: HEIGHT - BOTTOM, class: "tick", "text-anchor": "end" }, "0"),
    picks.map((index) =>
      s(
        "text",
        {
          x: LEFT + index * band + band / 2,
          y: HEIGHT - 4,
          class: "tick",
          "text-anchor": index === 0 ? "start" : index === buckets.length - 1 ? "end" : "middle",
        },
        buckets[index].start,
      ),
    ),
  ];
}

function legend(timeline) {
  const keys = new Map();
  for (const bucket of timeline.buckets) for (const group of bucket.groups) keys.set(group.key, true);
  return h(
    "ul",
    { class: "legend" },
    [...keys.keys()].map((key) =>
      h(
        "li",
        {},
        h("span", { class: "swatch", dataset: { colour: groupColour(timeline.by, key) } }),
        groupLabel(timeline.by, key),
      ),
    ),
  );
}

function paintSwatches(element) {
  for (const swatch of element.querySelectorAll(".swatch")) swatch.style.background = swatch.dataset.colour;
}

/** Return the timeline chart; brushing calls onBrush(since, until) with ISO days. */
export function timelineChart(timeline, range, onBrush) {
  if (!timeline.total) return empty("No events to draw for this filter.");
  const buckets = timeline.buckets;
  const band = (WIDTH - LEFT) / buckets.length;
  const max = Math.max(...buckets.map((bucket) => bucket.count), 1);
  const scale = (HEIGHT - BOTTOM - TOP) / max;
  const brush = s("rect", { class: "brush", y: TOP, height: HEIGHT - BOTTOM - TOP, x: 0, width: 0 });
  const svg = s(
    "svg",
    {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      class: "timeline-chart",
      role: "img",
      tabindex: "0",
      "aria-label": `Events per ${timeline.interval}: drag across bars, or use the arrow keys (Shift to extend) and Enter, to filter by their dates`,
    },
    axis(timeline, band, max),
    bars(timeline, band, scale),
    brush,
  );
  const indexAt = (event) => {
    const box = svg.getBoundingClientRect();
    const x = ((event.clientX - box.left) * WIDTH) / box.width;
    return Math.min(buckets.length - 1, Math.max(0, Math.floor((x - LEFT) / band)));
  };
  const show = (from, to) => {
    const [first, last] = from <= to ? [from, to] : [to, from];
    brush.setAttribute("x", LEFT + first * band);
    brush.setAttribute("width", (last - first + 1) * band);
    return [first, last];
  };
  const selected = buckets.findIndex((bucket) => range.since && bucketEnd(bucket.start, timeline.interval) >= range.since);
  if (range.since && selected >= 0) {
    let last = buckets.length - 1;
    if (range.until) last = Math.max(selected, buckets.findLastIndex((bucket) => bucket.start <= range.until));
    show(selected, last);
  }
  let start = null;
  svg.addEventListener("pointerdown", (event) => {
    start = indexAt(event);
    svg.setPointerCapture(event.pointerId);
    show(start, start);
  });
  svg.addEventListener("pointermove", (event) => start !== null && show(start, indexAt(event)));
  svg.addEventListener("pointerup", (event) => {
    if (start === null) return;
    const [first, last] = show(start, indexAt(event));
    start = null;
    onBrush(buckets[first].start, bucketEnd(buckets[last].start, timeline.interval));
  });
  // Keyboard: arrows move a one-bar selection, Shift+arrows extend it, Enter applies it.
  let keyed = null;
  svg.addEventListener("keydown", (event) => {
    const step = { ArrowLeft: -1, ArrowRight: 1 }[event.key];
    if (step) {
      event.preventDefault();
      const clamp = (index) => Math.min(buckets.length - 1, Math.max(0, index));
      const [anchor, end] = keyed || [-1, -1];
      keyed = event.shiftKey && keyed ? [anchor, clamp(end + step)] : [clamp(end + step), clamp(end + step)];
      show(...keyed);
    } else if (event.key === "Enter" && keyed) {
      const [first, last] = keyed[0] <= keyed[1] ? keyed : [keyed[1], keyed[0]];
      onBrush(buckets[first].start, bucketEnd(buckets[last].start, timeline.interval));
    }
  });
  const chart = h("div", { class: "timeline" }, svg, legend(timeline));
  paintSwatches(chart);
  return chart;
}
