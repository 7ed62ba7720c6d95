// The tracing guide imports from these paths; each re-exports the package's entry point.
export { Trace, traceAsync, tracer } from "@blipee/tracing"
