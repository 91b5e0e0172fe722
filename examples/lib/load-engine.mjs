// Loads Freshet's Engine from the built package (dist/), with a clear
// message when `npm run build` has not been run yet.

export async function loadEngine() {
  try {
    const { Engine } = await import('../../dist/src/index.js');
    return Engine;
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND') {
      console.error('The compiled engine is missing: run `npm run build` first.');
      process.exit(1);
    }
    throw error;
  }
}
