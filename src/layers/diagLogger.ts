/**
 * OpenTelemetry's own diagnostics (`diag`) on the console, at the level `OTEL_LOG_LEVEL` names.
 *
 * @since 0.1.0
 */
import { diag, DiagConsoleLogger, DiagLogLevel } from "@opentelemetry/api"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { LogLevelName } from "../config.js"

const levels: Record<LogLevelName, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL
}

/**
 * Installs the console `diag` logger for the scope's lifetime; `none` leaves `diag` alone.
 *
 * @example
 * ```ts
 * yield* installDiagLogger("debug")
 * ```
 */
export const installDiagLogger = (level: LogLevelName): Effect.Effect<void, never, Scope.Scope> =>
  level === "none"
    ? Effect.void
    : Effect.acquireRelease(
      Effect.sync(() => {
        diag.setLogger(new DiagConsoleLogger(), { logLevel: levels[level], suppressOverrideMessage: true })
      }),
      () => Effect.sync(() => diag.disable())
    )
