import { z } from 'zod';
import { PASSWORD_COST_LOG2_DEFAULT } from '../infra/crypto/passwords';
import { web3Chains } from './web3-chains';

const DEV_JWT_SECRET = 'ocp-development-jwt-secret-do-not-use-in-production';
/** Placeholders shipped in templates (k8s/secret.template.yaml): a copied template must not reach production. */
const PLACEHOLDER_SECRET = /change[-_ ]?me|placeholder|replace[-_ ]?me|^(secret|password|example)/i;
/**
 * Empirical (Shannon) entropy a production JWT secret needs, in total and per character. 32 random hex
 * characters give ~113 bits (never under ~90, 2.8 per character, in 200k draws); "aaaa…bbbb…cc" gives 1.5 per character.
 */
const JWT_SECRET_ENTROPY_BITS_MIN = 80;
const JWT_SECRET_ENTROPY_BITS_PER_CHAR_MIN = 2.5;
const JWT_SECRET_BYTES_MIN = 32;
// 32 zero-ish bytes under the key id "dev": fine for a laptop, refused in production.
const DEV_ENCRYPTION_KEYS = 'dev:' + Buffer.alloc(32, 7).toString('base64');

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

const positiveInt = z.coerce.number().int().positive();

/** A money limit in minor units, as digits, up to the largest balance (2^63 - 1): read as a bigint. */
const minorUnitsLimit = z
  .string()
  .regex(/^\d{1,19}$/, 'must be whole minor units, digits only')
  .transform(BigInt)
  .refine((v) => v <= 2n ** 63n - 1n, 'must be at most 9223372036854775807');

/**
 * `ENCRYPTION_KEYS` is a comma-separated list of `keyId:base64key` entries, each key 32 bytes.
 * The first entry encrypts new data; every entry can still decrypt what it once wrote.
 */
const encryptionKeys = z.string().transform((value, ctx) => {
  const keys: { id: string; key: Buffer }[] = [];
  for (const entry of value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [id, encoded, ...rest] = entry.split(':');
    const key = Buffer.from(encoded ?? '', 'base64');
    if (!id || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || rest.length > 0 || key.length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'each entry must be keyId:base64 of 32 bytes' });
      return z.NEVER;
    }
    if (keys.some((k) => k.id === id)) {
      ctx.addIssue({ code: 'custom', message: `key id "${id}" appears twice` });
      return z.NEVER;
    }
    keys.push({ id, key });
  }
  if (keys.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'at least one key is required' });
    return z.NEVER;
  }
  return keys;
});

/** A 32-byte secret given as base64. */
const base64Key32 = z.string().transform((value, ctx) => {
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) {
    ctx.addIssue({ code: 'custom', message: 'must be base64 of 32 bytes' });
    return z.NEVER;
  }
  return key;
});

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  // Unset: all interfaces in production, loopback elsewhere (resolved in configSchema below), so a laptop
  // running on the development JWT secret is not reachable from the network by default.
  HOST: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // Where clients reach this deployment: the merchants' UCP endpoints (and later the discovery
  // profile) are absolute URLs under it. Unset: http://localhost:PORT (resolved in configSchema
  // below); production requires an https URL (plain http only for a loopback host).
  PUBLIC_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL, e.g. https://pay.example.com' })
    .max(500)
    .refine((u) => !/[?#]/.test(u), 'must not carry a query or a fragment')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  /** A streaming replica for the reads that may lag (history, statements, lists): docs/architecture.md. */
  DATABASE_READ_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATABASE_POOL_MAX: positiveInt.max(200).default(20),
  /** false behind a pooler in transaction mode that cannot keep named statements (pgbouncer < 1.21). */
  DATABASE_PREPARED_STATEMENTS: booleanFlag.default(true),
  /**
   * true keeps each pooled connection's tenant scope for its session (a statement in the same
   * tenant as the connection's last one goes without BEGIN, SET and COMMIT). Direct connections
   * only: never behind a pooler in transaction mode, which shares server sessions between clients.
   */
  DATABASE_SESSION_SCOPE: booleanFlag.default(false),
  DATABASE_STARTUP_WAIT_MS: z.coerce.number().int().min(0).max(600_000).default(60_000),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  REDIS_COMMAND_TIMEOUT_MS: positiveInt.min(50).max(5_000).default(500),
  REDIS_PROBE_INTERVAL_MS: positiveInt.min(100).max(60_000).default(1_000),
  JWT_SECRET: z.string().min(16).default(DEV_JWT_SECRET),
  JWT_ACCESS_TTL_SECONDS: positiveInt.max(86_400).default(900),
  JWT_REFRESH_TTL_SECONDS: positiveInt.max(90 * 86_400).default(30 * 86_400),
  ENCRYPTION_KEYS: encryptionKeys.prefault(DEV_ENCRYPTION_KEYS),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(12).optional(),
  // log2 of scrypt's N for new password hashes (each hash keeps its own cost). Tests lower it: at 15 a
  // hash is ~150 ms of CPU, and the suite registers and logs in hundreds of users. Production refuses < 15.
  PASSWORD_SCRYPT_COST_LOG2: z.coerce.number().int().min(10).max(20).default(PASSWORD_COST_LOG2_DEFAULT),
  CORS_ORIGINS: csv.default([]),
  BODY_LIMIT_BYTES: positiveInt.max(10 * 1024 * 1024).default(100 * 1024),
  RATE_LIMIT_WINDOW_MS: positiveInt.default(15 * 60 * 1000),
  RATE_LIMIT_GLOBAL_MAX: positiveInt.default(100),
  RATE_LIMIT_USER_MAX: positiveInt.default(50),
  RATE_LIMIT_PAYMENT_MAX: positiveInt.default(10),
  SHUTDOWN_TIMEOUT_MS: positiveInt.max(120_000).default(10_000),
  IDEMPOTENCY_LEASE_MS: positiveInt.min(1_000).max(60_000).default(10_000),
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  // Unset: false in production, true elsewhere (resolved in configSchema below). Gates /docs and /openapi.json.
  API_DOCS_ENABLED: booleanFlag.optional(),
  // Unset: false in production, true elsewhere. GraphQL introspection (__schema, __type) at /api/v1/graphql.
  GRAPHQL_INTROSPECTION: booleanFlag.optional(),
  // A GraphQL document deeper or costlier than this is refused with a 400 before it runs (docs/graphql.md).
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(50).default(10),
  GRAPHQL_MAX_COMPLEXITY: z.coerce.number().int().min(10).max(100_000).default(2_000),
  // How often a GraphQL subscription's bearer token is checked again; revoked or expired closes it.
  GRAPHQL_AUTH_RECHECK_MS: z.coerce.number().int().min(50).max(300_000).default(15_000),
  // Each open GraphQL subscription holds a socket, a timer and event listeners: bounded per instance,
  // per caller (one token's subject) and per socket.
  GRAPHQL_WS_MAX_CONNECTIONS: positiveInt.max(1_000_000).default(10_000),
  GRAPHQL_WS_MAX_CONNECTIONS_PER_CALLER: positiveInt.max(10_000).default(10),
  GRAPHQL_WS_MAX_SUBSCRIPTIONS: positiveInt.max(10_000).default(25),
  // Serves the admin dashboard's static build (packages/dashboard/dist) at /admin; 503 while it is not built.
  ADMIN_DASHBOARD_ENABLED: booleanFlag.default(true),
  // Set: GET /metrics needs `Authorization: Bearer <token>`. Unset: /metrics is open outside production, 404 in it.
  // The process-wide metrics (CPU, memory, event-loop lag, GC). Each app that has them samples the
  // event loop on a timer for as long as the process lives, so a process that builds several apps
  // (an embedder, the test suite) turns them on for one.
  METRICS_PROCESS_ENABLED: booleanFlag.default(true),
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters (openssl rand -hex 32)').optional(),
  WEBHOOK_WORKER_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(1_000),
  WEBHOOK_TIMEOUT_MS: positiveInt.max(60_000).default(10_000),
  WEBHOOK_MAX_ATTEMPTS: positiveInt.max(30).default(8),
  WEBHOOK_BATCH_SIZE: positiveInt.max(500).default(50),
  WEBHOOK_BACKOFF_BASE_MS: positiveInt.max(3_600_000).default(30_000),
  WEBHOOK_BACKOFF_MAX_MS: positiveInt.max(86_400_000).default(3_600_000),
  WEBHOOK_ENDPOINT_CONCURRENCY: positiveInt.max(50).default(4),
  WEBHOOK_IN_FLIGHT_MAX: positiveInt.max(5_000).default(200),
  WEBHOOK_BREAKER_FAILURES: positiveInt.max(100).default(5),
  WEBHOOK_BREAKER_OPEN_MS: positiveInt.max(3_600_000).default(30_000),
  WEBHOOK_BREAKER_OPEN_MAX_MS: positiveInt.max(86_400_000).default(1_800_000),
  // Unset: false in production, true elsewhere (resolved in configSchema below).
  WEBHOOK_ALLOW_PRIVATE_TARGETS: booleanFlag.optional(),
  WEBHOOK_RETENTION_DAYS: positiveInt.max(3650).default(30),
  TOKEN_PROVIDER: z.enum(['local', 'basis_theory', 'stripe']).default('local'),
  TOKEN_FINGERPRINT_KEY: base64Key32.optional(),
  PAYMENT_PROCESSOR: z.enum(['sandbox', 'stripe']).default('sandbox'),
  BASIS_THEORY_API_URL: z.url().default('https://api.basistheory.com'),
  BASIS_THEORY_API_KEY: z.string().min(1).optional(),
  STRIPE_API_URL: z.url().default('https://api.stripe.com'),
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  PROVIDER_TIMEOUT_MS: positiveInt.max(60_000).default(10_000),
  PROVIDER_RETRIES_MAX: z.coerce.number().int().min(0).max(5).default(2),
  PROVIDER_BACKOFF_BASE_MS: positiveInt.max(10_000).default(200),
  PROVIDER_RESPONSE_BYTES_MAX: positiveInt.max(16_777_216).default(1_048_576),
  AUTO_TOP_UP_FAILURES_MAX: positiveInt.max(20).default(3),
  CARD_REFUND_WORKER_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  CARD_CHARGE_SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  CARD_CHARGE_STALE_AFTER_MS: positiveInt.max(3_600_000).default(300_000),
  // Payouts (docs/wallets-and-ledger.md#payouts): what one user may pay out per currency and UTC day,
  // in minor units (10,000.00 in a two-decimal currency), with per-currency overrides ("JPY:1000000,KWD:10000").
  PAYOUT_DAILY_LIMIT_MINOR: minorUnitsLimit.default(1_000_000n),
  PAYOUT_DAILY_LIMITS: z
    .string()
    .regex(/^([A-Z]{3}:\d{1,19})(,[A-Z]{3}:\d{1,19})*$/, 'must be CUR:minorUnits pairs separated by commas, e.g. JPY:1000000')
    .transform((v) => new Map(v.split(',').map((pair) => [pair.slice(0, 3), BigInt(pair.slice(4))] as const)))
    .refine((limits) => [...limits.values()].every((v) => v <= 2n ** 63n - 1n), 'each limit must be at most 9223372036854775807')
    .optional(),
  PAYOUT_WORKER_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  // How often pending holds past their expiresAt are released (docs/wallets-and-ledger.md#holds); 0 turns it off.
  HOLD_EXPIRY_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  // Risk scoring of money movements (docs/risk.md): the model files' directory (the newest
  // risk-<version>.json is active) and the fraud probabilities at which a movement is flagged for
  // review or refused (risk_refused). A threshold above 1 turns that step off.
  RISK_MODEL_DIR: z.string().min(1).max(1024).default('models'),
  RISK_REVIEW_THRESHOLD: z.coerce.number().min(0).max(1.01).default(0.8),
  RISK_BLOCK_THRESHOLD: z.coerce.number().min(0).max(1.01).default(0.97),
  // Insights (docs/risk.md#insights): a projected balance below the auto top-up threshold within
  // this many days starts the top-up early.
  INSIGHTS_TOP_UP_LOOKAHEAD_DAYS: z.coerce.number().int().min(0).max(30).default(7),
  WEB3_CHAINS: web3Chains.prefault('{}'),
  WEB3_RPC_TIMEOUT_MS: positiveInt.max(120_000).default(10_000),
  WEB3_RPC_RESPONSE_BYTES_MAX: positiveInt.max(16_777_216).default(1_048_576),
  WEB3_WATCHER_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  AGENT_APPROVAL_TTL_SECONDS: positiveInt.max(30 * 86_400).default(86_400),
  // OCP's wallet as a UCP payment handler (docs/ucp-payment-handler.md): its reverse-DNS name, named
  // after the deployment's domain, and how long a payment credential an agent asks for stays redeemable.
  UCP_PAYMENT_HANDLER_NAME: z
    .string()
    .max(128)
    .regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9_-]*)+$/, 'must be a reverse-DNS name in lowercase, e.g. com.example.wallet')
    .default('dev.ocp.wallet'),
  UCP_CREDENTIAL_TTL_SECONDS: positiveInt.max(3_600).default(600),
  // How long a merchant's UCP checkout session stays open after its creation; past it, it answers as canceled.
  UCP_CHECKOUT_TTL_SECONDS: positiveInt.max(7 * 86_400).default(3_600),
  // Mobile wallets (docs/mobile-payments.md). All optional: an unconfigured method answers 503 naming the setting.
  PAYMENT_SESSION_TTL_MS: positiveInt.max(3_600_000).default(15 * 60 * 1000),
  PAYMENT_MERCHANT_NAME: z.string().min(1).max(64).default('Open Commerce Protocol'),
  PAYMENT_MERCHANT_COUNTRY: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code')
    .default('US'),
  APPLE_PAY_MERCHANT_ID: z.string().min(1).optional(),
  APPLE_PAY_DOMAIN: z.string().min(1).optional(),
  APPLE_PAY_SUPPORTED_NETWORKS: csv.default(['visa', 'masterCard', 'amex', 'discover']),
  APPLE_PAY_MERCHANT_CERT_FILE: z.string().min(1).optional(),
  APPLE_PAY_MERCHANT_KEY_FILE: z.string().min(1).optional(),
  APPLE_PAY_ROOT_CA_FILE: z.string().min(1).optional(),
  APPLE_PAY_PROCESSING_KEY_FILES: csv.optional(),
  APPLE_PAY_SIGNING_TIME_TOLERANCE_MS: positiveInt.max(3_600_000).default(5 * 60 * 1000),
  APPLE_PAY_VALIDATION_TIMEOUT_MS: positiveInt.max(60_000).default(10_000),
  GOOGLE_PAY_MERCHANT_ID: z.string().min(1).optional(),
  GOOGLE_PAY_ENVIRONMENT: z.enum(['TEST', 'PRODUCTION']).default('TEST'),
  GOOGLE_PAY_ALLOWED_CARD_NETWORKS: csv.default(['VISA', 'MASTERCARD', 'AMEX', 'DISCOVER']),
  GOOGLE_PAY_ROOT_KEYS_FILE: z.string().min(1).optional(),
  GOOGLE_PAY_PRIVATE_KEY_FILES: csv.optional(),
  REFUND_FOUR_EYES_THRESHOLD_MINOR: minorUnitsLimit.default(10_000n),
  REFUND_FOUR_EYES_DAILY_LIMIT_MINOR: minorUnitsLimit.default(10_000n),
  ADJUSTMENT_FOUR_EYES_THRESHOLD_MINOR: minorUnitsLimit.default(10_000n),
  ADJUSTMENT_FOUR_EYES_DAILY_LIMIT_MINOR: minorUnitsLimit.default(10_000n),
  MONITOR_LARGE_AMOUNT_MINOR: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1_000_000),
  MONITOR_VELOCITY_MAX: positiveInt.max(100_000).default(20),
  MONITOR_VELOCITY_WINDOW_MS: positiveInt.max(86_400_000).default(60_000),
  MONITOR_DECLINES_MAX: positiveInt.max(1_000).default(3),
  MONITOR_DECLINES_WINDOW_MS: positiveInt.max(7 * 86_400_000).default(3_600_000),
  MONITOR_POLICY_REFUSALS_MAX: z.coerce.number().int().min(0).max(1_000).default(3),
  MONITOR_POLICY_REFUSALS_WINDOW_MS: positiveInt.max(7 * 86_400_000).default(3_600_000),
  MONITOR_SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
  BACKUP_DIR: z.string().min(1).default('./backups'),
  // Backups are kept BACKUP_RETENTION_DAYS by the UTC time in their name; the newest
  // BACKUP_RETENTION_COUNT are kept whatever their age (docs/runbooks/backups-and-restore-drills.md).
  BACKUP_RETENTION_DAYS: positiveInt.max(3650).default(30),
  BACKUP_RETENTION_COUNT: positiveInt.max(1000).default(7),
  // The built-in scheduler, off unless set: `daily@HH:MM` (UTC) in the API, PostgreSQL only.
  BACKUP_SCHEDULE: z
    .string()
    .regex(/^daily@([01]\d|2[0-3]):[0-5]\d$/, 'must be daily@HH:MM (UTC), e.g. daily@03:00')
    .optional(),
  // Point-in-time recovery (PostgreSQL): where `npm run basebackup` writes, where the server's
  // archive_command puts WAL, and the server binaries (pg_basebackup, pg_ctl...) when not on PATH.
  BASE_BACKUP_DIR: z.string().min(1).default('./base-backups'),
  WAL_ARCHIVE_DIR: z.string().min(1).optional(),
  POSTGRES_BIN_DIR: z.string().min(1).optional(),
  DRILL_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
});

/** Defaults that depend on another setting. */
const configSchema = envSchema.transform((env) => ({
  ...env,
  HOST: env.HOST ?? (env.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
  // Secure by default: in production webhooks reach only public addresses (SSRF), while local
  // development and tests post to receivers on 127.0.0.1.
  WEBHOOK_ALLOW_PRIVATE_TARGETS: env.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? env.NODE_ENV !== 'production',
  // The API description is a map for attackers too: opt in to it in production.
  API_DOCS_ENABLED: env.API_DOCS_ENABLED ?? env.NODE_ENV !== 'production',
  GRAPHQL_INTROSPECTION: env.GRAPHQL_INTROSPECTION ?? env.NODE_ENV !== 'production',
  PUBLIC_BASE_URL: env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`,
}));

export type Config = Readonly<z.infer<typeof configSchema>>;

/** Every setting's name: README, .env.example and the deployment manifests are checked against it. */
export const CONFIG_KEYS = Object.keys(envSchema.shape) as (keyof Config)[];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment once. Throws a ConfigError naming every bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "not set", as they do in most .env files.
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(defined);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  // An unset NODE_ENV on a network interface is most likely a forgotten production setting: check it as one.
  const exposedWithoutEnv = defined.NODE_ENV === undefined && !isLoopbackHost(config.HOST);
  if (config.NODE_ENV === 'production' || exposedWithoutEnv) assertProductionReady(config, defined);
  assertProvidersConfigured(config);
  if (config.BACKUP_SCHEDULE && !config.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration:\n  BACKUP_SCHEDULE: the built-in scheduler needs PostgreSQL (DATABASE_URL); back up PGlite with cron and the server stopped',
    );
  }
  if (Boolean(config.TLS_CERT_FILE) !== Boolean(config.TLS_KEY_FILE)) {
    throw new ConfigError('Invalid configuration:\n  TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  }
  return Object.freeze(config);
}

function assertProductionReady(config: Config, given: NodeJS.ProcessEnv): void {
  const problems: string[] = [];
  const jwtProblem = jwtSecretProblem(config.JWT_SECRET);
  if (jwtProblem) {
    problems.push(`  JWT_SECRET: ${jwtProblem}; set a random secret (openssl rand -hex 32) in production`);
  }
  const devKey = Buffer.alloc(32, 7);
  if (config.ENCRYPTION_KEYS.some((k) => k.key.equals(devKey) || new Set(k.key).size < 8)) {
    problems.push('  ENCRYPTION_KEYS: the development key (or a low-entropy key) is refused in production');
  }
  if (config.PASSWORD_SCRYPT_COST_LOG2 < PASSWORD_COST_LOG2_DEFAULT) {
    problems.push(`  PASSWORD_SCRYPT_COST_LOG2: below ${PASSWORD_COST_LOG2_DEFAULT} is refused in production (it is for tests)`);
  }
  if (config.METRICS_TOKEN && PLACEHOLDER_SECRET.test(config.METRICS_TOKEN)) {
    problems.push('  METRICS_TOKEN: a template placeholder is refused; set a random token (openssl rand -hex 32) in production');
  }
  // Set explicitly, and https but on this machine (a local compose stack): the default is a guess.
  const publicUrl = new URL(config.PUBLIC_BASE_URL);
  if (given.PUBLIC_BASE_URL === undefined || (publicUrl.protocol !== 'https:' && !isLoopbackHost(publicUrl.hostname))) {
    problems.push('  PUBLIC_BASE_URL: set the https URL clients reach this deployment at (merchants publish UCP endpoints under it)');
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
}

/** Why a JWT secret is too weak for production, or undefined. Never echoes the secret. */
export function jwtSecretProblem(secret: string): string | undefined {
  if (secret === DEV_JWT_SECRET) return 'the development default is refused';
  if (PLACEHOLDER_SECRET.test(secret)) return 'a template placeholder is refused';
  if (Buffer.byteLength(secret, 'utf8') < JWT_SECRET_BYTES_MIN) return `shorter than ${JWT_SECRET_BYTES_MIN} bytes`;
  const bits = shannonBits(secret);
  const weak = bits < JWT_SECRET_ENTROPY_BITS_MIN || bits / [...secret].length < JWT_SECRET_ENTROPY_BITS_PER_CHAR_MIN;
  if (/^(.+?)\1+$/s.test(secret) || weak) return 'too little entropy (repeated or predictable characters)';
  return undefined;
}

/** Length × the empirical entropy per character: a cheap lower bar that catches "aaaa…" and "abab…". */
function shannonBits(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const length = [...text].length;
  let perChar = 0;
  for (const count of counts.values()) perChar -= (count / length) * Math.log2(count / length);
  return perChar * length;
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * What the server must say loudly at start: a development secret on a network interface means anyone who can
 * reach the port can mint tokens for any user (the secret is in the source).
 */
export function startupWarnings(config: Config): string[] {
  if (config.JWT_SECRET !== DEV_JWT_SECRET || isLoopbackHost(config.HOST)) return [];
  return [
    `JWT_SECRET is the built-in development secret and HOST=${config.HOST} is not loopback: ` +
      'ANYONE WHO CAN REACH THIS PORT CAN MINT TOKENS FOR ANY USER OR ADMIN. Set JWT_SECRET or HOST=127.0.0.1.',
  ];
}

/** A provider picked by config needs its credentials and sane timings: fail at start-up, not at the first payment. */
function assertProvidersConfigured(config: Config): void {
  const problems: string[] = [];
  if (config.TOKEN_PROVIDER === 'basis_theory' && !config.BASIS_THEORY_API_KEY) {
    problems.push('  BASIS_THEORY_API_KEY: required when TOKEN_PROVIDER=basis_theory');
  }
  if ((config.TOKEN_PROVIDER === 'stripe' || config.PAYMENT_PROCESSOR === 'stripe') && !config.STRIPE_SECRET_KEY) {
    problems.push('  STRIPE_SECRET_KEY: required when TOKEN_PROVIDER or PAYMENT_PROCESSOR is stripe');
  }
  // The sweeper must not take a charge whose request may still be waiting for the processor.
  const processorCallMaxMs = config.PROVIDER_TIMEOUT_MS * (config.PROVIDER_RETRIES_MAX + 1);
  if (config.CARD_CHARGE_STALE_AFTER_MS < 2 * processorCallMaxMs) {
    problems.push(
      `  CARD_CHARGE_STALE_AFTER_MS: must be at least twice PROVIDER_TIMEOUT_MS × (PROVIDER_RETRIES_MAX + 1) (${2 * processorCallMaxMs})`,
    );
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
}
