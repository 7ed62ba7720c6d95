import { describe, expect, it } from "vitest"
import { summarizeSql } from "../../src/redaction/summarizeSql.js"

describe("summarizeSql", () => {
  it.each([
    ["SELECT * FROM users WHERE organization_id = $1", "SELECT users", "SELECT", "users"],
    ["INSERT INTO orders (a, b) VALUES ($1, $2)", "INSERT orders", "INSERT", "orders"],
    ["SELECT * FROM users u JOIN orders o ON o.user_id = u.id", "SELECT users orders", "SELECT", undefined],
    ["SELECT * FROM users u, orders o WHERE u.id = o.user_id", "SELECT users orders", "SELECT", undefined],
    ["UPDATE public.users SET name = $1", "UPDATE public.users", "UPDATE", "public.users"],
    ["DELETE FROM sessions WHERE expires < now()", "DELETE sessions", "DELETE", "sessions"],
    ["CREATE TABLE IF NOT EXISTS audit_log (id serial)", "CREATE TABLE audit_log", "CREATE TABLE", "audit_log"],
    ["select count(*) from users", "select users", "select", "users"],
    ["BEGIN; SELECT * FROM a; COMMIT", "BEGIN; SELECT a; COMMIT", undefined, undefined],
    ["SELECT 1", "SELECT", "SELECT", undefined],
    ["-- nothing but a comment", "", undefined, undefined]
  ])("%s → %s", (sql, summary, operation, collection) => {
    expect(summarizeSql(sql)).toEqual({ summary, operationName: operation, collectionName: collection })
  })

  // Database semantic conventions, "Generating a summary of the query": its examples, word for word.
  it.each([
    ["SELECT *\nFROM wuser_table\nWHERE username = ?", "SELECT wuser_table"],
    ["INSERT INTO shipping_details\n (order_id,\n address)\nSELECT order_id,\n address\nFROM orders\nWHERE order_id = ?", "INSERT shipping_details SELECT orders"],
    ["SELECT *\nFROM songs,\n artists\nWHERE songs.artist_id == artists.id", "SELECT songs artists"],
    ["SELECT order_date\nFROM (SELECT *\n FROM orders o\n JOIN customers c\n ON o.customer_id = c.customer_id)", "SELECT SELECT orders customers"],
    ["SELECT *\nFROM \"song list\",\n 'artists'", "SELECT \"song list\" 'artists'"]
  ])("follows the conventions' example %j", (sql, summary) => {
    expect(summarizeSql(sql).summary).toBe(summary)
  })

  // The same rules: every operation in the order it appears, nested ones included, each part as
  // written (cases from the OpenTelemetry Java and JS SQL analyzers' suites).
  it.each([
    ["WITH subquery as (select a from b) SELECT x, y, z FROM table", "select b SELECT table"],
    ["SELECT x, y, (select a from b) as z FROM table", "SELECT select b table"],
    ["SELEcT * FROM TABLE", "SELEcT TABLE"],
    ["SELECT x, y, z FROM \"schema\".\"table\"", "SELECT \"schema\".\"table\""],
    ["SELECT * FROM (SELECT * FROM x) s, y, z", "SELECT SELECT x y z"],
    ["SELECT * FROM (SELECT * FROM orders WHERE status = ?) AS o, (SELECT * FROM products) AS p", "SELECT SELECT orders SELECT products"],
    ["SELECT * FROM t AS x, u", "SELECT t u"],
    ["SELECT p.name, (SELECT MAX(price) FROM products), (SELECT MIN(price) FROM products) FROM products p", "SELECT SELECT products SELECT products products"],
    ["SELECT * FROM customers WHERE EXISTS (SELECT 1 FROM orders WHERE customer_id = customers.id)", "SELECT customers SELECT orders"],
    ["SELECT * FROM products WHERE price > ALL (SELECT price FROM discounted_products)", "SELECT products SELECT discounted_products"],
    ["select col from table1 union select col from table2", "select table1 select table2"],
    ["SELECT * FROM t1 JOIN t2 USING (id) LEFT JOIN t3 USING (id)", "SELECT t1 t2 t3"],
    ["SELECT * FROM products CROSS JOIN (SELECT * FROM categories WHERE active = ?) AS c", "SELECT products SELECT categories"],
    ["CREATE USER new_user", "CREATE USER new_user"],
    ["TRUNCATE TABLE password", "TRUNCATE TABLE password"],
    ["truncate logs", "truncate logs"],
    ["CREATE TABLE password (id INT)", "CREATE TABLE password"],
    ["create table if not exists events (id INTEGER)", "create table events"],
    ["Drop Table IF EXISTS temp", "Drop Table temp"],
    ["DROP TABLE a, b", "DROP TABLE a b"],
    ["CREATE UNIQUE INDEX CONCURRENTLY idx ON users (name)", "CREATE INDEX idx"],
    ["DROP MATERIALIZED VIEW IF EXISTS mv", "DROP MATERIALIZED VIEW mv"],
    ["CREATE VIEW active_users AS SELECT * FROM users WHERE active = ? WITH CHECK OPTION", "CREATE VIEW active_users SELECT users"],
    ["ALTER TABLE t ADD COLUMN c INT REFERENCES other(id) ON DELETE CASCADE", "ALTER TABLE t"],
    ["LOCK TABLE orders IN EXCLUSIVE MODE", "LOCK TABLE orders"],
    ["INSERT INTO users (id) VALUES (?) ON DUPLICATE KEY UPDATE name = ?", "INSERT users"],
    ["INSERT INTO users (id) VALUES (?) ON CONFLICT (id) DO UPDATE SET name = ?", "INSERT users"],
    ["INSERT OR REPLACE INTO users (id) VALUES (?)", "INSERT users"],
    ["UPDATE OR IGNORE orders SET status = ?", "UPDATE orders"],
    ["SELECT * FROM accounts WHERE balance > ? FOR UPDATE", "SELECT accounts"],
    ["MERGE INTO target t USING source s ON t.id = s.id WHEN MATCHED THEN UPDATE SET t.name = s.name", "MERGE target source"],
    ["WITH d AS (DELETE FROM x RETURNING *) INSERT INTO y SELECT * FROM d", "DELETE x INSERT y SELECT"],
    ["SELECT EXTRACT(YEAR FROM created_at) FROM t WHERE a IS DISTINCT FROM b", "SELECT t"],
    ["SELECT * FROM get_user_orders(?) WHERE status = ?", "SELECT get_user_orders"],
    ["CALL refresh_totals(1)", "CALL refresh_totals"],
    ["GRANT SELECT ON password TO admin", "GRANT"]
  ])("%j → %j", (sql, summary) => {
    expect(summarizeSql(sql).summary).toBe(summary)
  })

  it("reads MySQL's backticks, SQL Server's brackets and temporary tables, quotes kept", () => {
    expect(summarizeSql("SELECT * FROM `mydb`.`users`", { dialect: "mysql" }).summary).toBe("SELECT `mydb`.`users`")
    expect(summarizeSql("SELECT * FROM [dbo].[order items] JOIN #recent ON 1 = 1", { dialect: "mssql" }).summary)
      .toBe("SELECT [dbo].[order items] #recent")
  })

  it("names the operation and the one target as the summary writes them", () => {
    expect(summarizeSql("select * from \"Users\" u where u.id in (select id from \"Users\")"))
      .toEqual({ summary: "select \"Users\" select \"Users\"", operationName: "select", collectionName: "\"Users\"" })
    // A CTE's name is not a collection.
    expect(summarizeSql("WITH recent AS (SELECT * FROM orders) SELECT * FROM recent"))
      .toEqual({ summary: "SELECT orders SELECT", operationName: "SELECT", collectionName: "orders" })
  })

  it("cuts at 255 characters between parts, never inside one", () => {
    const sql = Array.from({ length: 100 }, (_, i) => `SELECT * FROM table_number_${i}`).join("; ")
    const { summary } = summarizeSql(sql)
    expect(summary.length).toBeLessThanOrEqual(255)
    expect(summary).toMatch(/table_number_\d+$/)
    expect(summarizeSql(`SELECT * FROM ${"a".repeat(300)}`)).toEqual({ summary: "SELECT", operationName: "SELECT", collectionName: undefined })
  })
})
