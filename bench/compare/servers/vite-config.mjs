// The Vite configuration equivalent to hr-orchestrate's view of a generated app: root = the app,
// `index.html` there, `$` aliased to the app folder, React with Fast Refresh. Caches and build
// output live in the run's work folder (the app's node_modules is a link into the repository).
import path from "node:path";
import react from "@vitejs/plugin-react";

export function viteConfig({ app, work, port }) {
  return {
    configFile: false,
    envFile: false,
    root: app,
    cacheDir: path.join(work, "vite-cache"),
    logLevel: "warn",
    clearScreen: false,
    plugins: [react()],
    resolve: { alias: { $: app } },
    server: {
      host: "127.0.0.1",
      port: port ?? 0,
      strictPort: true,
      // The simulator's own files and the other tools' state are not app sources.
      watch: { ignored: ["**/.appgen.json", "**/manifest.json", "**/*.tmp", "**/.hr/**"] },
    },
    build: { outDir: path.join(work, "dist"), emptyOutDir: true, reportCompressedSize: false },
  };
}
