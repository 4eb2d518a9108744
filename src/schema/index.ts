// The schema: each module registers its types on the builder when imported.
import { builder } from '../builder.ts';
import { resolveNodeIdsInPlace } from './node-ids.ts';
import './errors.ts';
import './user.ts';
import './task/node.ts';
import './task/connection.ts';
import './task/queries.ts';
import './task/mutations.ts';
import './task-list.ts';
import './label.ts';
import './sync.ts';
import './subscriptions.ts';

export const schema = resolveNodeIdsInPlace(builder.toSchema({ sortSchema: true }));
