import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { sanitizeSql } from "../../src/redaction/sanitizeSql.js"

describe("sanitizeSql", () => {
  it.each([
    // PostgreSQL manual, 4.1 Lexical Structure: string constants
    ["SELECT 'foo'", "SELECT ?"],
    ["SELECT 'Dianne''s horse'", "SELECT ?"],
    ["SELECT 'foo'\n'bar'", "SELECT ?\n?"],
    ["SELECT E'\\'escaped\\' and \\\\ backslash'", "SELECT ?"],
    ["SELECT e'\\x41\\101'", "SELECT ?"],
    ["SELECT U&'d\\0061t\\+000061'", "SELECT ?"],
    ["SELECT U&'d!0061t' UESCAPE '!'", "SELECT ? UESCAPE ?"],
    ["SELECT $$Dianne's horse$$", "SELECT ?"],
    ["SELECT $SomeTag$Dianne's horse$SomeTag$", "SELECT ?"],
    ["SELECT $function$ BEGIN RETURN ($1 ~ $q$[\\t\\r\\n\\v\\\\]$q$); END; $function$", "SELECT ?"],
    ["SELECT B'1001', X'1FF', b'0', x'ff'", "SELECT ?, ?, ?, ?"],
    // numeric constants
    ["SELECT 42, 3.5, 4., .001, 5e2, 1.925e-3, 1_000_000, 0x42F, 0o273, 0b100101", "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"],
    ["SELECT * FROM t WHERE a = -5 AND b > +3.5 AND c IN (-1, -2)", "SELECT * FROM t WHERE a = ? AND b > ? AND c IN (?)"],
    ["SELECT a - 1, a-1, (a)-1", "SELECT a - ?, a-?, (a)-?"],
    // A signed number is one literal after a keyword too (PostgreSQL 4.1.2.6: the sign is an
    // operator, but the value it makes is a constant to mask whole).
    ["SELECT -1.2", "SELECT ?"],
    ["SELECT +5e3, -.5 FROM t WHERE a BETWEEN -1 AND - 2 OR b = -3 LIMIT -1", "SELECT ?, ? FROM t WHERE a BETWEEN ? AND ? OR b = ? LIMIT ?"],
    ["SELECT CASE WHEN x THEN -1 ELSE +1 END", "SELECT CASE WHEN x THEN ? ELSE ? END"],
    ["SELECT top - 1, count -1 FROM t", "SELECT top - ?, count -? FROM t"],
    // booleans, placeholders, casts, identifiers
    ["SELECT TRUE, false, NULL", "SELECT ?, ?, NULL"],
    ["SELECT $1::int, :name, @p, ? FROM t", "SELECT $1::int, :name, @p, ? FROM t"],
    ["SELECT '42'::integer, CAST('7' AS bigint), int '3'", "SELECT ?::integer, CAST(? AS bigint), int ?"],
    ["SELECT \"UpperCase\", \"with \"\"quote\"\"\", U&\"d\\0061t\", über_table, ñame FROM \"Schema\".\"Table\"", "SELECT \"UpperCase\", \"with \"\"quote\"\"\", U&\"d\\0061t\", über_table, ñame FROM \"Schema\".\"Table\""],
    ["select * From Users wHeRe ID = 1", "select * From Users wHeRe ID = ?"],
    // lists and JSON operators
    ["SELECT * FROM t WHERE id IN (1, 2, 3) AND name in ('a','b')", "SELECT * FROM t WHERE id IN (?) AND name in (?)"],
    ["SELECT * FROM t WHERE id IN ($1, $2)", "SELECT * FROM t WHERE id IN ($1, $2)"],
    ["SELECT ARRAY[1, 2, 3], '{1,2}'::int[]", "SELECT ARRAY[?, ?, ?], ?::int[]"],
    ["INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y')", "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"],
    ["SELECT data->>'email', data#>'{a,b}', data @> '{\"k\":1}', data ? 'key', data ?| array['a']", "SELECT data->>?, data#>?, data @> ?, data ? ?, data ?| array[?]"],
    // comments removed
    ["SELECT 1 -- the secret is 42\nFROM t", "SELECT ? \nFROM t"],
    ["SELECT /* a /* nested */ comment */ 1", "SELECT  ?"],
    ["SELECT 1/*x*/FROM t", "SELECT ? FROM t"],
    // As the OpenTelemetry JS and Java sanitizers: a comment at either end leaves no blank, and
    // a text that is only a comment is empty (the span then records no db.query.text).
    ["SELECT * FROM users -- by support", "SELECT * FROM users"],
    ["/* controller='users' */ SELECT 1", "SELECT ?"],
    ["-- only a comment", ""],
    ["/* only a comment */", ""],
    // Keywords and identifiers stay whatever word comes before them; only literals go.
    ["SELECT password FROM users", "SELECT password FROM users"],
    ["CREATE TABLE password (id INT)", "CREATE TABLE password (id INT)"],
    ["GRANT SELECT ON password TO admin", "GRANT SELECT ON password TO admin"],
    ["ALTER TABLE t ADD COLUMN password VARCHAR(255)", "ALTER TABLE t ADD COLUMN password VARCHAR(?)"],
    // Credentials in unquoted form are masked too; a user named password is a name.
    ["CREATE USER bob IDENTIFIED BY hunter2", "CREATE USER bob IDENTIFIED BY ?"],
    ["ALTER USER bob PASSWORD hunter2", "ALTER USER bob PASSWORD ?"],
    ["CREATE USER password IDENTIFIED BY hunter2", "CREATE USER password IDENTIFIED BY ?"],
    // never leak
    ["SELECT 'unterminated secret", "SELECT ?"],
    ["SELECT $$never closed secret", "SELECT ?"],
    ["SELECT 1 /* unterminated secret", "SELECT ? ?"],
    ["ALTER ROLE bob WITH PASSWORD 'hunter2' VALID UNTIL '2026-01-01'", "ALTER ROLE bob WITH PASSWORD ? VALID UNTIL ?"],
    ["CREATE USER bob PASSWORD \"hunter2\"", "CREATE USER bob PASSWORD ?"]
  ])("%s", (input, expected) => {
    expect(sanitizeSql(input)).toBe(expected)
  })

  it("reads SQL Server: [bracketed] identifiers (holding ' or #), N'...' strings, 0x binary, #temp tables", () => {
    const mssql = { dialect: "mssql" } as const
    expect(sanitizeSql("SELECT [it's #1], [a]]b] FROM [dbo].[t] WHERE n = N'José' AND b = 0xDEADBEEF", mssql))
      .toBe("SELECT [it's #1], [a]]b] FROM [dbo].[t] WHERE n = ? AND b = ?")
    expect(sanitizeSql("SELECT * FROM #temp JOIN ##shared ON 1 = 1 WHERE a = 'x' -- note", mssql))
      .toBe("SELECT * FROM #temp JOIN ##shared ON ? = ? WHERE a = ?")
    expect(sanitizeSql("CREATE LOGIN bob WITH PASSWORD = 'hunter2'", mssql)).toBe("CREATE LOGIN bob WITH PASSWORD = ?")
    expect(sanitizeSql("SELECT [never closed 'secret", mssql)).toBe("SELECT ?")
    // Elsewhere `[` is PostgreSQL's subscript.
    expect(sanitizeSql("SELECT a[1] FROM t")).toBe("SELECT a[?] FROM t")
  })

  it("treats double quotes as strings in mysql and generic, and keeps backtick identifiers", () => {
    expect(sanitizeSql("SELECT `col` FROM t WHERE a = \"secret\" AND b = 'it\\'s' # note", { dialect: "mysql" }))
      .toBe("SELECT `col` FROM t WHERE a = ? AND b = ?")
    expect(sanitizeSql("SELECT a FROM t WHERE b = \"secret\"", { dialect: "generic" })).toBe("SELECT a FROM t WHERE b = ?")
    expect(sanitizeSql("SELECT \"col\" FROM t WHERE b = 'x'", { dialect: "sqlite" })).toBe("SELECT \"col\" FROM t WHERE b = ?")
  })

  it("caps the output at 32 KiB", () => {
    expect(sanitizeSql(`SELECT ${"a, ".repeat(20_000)}b FROM t`).length).toBe(32 * 1024)
  })

  it("never lets a literal of the input through (property)", () => {
    // Literal values that cannot occur in the query's own words.
    const secret = fc.string({ minLength: 4, maxLength: 20 }).map((s) => `zq${s.replace(/[^a-zA-Z0-9 @.]/g, "x")}zq`)
    const number = fc.integer({ min: 100_000, max: 2 ** 40 })
    const literal = fc.oneof(
      secret.map((s) => ({ text: `'${s.replace(/'/g, "''")}'`, secret: s })),
      secret.map((s) => ({ text: `E'${s}\\''`, secret: s })),
      secret.map((s) => ({ text: `$$${s}$$`, secret: s })),
      secret.map((s) => ({ text: `$body$${s}$body$`, secret: s })),
      number.map((n) => ({ text: String(n), secret: String(n) })),
      number.map((n) => ({ text: `-${n}.5e3`, secret: String(n) })),
      number.map((n) => ({ text: `0x${n.toString(16)}`, secret: n.toString(16) })),
      secret.map((s) => ({ text: `/* ${s} */`, secret: s })),
      secret.map((s) => ({ text: `-- ${s}\n`, secret: s }))
    )
    const template = fc.constantFrom(
      "SELECT * FROM users WHERE email = %s",
      "INSERT INTO t (a, b) VALUES (%s, %s)",
      "UPDATE t SET a = %s WHERE id IN (%s, %s)",
      "SELECT ARRAY[%s] FROM t WHERE data->>%s = %s",
      "SELECT %s::text, f(%s) FROM t -- done",
      "SELECT %s"
    )
    fc.assert(fc.property(template, fc.array(literal, { minLength: 3, maxLength: 3 }), (query, literals) => {
      let i = 0
      const sql = query.replace(/%s/g, () => literals[i++ % literals.length]!.text)
      const out = sanitizeSql(sql)
      for (const { secret } of literals) expect(out).not.toContain(secret)
    }), { numRuns: 3_000 })
  })

  it("never throws on arbitrary text", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (sql) => {
      expect(typeof sanitizeSql(sql)).toBe("string")
    }), { numRuns: 2_000 })
  })
})
