// Bundles the extension into one file (out/extension.js); `vscode` is provided by the editor at run time.
import { build } from "esbuild";

await build({
  entryPoints: ["extension/src/extension.ts"],
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  external: ["vscode"],
  outfile: "out/extension.js",
  sourcemap: true,
  minify: process.argv.includes("--minify"),
  logLevel: "warning",
});
