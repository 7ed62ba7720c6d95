export { withTracing } from "@blipee/tracing/middleware"
