// The machine a benchmark ran on (CPU model, cores, memory, kernel), for its report.
import fs from "node:fs";
import os from "node:os";

export function machine() {
  const cpu = fs.readFileSync("/proc/cpuinfo", "utf8");
  const model = /model name\s*:\s*(.*)/.exec(cpu)?.[1] ?? os.cpus()[0]?.model ?? "unknown";
  const mem = Number(/MemTotal:\s+(\d+)/.exec(fs.readFileSync("/proc/meminfo", "utf8"))?.[1] ?? 0);
  return { cpu: model, cores: (cpu.match(/^processor\s*:/gm) ?? []).length, memGiB: +(mem / 1048576).toFixed(1), kernel: os.release() };
}
