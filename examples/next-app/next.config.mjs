import { fileURLToPath } from "node:url"

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Loaded by Node from node_modules rather than bundled: the tracing library and its
  // OpenTelemetry and Effect dependencies, and PGlite with its WebAssembly files.
  serverExternalPackages: ["@blipee/tracing", "@electric-sql/pglite"],
  // The library is linked from the repository root (file:../..), so files are traced from there.
  outputFileTracingRoot: fileURLToPath(new URL("../..", import.meta.url))
}

export default nextConfig
