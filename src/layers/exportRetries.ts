/**
 * The OTLP exporters' retries, bounded: the SDK's policy (up to 5 retries of 429, 502, 503, 504
 * and network errors, backoff from 1 s by 1.5 ×, `Retry-After` honoured, never past the
 * export's deadline), except that
 * - a refused connection (nothing listens there: no collector) fails the export at once: the
 *   batch processor holds the process open while an export is pending, so seconds of backoff
 *   against an absent collector would keep a finished process alive (the next batch tries again);
 * - once tracing is closing, an export is sent once and not retried, and exports waiting to
 *   retry give up at once;
 * - a retry's wait never holds the process open by itself.
 *
 * @since 0.1.0
 */
import { diag } from "@opentelemetry/api"
import type { ExportResponse, IExporterTransport } from "@opentelemetry/otlp-exporter-base"

const MAX_RETRIES = 5
const INITIAL_BACKOFF = 1_000
const MAX_BACKOFF = 5_000
const BACKOFF_MULTIPLIER = 1.5
const JITTER = 0.2

/** Shared by the exporters of one tracing set-up: `close()` when its shutdown begins. */
export class ExportControl {
  closing = false
  private readonly waiting = new Set<() => void>()

  /** From now on exports are not retried; those waiting to retry give up at once. */
  close(): void {
    this.closing = true
    for (const wake of this.waiting) wake()
    this.waiting.clear()
  }

  /** Waits `millis` (without holding the process open), or until `close()`. */
  wait(millis: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        this.waiting.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, millis)
      timer.unref()
      this.waiting.add(wake)
    })
  }
}

const isRefused = (error: unknown) => (error as { code?: unknown } | undefined)?.code === "ECONNREFUSED"

/**
 * @example
 * ```ts
 * const transport = new BoundedRetryTransport(httpTransport, control)
 * ```
 */
export class BoundedRetryTransport implements IExporterTransport {
  constructor(private readonly transport: IExporterTransport, private readonly control: ExportControl) {}

  async send(data: Uint8Array, timeoutMillis: number): Promise<ExportResponse> {
    const deadline = Date.now() + timeoutMillis
    let backoff = INITIAL_BACKOFF
    let result = await this.transport.send(data, timeoutMillis)
    for (let retries = 0; result.status === "retryable" && retries < MAX_RETRIES; retries++) {
      if (isRefused(result.error)) return { status: "failure", error: result.error! }
      if (this.control.closing) return result
      const wait = result.retryInMillis ?? Math.min(backoff * (1 + (Math.random() * 2 - 1) * JITTER), MAX_BACKOFF)
      backoff *= BACKOFF_MULTIPLIER
      if (wait > deadline - Date.now()) {
        diag.info(`@blipee/tracing: export retry in ${Math.round(wait)} ms would pass the export timeout; not retried`)
        return result
      }
      await this.control.wait(Math.max(wait, 0))
      if (this.control.closing) return result
      result = await this.transport.send(data, Math.max(deadline - Date.now(), 1))
    }
    return result
  }

  shutdown(): void {
    this.transport.shutdown()
  }
}
