/**
 * Ends a vitest run with the plain `N passed, N failed` line that CI logs are read for.
 */
import type { Reporter, TestModule } from "vitest/node"

export default class SummaryReporter implements Reporter {
  private summary = ""

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === "passed") passed++
        else if (state === "failed") failed++
        else skipped++
      }
      // A file that failed to load has no tests but is a failure all the same.
      if (module.state() === "failed" && module.children.size === 0) failed++
    }
    this.summary = `${passed} passed, ${failed} failed, ${skipped} skipped`
  }

  // The default reporter prints its own summary in onFinished, after onTestRunEnd: ours goes last.
  onFinished(): void {
    process.stdout.write(`${this.summary}\n`)
  }
}
