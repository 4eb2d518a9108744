// GraphQL types of the expected errors (FieldError, ValidationError, EmailTakenError, …).
import { builder, ErrorInterface } from '../builder.ts';
import {
  EmailTakenError,
  InvalidCredentialsError,
  InvalidTokenError,
  NotFoundError,
  RateLimitedError,
  ValidationError,
  type FieldIssue,
} from '../errors.ts';

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
