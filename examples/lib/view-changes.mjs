// Watches a view from outside: each call reads the view again and returns
// the rows that appeared and disappeared since the previous call (as a
// multiset of rows compared by their text), so a runner can print changes as
// they happen. A sink does this inside the engine; this keeps the examples
// free of a webhook receiver.

export function viewChanges(engine, query) {
  let before = new Map();
  return async () => {
    const result = await engine.sql(query);
    const now = new Map();
    for (const row of result.rows) {
      const key = JSON.stringify(row);
      const seen = now.get(key);
      if (seen === undefined) now.set(key, { row, n: 1 });
      else seen.n++;
    }
    const added = [];
    const removed = [];
    for (const [key, { row, n }] of now) for (let k = before.get(key)?.n ?? 0; k < n; k++) added.push(row);
    for (const [key, { row, n }] of before) for (let k = now.get(key)?.n ?? 0; k < n; k++) removed.push(row);
    before = now;
    return { added, removed, fields: result.fields };
  };
}
