// The options lib/systems.mjs starts the servers with (vite-dev and esbuild-live take all three), declared once for every server script
// (bench/lib/cli.mjs reads them).
import { number } from "../../lib/cli.mjs";

export const app = { value: "DIR", help: "the generated app", required: true };
export const work = { value: "DIR", help: "the run's work folder (caches, build output)", required: true };
export const port = { value: "N", help: "the port to listen on", required: true, parse: number };
