// Bundle src/ into the one script the API serves (api_service/desk/desk.js), basemap included.
// The banner carries a digest of the sources: tests/test_desk.py checks the bundle is current.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { build } from "esbuild";

const SOURCES = new URL("./src/", import.meta.url);
const OUTPUT = new URL("../api_service/desk/desk.js", import.meta.url);

/** Return the SHA-256 of the sources, file by file in name order (as the Python test does). */
export function sourceDigest() {
  const digest = createHash("sha256");
  for (const name of readdirSync(SOURCES).sort()) {
    digest.update(name);
    digest.update(readFileSync(new URL(name, SOURCES)));
  }
  return digest.digest("hex");
}

await build({
  entryPoints: [new URL("main.js", SOURCES).pathname],
  outfile: OUTPUT.pathname,
  bundle: true,
  format: "iife",
  target: "es2022",
  minify: true,
  legalComments: "none",
  banner: {
    js: `// Newsflow desk: built by desk/build.mjs from desk/src (sources sha256 ${sourceDigest()}).\n// Basemap: Natural Earth 110m countries (public domain) via world-atlas.`,
  },
});
console.log(`wrote ${OUTPUT.pathname}`);
