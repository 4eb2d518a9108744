// A deadline on every query of a pg connection: a database that stops answering (frozen, or the network
// silently dropping packets) fails the query after `limitMs` instead of holding the request forever.
//
// pg's own `query_timeout` does this with a new timer per query whose callback holds the query. With it,
// the rows of queries already answered survived young-generation collections and were promoted (measured,
// and reproduced with plain timers and no pg; the path inside Node and V8 that keeps them is not traced):
// about 8 % of a page request's CPU went to that garbage (bench/README.md, Hot path item 15). Here each
// connection has one timer, re-armed with refresh() (no allocation), and the query in flight is only a
// start time.
import type pg from 'pg';

export function clientWithDeadline(Client: typeof pg.Client, limitMs: number): typeof pg.Client {
  return class DeadlineClient extends Client {
    /** When the query in flight (or the first of the queue) was sent; 0 when the connection is idle. */
    private busySince = 0;
    private timer: NodeJS.Timeout | undefined;

    constructor(config?: string | pg.ClientConfig) {
      super(config);
      // pg emits drain when the last queued query has completed (or failed).
      this.on('drain', () => (this.busySince = 0));
      this.on('end', () => clearTimeout(this.timer));
    }

    // Every query goes through here: pool.query, transactions, and Prisma's adapter.
    // @ts-expect-error pg's overloads: the arguments are passed on unchanged.
    override query(...args: Parameters<pg.Client['query']>) {
      if (this.busySince === 0) this.busySince = performance.now();
      if (this.timer) this.timer.refresh();
      else this.timer = setTimeout(() => this.check(), limitMs).unref();
      return super.query(...args);
    }

    private check() {
      if (this.busySince === 0) return;
      const left = this.busySince + limitMs - performance.now();
      if (left > 0) {
        // Fired a little early (the event loop's clock lags performance.now()): look again then, with a
        // one-off timer, so that the connection's own timer keeps its full length for refresh().
        setTimeout(() => this.check(), Math.ceil(left)).unref();
        return;
      }
      // pg fails the query in flight and every queued one with this error, and the pool drops the connection.
      (this as unknown as { connection: { stream: { destroy(error: Error): void } } }).connection.stream.destroy(
        new Error(`Query read timeout: the database did not answer within ${limitMs} ms`),
      );
    }
  } as unknown as typeof pg.Client;
}
