// Next.js calls register() once per server process, before any request.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { registerTracing } = await import("@blipee/tracing")
    registerTracing({ serviceName: process.env.OTEL_SERVICE_NAME ?? "next-app" })
  }
}
