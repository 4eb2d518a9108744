// The served schema must contain the whole public contract (test/fixtures/contract.graphql, copied from
// API.md): every type, field, argument, default, union member and enum value, with the same nullability.
// Additions are fine; renames and removals fail here. Every element must also carry a description.
import { readFileSync } from 'node:fs';
import {
  astFromValue,
  buildSchema,
  print,
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLInputType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  lexicographicSortSchema,
  printSchema,
  type GraphQLNamedType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.ts';

const contract = buildSchema(readFileSync(new URL('./fixtures/contract.graphql', import.meta.url), 'utf8'));
const userTypes = (s: typeof schema) => Object.values(s.getTypeMap()).filter((type) => !type.name.startsWith('__'));

describe('schema contract', () => {
  for (const expected of userTypes(contract)) {
    it(`${expected.name} matches API.md`, () => {
      const actual = schema.getType(expected.name);
      expect(actual, `type ${expected.name} is missing`).toBeDefined();
      expect(actual!.constructor.name).toBe(expected.constructor.name);
      compare(expected, actual!);
    });
  }

  it('schema.graphql is the printed schema', () => {
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(`${printSchema(lexicographicSortSchema(schema))}\n`);
  });

  it('documents every type, field, argument, input field and enum value', () => {
    const missing: string[] = [];
    for (const type of userTypes(schema)) {
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) {
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

const printDefault = (input: { defaultValue?: unknown; type: GraphQLInputType }) => {
  const ast = input.defaultValue === undefined ? null : astFromValue(input.defaultValue, input.type);
  return ast ? print(ast) : undefined;
};

type AnyField = { type: unknown; args?: readonly GraphQLArgument[]; defaultValue?: unknown };

function compare(expected: GraphQLNamedType, actual: GraphQLNamedType) {
  if (isObjectType(expected) || isInterfaceType(expected) || isInputObjectType(expected)) {
    const actualFields = (actual as typeof expected).getFields() as Record<string, AnyField>;
    for (const [name, field] of Object.entries(expected.getFields() as Record<string, AnyField>)) {
      const got = actualFields[name];
      expect(got, `${expected.name}.${name} is missing`).toBeDefined();
      expect(String(got!.type), `${expected.name}.${name}`).toBe(String(field.type));
      if (isInputObjectType(expected)) {
        expect(printDefault(got as GraphQLInputField), `${expected.name}.${name} default`).toBe(printDefault(field as GraphQLInputField));
      }
      const expectedArgs = field.args ?? [];
      for (const arg of expectedArgs) {
        const gotArg = got!.args?.find((a) => a.name === arg.name);
        expect(gotArg, `${expected.name}.${name}(${arg.name}) is missing`).toBeDefined();
        expect(String(gotArg!.type), `${expected.name}.${name}(${arg.name})`).toBe(String(arg.type));
        expect(printDefault(gotArg!)).toBe(printDefault(arg));
      }
      // New arguments must be optional, or existing clients break.
      for (const arg of got!.args ?? []) {
        if (!expectedArgs.some((a) => a.name === arg.name)) expect(String(arg.type)).not.toMatch(/!$/);
      }
    }
    if (!isInputObjectType(expected)) {
      const interfaces = (actual as typeof expected).getInterfaces().map((i) => i.name);
      for (const i of expected.getInterfaces()) expect(interfaces).toContain(i.name);
    }
  }
  if (isUnionType(expected)) {
    const members = (actual as typeof expected).getTypes().map((t) => t.name).sort();
    expect(members).toEqual(expected.getTypes().map((t) => t.name).sort());
  }
  if (isEnumType(expected)) {
    const values = (actual as typeof expected).getValues().map((v) => v.name);
    for (const value of expected.getValues()) expect(values).toContain(value.name);
  }
}
