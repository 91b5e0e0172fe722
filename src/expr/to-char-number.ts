// to_char(number, template) for the common numeric template patterns of
// PostgreSQL: 9 (digit, blank when a leading zero), 0 (digit, leading zero
// kept), . or D (decimal point), , or G (group separator), FM (no padding,
// no trailing zeros), S (sign), MI (minus), PR (<negative>). Without a sign
// pattern one position before the digits holds '-' or a blank. Digits that
// do not fit print as '#'. The value is rounded half away from zero.

export interface NumberTemplate {
  readonly fill: boolean;
  /** The integer part's template characters (9, 0, ',', and literals). */
  readonly intPart: string;
  readonly fracPart: string;
  readonly hasPoint: boolean;
  readonly intDigits: number;
  readonly fracDigits: number;
  /** Index among integer digit positions of the first '0' (leading zeros shown from there). */
  readonly zeroFrom: number;
  readonly sign: 'default' | 'S-lead' | 'S-trail' | 'MI-trail' | 'MI-lead' | 'PR';
}

/** Compiles a template once (per distinct template per batch). */
export function compileNumberTemplate(template: string): NumberTemplate {
  let t = template;
  let fill = false;
  if (/^fm/i.test(t)) {
    fill = true;
    t = t.slice(2);
  }
  let sign: NumberTemplate['sign'] = 'default';
  if (/^s/i.test(t)) {
    sign = 'S-lead';
    t = t.slice(1);
  } else if (/s$/i.test(t)) {
    sign = 'S-trail';
    t = t.slice(0, -1);
  } else if (/pr$/i.test(t)) {
    sign = 'PR';
    t = t.slice(0, -2);
  } else if (/mi$/i.test(t)) {
    sign = 'MI-trail';
    t = t.slice(0, -2);
  } else if (/^mi/i.test(t)) {
    sign = 'MI-lead';
    t = t.slice(2);
  }
  const point = t.search(/[.Dd]/);
  const intPart = (point < 0 ? t : t.slice(0, point)).replace(/[Gg]/g, ',');
  const fracPart = point < 0 ? '' : t.slice(point + 1);
  let intDigits = 0;
  let zeroFrom = -1;
  for (const c of intPart) {
    if (c === '0' && zeroFrom < 0) zeroFrom = intDigits;
    if (c === '9' || c === '0') intDigits++;
  }
  let fracDigits = 0;
  for (const c of fracPart) if (c === '9' || c === '0') fracDigits++;
  return { fill, intPart, fracPart, hasPoint: point >= 0, intDigits, fracDigits, zeroFrom: zeroFrom < 0 ? intDigits : zeroFrom, sign };
}

function roundHalfAway(x: number, digits: number): string {
  const scaled = Number(`${Math.abs(x)}e${digits}`);
  const r = Math.round(scaled);
  return Number(`${r}e-${digits}`).toFixed(digits);
}

export function formatNumber(x: number, t: NumberTemplate): string {
  const negative = x < 0;
  if (!Number.isFinite(x)) return '#'.repeat(t.intDigits + t.fracDigits + (t.hasPoint ? 1 : 0) + 1);
  const fixed = roundHalfAway(x, t.fracDigits);
  const dot = fixed.indexOf('.');
  let intText = dot < 0 ? fixed : fixed.slice(0, dot);
  const fracText = dot < 0 ? '' : fixed.slice(dot + 1);
  // A zero integer part prints as a digit only where the template asks for one.
  if (intText === '0') intText = t.hasPoint && t.fracDigits > 0 ? '' : '0';
  const overflow = intText.length > t.intDigits;
  // Integer digits, right-aligned against the template's digit positions.
  let out = '';
  let digit = 0;
  let printed = false;
  const lead = t.intDigits - intText.length;
  for (const c of t.intPart) {
    if (c === '9' || c === '0') {
      if (overflow) out += '#';
      else if (digit >= lead) {
        out += intText[digit - lead];
        printed = true;
      } else if (digit >= t.zeroFrom) {
        out += '0';
        printed = true;
      } else out += t.fill ? '' : ' ';
      digit++;
    } else if (c === ',') {
      out += printed || overflow ? ',' : t.fill ? '' : ' ';
    } else out += c;
  }
  let frac = '';
  if (t.hasPoint) {
    let k = 0;
    let body = '';
    for (const c of t.fracPart) {
      if (c === '9' || c === '0') body += overflow ? '#' : fracText[k++] ?? '0';
      else body += c;
    }
    // FM drops trailing zeros that sit on 9 positions.
    if (t.fill && !overflow) {
      let end = body.length;
      let pos = t.fracPart.length;
      while (end > 0 && body[end - 1] === '0' && t.fracPart[pos - 1] === '9') {
        end--;
        pos--;
      }
      body = body.slice(0, end);
    }
    frac = '.' + body;
  }
  const number = out + frac;
  const firstNonBlank = number.search(/[^ ]/);
  const blanks = firstNonBlank < 0 ? number : number.slice(0, firstNonBlank);
  const digits = firstNonBlank < 0 ? '' : number.slice(firstNonBlank);
  switch (t.sign) {
    case 'default':
      return blanks + (negative ? '-' : t.fill ? '' : ' ') + digits;
    case 'S-lead':
      return blanks + (negative ? '-' : '+') + digits;
    case 'S-trail':
      return number + (negative ? '-' : '+');
    case 'MI-lead':
      return (negative ? '-' : t.fill ? '' : ' ') + number;
    case 'MI-trail':
      return number + (negative ? '-' : t.fill ? '' : ' ');
    case 'PR':
      return negative ? `${blanks}<${digits}>` : t.fill ? number : ` ${number} `;
  }
}
