// The rule every service applies to its secrets when NODE_ENV=production: a tracking secret
// that anyone can read in this repository lets anyone sign beacons and charge spend, and an API
// key or dashboard password copied from an example opens the platform. One list and one rule,
// here, so that no service is laxer than another.

/**
 * Every secret value written in this repository (defaults, examples, placeholders, test
 * fixtures). Production refuses them whatever their length; add a value here whenever one is
 * written anywhere else in the repository (`production-secret.test.ts` looks for them).
 */
export const KNOWN_PLACEHOLDER_SECRETS: readonly string[] = [
  // ads-serving-rpc's default outside production (src/config.ts DEV_TRACKING_SECRET).
  'dev-only-tracking-secret-do-not-use-in-production',
  // The local stack's former fixed tracking secret (infra/local/start-stack.ts).
  'local-stack-tracking-secret-change-me-0123456789',
  // infra/.env.example and the Kubernetes Secret's former placeholders.
  'change-me-in-production-0123456789abcdef',
  'replace-with-a-long-random-string',
  'replace-with-a-service-key',
  // Test fixtures.
  'serving-path-tests-tracking-secret-0123456789',
  'the-rotated-tracking-secret-of-the-serving-tests-01',
  'a-test-secret-that-is-long-enough-000',
  'a-long-dashboard-password',
];

/**
 * Words of placeholders: a value containing one is somebody's example, not a generated secret
 * (none of them can occur in `openssl rand -base64` output, which has no "-").
 */
const PLACEHOLDER_MARKERS = [
  'replace-with',
  'replace_with',
  'change-me',
  'change_me',
  'changeme',
  'do-not-use',
  'placeholder',
  'your-secret',
  'dev-only',
];

/** 32 random bytes: what `openssl rand -base64 32` gives, and the least production accepts. */
export const MIN_SECRET_BITS = 256;
/** 32 bytes in base64 without padding. */
export const MIN_SECRET_LENGTH = 43;
/** Different characters a secret needs at least (random hex of 64 characters has about 16). */
const MIN_DISTINCT_CHARACTERS = 10;

/** How to make a secret that passes, quoted in every refusal. */
export const SECRET_RECIPE = 'openssl rand -base64 48';

/**
 * Estimated strength of a secret in bits, assuming each character was drawn at random from the
 * smallest usual alphabet that holds the whole value: digits only 10, hex digits 16, otherwise
 * the sum of the classes it uses (lower case 26, upper case 26, digits 10, anything else 33).
 * An upper bound for anything typed by a person; exact for generated secrets.
 */
export function secretStrengthBits(value: string): number {
  const characters = [...value];
  let alphabet: number;
  if (/^[0-9]+$/.test(value)) alphabet = 10;
  else if (/^[0-9a-f]+$/.test(value) || /^[0-9A-F]+$/.test(value)) alphabet = 16;
  else {
    alphabet =
      (/[a-z]/.test(value) ? 26 : 0) +
      (/[A-Z]/.test(value) ? 26 : 0) +
      (/[0-9]/.test(value) ? 10 : 0) +
      (/[^a-zA-Z0-9]/.test(value) ? 33 : 0);
  }
  return characters.length * Math.log2(Math.max(alphabet, 2));
}

/**
 * Checks one secret of a production configuration. Returns undefined when it may be used (or
 * is not set: whether a secret is required is the service's rule), else a message naming the
 * variable, what is wrong and how to make one. Refused: a value written in this repository
 * ({@link KNOWN_PLACEHOLDER_SECRETS}) or containing a placeholder word ("replace-with",
 * "change-me", …); fewer than {@link MIN_SECRET_LENGTH} characters; under
 * {@link MIN_SECRET_BITS} bits by {@link secretStrengthBits} (hex needs 64 characters); fewer
 * than 10 different characters.
 */
export function checkProductionSecret(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const make = `make one with: ${SECRET_RECIPE}`;
  const trimmed = value.trim().toLowerCase();
  if (
    KNOWN_PLACEHOLDER_SECRETS.some((known) => known.toLowerCase() === trimmed) ||
    PLACEHOLDER_MARKERS.some((marker) => trimmed.includes(marker))
  ) {
    return `${name}: is a default or placeholder value published in the ads platform's repository, so anyone can use it; ${make}`;
  }
  const length = [...value].length;
  if (length < MIN_SECRET_LENGTH) {
    return `${name}: is ${length} characters; production needs at least ${MIN_SECRET_LENGTH} random characters (32 random bytes); ${make}`;
  }
  const bits = secretStrengthBits(value);
  if (bits < MIN_SECRET_BITS || new Set(value).size < MIN_DISTINCT_CHARACTERS) {
    return `${name}: is too predictable (about ${Math.floor(bits)} bits from ${new Set(value).size} different characters; production needs ${MIN_SECRET_BITS} bits, e.g. 32 random bytes); ${make}`;
  }
  return undefined;
}

/**
 * The problems of a configuration's secrets when `nodeEnv` is "production" (none otherwise),
 * one message per refused variable: what a service's `loadConfig` throws with.
 */
export function productionSecretProblems(nodeEnv: string | undefined, secrets: Record<string, string | undefined>): string[] {
  if (nodeEnv !== 'production') return [];
  return Object.entries(secrets).flatMap(([name, value]) => {
    const problem = checkProductionSecret(name, value);
    return problem === undefined ? [] : [problem];
  });
}
