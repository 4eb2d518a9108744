// Process entry: config, database (migrated), HTTP server, graceful shutdown. Nothing else.
import { createServer } from 'node:http';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { startReminders } from './jobs/reminders.ts';
import { startTrashPurge } from './jobs/trash-purge.ts';
import { attachWebSocket } from './live/websocket.ts';
import { countConnections, createMetricsServer, metricsExposed } from './observability/metrics.ts';
import { createApp } from './yoga.ts';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

let db: Database | undefined;
try {
  db = await openDatabase(
    config.DATABASE_URL
      ? { url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, preparedStatements: config.DATABASE_PREPARED_STATEMENTS }
      : { dataDir: config.DATA_DIR },
  );
  const applied = await db.migrate();
  if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
} catch (error) {
  console.error(`Could not start: ${error instanceof Error ? error.message : String(error)}`);
  await db?.close().catch(() => {});
  process.exit(1);
}

const database = db!;
// Loaded only when tracing is on: without an OTLP endpoint the OpenTelemetry SDK stays out of the process.
const tracing = config.OTEL_EXPORTER_OTLP_ENDPOINT ? (await import('./observability/tracing.ts')).createTracing(config) : null;
const app = createApp(config, database, undefined, { tracing });
const server = createServer(app.yoga);
server.keepAliveTimeout = 65_000; // longer than typical load balancer idle timeouts
if (metricsExposed(config)) countConnections(server, app.services.metrics);
const metricsServer = config.METRICS_PORT === undefined ? null : createMetricsServer(app.services.metrics);
const sockets = attachWebSocket(server, app);
const log = (message: string, error?: unknown) => (error ? console.error(message, error) : console.log(message));
const reminders = startReminders(app.services.sql, app.services.bus, {
  intervalSeconds: config.REMINDER_POLL_SECONDS,
  batchSize: config.REMINDER_BATCH_SIZE,
  log,
  fired: (count) => app.services.metrics.remindersFired.inc(count),
});
const purge = startTrashPurge(app.services.sql, app.services.bus, {
  retentionDays: config.TRASH_RETENTION_DAYS,
  intervalSeconds: config.PURGE_INTERVAL_SECONDS,
  log,
});

server.listen(config.PORT, config.HOST, () => {
  const where = config.DATABASE_URL ? 'PostgreSQL' : `embedded PGlite in ${config.DATA_DIR}`;
  console.log(`Task API on http://localhost:${config.PORT}/graphql (${config.NODE_ENV}, ${where})`);
});
if (metricsServer) {
  metricsServer.on('error', (error) => {
    console.error(`Could not serve metrics on port ${config.METRICS_PORT}: ${error.message}`);
    process.exit(1);
  });
  metricsServer.listen(config.METRICS_PORT, config.HOST, () => console.log(`Metrics on http://localhost:${config.METRICS_PORT}/metrics`));
}

// Stop accepting, let in-flight requests finish, close the database, exit 0.
let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down`);
  const force = setTimeout(() => {
    console.error('Shutdown timed out; exiting');
    process.exit(1);
  }, config.SHUTDOWN_TIMEOUT_SECONDS * 1000);
  force.unref();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // WebSockets close with 1001 (going away) and SSE streams complete: clients reconnect elsewhere and
  // resume with changes(after:). The other requests finish first.
  await sockets.close();
  app.services.sessionWatch.endAll();
  // Keep-alive connections become idle as their in-flight requests finish: close them as they do.
  const reaper = setInterval(() => server.closeIdleConnections(), 50);
  server.closeIdleConnections();
  await closed;
  clearInterval(reaper);
  await Promise.all([purge.stop(), reminders.stop()]);
  // Scrapes go on while requests drain; the last one sees the final counts.
  if (metricsServer) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
  await app.close();
  await database.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
