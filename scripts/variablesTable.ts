/**
 * Writes the README's table of environment variables from the table in `src/environment.ts`
 * (`npm run docs`); `test/environment.test.ts` fails while the two differ.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { variablesTable } from "../src/environment.js"

const START = /<!-- variables:[^\n]*-->\nWhere a row names several variables, the first one set wins\.\n\n/
const END = "\n<!-- /variables -->"

/** The README's text with its table of variables as the source makes it. */
export const withVariablesTable = (readme: string): string => {
  const start = START.exec(readme)
  const end = readme.indexOf(END)
  if (start === null || end < start.index) throw new Error("README.md: no <!-- variables --> … <!-- /variables --> section")
  return readme.slice(0, start.index + start[0].length) + variablesTable() + readme.slice(end)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = fileURLToPath(new URL("../README.md", import.meta.url))
  writeFileSync(path, withVariablesTable(readFileSync(path, "utf8")))
}
