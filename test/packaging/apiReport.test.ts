/**
 * The public surface is what `api/*.api.md` says, entry point by entry point: a change to an
 * export's name, type or signature fails here until its report is rewritten (`npm run api`),
 * so the change shows as a diff of the reports in review.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"
import { apiReports, entryPoints } from "../../scripts/apiReport.js"

it("has a report for every entry point of package.json", () => {
  expect(entryPoints().map((entry) => entry.name)).toEqual(["index", "ai", "database", "http", "propagation", "middleware", "testing"])
})

it("matches the checked-in API reports (npm run api rewrites them)", () => {
  expect(apiReports({ update: false })).toEqual({ changed: [], errors: [] })
}, 180_000)

it("exports each public name from one entry point only", () => {
  const api = fileURLToPath(new URL("../../api/", import.meta.url))
  const where = new Map<string, Array<string>>()
  for (const { name: entry } of entryPoints()) {
    const report = readFileSync(join(api, `${entry}.api.md`), "utf8")
    const names = [...report.matchAll(/^export (?:declare )?(?:abstract )?(?:const|class|function|interface|type|namespace|enum) (\w+)/gm)]
    expect(names.length).toBeGreaterThan(0)
    for (const name of new Set(names.map((match) => match[1]!))) where.set(name, [...(where.get(name) ?? []), entry])
  }
  expect([...where].filter(([, entries]) => entries.length > 1)).toEqual([])
})
