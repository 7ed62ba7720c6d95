/**
 * The public surface is what `api/*.api.md` says, entry point by entry point: a change to an
 * export's name, type or signature fails here until its report is rewritten (`npm run api`),
 * so the change shows as a diff of the reports in review.
 */
import { expect, it } from "vitest"
import { apiReports, entryPoints } from "../../scripts/apiReport.js"

it("has a report for every entry point of package.json", () => {
  expect(entryPoints().map((entry) => entry.name)).toEqual(["index", "ai", "database", "http", "propagation", "middleware", "testing"])
})

it("matches the checked-in API reports (npm run api rewrites them)", () => {
  expect(apiReports({ update: false })).toEqual({ changed: [], errors: [] })
}, 180_000)
