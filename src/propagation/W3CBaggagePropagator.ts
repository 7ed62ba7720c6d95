/**
 * A `TextMapPropagator` for W3C Baggage (`baggage`) on our codec.
 *
 * @since 0.1.0
 */
import {
  type Baggage,
  baggageEntryMetadataFromString,
  type Context,
  propagation,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter
} from "@opentelemetry/api"
import { isTracingSuppressed } from "@opentelemetry/core"
import { type BaggageEntry, formatBaggage, parseBaggage } from "./baggage.js"

export const BAGGAGE = "baggage"

/** The entries of an OpenTelemetry `Baggage`, in our codec's shape. */
export const baggageEntries = (baggage: Baggage | undefined): Array<BaggageEntry> =>
  (baggage?.getAllEntries() ?? []).map(([key, entry]) => ({
    key,
    value: entry.value,
    metadata: entry.metadata?.toString()
  }))

/** An OpenTelemetry `Baggage` holding the given entries. */
export const toBaggage = (entries: Iterable<BaggageEntry>): Baggage => {
  const record: Record<string, { value: string; metadata?: ReturnType<typeof baggageEntryMetadataFromString> }> = {}
  for (const { key, value, metadata } of entries) {
    record[key] = metadata === undefined ? { value } : { value, metadata: baggageEntryMetadataFromString(metadata) }
  }
  return propagation.createBaggage(record)
}

/** Reads the entries to send from a context; by default its OpenTelemetry baggage. */
export type BaggageReader = (context: Context) => Iterable<BaggageEntry>

const readOtelBaggage: BaggageReader = (context) => baggageEntries(propagation.getBaggage(context))

/**
 * @example
 * ```ts
 * new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] })
 * ```
 */
export class W3CBaggagePropagator implements TextMapPropagator {
  constructor(private readonly read: BaggageReader = readOtelBaggage) {}

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    if (isTracingSuppressed(context)) return
    const value = formatBaggage(this.read(context))
    if (value !== "") setter.set(carrier, BAGGAGE, value)
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const entries = parseBaggage(getter.get(carrier, BAGGAGE))
    return entries.length === 0 ? context : propagation.setBaggage(context, toBaggage(entries))
  }

  fields(): Array<string> {
    return [BAGGAGE]
  }
}
