import { getAddress, isAddress } from 'ethers';
import { z } from 'zod';

const CONFIRMATIONS_MAX = 1_000;

const address = z
  .string()
  .refine((value) => isAddress(value), 'must be a 0x-prefixed 20-byte address')
  .transform((value) => getAddress(value));

const chainSettings = z
  .object({
    rpcUrl: z.url({ protocol: /^https?$/ }),
    confirmations: z.number().int().min(1).max(CONFIRMATIONS_MAX).default(1),
    nativeSymbol: z
      .string()
      .regex(/^[A-Za-z0-9]{1,11}$/)
      .default('ETH'),
    tokens: z.record(z.string().regex(/^[A-Za-z0-9.]{1,11}$/, 'token symbols are 1 to 11 letters or digits'), address).default({}),
  })
  .strict();

export type ChainSettings = z.infer<typeof chainSettings> & { chainId: number };

/**
 * `WEB3_CHAINS`: JSON of chain id -> { rpcUrl, confirmations?, nativeSymbol?, tokens? }, e.g.
 * {"31337": {"rpcUrl": "http://127.0.0.1:8545", "confirmations": 1, "tokens": {"USDC": "0x…"}}}.
 * Empty (the default) turns the web3 endpoints off: they answer 503 naming this setting.
 */
export const web3Chains = z.string().transform((raw, ctx): ChainSettings[] => {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be JSON: {"<chainId>": {"rpcUrl": "http://…"}}' });
    return z.NEVER;
  }
  const parsed = z.record(z.string().regex(/^[1-9][0-9]{0,15}$/, 'chain ids are positive integers'), chainSettings).safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: `${issue.path.join('.')}: ${issue.message}` });
    return z.NEVER;
  }
  return Object.entries(parsed.data).map(([id, settings]) => ({ ...settings, chainId: Number(id) }));
});
