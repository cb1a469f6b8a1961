import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig, startupWarnings } from '../../src/config/config';

const strongKey = (id = 'k1') => `${id}:${randomBytes(32).toString('base64')}`;
const DEV_KEY = 'dev:' + Buffer.alloc(32, 7).toString('base64');

function configErrorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('when nothing is set, then the development defaults load (PGlite in ./data, memory cache)', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ NODE_ENV: 'development', PORT: 3000, DATA_DIR: './data', RATE_LIMIT_GLOBAL_MAX: 100 });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when the UCP payment handler settings are unset, then dev.ocp.wallet and 600 s; a name that is not reverse-DNS or a TTL past an hour is refused by name', () => {
    expect(loadConfig({})).toMatchObject({ UCP_PAYMENT_HANDLER_NAME: 'dev.ocp.wallet', UCP_CREDENTIAL_TTL_SECONDS: 600 });
    expect(loadConfig({ UCP_PAYMENT_HANDLER_NAME: 'com.example.pay' }).UCP_PAYMENT_HANDLER_NAME).toBe('com.example.pay');
    for (const name of ['wallet', 'Com.Example.Pay', 'com..example', 'com.example.']) {
      expect(configErrorOf({ UCP_PAYMENT_HANDLER_NAME: name }).message).toMatch(/UCP_PAYMENT_HANDLER_NAME: /);
    }
    for (const ttl of ['0', '3601', 'ten'])
      expect(configErrorOf({ UCP_CREDENTIAL_TTL_SECONDS: ttl }).message).toMatch(/UCP_CREDENTIAL_TTL_SECONDS: /);
  });

  it('when PORT is not a number, then the error names PORT', () => {
    expect(configErrorOf({ PORT: 'abc' }).message).toMatch(/^\s+PORT: /m);
  });

  it('when DATABASE_URL is not a postgres URL, then the error names DATABASE_URL', () => {
    expect(configErrorOf({ DATABASE_URL: 'mysql://root@localhost/ocp' }).message).toMatch(/DATABASE_URL: must be a postgres/);
  });

  it('when REDIS_URL is not a redis URL, then the error names REDIS_URL', () => {
    expect(configErrorOf({ REDIS_URL: 'http://localhost:6379' }).message).toMatch(/REDIS_URL: /);
  });

  it.each([
    ['no key id', Buffer.alloc(32, 1).toString('base64')],
    ['a 16-byte key', `k1:${Buffer.alloc(16, 1).toString('base64')}`],
    ['the same id twice', `k1:${Buffer.alloc(32, 1).toString('base64')},k1:${Buffer.alloc(32, 2).toString('base64')}`],
  ])('when ENCRYPTION_KEYS has %s, then the error names ENCRYPTION_KEYS', (_case, value) => {
    expect(configErrorOf({ ENCRYPTION_KEYS: value }).message).toMatch(/ENCRYPTION_KEYS: /);
  });

  it('when several settings are bad, then every one is named', () => {
    const message = configErrorOf({ PORT: '70000', LOG_LEVEL: 'loud', RATE_LIMIT_USER_MAX: '0' }).message;
    expect(message).toMatch(/PORT: /);
    expect(message).toMatch(/LOG_LEVEL: /);
    expect(message).toMatch(/RATE_LIMIT_USER_MAX: /);
  });

  it('when only one of TLS_CERT_FILE and TLS_KEY_FILE is set, then both are named', () => {
    expect(configErrorOf({ TLS_CERT_FILE: '/etc/ocp/cert.pem' }).message).toMatch(/TLS_CERT_FILE and TLS_KEY_FILE/);
  });

  it('when CARD_CHARGE_STALE_AFTER_MS is shorter than a request can wait for the processor, then it is refused by name', () => {
    // 20 s × 3 attempts: a request may still be waiting after 60 s; sweeping at 90 s would race it.
    expect(configErrorOf({ PROVIDER_TIMEOUT_MS: '20000', PROVIDER_RETRIES_MAX: '2', CARD_CHARGE_STALE_AFTER_MS: '90000' }).message).toMatch(
      /CARD_CHARGE_STALE_AFTER_MS: must be at least .*\(120000\)/,
    );
    expect(
      loadConfig({ PROVIDER_TIMEOUT_MS: '20000', PROVIDER_RETRIES_MAX: '2', CARD_CHARGE_STALE_AFTER_MS: '120000' })
        .CARD_CHARGE_STALE_AFTER_MS,
    ).toBe(120_000);
    expect(loadConfig({})).toMatchObject({ CARD_CHARGE_SWEEP_INTERVAL_MS: 60_000, CARD_CHARGE_STALE_AFTER_MS: 300_000 });
  });

  it('when a setting is an empty string, then it counts as not set', () => {
    const config = loadConfig({ DATABASE_URL: '', PORT: '' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.PORT).toBe(3000);
  });

  it('when WEBHOOK_ALLOW_PRIVATE_TARGETS is unset outside production, then private targets are allowed (local receivers)', () => {
    expect(loadConfig({}).WEBHOOK_ALLOW_PRIVATE_TARGETS).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test', WEBHOOK_ALLOW_PRIVATE_TARGETS: '' }).WEBHOOK_ALLOW_PRIVATE_TARGETS).toBe(true);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' }).WEBHOOK_ALLOW_PRIVATE_TARGETS).toBe(false);
  });

  it('when WEBHOOK_ALLOW_PRIVATE_TARGETS is not a boolean, then the error names it', () => {
    expect(configErrorOf({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'yes' }).message).toMatch(/WEBHOOK_ALLOW_PRIVATE_TARGETS: /);
  });

  it('when ENCRYPTION_KEYS lists two keys, then both parse and the first comes first', () => {
    const config = loadConfig({ ENCRYPTION_KEYS: `${strongKey('new')},${strongKey('old')}` });
    expect(config.ENCRYPTION_KEYS.map((k) => k.id)).toEqual(['new', 'old']);
  });
});

describe('loadConfig with NODE_ENV=production', () => {
  const production = {
    NODE_ENV: 'production',
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEYS: strongKey(),
    PUBLIC_BASE_URL: 'https://pay.example.com',
  };

  it('when the secrets are strong, then it loads', () => {
    const config = loadConfig(production);
    expect(config.NODE_ENV).toBe('production');
    expect(config.ENCRYPTION_KEYS[0]?.id).toBe('k1');
  });

  it('when PUBLIC_BASE_URL is unset, or plain http off loopback, in production, then it is refused by name; https loads without a trailing slash', () => {
    const { PUBLIC_BASE_URL: _omitted, ...rest } = production;
    expect(configErrorOf(rest).message).toMatch(/PUBLIC_BASE_URL: /);
    expect(configErrorOf({ ...production, PUBLIC_BASE_URL: 'http://pay.example.com' }).message).toMatch(/PUBLIC_BASE_URL: /);
    // Plain http on this machine only: a compose stack on localhost.
    expect(loadConfig({ ...production, PUBLIC_BASE_URL: 'http://localhost:3000' }).PUBLIC_BASE_URL).toBe('http://localhost:3000');
    expect(loadConfig({ ...production, PUBLIC_BASE_URL: 'http://[::1]:3000' }).PUBLIC_BASE_URL).toBe('http://[::1]:3000');
    expect(loadConfig({ ...production, PUBLIC_BASE_URL: 'https://pay.example.com/ocp/' }).PUBLIC_BASE_URL).toBe(
      'https://pay.example.com/ocp',
    );
  });

  it('when API_DOCS_ENABLED is unset, then the docs are off in production and on elsewhere; it can be turned on', () => {
    expect(loadConfig(production).API_DOCS_ENABLED).toBe(false);
    expect(loadConfig({ ...production, API_DOCS_ENABLED: 'true' }).API_DOCS_ENABLED).toBe(true);
    expect(loadConfig({}).API_DOCS_ENABLED).toBe(true);
  });

  it('when PASSWORD_SCRYPT_COST_LOG2 is under the default, then production refuses it while tests may use it', () => {
    expect(configErrorOf({ ...production, PASSWORD_SCRYPT_COST_LOG2: '14' }).message).toMatch(/PASSWORD_SCRYPT_COST_LOG2: /);
    expect(loadConfig({ ...production, PASSWORD_SCRYPT_COST_LOG2: '16' }).PASSWORD_SCRYPT_COST_LOG2).toBe(16);
    expect(loadConfig(production).PASSWORD_SCRYPT_COST_LOG2).toBe(15);
    expect(loadConfig({ NODE_ENV: 'test', PASSWORD_SCRYPT_COST_LOG2: '10' }).PASSWORD_SCRYPT_COST_LOG2).toBe(10);
  });

  it('when METRICS_TOKEN is a template placeholder or short, then it is refused by name without echoing it', () => {
    const placeholder = 'CHANGE-ME-to-64-random-hex-characters-for-metrics';
    const message = configErrorOf({ ...production, METRICS_TOKEN: placeholder }).message;
    expect(message).toMatch(/METRICS_TOKEN: /);
    expect(message).not.toContain(placeholder);
    expect(configErrorOf({ ...production, METRICS_TOKEN: 'short' }).message).toMatch(/METRICS_TOKEN: /);
    expect(loadConfig({ ...production, METRICS_TOKEN: randomBytes(32).toString('hex') }).METRICS_TOKEN).toHaveLength(64);
  });

  it('when WEBHOOK_ALLOW_PRIVATE_TARGETS is unset, then private targets are refused; it can be turned on', () => {
    expect(loadConfig(production).WEBHOOK_ALLOW_PRIVATE_TARGETS).toBe(false);
    expect(loadConfig({ ...production, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }).WEBHOOK_ALLOW_PRIVATE_TARGETS).toBe(true);
  });

  it('when JWT_SECRET is left at the default, then it is refused by name', () => {
    const { JWT_SECRET: _omitted, ...rest } = production;
    expect(configErrorOf(rest).message).toMatch(/JWT_SECRET: /);
  });

  it('when JWT_SECRET is shorter than 32 characters, then it is refused by name', () => {
    expect(configErrorOf({ ...production, JWT_SECRET: 'only-twenty-chars-xx' }).message).toMatch(/JWT_SECRET: /);
  });

  it('when ENCRYPTION_KEYS is the development key, then it is refused by name', () => {
    expect(configErrorOf({ ...production, ENCRYPTION_KEYS: DEV_KEY }).message).toMatch(/ENCRYPTION_KEYS: /);
  });

  it('when ENCRYPTION_KEYS is left at the default, then it is refused by name', () => {
    const { ENCRYPTION_KEYS: _omitted, ...rest } = production;
    expect(configErrorOf(rest).message).toMatch(/ENCRYPTION_KEYS: /);
  });

  it('when an old rotated key is the development key, then it is refused too', () => {
    expect(configErrorOf({ ...production, ENCRYPTION_KEYS: `${strongKey('k2')},${DEV_KEY}` }).message).toMatch(/ENCRYPTION_KEYS: /);
  });
});

describe('JWT_SECRET strength outside and inside production', () => {
  const production = {
    NODE_ENV: 'production',
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEYS: strongKey(),
    PUBLIC_BASE_URL: 'https://pay.example.com',
  };

  it.each([
    ['the k8s template placeholder', 'CHANGE-ME-to-64-random-hex-characters'],
    [
      'a 31-byte random secret',
      randomBytes(31)
        .toString('latin1')
        .replace(/[^\x21-\x7e]/g, 'x')
        .slice(0, 31),
    ],
    ['one character repeated', 'a'.repeat(64)],
    ['a short pattern repeated', 'abcd1234'.repeat(8)],
    ['few different characters', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbbbbbbbbcccccccccc'],
  ])('when JWT_SECRET in production is %s, then it is refused by name without echoing it', (_case, secret) => {
    const message = configErrorOf({ ...production, JWT_SECRET: secret }).message;
    expect(message).toMatch(/JWT_SECRET: /);
    expect(message).not.toContain(secret);
  });

  it('when JWT_SECRET is 32 random bytes as hex or base64, then production loads', () => {
    expect(loadConfig({ ...production, JWT_SECRET: randomBytes(32).toString('base64') }).NODE_ENV).toBe('production');
    expect(loadConfig({ ...production, JWT_SECRET: randomBytes(16).toString('hex') }).NODE_ENV).toBe('production');
  });

  it('when NODE_ENV is unset and HOST is not loopback, then the production secret checks apply', () => {
    expect(configErrorOf({ HOST: '0.0.0.0', ENCRYPTION_KEYS: strongKey() }).message).toMatch(/JWT_SECRET: the development default/);
    const exposed = { HOST: '0.0.0.0', JWT_SECRET: production.JWT_SECRET, ENCRYPTION_KEYS: strongKey() };
    expect(configErrorOf(exposed).message).toMatch(/PUBLIC_BASE_URL: /);
    expect(loadConfig({ ...exposed, PUBLIC_BASE_URL: production.PUBLIC_BASE_URL }).NODE_ENV).toBe('development');
  });

  it('when PUBLIC_BASE_URL is unset outside production, then it is localhost on PORT; other schemes, queries or fragments are refused', () => {
    expect(loadConfig({ PORT: '8080' }).PUBLIC_BASE_URL).toBe('http://localhost:8080');
    for (const bad of ['ftp://example.com', 'javascript:alert(1)', 'example.com', 'https://example.com/?a=1', 'https://example.com/#x']) {
      expect(configErrorOf({ PUBLIC_BASE_URL: bad }).message).toMatch(/PUBLIC_BASE_URL: /);
    }
  });

  it('when nothing is set, then the server listens on loopback only and says nothing', () => {
    const config = loadConfig({});
    expect(config.HOST).toBe('127.0.0.1');
    expect(startupWarnings(config)).toEqual([]);
    expect(loadConfig(production).HOST).toBe('0.0.0.0');
  });

  it('when development explicitly listens on all interfaces with the built-in secret, then start-up warns that anyone can mint tokens', () => {
    const config = loadConfig({ NODE_ENV: 'development', HOST: '0.0.0.0' });
    expect(startupWarnings(config).join('\n')).toMatch(/ANYONE .* CAN MINT TOKENS/);
    expect(startupWarnings(loadConfig({ NODE_ENV: 'development', HOST: '0.0.0.0', JWT_SECRET: production.JWT_SECRET }))).toEqual([]);
  });
});
