-- A small tour of incremental views: run with
--   npx freshet sql < examples/orders.sql
-- Each SELECT reads a materialized view that Freshet keeps up to date as the
-- orders table changes; nothing is recomputed from scratch.

CREATE TABLE orders (
  id BIGINT PRIMARY KEY,
  customer TEXT NOT NULL,
  amount DOUBLE PRECISION,
  placed_at TIMESTAMP
);

CREATE MATERIALIZED VIEW revenue AS
  SELECT customer, count(*) AS orders, sum(amount) AS total, min(amount) AS smallest, max(amount) AS biggest
  FROM orders
  GROUP BY customer;

CREATE MATERIALIZED VIEW big_customers AS
  SELECT customer, total FROM revenue WHERE total > 100;

CREATE MATERIALIZED VIEW daily AS
  SELECT date_trunc('day', placed_at) AS day, count(*) AS orders, round(avg(amount), 2) AS average
  FROM orders
  GROUP BY 1;

INSERT INTO orders VALUES
  (1, 'ada', 30, '2026-11-26 09:00'),
  (2, 'ada', 12.5, '2026-11-26 17:30'),
  (3, 'grace', 99, '2026-11-27 08:15'),
  (4, 'linus', 250, '2026-11-27 10:00');

SELECT * FROM revenue ORDER BY customer;
SELECT * FROM big_customers ORDER BY customer;
SELECT * FROM daily ORDER BY day;

-- An upsert: id 3 already exists, so the row is replaced (a retraction plus an insert).
INSERT INTO orders VALUES (3, 'grace', 120, '2026-11-27 08:15');
-- Deleting ada's biggest order: MAX falls back to the next value.
DELETE FROM orders WHERE id = 1;
UPDATE orders SET amount = amount * 2 WHERE customer = 'ada';

SELECT * FROM revenue ORDER BY customer;
SELECT * FROM big_customers ORDER BY customer;
SELECT * FROM daily ORDER BY day;

EXPLAIN revenue;
