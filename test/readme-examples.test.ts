// Every GraphQL example in README.md and examples/README.md parses and is valid against the served schema, so
// the documented operations are ones a client can copy and run.
import { readFileSync } from 'node:fs';
import { parse, validate, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.ts';

const READMES = ['README.md', 'examples/README.md'];

describe.each(READMES)('%s examples', (file) => {
  const readme = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
  const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);

  it('has GraphQL examples', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks.map((block, index) => [index + 1, block] as const))('block %i is valid against the schema', (_index, block) => {
    const document = parse(block);
    // Each operation on its own: the blocks hold several anonymous ones side by side.
    const errors = document.definitions.flatMap((definition) =>
      validate(schema, { kind: document.kind, definitions: [definition] } as DocumentNode).map((error) => error.message),
    );
    expect(errors).toEqual([]);
  });
});
