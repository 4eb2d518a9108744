// `npm run schema:print` writes schema.graphql from the code; `npm run schema:check` fails, with a diff,
// when the committed file and the code disagree.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from '../src/schema/index.ts';

const file = fileURLToPath(new URL('../schema.graphql', import.meta.url));
const printed = `${printSchema(lexicographicSortSchema(schema))}\n`;

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    // missing file: reported as a difference below
  }
  if (committed !== printed) {
    const fresh = path.join(mkdtempSync(path.join(tmpdir(), 'schema-')), 'schema.graphql');
    writeFileSync(fresh, printed);
    spawnSync('diff', ['-u', '--label', 'schema.graphql (committed)', '--label', 'schema.graphql (from code)', file, fresh], {
      stdio: 'inherit',
    });
    console.error('\nschema.graphql is out of date: run `npm run schema:print` and commit the result.');
    process.exit(1);
  }
  console.log('schema.graphql matches the code.');
} else {
  writeFileSync(file, printed);
  console.log(`Wrote ${path.relative(process.cwd(), file)}`);
}
