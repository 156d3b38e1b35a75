// Convert world-atlas's Natural Earth 110m countries (public domain) into SVG paths, once:
// `npm run basemap` writes src/world.json, which the build puts inside desk.js.
import { readFileSync, writeFileSync } from "node:fs";
import { feature } from "topojson-client";
import { project, WIDTH, HEIGHT } from "./src/projection.js";

const ANTARCTICA = "010";
const topology = JSON.parse(
  readFileSync(new URL("./node_modules/world-atlas/countries-110m.json", import.meta.url)),
);

function ringPath(ring) {
  let path = "";
  let last = "";
  for (const [lon, lat] of ring) {
    const [x, y] = project(lon, lat);
    const point = `${x.toFixed(1)} ${y.toFixed(1)}`;
    if (point !== last) path += (path ? "L" : "M") + point;
    last = point;
  }
  return path + "Z";
}

function polygons(geometry) {
  if (geometry.type === "Polygon") return [geometry.coordinates];
  if (geometry.type === "MultiPolygon") return geometry.coordinates;
  return [];
}

const countries = feature(topology, topology.objects.countries)
  .features.filter((country) => country.id !== ANTARCTICA)
  .map((country) => ({
    name: country.properties.name,
    d: polygons(country.geometry).flat().map(ringPath).join(""),
  }));

const world = { width: WIDTH, height: HEIGHT, source: "Natural Earth 110m (world-atlas 2.0.2)", countries };
writeFileSync(new URL("./src/world.json", import.meta.url), JSON.stringify(world));
console.log(`src/world.json: ${countries.length} countries`);
