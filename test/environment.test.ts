/**
 * The table of environment variables is the one source of their names: the README's table is
 * made from it, every option it sets names its variable in errors, and no variable of ours is
 * named in the sources without a row.
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { resolveSettings } from "../src/config.js"
import { variableLabels, variables } from "../src/environment.js"
import { withVariablesTable } from "../scripts/variablesTable.js"

const root = fileURLToPath(new URL("..", import.meta.url))
const sources = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []
  )

describe("the environment's table", () => {
  it("is the README's table (npm run docs rewrites it)", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8")
    expect(withVariablesTable(readme)).toBe(readme)
  })

  it("gives each variable one row and each option one row", () => {
    const names = Object.values(variables).flatMap((row) => row.names)
    expect(new Set(names).size).toBe(names.length)
    const options = Object.values(variables).flatMap((row) => row.option === undefined ? [] : [row.option])
    expect(new Set(options).size).toBe(options.length)
  })

  it("names, in an option's error, the variable of its row", () => {
    const [path, name] = ["batch.maxQueueSize", "OTEL_BSP_MAX_QUEUE_SIZE"] as const
    expect(variableLabels[path]).toBe(name)
    const result = resolveSettings({ batch: { maxQueueSize: 0 } }, variableLabels)
    expect(result._tag === "Left" && String(result.left)).toContain(`${name} must be`)
  })

  it("holds every variable of ours (OTEL_*, BLIPEE_*) that the sources name", () => {
    const named = new Set(Object.values(variables).flatMap((row) => row.names))
    const elsewhere = sources(join(root, "src"))
      .filter((file) => !file.endsWith("environment.ts"))
      .flatMap((file) =>
        [...readFileSync(file, "utf8").matchAll(/"((?:OTEL|BLIPEE)_[A-Z_]+)"/g)]
          .map((match) => match[1]!)
          // Labels that name table variables (two at once, for merged headers) are not readers.
          .filter((name) => !named.has(name))
          .map((name) => `${file}: ${name}`)
      )
    expect(elsewhere).toEqual([])
  })
})
