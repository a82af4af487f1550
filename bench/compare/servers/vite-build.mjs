// System (b): one `vite build` of the app (production bundle into WORK/dist), then exit.
import { build } from "vite";
import { cliOptions } from "../../lib/cli.mjs";
import * as common from "./options.mjs";
import { viteConfig } from "./vite-config.mjs";

const args = cliOptions({
  usage: "node vite-build.mjs --app DIR --work DIR [--mode MODE]",
  options: {
    app: common.app, work: common.work,
    mode: { value: "MODE", help: "Vite's mode", default: "production" },
  },
});
await build({ ...viteConfig({ app: args.app, work: args.work }), mode: args.mode });
