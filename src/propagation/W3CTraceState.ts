/**
 * The OpenTelemetry `TraceState` over our `tracestate` codec.
 *
 * @since 0.1.0
 */
import type { TraceState } from "@opentelemetry/api"
import {
  formatTracestate,
  isTracestateKey,
  isTracestateValue,
  parseTracestate,
  type TracestateEntry,
  withTracestateEntry
} from "./tracestate.js"

/**
 * An immutable `tracestate`; `set` moves the entry to the front, as the specification says of
 * a modified entry. Invalid keys or values are ignored.
 *
 * @example
 * ```ts
 * W3CTraceState.parse("congo=t61rcWkgMzE")?.set("rojo", "00f067aa0ba902b7").serialize()
 * // "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"
 * ```
 */
export class W3CTraceState implements TraceState {
  constructor(readonly entries: ReadonlyArray<TracestateEntry> = []) {}

  /** The parsed header, or `undefined` when it must be dropped. */
  static parse(header: string | ReadonlyArray<string> | undefined): W3CTraceState | undefined {
    const entries = parseTracestate(header)
    return entries === undefined ? undefined : new W3CTraceState(entries)
  }

  set(key: string, value: string): W3CTraceState {
    if (!isTracestateKey(key) || !isTracestateValue(value)) return this
    return new W3CTraceState(withTracestateEntry(this.entries, key, value))
  }

  unset(key: string): W3CTraceState {
    return new W3CTraceState(this.entries.filter(([k]) => k !== key))
  }

  get(key: string): string | undefined {
    return this.entries.find(([k]) => k === key)?.[1]
  }

  serialize(): string {
    return formatTracestate(this.entries)
  }
}
