/**
 * The public API, one report per entry point (`api/<entry>.api.md`), made by API Extractor from
 * the built declarations (`npm run build` first). `npm run api` writes the reports after a
 * deliberate change of the surface; the test suite compares them, so an unintended change is a
 * failing test and an intended one a visible diff.
 */
import { Extractor, ExtractorConfig, type IConfigFile } from "@microsoft/api-extractor"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(fileURLToPath(new URL("..", import.meta.url)))

/** The package's entry points (its `exports`, but `./package.json`), by report name. */
export const entryPoints = (): Array<{ readonly name: string; readonly types: string }> => {
  const exports = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).exports as Record<string, { types?: string }>
  return Object.entries(exports)
    .filter(([, target]) => typeof target === "object" && target.types !== undefined)
    .map(([path, target]) => ({ name: path === "." ? "index" : path.slice(2), types: join(root, target.types!) }))
}

/** What differs between a report and the surface now: `changed` lists the entry points whose report is out of date. */
export interface ApiReportResult {
  readonly changed: ReadonlyArray<string>
  readonly errors: ReadonlyArray<string>
}

/**
 * Makes every report; with `update`, writes them to `api/`, else only compares.
 *
 * @example
 * ```ts
 * const { changed } = apiReports({ update: false })
 * ```
 */
export const apiReports = ({ update }: { readonly update: boolean }): ApiReportResult => {
  const changed: Array<string> = []
  const errors: Array<string> = []
  const scratch = mkdtempSync(join(tmpdir(), "blipee-api-"))
  for (const entry of entryPoints()) {
    const configObject: IConfigFile = {
      projectFolder: root,
      mainEntryPointFilePath: entry.types,
      compiler: { tsconfigFilePath: join(root, "tsconfig.build.json") },
      apiReport: { enabled: true, reportFileName: `${entry.name}.api.md`, reportFolder: join(root, "api"), reportTempFolder: scratch },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // No release tags (`@public`, `@beta`): every export is public. TSDoc's rules are not
        // this project's comment style (`@since`).
        extractorMessageReporting: { "ae-missing-release-tag": { logLevel: "none" as never } },
        tsdocMessageReporting: { default: { logLevel: "none" as never } }
      }
    }
    const config = ExtractorConfig.prepare({
      configObject,
      configObjectFullPath: join(root, "api", `${entry.name}.api-extractor.json`),
      packageJsonFullPath: join(root, "package.json")
    })
    const result = Extractor.invoke(config, {
      localBuild: update,
      messageCallback: (message) => {
        if (message.logLevel === "error") errors.push(`${entry.name}: ${message.text}`)
        message.handled = true
      }
    })
    if (result.apiReportChanged) changed.push(entry.name)
  }
  return { changed, errors }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { changed, errors } = apiReports({ update: true })
  for (const error of errors) console.error(error)
  console.log(changed.length === 0 ? "api/: no change" : `api/: updated ${changed.join(", ")}`)
  process.exitCode = errors.length === 0 ? 0 : 1
}
