// Expected failures: one class per error, each exposed as a GraphQL type implementing `Error`.
// Resolvers throw these; @pothos/plugin-errors turns them into members of the field's result union.
// Anything else that is thrown is unexpected and masked by yoga (see src/yoga.ts).
import { GraphQLError } from 'graphql';
import type { Task } from './generated/prisma/client.ts';

export class AppError extends Error {}

export interface FieldIssue {
  path: string[];
  message: string;
}

export class ValidationError extends AppError {
  constructor(readonly fieldErrors: FieldIssue[]) {
    super(fieldErrors.length === 1 ? fieldErrors[0]!.message : 'The input is invalid; see fieldErrors.');
  }
}

export class EmailTakenError extends AppError {
  constructor() {
    super('An account with this email already exists.');
  }
}

export class InvalidCredentialsError extends AppError {
  constructor() {
    super('The email or password is incorrect.');
  }
}

export class InvalidTokenError extends AppError {
  constructor() {
    super('The refresh token is invalid, expired or already used.');
  }
}

export class NotFoundError extends AppError {
  constructor(what = 'Task') {
    super(`${what} not found.`);
  }
}

export class NameTakenError extends AppError {
  constructor(what: 'list' | 'label') {
    super(`You already have a ${what} with this name (names are compared ignoring case).`);
  }
}

export class LimitExceededError extends AppError {
  constructor(readonly limit: number, what: string) {
    super(`You can have at most ${limit} ${what}.`);
  }
}

/** expectedVersion did not match: nothing changed, and the task is returned as it is now. */
export class StaleTaskError extends AppError {
  constructor(readonly task: Task) {
    super(`The task changed since you read it: it is at version ${task.version}. Merge your change into the current task and retry.`);
  }
}

export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many attempts. Try again in ${retryAfterSeconds} seconds.`);
  }
}

/** A bad argument of a query field (range, cursor, id): a GraphQL error, not union data. */
export function badUserInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** A field that needs a signed-in user, called anonymously. */
export function unauthenticated(message = 'You must be signed in: send Authorization: Bearer <accessToken>.') {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } });
}

/** An Authorization header that does not verify: the whole request fails with HTTP 401. */
export function invalidAccessToken(message: string) {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } } },
  });
}
