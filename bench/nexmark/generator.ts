// A deterministic, seedable generator of the Nexmark streams (person,
// auction, bid), following the benchmark's rules as its reference generators
// state them:
//
// - Events come in epochs of 50: 1 person, 3 auctions, 46 bids, in that order
//   within the epoch (event i is a person when i % 50 < 1, an auction when it
//   is < 4, else a bid). Ids are dense: person and auction ids count up from
//   1000 in the order their events come.
// - Hot auctions and hot people: a bid goes to the latest "hot" auction (the
//   newest auction id rounded down to a multiple of hotAuctionRatio) with
//   probability 1 - 1 / hotAuctionRatio, else to a random auction among the
//   newest inFlightAuctions. Bidders and sellers are picked alike among the
//   newest activePeople, with their own hot ratios.
// - Event time advances monotonically at eventsPerSecond (the base time of
//   event i is baseMicros + i / eventsPerSecond); each event's time is its
//   base time minus up to outOfOrderMicros, so an event is never more than
//   that bound behind any event before it. A bid also carries its base time
//   as p_time, when it reached the system: the processing time of q12, which
//   a real source would stamp on arrival (a broker's log-append time); here
//   it is generated, so that both engines see the same values.
// - Prices are log-uniform cents in [100, 100,000,000]; categories are 10..14;
//   an auction expires a random span (about the time inFlightAuctions
//   auctions take to arrive) after it opens.
//
// Every random draw is a hash of (seed, event number, draw number), not a
// running state, so the events do not depend on how they are cut into
// batches, and any range can be generated on its own. Batches come out
// columnar: typed arrays, strings as arrays (Freshet's layout: BIGINT and
// TIMESTAMP as doubles, µs for times).

/** The generator's parameters; defaults follow the reference generators. */
export interface NexmarkOptions {
  readonly seed: number;
  /** Event time of event 0, µs since the epoch. */
  readonly baseMicros: number;
  /** Events per second of event time. */
  readonly eventsPerSecond: number;
  /** Most µs an event's time lies behind an earlier event's (0: in order). */
  readonly outOfOrderMicros: number;
  readonly hotAuctionRatio: number;
  readonly hotSellersRatio: number;
  readonly hotBiddersRatio: number;
  /** People a seller or bidder is drawn from (the newest ones). */
  readonly activePeople: number;
  /** Auctions a bid that is not on a hot auction is drawn from (the newest ones). */
  readonly inFlightAuctions: number;
}

export const DEFAULT_NEXMARK: NexmarkOptions = {
  seed: 1,
  baseMicros: Date.UTC(2026, 0, 1) * 1000,
  eventsPerSecond: 10_000,
  outOfOrderMicros: 0,
  hotAuctionRatio: 2,
  hotSellersRatio: 4,
  hotBiddersRatio: 4,
  activePeople: 1000,
  inFlightAuctions: 100,
};

export const PERSON_PROPORTION = 1;
export const AUCTION_PROPORTION = 3;
export const BID_PROPORTION = 46;
export const EPOCH = PERSON_PROPORTION + AUCTION_PROPORTION + BID_PROPORTION;
export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;
export const CATEGORIES = 5;

export interface PersonBatch {
  readonly length: number;
  readonly id: Float64Array;
  readonly name: string[];
  readonly emailAddress: string[];
  readonly creditCard: string[];
  readonly city: string[];
  readonly state: string[];
  readonly dateTime: Float64Array;
  readonly extra: string[];
}

export interface AuctionBatch {
  readonly length: number;
  readonly id: Float64Array;
  readonly itemName: string[];
  readonly description: string[];
  readonly initialBid: Float64Array;
  readonly reserve: Float64Array;
  readonly dateTime: Float64Array;
  readonly expires: Float64Array;
  readonly seller: Float64Array;
  readonly category: Float64Array;
  readonly extra: string[];
}

export interface BidBatch {
  readonly length: number;
  readonly auction: Float64Array;
  readonly bidder: Float64Array;
  readonly price: Float64Array;
  readonly channel: string[];
  readonly url: string[];
  readonly dateTime: Float64Array;
  /** When the bid reached the system (processing time, µs): its base time, monotone in stream order. */
  readonly pTime: Float64Array;
  readonly extra: string[];
}

/** The events [from, to) of one stream position range, split by kind (each in event order). */
export interface NexmarkBatch {
  readonly person: PersonBatch;
  readonly auction: AuctionBatch;
  readonly bid: BidBatch;
}

/** The kind of event `i`. */
export function eventKind(i: number): 'person' | 'auction' | 'bid' {
  const offset = i % EPOCH;
  return offset < PERSON_PROPORTION ? 'person' : offset < PERSON_PROPORTION + AUCTION_PROPORTION ? 'auction' : 'bid';
}

/** People created by events 0..i (inclusive). */
function peopleThrough(i: number): number {
  const epoch = Math.floor(i / EPOCH);
  return epoch * PERSON_PROPORTION + Math.min(i % EPOCH, PERSON_PROPORTION - 1) + 1;
}

/** Auctions created by events 0..i (inclusive). */
function auctionsThrough(i: number): number {
  const epoch = Math.floor(i / EPOCH);
  const offset = i % EPOCH;
  return epoch * AUCTION_PROPORTION + Math.max(0, Math.min(offset - PERSON_PROPORTION + 1, AUCTION_PROPORTION));
}

const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];
const CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'];
const STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];
const WORDS = ['apple', 'bell', 'cart', 'dune', 'echo', 'fern', 'gale', 'harp', 'iris', 'jade', 'kiln', 'loom'];

export class NexmarkGenerator {
  readonly options: NexmarkOptions;

  constructor(options: Partial<NexmarkOptions> = {}) {
    this.options = { ...DEFAULT_NEXMARK, ...options };
  }

  /** A uniform draw in [0, 1) for event `i`'s draw number `k`. */
  private draw(i: number, k: number): number {
    let h = Math.imul(this.options.seed ^ 0x5bd1e995, 0x27d4eb2d) ^ Math.imul(i | 0, 0x9e3779b1) ^ Math.imul((i / 0x1_0000_0000) | 0, 0x85ebca6b) ^ Math.imul(k + 1, 0xc2b2ae35);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return (h >>> 0) / 0x1_0000_0000;
  }

  private below(i: number, k: number, n: number): number {
    return Math.floor(this.draw(i, k) * n);
  }

  /** Event `i`'s base time, µs: when it reached the system (its processing time), monotone in `i`. */
  arrivalTime(i: number): number {
    const o = this.options;
    return o.baseMicros + Math.floor((i * 1_000_000) / o.eventsPerSecond);
  }

  /** Event `i`'s time, µs: its base time minus up to the out-of-order bound. */
  eventTime(i: number): number {
    const o = this.options;
    const base = this.arrivalTime(i);
    return o.outOfOrderMicros === 0 ? base : base - Math.floor(this.draw(i, 0) * (o.outOfOrderMicros + 1));
  }

  /** A log-uniform price in cents, 100 to 100,000,000. */
  private price(i: number, k: number): number {
    return Math.round(Math.pow(10, this.draw(i, k) * 6) * 100);
  }

  /** A person id for event `i`: the hot one with probability 1 - 1/ratio, else one of the newest activePeople. */
  private person(i: number, k: number, hotRatio: number): number {
    const people = peopleThrough(i);
    if (this.below(i, k, hotRatio) > 0) return FIRST_PERSON_ID + Math.floor((people - 1) / hotRatio) * hotRatio;
    const active = Math.min(people, this.options.activePeople);
    return FIRST_PERSON_ID + people - active + this.below(i, k + 1, active);
  }

  /** Events [from, to), columnar, split by kind. */
  generate(from: number, to: number): NexmarkBatch {
    const counts = { person: 0, auction: 0, bid: 0 };
    for (let i = from; i < to; i++) counts[eventKind(i)]++;
    const person = {
      length: counts.person, id: new Float64Array(counts.person), name: [] as string[], emailAddress: [] as string[], creditCard: [] as string[],
      city: [] as string[], state: [] as string[], dateTime: new Float64Array(counts.person), extra: [] as string[],
    };
    const auction = {
      length: counts.auction, id: new Float64Array(counts.auction), itemName: [] as string[], description: [] as string[],
      initialBid: new Float64Array(counts.auction), reserve: new Float64Array(counts.auction), dateTime: new Float64Array(counts.auction),
      expires: new Float64Array(counts.auction), seller: new Float64Array(counts.auction), category: new Float64Array(counts.auction), extra: [] as string[],
    };
    const bid = {
      length: counts.bid, auction: new Float64Array(counts.bid), bidder: new Float64Array(counts.bid), price: new Float64Array(counts.bid),
      channel: [] as string[], url: [] as string[], dateTime: new Float64Array(counts.bid), pTime: new Float64Array(counts.bid), extra: [] as string[],
    };
    const o = this.options;
    // About the span in which inFlightAuctions auctions arrive: how long an auction stays open, on average.
    const auctionSpan = (o.inFlightAuctions * EPOCH * 1_000_000) / (AUCTION_PROPORTION * o.eventsPerSecond);
    let p = 0;
    let a = 0;
    let b = 0;
    for (let i = from; i < to; i++) {
      const time = this.eventTime(i);
      switch (eventKind(i)) {
        case 'person': {
          const id = FIRST_PERSON_ID + peopleThrough(i) - 1;
          const first = FIRST_NAMES[this.below(i, 1, FIRST_NAMES.length)]!;
          const last = LAST_NAMES[this.below(i, 2, LAST_NAMES.length)]!;
          person.id[p] = id;
          person.name.push(`${first} ${last}`);
          person.emailAddress.push(`${first.toLowerCase()}.${last.toLowerCase()}${id}@nexmark.example`);
          person.creditCard.push(Array.from({ length: 4 }, (_, g) => String(1000 + this.below(i, 3 + g, 9000))).join(' '));
          person.city.push(CITIES[this.below(i, 7, CITIES.length)]!);
          person.state.push(STATES[this.below(i, 8, STATES.length)]!);
          person.dateTime[p] = time;
          person.extra.push('');
          p++;
          break;
        }
        case 'auction': {
          const id = FIRST_AUCTION_ID + auctionsThrough(i) - 1;
          const initial = this.price(i, 1);
          auction.id[a] = id;
          auction.itemName.push(`${WORDS[this.below(i, 2, WORDS.length)]!} ${WORDS[this.below(i, 3, WORDS.length)]!}`);
          auction.description.push(`item ${id}`);
          auction.initialBid[a] = initial;
          auction.reserve[a] = initial + this.price(i, 4);
          auction.dateTime[a] = time;
          auction.expires[a] = time + Math.floor(auctionSpan * (0.5 + this.draw(i, 5)));
          auction.seller[a] = this.person(i, 6, o.hotSellersRatio);
          auction.category[a] = FIRST_CATEGORY_ID + this.below(i, 8, CATEGORIES);
          auction.extra.push('');
          a++;
          break;
        }
        case 'bid': {
          const auctions = auctionsThrough(i);
          let target: number;
          if (this.below(i, 1, o.hotAuctionRatio) > 0) target = Math.floor((auctions - 1) / o.hotAuctionRatio) * o.hotAuctionRatio;
          else {
            const inFlight = Math.min(auctions, o.inFlightAuctions);
            target = auctions - inFlight + this.below(i, 2, inFlight);
          }
          const channel = this.below(i, 3, CHANNELS.length);
          bid.auction[b] = FIRST_AUCTION_ID + target;
          bid.bidder[b] = this.person(i, 4, o.hotBiddersRatio);
          bid.price[b] = this.price(i, 6);
          bid.channel.push(CHANNELS[channel]!);
          bid.url.push(`https://www.nexmark.example/${WORDS[this.below(i, 7, WORDS.length)]!}/${WORDS[this.below(i, 8, WORDS.length)]!}/item.htm?query=1&channel_id=${channel}`);
          bid.dateTime[b] = time;
          bid.pTime[b] = this.arrivalTime(i);
          bid.extra.push('');
          b++;
          break;
        }
      }
    }
    return { person, auction, bid };
  }
}
