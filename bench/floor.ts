// The floor: what this machine can do for each workload without GraphQL. A plain node:http + pg server
// that does the API's work for the bench operations and nothing else: the same JWT verification (the
// application's token service: jsonwebtoken, HS256 KeyObject, iss/aud), the same session lookup, the same
// SQL text, parameters and named statements as the API (bench/sql.ts), the same argon2 verification and
// the same JSON out (the work itself is in bench/floor-work.ts, shared with the yoga reference).
// No schema, parsing, validation, Prisma, plugins or logging. The API's throughput divided by this one is
// the "ratio to the floor" of the benchmark.
//
// Started by bench/run.ts with the server's environment (PORT, DATABASE_URL, JWT_SECRET, …).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createTask, HttpError, login, serve, tasksPage, viewer } from './floor-work.ts';

async function handle(req: IncomingMessage, body: string): Promise<unknown> {
  const { operationName, variables = {} } = JSON.parse(body) as { operationName?: string; variables?: any };
  switch (operationName) {
    case 'FirstPage':
    case 'DeepPage':
    case 'Search':
      return tasksPage(await viewer(req.headers.authorization), variables);
    case 'CreateTask':
      return createTask(await viewer(req.headers.authorization), variables);
    case 'Login':
      return login(variables);
    default:
      throw new HttpError(400, `unknown operation ${String(operationName)}`);
  }
}

function send(res: ServerResponse, status: number, payload: unknown) {
  const json = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

const server = createServer((req, res) => {
  if (req.url === '/health') return send(res, 200, { ok: true });
  if (req.method !== 'POST' || req.url !== '/graphql') return send(res, 404, { errors: [{ message: 'not found' }] });
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    handle(req, Buffer.concat(chunks).toString('utf8')).then(
      (data) => send(res, 200, { data }),
      (error: unknown) => {
        const status = error instanceof HttpError ? error.status : 500;
        send(res, status, { errors: [{ message: error instanceof Error ? error.message : String(error) }] });
      },
    );
  });
});
serve(server, 'floor');
