import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { expect, it } from "vitest"

const root = fileURLToPath(new URL("../", import.meta.url))

it("npm start's demo runs on its defaults and prints each trace as a waterfall", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/demo.ts"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "" }
  })
  const blocks = stdout.split("\n\n")
  const report = blocks.find((block) => block.includes("  GET /api/report"))!
  expect(report).toMatch(/^ {4}load_users /m)
  expect(report).toMatch(/^ {6}score ana /m)
  expect(report).toMatch(/^ {6}format_rows /m)
  const job = blocks.find((block) => block.includes("  nightly_import"))!
  expect(job).toMatch(/^ {4}parse_batch .*ERROR: malformed row 17$/m)
  expect(stdout).toMatch(/tracing: 13 spans recorded, exporter console/)
})
