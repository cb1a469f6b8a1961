import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { spawnNpm, type NpmProcess } from './npm-process';
import { seedDataDir } from './pglite-snapshot';

const ROOT = join(__dirname, '../..');
const CHROMIUM = '/usr/bin/chromium';
const DASHBOARD_INDEX = join(ROOT, 'packages/dashboard/dist/index.html');
/** Where the browser tests leave screenshots of the main pages (CI keeps the folder as an artifact). */
export const SCREENSHOTS = join(ROOT, 'artifacts/screenshots');
/** What the probe of this machine found Chromium needs here: no sandbox as root, no network of its own. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why the browser tests cannot run here, or undefined when Chromium starts. */
function chromiumProblem(): string | undefined {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium; .ci/run does it)`;
  try {
    execFileSync(CHROMIUM, ['--version'], { timeout: 20_000, stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `${CHROMIUM} does not start: ${(error as Error).message.split('\n')[0]}`;
  }
}

/** `describe` where Chromium runs; elsewhere `describe.skip`, with a line saying why (a machine without it is no failure). */
export function describeInBrowser(what: string): jest.Describe {
  const problem = chromiumProblem();
  if (!problem) return describe;
  process.stdout.write(`\nSKIPPED ${what}: ${problem}\n\n`);
  return describe.skip;
}

/** Playwright gives every launch a fresh, empty profile (its own --user-data-dir), removed on close. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Builds the dashboard when its build is missing or older than its sources (or the SDK's). Run once
 * per `npm test` by the global setup, so two browser files never build it at the same time.
 */
export function buildDashboardIfStale(): void {
  const sources = ['packages/dashboard/src', 'packages/dashboard/index.html', 'packages/dashboard/vite.config.mjs', 'packages/sdk/src'];
  const stale = !existsSync(DASHBOARD_INDEX) || newestChange(sources.map((path) => join(ROOT, path))) > statSync(DASHBOARD_INDEX).mtimeMs;
  if (stale && existsSync(join(ROOT, 'node_modules/vite'))) execFileSync('npm', ['run', 'dashboard:build'], { cwd: ROOT, stdio: 'pipe' });
}

function newestChange(paths: string[]): number {
  let newest = 0;
  for (const path of paths) {
    const stat = statSync(path);
    const time = stat.isDirectory() ? newestChange(readdirSync(path).map((name) => join(path, name))) : stat.mtimeMs;
    newest = Math.max(newest, time);
  }
  return newest;
}

export interface RunningOcp {
  baseUrl: string;
  stop: () => void;
}

/**
 * A real OCP as an operator starts it (`npm start`), on the embedded database in a scratch folder,
 * with an admin, the cheap test password hashing and limits no test meets; `env` adds or overrides.
 */
export async function startOcp(admin: { email: string; password: string }, env: Record<string, string> = {}): Promise<RunningOcp> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'ocp-browser-'));
  let server: NpmProcess | undefined;
  const stop = () => {
    server?.killTree();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await seedDataDir(dataDir);
    server = spawnNpm(['start'], {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      PASSWORD_SCRYPT_COST_LOG2: '10',
      RATE_LIMIT_GLOBAL_MAX: '100000',
      RATE_LIMIT_USER_MAX: '100000',
      RATE_LIMIT_PAYMENT_MAX: '100000',
      ...env,
    });
    const listening = await server.waitForLine((line) => line.message === 'listening');
    await server.waitForLine((line) => line.message === 'ready');
    return { baseUrl: String(listening.url), stop };
  } catch (error) {
    stop();
    throw error;
  }
}
