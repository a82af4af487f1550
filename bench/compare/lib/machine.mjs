// The machine a benchmark ran on (CPU model, cores, memory, kernel), for its report.
import fs from "node:fs";
import os from "node:os";

export function machine() {
  const cpu = fs.readFileSync("/proc/cpuinfo", "utf8");
  const model = /model name\s*:\s*(.*)/.exec(cpu)?.[1] ?? os.cpus()[0]?.model ?? "unknown";
  const mem = Number(/MemTotal:\s+(\d+)/.exec(fs.readFileSync("/proc/meminfo", "utf8"))?.[1] ?? 0);
  return { cpu: model, cores: (cpu.match(/^processor\s*:/gm) ?? []).length, memGiB: +(mem / 1048576).toFixed(1), kernel: os.release(),
    pageFaultUs: pageFaultMicros() };
}

// What touching a fresh 4 KiB page costs, in µs (the median of 5 buffers of 64 MiB). Machines of
// one kind differ here by 10× (virtualisation): process starts, browsers and allocation-heavy
// servers with them, so a report says it beside its figures.
function pageFaultMicros() {
  const size = 64 << 20;
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    Buffer.allocUnsafeSlow(size).fill(1);
    runs.push(((performance.now() - t0) * 1000) / (size / 4096));
  }
  return +runs.sort((a, b) => a - b)[2].toFixed(2);
}

// The machine as a report's line names it.
export function machineLine(m) {
  return `${m?.cpu}, ${m?.cores} cores, ${m?.memGiB} GiB RAM, Linux ${m?.kernel}` +
    (m?.pageFaultUs !== undefined ? `, a page fault (first touch of 4 KiB) ${m.pageFaultUs} µs` : "");
}
