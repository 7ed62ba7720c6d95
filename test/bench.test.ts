import { execFile } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { expect, it } from "vitest"

const root = fileURLToPath(new URL("../", import.meta.url))

// Runs the benchmark in its quick mode so that it cannot rot; no assertion on the timings.
it("npm run bench runs and writes its table and bench/results.json", { timeout: 180_000 }, async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ["--expose-gc", "--import", "tsx", "scripts/bench.ts", "--quick"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "" }
  })
  for (const name of ["sanitizeSql (1 KB)", "parseTraceparent", "parseBaggage (4 members)", "redactSensitiveText (1 KB)"]) {
    expect(stdout).toContain(name)
  }
  const results = JSON.parse(readFileSync(`${root}bench/results.json`, "utf8"))
  expect(results.quick).toBe(true)
  for (const result of results.results) expect(result.median).toBeGreaterThan(0)
})
