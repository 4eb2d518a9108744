// Access tokens (JWT, HS256 pinned) and refresh tokens (opaque random, stored only as a SHA-256 hash).
import { createHash, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Config } from '../config.ts';

export interface AccessClaims {
  userId: string;
  sessionId: string;
  tokenVersion: number;
  /** When the token expires (set on verified tokens). */
  expiresAt?: Date;
}

export interface IssuedAccessToken {
  token: string;
  expiresAt: Date;
}

export interface TokenService {
  signAccess(claims: AccessClaims): IssuedAccessToken;
  /** The claims of a valid token, or null for anything malformed, tampered, expired or foreign. */
  verifyAccess(token: string): AccessClaims | null;
}

export function createTokenService(config: Pick<Config, 'jwtSecret' | 'JWT_ISSUER' | 'JWT_AUDIENCE' | 'ACCESS_TOKEN_TTL_SECONDS'>): TokenService {
  // A KeyObject made once: jsonwebtoken otherwise tries createPublicKey on the string at every verify.
  const key: KeyObject = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
  const common = { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE };
  const verified = new Map<string, AccessClaims>();
  return {
    signAccess({ userId, sessionId, tokenVersion }) {
      const now = Math.floor(Date.now() / 1000);
      const exp = now + config.ACCESS_TOKEN_TTL_SECONDS;
      const token = jwt.sign({ sid: sessionId, ver: tokenVersion, iat: now, exp }, key, {
        ...common,
        algorithm: 'HS256',
        subject: userId,
      });
      return { token, expiresAt: new Date(exp * 1000) };
    },
    verifyAccess(token) {
      // A token verified once stays valid until it expires (its claims are in the signed text itself):
      // clients repeat theirs on every request, and the HMAC and JSON work is done once per token.
      const known = verified.get(token);
      if (known) {
        if (known.expiresAt!.getTime() > Date.now()) return known;
        verified.delete(token);
      }
      const claims = verify(token);
      if (claims) {
        if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
        verified.set(token, claims);
      }
      return claims;
    },
  };

  function verify(token: string): AccessClaims | null {
    try {
      const payload = jwt.verify(token, key, { ...common, algorithms: ['HS256'] });
      if (typeof payload !== 'object' || typeof payload.sub !== 'string') return null;
      // jsonwebtoken only checks exp when present: a token without exp (or iat) is not one we issued.
      if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number') return null;
      const { sid, ver } = payload as { sid?: unknown; ver?: unknown };
      if (typeof sid !== 'string' || typeof ver !== 'number' || !isUuid(payload.sub) || !isUuid(sid)) return null;
      return { userId: payload.sub, sessionId: sid, tokenVersion: ver, expiresAt: new Date(payload.exp * 1000) };
    } catch {
      return null;
    }
  }
}

/** Verified tokens kept (the oldest go first): about 3 MB at most. */
const VERIFIED_MAX = 10_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isUuid = (value: string) => UUID.test(value);

/** 256 random bits, URL-safe. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
