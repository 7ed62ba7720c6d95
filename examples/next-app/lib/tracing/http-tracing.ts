export { traceApiClient, traceFetch, traceOutgoingRequest } from "@blipee/tracing/http"
