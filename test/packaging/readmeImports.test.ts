/**
 * Every name the README's examples import exists at the path they import it from, in the
 * built package: a value as a runtime export, a type in that entry point's API report. The
 * examples are what users copy; a name moved to another entry point must move there too.
 */
import { readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)))
const exportsMap = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).exports as Record<string, { import?: string }>

/** `[specifier, name, isType]` for every `import { ... } from "@blipee/tracing..."` in a code block. */
const readmeImports = (): Array<[string, string, boolean]> => {
  const readme = readFileSync(join(root, "README.md"), "utf8")
  const blocks = [...readme.matchAll(/```(?:ts|tsx|js)\n([\s\S]*?)```/g)].map((match) => match[1]!)
  return blocks.flatMap((block) =>
    [...block.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+"(@blipee\/tracing(?:\/[a-z]+)?)"/g)].flatMap((match) =>
      match[2]!.split(",").map((item) => item.trim()).filter(Boolean).map((item): [string, string, boolean] => [
        match[3]!,
        item.replace(/^type\s+/, "").split(/\s+as\s+/)[0]!,
        match[1] !== undefined || item.startsWith("type ")
      ])
    )
  )
}

it("imports only names that its entry points export", async () => {
  const imports = readmeImports()
  expect(imports.length).toBeGreaterThan(20)
  const missing: Array<string> = []
  for (const [specifier, name, isType] of imports) {
    const subpath = specifier === "@blipee/tracing" ? "." : `./${specifier.split("/")[2]}`
    const target = exportsMap[subpath]?.import
    if (target === undefined) {
      missing.push(`${specifier} (no such entry point)`)
      continue
    }
    const report = readFileSync(join(root, "api", `${subpath === "." ? "index" : subpath.slice(2)}.api.md`), "utf8")
    const found = isType
      ? new RegExp(`export (declare )?(interface|type|class) ${name}\\b`).test(report)
      : name in (await import(join(root, target)))
    if (!found) missing.push(`${name} from ${specifier}`)
  }
  expect(missing).toEqual([])
})
