// The sql-views benchmark's tables and their seeded data: orders (the fact
// table that receives every change batch), customers and products. Columns are
// typed arrays (or string arrays) so the same values load into Freshet through
// insertArrow and into DuckDB through its appender.

import type { Rand } from '../bench-common.js';

/** One column's values and its DuckDB appender type. */
export interface ColumnData {
  readonly name: string;
  readonly duckType: 'BIGINT' | 'INTEGER' | 'DOUBLE' | 'VARCHAR';
  readonly values: BigInt64Array | Int32Array | Float64Array | readonly string[];
}

export interface TableData {
  readonly name: string;
  /** PostgreSQL DDL; DuckDB gets the same text with DOUBLE PRECISION spelt DOUBLE. */
  readonly ddl: string;
  readonly rowCount: number;
  readonly columns: readonly ColumnData[];
}

/** Shape of the data: orders per customer and per product stay the same at any --rows. */
export const ORDERS_PER_CUSTOMER = 10;
export const ORDERS_PER_PRODUCT = 100;
export const REGIONS = 20;
export const CATEGORIES = 50;
/** Amounts are whole cents below 1,000.00, so sums are exact after rounding to cents. */
const AMOUNT_CENTS = 100_000;
/** Timestamps (seconds) are spread over this range; inserts land anywhere in it. */
export const TS_RANGE = 100_000_000;

export interface Dimensions {
  readonly orders: number;
  readonly customers: number;
  readonly products: number;
}

export function dimensionsFor(rows: number): Dimensions {
  return {
    orders: rows,
    customers: Math.max(1, Math.round(rows / ORDERS_PER_CUSTOMER)),
    products: Math.max(1, Math.round(rows / ORDERS_PER_PRODUCT)),
  };
}

/** One order row as generated for a change batch. */
export interface OrderRow {
  readonly id: number;
  readonly customer: number;
  readonly product: number;
  readonly amount: number;
  readonly ts: number;
}

export function randomOrder(rand: Rand, id: number, dims: Dimensions): OrderRow {
  return {
    id,
    customer: rand.below(dims.customers),
    product: rand.below(dims.products),
    amount: rand.below(AMOUNT_CENTS) / 100,
    ts: rand.below(TS_RANGE),
  };
}

export function generateTables(rand: Rand, dims: Dimensions): TableData[] {
  const customers = {
    id: Int32Array.from({ length: dims.customers }, (_, i) => i),
    name: Array.from({ length: dims.customers }, (_, i) => `customer-${i}`),
    region: Array.from({ length: dims.customers }, () => `region-${rand.below(REGIONS)}`),
  };
  const products = {
    id: Int32Array.from({ length: dims.products }, (_, i) => i),
    category: Array.from({ length: dims.products }, () => `category-${rand.below(CATEGORIES)}`),
    price: Float64Array.from({ length: dims.products }, () => rand.below(AMOUNT_CENTS) / 100),
  };
  const n = dims.orders;
  const orders = {
    id: new BigInt64Array(n),
    customer: new Int32Array(n),
    product: new Int32Array(n),
    amount: new Float64Array(n),
    ts: new Int32Array(n),
  };
  for (let i = 0; i < n; i++) {
    const o = randomOrder(rand, i, dims);
    orders.id[i] = BigInt(i);
    orders.customer[i] = o.customer;
    orders.product[i] = o.product;
    orders.amount[i] = o.amount;
    orders.ts[i] = o.ts;
  }
  return [
    {
      name: 'customers',
      ddl: 'CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, region TEXT NOT NULL)',
      rowCount: dims.customers,
      columns: [
        { name: 'id', duckType: 'INTEGER', values: customers.id },
        { name: 'name', duckType: 'VARCHAR', values: customers.name },
        { name: 'region', duckType: 'VARCHAR', values: customers.region },
      ],
    },
    {
      name: 'products',
      ddl: 'CREATE TABLE products (id INTEGER PRIMARY KEY, category TEXT NOT NULL, price DOUBLE PRECISION NOT NULL)',
      rowCount: dims.products,
      columns: [
        { name: 'id', duckType: 'INTEGER', values: products.id },
        { name: 'category', duckType: 'VARCHAR', values: products.category },
        { name: 'price', duckType: 'DOUBLE', values: products.price },
      ],
    },
    {
      name: 'orders',
      ddl:
        'CREATE TABLE orders (id BIGINT PRIMARY KEY, customer INTEGER NOT NULL, product INTEGER NOT NULL, ' +
        'amount DOUBLE PRECISION NOT NULL, ts INTEGER NOT NULL)',
      rowCount: n,
      columns: [
        { name: 'id', duckType: 'BIGINT', values: orders.id },
        { name: 'customer', duckType: 'INTEGER', values: orders.customer },
        { name: 'product', duckType: 'INTEGER', values: orders.product },
        { name: 'amount', duckType: 'DOUBLE', values: orders.amount },
        { name: 'ts', duckType: 'INTEGER', values: orders.ts },
      ],
    },
  ];
}
