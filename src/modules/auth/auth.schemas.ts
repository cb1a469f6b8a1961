import { z } from 'zod';
import { GRANTABLE_PERMISSIONS } from './permissions';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password-policy';

const email = z.email().max(254).meta({ example: 'ada@example.com' });
const password = z
  .string()
  .min(PASSWORD_MIN_LENGTH)
  .max(PASSWORD_MAX_LENGTH)
  .meta({ description: '12 to 128 characters, not a commonly used password (400 password_too_common)' });

export const credentialsBody = z.object({ email, password }).strict();

export const loginBody = z.object({ email, password: z.string().min(1).max(128) }).strict();

export const refreshBody = z.object({ refreshToken: z.string().min(1).max(512) }).strict();

export const logoutBody = z
  .object({ refreshToken: z.string().min(1).max(512).optional() })
  .strict()
  .meta({ description: 'Without refreshToken, every session of the caller ends.' });

export const clientCredentialsBody = z.object({ clientId: z.string().min(1).max(128), clientSecret: z.string().min(1).max(256) }).strict();

export const createApiClientBody = z
  .object({
    name: z.string().min(1).max(100),
    permissions: z.array(z.enum(GRANTABLE_PERMISSIONS)).max(50),
  })
  .strict();

export const userView = z.object({
  id: z.string(),
  email: z.string(),
  role: z.string(),
  createdAt: z.string().meta({ format: 'date-time' }),
});

export const tokenPairView = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int().meta({ description: 'Seconds until the access token expires' }),
});

export const accessTokenView = z.object({ accessToken: z.string(), expiresIn: z.number().int() });

export const apiClientView = z.object({
  id: z.string(),
  clientId: z.string(),
  clientSecret: z.string().meta({ description: 'Shown once; store it now' }),
  name: z.string(),
  permissions: z.array(z.string()),
});
