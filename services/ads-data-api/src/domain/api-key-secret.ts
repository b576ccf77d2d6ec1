import { createHash, randomBytes } from 'node:crypto';

/** Every API key secret starts with this, so that leaked keys are easy to recognise and scan for. */
export const apiKeySecretMarker = 'ads_';

/** Characters of the secret kept in clear as `ApiKey.prefix` (the marker plus 8). */
export const apiKeyPrefixLength = apiKeySecretMarker.length + 8;

/** A freshly generated API key: the secret to hand out once, and what may be stored. */
export interface IssuedApiKey {
  /** `ads_` followed by 43 base64url characters (256 random bits). Never stored. */
  secret: string;
  prefix: string;
  /** Lower-case hex SHA-256 of the secret: what `ApiKey.hash` holds. */
  hash: string;
}

/** SHA-256 of an API key secret, as stored in `ApiKey.hash`. */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The clear part of a secret, as stored in `ApiKey.prefix`. */
export function apiKeyPrefixOf(secret: string): string {
  return secret.slice(0, apiKeyPrefixLength);
}

/** Generates a new secret with its prefix and hash. */
export function issueApiKeySecret(): IssuedApiKey {
  const secret = `${apiKeySecretMarker}${randomBytes(32).toString('base64url')}`;
  return { secret, prefix: apiKeyPrefixOf(secret), hash: hashApiKeySecret(secret) };
}
