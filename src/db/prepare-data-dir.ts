// Creates and migrates a new PGlite data directory, then exits: run by database.ts in a process of its own,
// so the memory initdb and the first migrations take is returned to the OS rather than kept by the server.
// Usage: node prepare-data-dir.js <DATA_DIR>
import { openDatabase } from './database.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: prepare-data-dir <DATA_DIR>');
const db = await openDatabase({ dataDir, prepareHere: true });
try {
  const applied = await db.migrate();
  if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
} finally {
  await db.close();
}
