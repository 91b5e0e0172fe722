// The sql-views benchmark's cases, declaratively: a view as Freshet maintains
// it and the same query as DuckDB recomputes it (run with PostgreSQL's integer
// division and NULL ordering). Every case's change batches go to `orders`.

export interface SqlViewCase {
  readonly name: string;
  readonly description: string;
  /** The view's query for Freshet; null for the DML-only baseline. */
  readonly view: string | null;
  /** The same query for DuckDB (identical text unless DuckDB needs another spelling). */
  readonly duckdb: string | null;
}

const join2 =
  'SELECT o.id, o.customer, o.amount, c.name, c.region FROM orders o JOIN customers c ON o.customer = c.id';

const join3Aggregate =
  'SELECT c.region, p.category, count(*) AS orders, sum(o.amount) AS total ' +
  'FROM orders o JOIN customers c ON o.customer = c.id JOIN products p ON o.product = p.id ' +
  'GROUP BY c.region, p.category';

const countDistinct = 'SELECT customer, count(DISTINCT product) AS products FROM orders GROUP BY customer';

// Partitioned by product (about 100 orders each) so the top-10 keeps one row in
// ten; per customer (about 10 orders each) it would keep most rows.
const top10PerGroup =
  'SELECT product, id, amount, rn FROM (' +
  'SELECT product, id, amount, row_number() OVER (PARTITION BY product ORDER BY amount DESC, id) AS rn FROM orders' +
  ') ranked WHERE rn <= 10';

const lagRunningSum =
  'SELECT id, customer, amount, ' +
  'lag(amount) OVER (PARTITION BY customer ORDER BY ts, id) AS previous_amount, ' +
  'sum(amount) OVER (PARTITION BY customer ORDER BY ts, id ROWS UNBOUNDED PRECEDING) AS running_total ' +
  'FROM orders';

export const sqlViewCases: readonly SqlViewCase[] = [
  {
    name: 'dml-only',
    description: 'no view: the cost of the DML itself (baseline, not a target)',
    view: null,
    duckdb: null,
  },
  { name: 'join2', description: 'orders ⋈ customers', view: join2, duckdb: join2 },
  {
    name: 'join3-agg',
    description: 'orders ⋈ customers ⋈ products, GROUP BY region, category: count, sum',
    view: join3Aggregate,
    duckdb: join3Aggregate,
  },
  { name: 'count-distinct', description: 'COUNT(DISTINCT product) per customer', view: countDistinct, duckdb: countDistinct },
  { name: 'top10', description: 'top-10 orders by amount per product (row_number() <= 10)', view: top10PerGroup, duckdb: top10PerGroup },
  { name: 'lag-running-sum', description: 'LAG(amount) and running SUM(amount) per customer by ts', view: lagRunningSum, duckdb: lagRunningSum },
];
