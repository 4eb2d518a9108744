// GraphQL types of the expected errors (FieldError, ValidationError, EmailTakenError, …).
import { typeBrandKey } from '@pothos/core';
import { wrapOrThrow } from '@pothos/plugin-errors';
import { builder, ErrorInterface } from '../builder.ts';
import {
  AppError,
  EmailTakenError,
  InvalidCredentialsError,
  InvalidTokenError,
  LimitExceededError,
  NameTakenError,
  NotFoundError,
  StaleTaskError,
  RateLimitedError,
  ValidationError,
  type FieldIssue,
} from '../errors.ts';
import { TaskRef } from './task/node.ts';

const FieldError = builder.objectRef<FieldIssue>('FieldError').implement({
  description: 'One invalid input field.',
  fields: (t) => ({
    path: t.exposeStringList('path', {
      description: 'Path of the field from the argument, e.g. ["input", "title"].',
    }),
    message: t.exposeString('message', { description: 'What is wrong with it and what is allowed.' }),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'The input broke one or more rules; nothing was changed.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    fieldErrors: t.field({
      type: [FieldError],
      description: 'Every invalid field, with its path and a message.',
      resolve: (error) => error.fieldErrors,
    }),
  }),
});

builder.objectType(EmailTakenError, {
  name: 'EmailTakenError',
  description: 'signup: an account with this email already exists.',
  interfaces: [ErrorInterface],
});

builder.objectType(InvalidCredentialsError, {
  name: 'InvalidCredentialsError',
  description: 'login/changePassword: the email or password is wrong. The same message for an unknown email, by design.',
  interfaces: [ErrorInterface],
});

builder.objectType(InvalidTokenError, {
  name: 'InvalidTokenError',
  description: 'refreshToken: the refresh token is unknown, expired, revoked or was already used (re-use ends its session).',
  interfaces: [ErrorInterface],
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'No such object among yours: it does not exist, was deleted, or belongs to someone else.',
  interfaces: [ErrorInterface],
});

builder.objectType(RateLimitedError, {
  name: 'RateLimitedError',
  description: 'Too many failed attempts for this account or from this address; wait and retry.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    retryAfterSeconds: t.exposeInt('retryAfterSeconds', {
      description: 'Seconds until the next attempt is allowed.',
    }),
  }),
});

builder.objectType(NameTakenError, {
  name: 'NameTakenError',
  description: 'Another of your lists (or labels) already has this name, ignoring case.',
  interfaces: [ErrorInterface],
});

builder.objectType(LimitExceededError, {
  name: 'LimitExceededError',
  description: 'You have as many lists (or labels) as allowed; delete one first.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    limit: t.exposeInt('limit', { description: 'The most you can have.' }),
  }),
});

builder.objectType(StaleTaskError, {
  name: 'StaleTaskError',
  description: 'expectedVersion is not the task\'s current version: someone changed it since you read it. Nothing was changed.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    task: t.field({ type: TaskRef, description: 'The task as it is now: merge your change into it and retry with its version.', resolve: (error) => error.task }),
  }),
});

/**
 * A result union written out, for results that are also items of a bulk result's list (the errors
 * plugin's unions cannot be referenced there): the payload, or an expected error returned as data.
 */
export function resultUnion(name: string, description: string, payload: { name: string }, errors: (abstract new (...args: never[]) => AppError)[]) {
  return builder.unionType(name, {
    description,
    types: [payload, ...errors] as never,
    // An error arrives wrapped by asData, branded with its class; a payload carries no brand.
    resolveType: (value: unknown) => {
      const brand = (value as Record<symbol, unknown>)[typeBrandKey];
      return typeof brand === 'function' ? brand.name : payload.name;
    },
  });
}

/**
 * An expected error as union data: wrapped the way @pothos/plugin-errors wraps its own, so graphql-js does
 * not take the Error for a field error (in a list, too) and the error's object type still recognises it.
 */
export function asData<T>(value: T | AppError): T | AppError {
  return value instanceof AppError ? (wrapOrThrow(value, [value.constructor as typeof AppError]) as AppError) : value;
}

/** Expected errors of a resolver become its result (a union member); anything else stays thrown. */
export async function asResult<T>(work: Promise<T>): Promise<T | AppError> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof AppError) return asData(error);
    throw error;
  }
}
