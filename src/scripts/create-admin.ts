import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { inTenant } from '../infra/tenant-scope';
import { DEFAULT_TENANT_ID } from '../shared/tenant-settings';
import { z } from 'zod';
import type { Config } from '../config/config';
import { createContainer } from '../container';
import type { Logger } from '../infra/logger';
import type { AdminModule } from '../modules/admin';
import { type AuthService, isCommonPassword } from '../modules/auth';
import { Conflict } from '../shared/errors';
import { runMain, type Command } from './run-command';

// Stricter than self-registration (also at least 6 different characters): an admin can move money on anyone's behalf.
const adminInput = z.object({
  email: z.email('is not an email address').max(254),
  password: z
    .string()
    .min(12, 'must be at least 12 characters')
    .max(128, 'must be at most 128 characters')
    .refine((p) => new Set(p).size >= 6, 'is too repetitive: use at least 6 different characters')
    .refine((p) => !isCommonPassword(p), 'is a commonly used password: choose one that is harder to guess'),
});

/** `platform`: a platform admin (docs/tenants.md), who also manages the tenants. */
export type AdminInput = z.infer<typeof adminInput> & { platform?: true };

/** `--email x --password y [--platform]`, each falling back to ADMIN_EMAIL / ADMIN_PASSWORD. */
export function readAdminInput(argv: string[], config: Config): { input: AdminInput } | { problem: string } {
  let values: { email?: string | undefined; password?: string | undefined; platform?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { email: { type: 'string' }, password: { type: 'string' }, platform: { type: 'boolean' } },
    }));
  } catch (error) {
    return { problem: (error as Error).message };
  }
  const email = values.email ?? config.ADMIN_EMAIL;
  const password = values.password ?? config.ADMIN_PASSWORD;
  if (!email || !password) return { problem: 'give --email and --password (or set ADMIN_EMAIL and ADMIN_PASSWORD)' };
  const parsed = adminInput.safeParse({ email, password });
  if (!parsed.success) {
    return { problem: parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ') };
  }
  return { input: { ...parsed.data, ...(values.platform ? { platform: true as const } : {}) } };
}

/** Creates the admin; exit code 1 when the email is already taken. */
export async function createAdmin(auth: AuthService, { email, password }: AdminInput, logger: Logger): Promise<number> {
  try {
    const { user } = await auth.register(email, password, 'admin');
    logger.info('admin created', { userId: user.id, email: user.email });
    return 0;
  } catch (error) {
    if (!(error instanceof Conflict && error.code === 'email_taken')) throw error;
    logger.error('admin not created: an account with this email already exists', { email });
    return 1;
  }
}

/**
 * Creates a platform admin: an operator of the default tenant with the platform_admin role, the one
 * way to get one (the API never grants it). Recorded in the default tenant's audit log as done by
 * this command. Exit code 1 when the email is already taken.
 */
export async function createPlatformAdmin(
  admin: Pick<AdminModule, 'users'>,
  { email, password }: AdminInput,
  logger: Logger,
): Promise<number> {
  const ctx = { actorId: 'cli:admin:create', requestId: randomUUID(), ip: '127.0.0.1' };
  try {
    const user = await inTenant(DEFAULT_TENANT_ID, () => admin.users.create(ctx, { email, password, role: 'platform_admin' }));
    logger.info('platform admin created', { userId: user.id, email: user.email });
    return 0;
  } catch (error) {
    if (!(error instanceof Conflict && error.code === 'email_taken')) throw error;
    logger.error('platform admin not created: an account with this email already exists', { email });
    return 1;
  }
}

/** `npm run admin:create -- --email x --password y [--platform]`. */
export function createAdminCommand(argv: string[]): Command {
  return async (config, logger) => {
    const read = readAdminInput(argv, config);
    if ('problem' in read) {
      logger.error('admin not created', { reason: read.problem });
      return 1;
    }
    // Without ADMIN_*: the container would create that admin itself, and this command would then
    // report the email as taken.
    const container = await createContainer({ ...config, ADMIN_EMAIL: undefined, ADMIN_PASSWORD: undefined }, { logger });
    try {
      // Operators belong to the default tenant; a platform admin adds other tenants' admins.
      return read.input.platform
        ? await createPlatformAdmin(container.services.admin, read.input, logger)
        : await inTenant(DEFAULT_TENANT_ID, () => createAdmin(container.services.auth, read.input, logger));
    } finally {
      await container.close();
    }
  };
}

if (require.main === module) runMain('admin:create', createAdminCommand(process.argv.slice(2)));
