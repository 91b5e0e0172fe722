// Prints a query result ({fields, rows}, as Engine.sql and POST /v1/sql
// return it) as an aligned text table, like `freshet sql` does.

/** The result as aligned lines, with a header, a rule and a row count. */
export function formatTable(result) {
  const names = result.fields.map((f) => f.name);
  const cells = result.rows.map((row) => row.map((v) => (v === null ? 'NULL' : String(v))));
  const widths = names.map((n, c) => Math.max(n.length, ...cells.map((r) => r[c].length)));
  const line = (values) => values.map((v, c) => v.padEnd(widths[c])).join(' | ').trimEnd();
  const out = [line(names), widths.map((w) => '-'.repeat(w)).join('-+-')];
  for (const r of cells) out.push(line(r));
  out.push(`(${cells.length} row${cells.length === 1 ? '' : 's'})`);
  return out.join('\n');
}

/** Prints a title and the result, indented. */
export function printTable(title, result) {
  console.log(`\n${title}`);
  console.log(formatTable(result).replace(/^/gm, '  '));
}
