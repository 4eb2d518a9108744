// The errors the HTTP plugins answer with, in the GraphQL-over-HTTP shape ({ errors: [{ message, extensions: { code } }] }).
import { GraphQLError } from 'graphql';

/** A response a plugin ends the request with, before yoga parses or runs anything. */
export function errorResponse(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/** An error yoga answers with this HTTP status, thrown where yoga reads the request (a parser, onParams). */
export function httpError(status: number, code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}
