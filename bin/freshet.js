#!/usr/bin/env node
// The `freshet` executable: runs the compiled CLI (build first: npm run build).
let cli;
try {
  cli = await import('../dist/src/cli.js');
} catch (error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist')) {
    process.stderr.write('freshet: the compiled code is missing; run `npm run build` first\n');
    process.exit(1);
  }
  throw error;
}
process.exitCode = await cli.main(process.argv.slice(2));
