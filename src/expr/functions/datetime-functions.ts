// date_trunc and extract/date_part over TIMESTAMP and DATE. The unit or field
// is usually a literal; it is parsed once per distinct value per batch.

import type { Column } from '../../columnar/column.js';
import { str } from '../../columnar/column.js';
import type { FunctionDef } from '../function-def.js';
import { fixed } from '../function-def.js';
import { mapRows } from '../kernel-util.js';
import { MICROS_PER_DAY, extractField, extractFromTimestamp, truncTimestamp, truncUnit } from '../datetime.js';

function micros(col: Column, i: number): number {
  const v = (col.values as ArrayLike<number>)[i]!;
  return col.type === 'date' ? v * MICROS_PER_DAY : v;
}

export const datetimeFunctions: readonly FunctionDef[] = [
  {
    name: 'date_trunc',
    minArgs: 2,
    maxArgs: 2,
    resolve(argTypes) {
      const t = argTypes[1];
      if (t !== 'timestamp' && t !== 'date' && t !== 'unknown') return null;
      return fixed(['text', t === 'date' ? 'date' : 'timestamp'], 'timestamp', (args, n) => {
        const units = str(args[0]!);
        const ts = args[1]!;
        return mapRows(args, n, 'timestamp', (i) => truncTimestamp(truncUnit(units[i]!), micros(ts, i)));
      });
    },
  },
  {
    name: 'extract',
    aliases: ['date_part'],
    minArgs: 2,
    maxArgs: 2,
    resolve(argTypes) {
      const t = argTypes[1];
      if (t !== 'timestamp' && t !== 'date' && t !== 'unknown') return null;
      return fixed(['text', t === 'date' ? 'date' : 'timestamp'], 'double', (args, n) => {
        const fields = str(args[0]!);
        const ts = args[1]!;
        return mapRows(args, n, 'double', (i) => extractFromTimestamp(extractField(fields[i]!), micros(ts, i)));
      });
    },
  },
];
