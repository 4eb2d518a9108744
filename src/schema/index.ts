// The schema: each module registers its types on the builder when imported.
import { builder } from '../builder.ts';
import './errors.ts';
import './user.ts';
import './task.ts';

export const schema = builder.toSchema({ sortSchema: true });
