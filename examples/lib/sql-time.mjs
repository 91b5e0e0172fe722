// Timestamps as the examples write them: epoch milliseconds (UTC) <-> SQL
// TIMESTAMP text 'YYYY-MM-DD HH:MM:SS[.mmm]', and the time units in ms.

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** SQL TIMESTAMP text of an instant (UTC); milliseconds only when not zero. */
export function sqlTime(ms) {
  const iso = new Date(ms).toISOString(); // 2026-11-27T09:00:00.250Z
  const text = iso.slice(0, 10) + ' ' + iso.slice(11, 23);
  return text.endsWith('.000') ? text.slice(0, 19) : text;
}

/** Epoch ms of a TIMESTAMP text as Freshet returns it (UTC, up to microseconds). */
export function parseSqlTime(text) {
  const m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?/.exec(text);
  if (m === null) throw new Error(`not a timestamp: ${text}`);
  const frac = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) + frac;
}

/** 'HH:MM:SS' of an instant, for log lines. */
export function clockText(ms) {
  return new Date(ms).toISOString().slice(11, 19);
}
