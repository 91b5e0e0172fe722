// A catalog of tables with columns (a integer, b text, x double), for binder tests.

import { Catalog } from '../../src/plan/catalog.js';

export function abxCatalog(...tables: readonly string[]): Catalog {
  const c = new Catalog();
  for (const name of tables) {
    c.add({
      kind: 'table',
      name,
      columns: [
        { name: 'a', type: 'integer', notNull: false },
        { name: 'b', type: 'text', notNull: false },
        { name: 'x', type: 'double', notNull: false },
      ],
      primaryKey: [],
    });
  }
  return c;
}
