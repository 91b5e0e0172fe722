// The Nexmark queries as Freshet views and as DuckDB one-shot queries over
// the same tables (load.ts). Where the dialects agree the text is shared.
// Each query's kind groups the targets: stateless (q0–q2),
// aggregates and joins. Windows are Freshet's TUMBLE/HOP table functions, and
// in DuckDB epoch arithmetic over the same bounds (windows align to
// 1970-01-01 in both). q12's processing time is the bid's p_time, stamped
// where the events arrive (generator.ts). q10 (writing files) and q13 (a
// side input) have no equivalent over a stored stream.

export interface NexmarkQuery {
  readonly name: string;
  readonly kind: 'stateless' | 'aggregate' | 'join';
  readonly freshet: string;
  /** DuckDB's spelling, when it differs. */
  readonly duckdb?: string;
}

/** DuckDB: the start of the `seconds`-long window (aligned to 1970-01-01) holding timestamp `ts`. */
function duckWindowStart(ts: string, seconds: number): string {
  return `make_timestamp(CAST(floor(epoch_us(${ts}) / ${seconds * 1_000_000}) AS BIGINT) * ${seconds * 1_000_000})`;
}

/**
 * DuckDB: the bids with every HOP window (slide, size in seconds) that holds
 * them, as Freshet's HOP(bid, ...) gives them: window_start and window_end.
 */
function duckHopBids(slide: number, size: number): string {
  const us = 'epoch_us(date_time)';
  const first = `CAST(floor((${us} - ${size * 1_000_000}) / ${slide * 1_000_000}) AS BIGINT) + 1`;
  const last = `CAST(floor(${us} / ${slide * 1_000_000}) AS BIGINT)`;
  return `(SELECT b.*, make_timestamp(k * ${slide * 1_000_000}) AS window_start, make_timestamp(k * ${slide * 1_000_000} + ${size * 1_000_000}) AS window_end FROM bid b, LATERAL (SELECT unnest(range(${first}, ${last} + 1)) AS k))`;
}

const HOP_BIDS = "HOP(bid, DESCRIPTOR(date_time), INTERVAL '2 seconds', INTERVAL '10 seconds')";

export const NEXMARK_QUERIES: readonly NexmarkQuery[] = [
  // Passthrough.
  { name: 'q0', kind: 'stateless', freshet: 'SELECT auction, bidder, price, date_time, extra FROM bid' },
  // Currency conversion.
  { name: 'q1', kind: 'stateless', freshet: 'SELECT auction, bidder, 0.908 * price AS price, date_time, extra FROM bid' },
  // Selection.
  { name: 'q2', kind: 'stateless', freshet: 'SELECT auction, price FROM bid WHERE auction % 123 = 0' },
  // Local item suggestion: sellers in some states of auctions in one category.
  {
    name: 'q3',
    kind: 'join',
    freshet: "SELECT p.name, p.city, p.state, a.id FROM auction a JOIN person p ON a.seller = p.id WHERE a.category = 10 AND p.state IN ('OR', 'ID', 'CA')",
  },
  // Average closing price per category: the highest bid while each auction was open.
  {
    name: 'q4',
    kind: 'aggregate',
    freshet:
      'SELECT q.category, avg(q.final) AS avg_final FROM (SELECT max(b.price) AS final, a.category FROM auction a JOIN bid b ON a.id = b.auction WHERE b.date_time BETWEEN a.date_time AND a.expires GROUP BY a.id, a.category) q GROUP BY q.category',
  },
  // Hot items: the auctions with the most bids in each 10-second window sliding by 2 seconds.
  {
    name: 'q5',
    kind: 'aggregate',
    freshet: `SELECT a.auction, a.num, a.window_start FROM (SELECT auction, count(*) AS num, window_start FROM ${HOP_BIDS} GROUP BY auction, window_start) a JOIN (SELECT window_start, max(num) AS maxn FROM (SELECT count(*) AS num, window_start FROM ${HOP_BIDS} GROUP BY auction, window_start) c GROUP BY window_start) m ON a.window_start = m.window_start AND a.num >= m.maxn`,
    duckdb: `SELECT a.auction, a.num, a.window_start FROM (SELECT auction, count(*) AS num, window_start FROM ${duckHopBids(2, 10)} GROUP BY auction, window_start) a JOIN (SELECT window_start, max(num) AS maxn FROM (SELECT count(*) AS num, window_start FROM ${duckHopBids(2, 10)} GROUP BY auction, window_start) c GROUP BY window_start) m ON a.window_start = m.window_start AND a.num >= m.maxn`,
  },
  // Highest bid in each 10-second window.
  {
    name: 'q7',
    kind: 'join',
    freshet:
      "SELECT b.auction, b.price, b.bidder, b.date_time FROM bid b JOIN (SELECT max(price) AS maxprice, window_end FROM TUMBLE(bid, DESCRIPTOR(date_time), INTERVAL '10 seconds') GROUP BY window_end) w ON b.price = w.maxprice AND b.date_time >= w.window_end - INTERVAL '10 seconds' AND b.date_time < w.window_end",
    duckdb: `SELECT b.auction, b.price, b.bidder, b.date_time FROM bid b JOIN (SELECT max(price) AS maxprice, ${duckWindowStart('date_time', 10)} + INTERVAL '10 seconds' AS window_end FROM bid GROUP BY 2) w ON b.price = w.maxprice AND b.date_time >= w.window_end - INTERVAL '10 seconds' AND b.date_time < w.window_end`,
  },
  // New users: people who opened an auction in the same 10-second window as they registered.
  {
    name: 'q8',
    kind: 'join',
    freshet:
      "SELECT p.id, p.name, p.window_start FROM (SELECT id, name, window_start, window_end FROM TUMBLE(person, DESCRIPTOR(date_time), INTERVAL '10 seconds') GROUP BY id, name, window_start, window_end) p JOIN (SELECT seller, window_start, window_end FROM TUMBLE(auction, DESCRIPTOR(date_time), INTERVAL '10 seconds') GROUP BY seller, window_start, window_end) a ON p.id = a.seller AND p.window_start = a.window_start AND p.window_end = a.window_end",
    duckdb: `SELECT p.id, p.name, p.window_start FROM (SELECT id, name, ${duckWindowStart('date_time', 10)} AS window_start FROM person GROUP BY 1, 2, 3) p JOIN (SELECT seller, ${duckWindowStart('date_time', 10)} AS window_start FROM auction GROUP BY 1, 2) a ON p.id = a.seller AND p.window_start = a.window_start`,
  },
  // Average selling price by seller: each seller's last 10 closed auctions (their winning bids), as a running average.
  {
    name: 'q6',
    kind: 'aggregate',
    freshet:
      'SELECT seller, auction, final, avg(final) OVER (PARTITION BY seller ORDER BY expires, auction ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS avg_final FROM (SELECT a.seller, a.id AS auction, a.expires, max(b.price) AS final FROM auction a JOIN bid b ON a.id = b.auction WHERE b.date_time BETWEEN a.date_time AND a.expires GROUP BY a.seller, a.id, a.expires) w',
  },
  // Winning bids: the highest bid (earliest among equals) of each auction while it was open.
  {
    name: 'q9',
    kind: 'join',
    freshet:
      'SELECT id, seller, category, auction, bidder, price, bid_time FROM (SELECT a.id, a.seller, a.category, b.auction, b.bidder, b.price, b.date_time AS bid_time, row_number() OVER (PARTITION BY a.id ORDER BY b.price DESC, b.date_time, b.bidder) AS rn FROM auction a JOIN bid b ON a.id = b.auction WHERE b.date_time BETWEEN a.date_time AND a.expires) t WHERE rn = 1',
  },
  // User sessions: each bidder's bids in sessions of activity with gaps under 10 seconds.
  {
    name: 'q11',
    kind: 'aggregate',
    freshet: "SELECT bidder, count(*) AS bid_count, window_start, window_end FROM SESSION(bid, DESCRIPTOR(date_time), DESCRIPTOR(bidder), INTERVAL '10 seconds') GROUP BY bidder, window_start, window_end",
    // A session starts at a bidder's first bid and at every bid 10 seconds or more after the one before.
    duckdb:
      "WITH gaps AS (SELECT bidder, date_time, CASE WHEN date_time - lag(date_time) OVER (PARTITION BY bidder ORDER BY date_time) < INTERVAL '10 seconds' THEN 0 ELSE 1 END AS starts FROM bid), sessions AS (SELECT bidder, date_time, sum(starts) OVER (PARTITION BY bidder ORDER BY date_time ROWS UNBOUNDED PRECEDING) AS session FROM gaps) SELECT bidder, count(*) AS bid_count, min(date_time) AS window_start, max(date_time) + INTERVAL '10 seconds' AS window_end FROM sessions GROUP BY bidder, session",
  },
  // Bids per bidder in 10-second windows of processing time.
  {
    name: 'q12',
    kind: 'aggregate',
    freshet: "SELECT bidder, count(*) AS bid_count, window_start, window_end FROM TUMBLE(bid, DESCRIPTOR(p_time), INTERVAL '10 seconds') GROUP BY bidder, window_start, window_end",
    duckdb: `SELECT bidder, count(*) AS bid_count, ${duckWindowStart('p_time', 10)} AS window_start, ${duckWindowStart('p_time', 10)} + INTERVAL '10 seconds' AS window_end FROM bid GROUP BY 1, 3, 4`,
  },
  // Calculation: converted prices in a band, classified by time of day.
  {
    name: 'q14',
    kind: 'stateless',
    freshet:
      "SELECT auction, bidder, 0.908 * price AS price, CASE WHEN extract(hour FROM date_time) BETWEEN 8 AND 18 THEN 'dayTime' WHEN extract(hour FROM date_time) <= 6 OR extract(hour FROM date_time) >= 20 THEN 'nightTime' ELSE 'otherTime' END AS bid_time_type, date_time, extra FROM bid WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000",
  },
  // Bidding statistics per day: bids, bidders and auctions, overall and by price band.
  {
    name: 'q15',
    kind: 'aggregate',
    freshet:
      'SELECT CAST(date_time AS DATE) AS day, count(*) AS total_bids, count(*) FILTER (WHERE price < 10000) AS rank1_bids, count(*) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bids, count(*) FILTER (WHERE price >= 1000000) AS rank3_bids, count(DISTINCT bidder) AS total_bidders, count(DISTINCT bidder) FILTER (WHERE price < 10000) AS rank1_bidders, count(DISTINCT auction) AS total_auctions FROM bid GROUP BY CAST(date_time AS DATE)',
  },
  // Channel statistics per day, with the last minute of the day that saw a bid.
  {
    name: 'q16',
    kind: 'aggregate',
    freshet:
      "SELECT channel, CAST(date_time AS DATE) AS day, max(to_char(date_time, 'HH24:MI')) AS minute, count(*) AS total_bids, count(*) FILTER (WHERE price < 10000) AS rank1_bids, count(*) FILTER (WHERE price >= 1000000) AS rank3_bids, count(DISTINCT bidder) AS total_bidders, count(DISTINCT bidder) FILTER (WHERE price >= 1000000) AS rank3_bidders, count(DISTINCT auction) AS total_auctions FROM bid GROUP BY channel, CAST(date_time AS DATE)",
    duckdb:
      "SELECT channel, CAST(date_time AS DATE) AS day, max(strftime(date_time, '%H:%M')) AS minute, count(*) AS total_bids, count(*) FILTER (WHERE price < 10000) AS rank1_bids, count(*) FILTER (WHERE price >= 1000000) AS rank3_bids, count(DISTINCT bidder) AS total_bidders, count(DISTINCT bidder) FILTER (WHERE price >= 1000000) AS rank3_bidders, count(DISTINCT auction) AS total_auctions FROM bid GROUP BY channel, CAST(date_time AS DATE)",
  },
  // Auction statistics per day.
  {
    name: 'q17',
    kind: 'aggregate',
    freshet:
      'SELECT auction, CAST(date_time AS DATE) AS day, count(*) AS total_bids, count(*) FILTER (WHERE price < 10000) AS rank1_bids, min(price) AS min_price, max(price) AS max_price, avg(price) AS avg_price, sum(price) AS sum_price FROM bid GROUP BY auction, CAST(date_time AS DATE)',
  },
  // The last bid of each bidder on each auction.
  {
    name: 'q18',
    kind: 'aggregate',
    freshet:
      'SELECT auction, bidder, price, channel, url, date_time FROM (SELECT *, row_number() OVER (PARTITION BY bidder, auction ORDER BY date_time DESC, price DESC, url) AS rn FROM bid) t WHERE rn = 1',
  },
  // The 10 highest bids of each auction.
  {
    name: 'q19',
    kind: 'aggregate',
    freshet:
      'SELECT auction, bidder, price, date_time, rn FROM (SELECT auction, bidder, price, date_time, row_number() OVER (PARTITION BY auction ORDER BY price DESC, date_time, bidder) AS rn FROM bid) t WHERE rn <= 10',
  },
  // Bids joined with their auction, for one category.
  {
    name: 'q20',
    kind: 'join',
    freshet:
      'SELECT b.auction, b.bidder, b.price, b.channel, b.date_time, a.item_name, a.initial_bid, a.reserve, a.expires, a.seller, a.category FROM bid b JOIN auction a ON b.auction = a.id WHERE a.category = 10',
  },
  // A channel id from the channel or the URL.
  {
    name: 'q21',
    kind: 'stateless',
    freshet:
      "SELECT auction, bidder, price, channel, CASE WHEN lower(channel) = 'apple' THEN '0' WHEN lower(channel) = 'google' THEN '1' WHEN lower(channel) = 'facebook' THEN '2' WHEN lower(channel) = 'baidu' THEN '3' ELSE split_part(url, 'channel_id=', 2) END AS channel_id FROM bid",
  },
  // The directories of each bid's URL.
  {
    name: 'q22',
    kind: 'stateless',
    freshet: "SELECT auction, bidder, price, channel, split_part(url, '/', 4) AS dir1, split_part(url, '/', 5) AS dir2, split_part(url, '/', 6) AS dir3 FROM bid",
  },
];
