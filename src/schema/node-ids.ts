// Node ids resolved in place. Pothos' relay plugin resolves every `id` of a Node type through an async
// function (it allows ids that are promises), so every task, list and label in a response was a promise
// that graphql-js waited on, object by object: about a quarter of the garbage of a page of tasks
// (bench/README.md, "Hot path"). Our ids are columns already read, so they are encoded synchronously.
import { type GraphQLSchema, isObjectType } from 'graphql';
import { encodeGlobalId, NODE_TYPES } from '../global-id.ts';

export function resolveNodeIdsInPlace(schema: GraphQLSchema): GraphQLSchema {
  for (const name of NODE_TYPES) {
    const type = schema.getType(name);
    const field = isObjectType(type) ? type.getFields().id : undefined;
    const original = field?.resolve;
    if (!field || !original) throw new Error(`Node type ${name} has no resolved id field`);
    // A parent without its id column (none is known) still goes the plugin's way.
    field.resolve = (parent: { id?: unknown }, args, context, info) =>
      typeof parent.id === 'string' ? encodeGlobalId(name, parent.id) : original(parent, args, context, info);
  }
  return schema;
}
