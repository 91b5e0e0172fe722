// The Nexmark generator (bench/nexmark/generator.ts) keeps the benchmark's
// rules: 1:3:46 proportions in epochs of 50, dense ids, bids and auctions
// that only name people and auctions created before them, hot auctions and
// bidders in their ratios, event time monotone up to the out-of-order bound,
// prices in range — and is deterministic by seed whatever the batch cuts.

import { describe, expect, test } from 'vitest';
import { AUCTION_PROPORTION, BID_PROPORTION, EPOCH, FIRST_AUCTION_ID, FIRST_PERSON_ID, NexmarkGenerator, PERSON_PROPORTION, eventKind } from '../../bench/nexmark/generator.js';
import type { NexmarkBatch } from '../../bench/nexmark/generator.js';

/** Every column of every stream as plain arrays, for equality. */
function flat(batch: NexmarkBatch): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [stream, columns] of Object.entries(batch)) {
    for (const [name, values] of Object.entries(columns as Record<string, unknown>)) {
      if (name !== 'length') out[`${stream}.${name}`] = Array.from(values as ArrayLike<unknown>);
    }
  }
  return out;
}

function concat(a: Record<string, unknown[]>, b: Record<string, unknown[]>): Record<string, unknown[]> {
  return Object.fromEntries(Object.keys(a).map((k) => [k, [...a[k]!, ...b[k]!]]));
}

describe('Nexmark generator', () => {
  test('1:3:46 in every epoch of 50 events, from any start', () => {
    expect(EPOCH).toBe(PERSON_PROPORTION + AUCTION_PROPORTION + BID_PROPORTION);
    const g = new NexmarkGenerator();
    const all = g.generate(0, 50_000);
    expect([all.person.length, all.auction.length, all.bid.length]).toEqual([1000, 3000, 46_000]);
    const kinds = Array.from({ length: 50 }, (_, i) => eventKind(i));
    expect(kinds.filter((k) => k === 'person').length).toBe(1);
    expect(kinds.filter((k) => k === 'auction').length).toBe(3);
    const odd = g.generate(37, 5037);
    expect(odd.person.length + odd.auction.length + odd.bid.length).toBe(5000);
    expect(odd.person.length).toBe(100);
    expect(odd.auction.length).toBe(300);
  });

  test('the same seed gives the same events however they are cut; another seed, others', () => {
    const g = new NexmarkGenerator({ seed: 7, outOfOrderMicros: 2000 });
    const whole = flat(g.generate(0, 12_345));
    expect(concat(flat(g.generate(0, 4001)), flat(g.generate(4001, 12_345)))).toEqual(whole);
    expect(flat(new NexmarkGenerator({ seed: 7, outOfOrderMicros: 2000 }).generate(0, 12_345))).toEqual(whole);
    expect(flat(new NexmarkGenerator({ seed: 8, outOfOrderMicros: 2000 }).generate(0, 12_345))['bid.price']).not.toEqual(whole['bid.price']);
  });

  test('ids are dense and every reference names a person or auction created before it', () => {
    const g = new NexmarkGenerator({ seed: 3 });
    const n = 100_000;
    const { person, auction, bid } = g.generate(0, n);
    expect(Array.from(person.id)).toEqual(Array.from({ length: person.length }, (_, k) => FIRST_PERSON_ID + k));
    expect(Array.from(auction.id)).toEqual(Array.from({ length: auction.length }, (_, k) => FIRST_AUCTION_ID + k));
    // Walk the events in order, counting what exists so far.
    let people = 0;
    let auctions = 0;
    let a = 0;
    let b = 0;
    const bad: string[] = [];
    for (let i = 0; i < n; i++) {
      const kind = eventKind(i);
      if (kind === 'person') people++;
      else if (kind === 'auction') {
        const seller = auction.seller[a]! - FIRST_PERSON_ID;
        if (seller < 0 || seller >= people) bad.push(`auction ${a}: seller ${seller} of ${people} people`);
        if (!(auction.expires[a]! > auction.dateTime[a]! && auction.reserve[a]! > auction.initialBid[a]!)) bad.push(`auction ${a}: times or prices`);
        if (![10, 11, 12, 13, 14].includes(auction.category[a]!)) bad.push(`auction ${a}: category ${auction.category[a]}`);
        auctions++;
        a++;
      } else {
        const target = bid.auction[b]! - FIRST_AUCTION_ID;
        const bidder = bid.bidder[b]! - FIRST_PERSON_ID;
        if (target < 0 || target >= auctions) bad.push(`bid ${b}: auction ${target} of ${auctions}`);
        if (bidder < 0 || bidder >= people) bad.push(`bid ${b}: bidder ${bidder} of ${people}`);
        if (!(bid.price[b]! >= 100 && bid.price[b]! <= 100_000_000)) bad.push(`bid ${b}: price ${bid.price[b]}`);
        b++;
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
    expect(b).toBe(bid.length);
  });

  test('hot auctions and bidders take their share of the bids', () => {
    const g = new NexmarkGenerator({ seed: 11 });
    const { bid } = g.generate(0, 200_000);
    // hotAuctionRatio 2: about half the bids go to the newest auction id rounded down to even, the rest over 100 auctions;
    // hotBiddersRatio 4: about three quarters to the newest person id rounded down to a multiple of 4, the rest over 1,000 people.
    let hotAuction = 0;
    let hotBidder = 0;
    let auctions = 0;
    let people = 0;
    let b = 0;
    for (let i = 0; i < 200_000; i++) {
      const kind = eventKind(i);
      if (kind === 'auction') auctions++;
      if (kind === 'person') people++;
      if (kind !== 'bid') continue;
      if (bid.auction[b] === FIRST_AUCTION_ID + Math.floor((auctions - 1) / 2) * 2) hotAuction++;
      if (bid.bidder[b] === FIRST_PERSON_ID + Math.floor((people - 1) / 4) * 4) hotBidder++;
      b++;
    }
    expect(hotAuction / bid.length).toBeGreaterThan(0.49);
    expect(hotAuction / bid.length).toBeLessThan(0.52);
    expect(hotBidder / bid.length).toBeGreaterThan(0.74);
    expect(hotBidder / bid.length).toBeLessThan(0.77);
  });

  test('event time is monotone up to the out-of-order bound', () => {
    for (const bound of [0, 5000]) {
      const g = new NexmarkGenerator({ seed: 5, outOfOrderMicros: bound });
      let max = -Infinity;
      let late = 0;
      for (let i = 0; i < 20_000; i++) {
        const t = g.eventTime(i);
        expect(t).toBeGreaterThanOrEqual(max - bound);
        if (t < max) late++;
        max = Math.max(max, t);
      }
      // 10,000 events a second: 2 s of event time.
      expect(max - g.eventTime(0)).toBeGreaterThan(1_990_000);
      if (bound === 0) expect(late).toBe(0);
      else expect(late).toBeGreaterThan(1000);
    }
  });

  test("a bid's processing time (p_time) is monotone in stream order and never before its event time, by at most the bound", () => {
    const bound = 5000;
    const { bid } = new NexmarkGenerator({ seed: 9, outOfOrderMicros: bound }).generate(0, 20_000);
    let behind = 0;
    for (let b = 0; b < bid.length; b++) {
      if (b > 0) expect(bid.pTime[b]!).toBeGreaterThanOrEqual(bid.pTime[b - 1]!);
      const lag = bid.pTime[b]! - bid.dateTime[b]!;
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThanOrEqual(bound);
      if (lag > 0) behind++;
    }
    expect(behind).toBeGreaterThan(bid.length / 2);
    expect(bid.pTime[bid.length - 1]! - bid.pTime[0]!).toBeGreaterThan(1_900_000);
  });
});
