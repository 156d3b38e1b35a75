// A world map (Natural Earth 110m countries) with a circle per place, sized by its events.
import { h, s } from "./dom.js";
import { HEIGHT, WIDTH, project } from "./projection.js";
import world from "./world.json";

const MAX_RADIUS = 22;
const MIN_RADIUS = 3;

function basemap() {
  return s(
    "g",
    { class: "countries" },
    world.countries.map((country) => s("path", { d: country.d }, s("title", {}, country.name))),
  );
}

/** Return the map; each place links to hrefFor(place name), the current place is marked. */
export function placeMap(places, selected, hrefFor) {
  const located = places.filter((place) => place.lat !== null && place.lon !== null);
  const max = Math.max(...located.map((place) => place.count), 1);
  const circles = located.map((place) => {
    const [x, y] = project(place.lon, place.lat);
    const radius = MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * Math.sqrt(place.count / max);
    const label = `${place.key}${place.country ? ` (${place.country})` : ""}: ${place.count} events`;
    const current = selected && selected.toLowerCase() === place.key.toLowerCase();
    return s(
      "a",
      { href: hrefFor(current ? null : place.key), "aria-label": label, class: current ? "place current" : "place" },
      s("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: radius.toFixed(1) }),
      s("title", {}, label),
    );
  });
  const svg = s(
    "svg",
    { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "map-chart", role: "group", "aria-label": "Events by place" },
    s("rect", { class: "sea", width: WIDTH, height: HEIGHT, rx: 8 }),
    basemap(),
    circles,
  );
  const unplaced = places.length - located.length;
  return h(
    "div",
    { class: "map" },
    svg,
    unplaced ? h("p", { class: "note" }, `${unplaced} places without coordinates are not drawn.`) : null,
  );
}
