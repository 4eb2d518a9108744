// The yoga reference: graphql-yoga serving the API's own schema (schema.graphql) with hand-written resolvers
// over the floor's pg work (bench/floor-work.ts) for the bench operations. Beside the floor and the API, it
// shows what yoga and graphql-js cost by themselves, and so what Pothos, Prisma and the API's plugins add.
//
// Started by bench/run.ts with the server's environment (PORT, DATABASE_URL, JWT_SECRET, …).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';
import { createTask, login, serve, tasksPage, viewer } from './floor-work.ts';

interface Context {
  request: Request;
}

const typeDefs = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
const claimsOf = (ctx: Context) => viewer(ctx.request.headers.get('authorization') ?? undefined);

const yoga = createYoga<object, Context>({
  schema: createSchema<Context>({
    typeDefs,
    resolvers: {
      Query: {
        tasks: async (_root: unknown, args: { after?: string; filter?: { search?: string } }, ctx: Context) =>
          (await tasksPage(await claimsOf(ctx), { after: args.after, search: args.filter?.search })).tasks,
      },
      Mutation: {
        createTask: async (_root: unknown, args: { input: { title: string } }, ctx: Context) =>
          (await createTask(await claimsOf(ctx), args)).createTask,
        login: async (_root: unknown, args: { input: { email: string; password: string } }) => (await login(args)).login,
      },
      CreateTaskResult: { __resolveType: (value: { __typename: string }) => value.__typename },
      LoginResult: { __resolveType: (value: { __typename: string }) => value.__typename },
    },
  }),
  graphqlEndpoint: '/graphql',
  healthCheckEndpoint: '/health',
  graphiql: false,
  landingPage: false,
  logging: false,
  // As the API does (src/security.ts judges a body by its Content-Length): yoga's default limit streams
  // every body through a counting TransformStream, a quarter of a W1 request's CPU, which would hide what
  // the API's own layers cost next to yoga.
  maxRequestBodySize: false,
});

const server = createServer(yoga);
serve(server, 'yoga reference');
