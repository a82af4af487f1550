// System (a): Vite's dev server with @vitejs/plugin-react. Prints {"url": ...} once listening.
import { createServer } from "vite";
import { argsOf, viteConfig } from "./vite-config.mjs";

const args = argsOf(process.argv.slice(2));
const server = await createServer(viteConfig({ app: args.app, work: args.work, port: Number(args.port) }));
await server.listen();
process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${args.port}/` }) + "\n");
const close = async () => { await server.close(); process.exit(0); };
process.on("SIGTERM", close);
process.on("SIGINT", close);
