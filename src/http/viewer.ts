// Who is calling over HTTP (and SSE), checked once per request before yoga reads the body: a token that is
// malformed, expired or revoked rejects the whole request with 401, whatever the body holds.
import type { Plugin } from 'graphql-yoga';
import { resolveViewer, type AppServices, type Viewer } from '../context.ts';

export interface Viewers {
  /** Rejects a bad token before yoga parses anything (plugins that act earlier, in onRequest, call `of`). */
  plugin: Plugin;
  /** The request's viewer (null when anonymous); rejects with the 401 error for a bad token. */
  of(request: Request): Promise<Viewer | null>;
}

export function createViewers(services: AppServices): Viewers {
  // One check per request, shared by the plugins that need the caller early and by the context.
  const checked = new WeakMap<Request, Promise<Viewer | null>>();
  const of = (request: Request) => {
    let viewer = checked.get(request);
    if (!viewer) {
      viewer = resolveViewer(services, request.headers.get('authorization'));
      viewer.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection
      checked.set(request, viewer);
    }
    return viewer;
  };
  return {
    of,
    // Thrown here, the 401 goes out through yoga's error handling (status, WWW-Authenticate, media type)
    // before the body is parsed or the document validated.
    plugin: {
      async onRequestParse({ request }) {
        await of(request);
      },
    },
  };
}
