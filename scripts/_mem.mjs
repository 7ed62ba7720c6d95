import { readFileSync } from "node:fs"
const rss = () => process.memoryUsage().rss / 1e6
const heap = () => process.memoryUsage().heapUsed / 1e6
const deps = readFileSync("/tmp/hook/deps.txt", "utf8").trim().split("\n").filter((u) => !u.startsWith("node:"))
for (const d of deps) { try { await import(d) } catch {} }
await import("node:child_process")
globalThis.gc()
const order = process.argv.slice(2)
let last = rss(), lh = heap()
for (const m of order) { await import("../dist/" + m); globalThis.gc(); const now = rss(), h = heap(); console.log((now - last).toFixed(1), (h - lh).toFixed(1), m); last = now; lh = h }
process.exit(0)
