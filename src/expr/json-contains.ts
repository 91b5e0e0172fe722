// jsonb containment (@>), PostgreSQL's rules: an object contains another when
// every key of the other is present with a contained value; an array contains
// another when every element of the other is contained in some element of it;
// scalars must be equal (numbers by value); at the top level only, an array
// also contains a scalar it has as an element.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function contains(a: Json, b: Json): boolean {
  if (Array.isArray(a)) {
    if (!Array.isArray(b)) return false;
    return b.every((x) => a.some((y) => (x !== null && typeof x === 'object' ? y !== null && typeof y === 'object' && contains(y, x) : y === x)));
  }
  if (a !== null && typeof a === 'object') {
    if (b === null || typeof b !== 'object' || Array.isArray(b)) return false;
    for (const key of Object.keys(b)) {
      if (!Object.prototype.hasOwnProperty.call(a, key)) return false;
      if (!contains(a[key]!, b[key]!)) return false;
    }
    return true;
  }
  return a === b;
}

/** Whether canonical jsonb text `a` contains `b`. Parsed per call (the values are this row's only). */
export function containsJson(a: string, b: string): boolean {
  const x = JSON.parse(a) as Json;
  const y = JSON.parse(b) as Json;
  if (Array.isArray(x) && (y === null || typeof y !== 'object')) return x.some((e) => e === y);
  return contains(x, y);
}
