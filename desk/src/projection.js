// The Equal Earth projection (Šavrič, Patterson and Jenny 2018), scaled to the map's box.
// The basemap script draws the countries with it; the page places events with it.

const A1 = 1.340264;
const A2 = -0.081106;
const A3 = 0.000893;
const A4 = 0.003796;
const M = Math.sqrt(3) / 2;

export const WIDTH = 800;
export const HEIGHT = 390;
const SCALE = WIDTH / (2 * 2.7064);

/** Return the [x, y] of a longitude and latitude (degrees) in the map's box. */
export function project(lon, lat) {
  const lambda = (lon * Math.PI) / 180;
  const theta = Math.asin(M * Math.sin((lat * Math.PI) / 180));
  const t2 = theta * theta;
  const t6 = t2 * t2 * t2;
  const x = (lambda * Math.cos(theta)) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)));
  const y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
  return [WIDTH / 2 + SCALE * x, HEIGHT / 2 - SCALE * y];
}
