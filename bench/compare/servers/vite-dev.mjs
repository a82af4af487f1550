// System (a): Vite's dev server with @vitejs/plugin-react. Prints {"url": ...} once listening.
import { createServer } from "vite";
import { cliOptions } from "../../lib/cli.mjs";
import * as common from "./options.mjs";
import { viteConfig } from "./vite-config.mjs";

const args = cliOptions({
  usage: "node vite-dev.mjs --app DIR --work DIR --port N",
  options: {
    ...common,
  },
});
const server = await createServer(viteConfig({ app: args.app, work: args.work, port: args.port }));
await server.listen();
process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${args.port}/` }) + "\n");
const close = async () => { await server.close(); process.exit(0); };
process.on("SIGTERM", close);
process.on("SIGINT", close);
