// System (b): one `vite build` of the app (production bundle into WORK/dist), then exit.
import { build } from "vite";
import { argsOf, viteConfig } from "./vite-config.mjs";

const args = argsOf(process.argv.slice(2));
await build({ ...viteConfig({ app: args.app, work: args.work }), mode: args.mode ?? "production" });
