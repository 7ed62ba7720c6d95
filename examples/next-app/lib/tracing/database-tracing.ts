export { traceDatabaseQuery, traceDatabaseTransaction, tracePrismaOperation } from "@blipee/tracing/database"
