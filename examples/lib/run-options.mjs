// Command-line options shared by the example runners:
//   --seed N         the generator's seed (default 42)
//   --server URL     replay into a running `freshet serve` over HTTP instead
//                    of an in-process engine (timestamps shifted to end now)

import { parseArgs } from 'node:util';

export function runOptions(argv = process.argv.slice(2)) {
  const { values } = parseArgs({
    args: argv,
    options: { seed: { type: 'string', default: '42' }, server: { type: 'string' } },
  });
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  return { seed, server: values.server };
}
