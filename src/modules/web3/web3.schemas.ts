import { getAddress, isAddress, ZeroAddress } from 'ethers';
import { z } from 'zod';
import { pageQuery } from '../../shared/pagination';
import { queryInt } from '../../shared/query-int';
import type { Web3Send, Web3Wallet } from './web3.repository';
import type { WalletBalances } from './web3-wallet.service';

const UINT256_MAX = 2n ** 256n - 1n;

const chainId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER).meta({ example: 31337 });
const chainIdQuery = queryInt(1, Number.MAX_SAFE_INTEGER).meta({ example: 31337 });

const address = z
  .string()
  .refine((v) => isAddress(v), 'must be a 0x-prefixed 20-byte address (mixed case must be a valid checksum)')
  .transform((v) => getAddress(v))
  .refine((v) => v !== ZeroAddress, 'must not be the zero address')
  .meta({ example: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' });

const baseUnits = z
  .string()
  .regex(/^[1-9][0-9]{0,77}$/, 'must be a positive whole number of base units (wei or the token’s smallest unit), as a string')
  .transform(BigInt)
  .refine((v) => v <= UINT256_MAX, 'must fit in 256 bits')
  .meta({
    // Wei are not ledger minor units: the chain's own bound (uint256) applies, not the ledger's 10^15.
    description: 'Base units (wei, or the token’s smallest unit) as a string of digits (a JSON number is refused), at most 2^256 - 1',
    example: '1000000000000000',
  });

export const createWeb3WalletBody = z
  .object({
    chainId: chainId.optional().meta({ description: 'Default chain for balance reads; must be configured' }),
    label: z.string().trim().min(1).max(100).optional(),
  })
  .strict();

export const balanceQuery = z.object({ chainId: chainIdQuery.optional().meta({ description: "Defaults to the wallet's chain" }) }).strict();

export const historyQuery = pageQuery.strict();

export const sendBody = z
  .object({
    web3WalletId: z.string().min(1).max(64),
    chainId,
    to: address,
    amount: baseUnits,
    asset: z.string().min(1).max(64).meta({ description: '"native", or a configured ERC-20 token\'s symbol or contract address' }),
  })
  .strict();

export const web3WalletView = z
  .object({ id: z.string(), address: z.string(), chainId: z.number().nullable(), label: z.string().nullable(), createdAt: z.string() })
  .meta({ id: 'Web3Wallet' });

export const web3WalletPageView = z.object({ data: z.array(web3WalletView), nextCursor: z.string().nullable() });

const assetBalance = z.object({
  asset: z.string(),
  symbol: z.string(),
  decimals: z.number(),
  balance: z.string().meta({ description: 'Base units' }),
});

export const balanceView = z
  .object({ walletId: z.string(), address: z.string(), chainId: z.number(), native: assetBalance, tokens: z.array(assetBalance) })
  .meta({ id: 'Web3Balances' });

export const sendView = z
  .object({
    id: z.string(),
    type: z.literal('web3_send'),
    web3WalletId: z.string(),
    chainId: z.number(),
    hash: z.string(),
    status: z.enum(['pending', 'confirmed', 'failed']),
    from: z.string(),
    to: z.string(),
    asset: z.string(),
    assetSymbol: z.string(),
    amount: z.string(),
    nonce: z.number(),
    blockNumber: z.number().nullable(),
    gasUsed: z.string().nullable(),
    failureReason: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Web3Send' });

export const sendPageView = z.object({ data: z.array(sendView), nextCursor: z.string().nullable() });

export const toWeb3WalletView = (w: Web3Wallet) => ({
  id: w.id,
  address: w.address,
  chainId: w.chainId,
  label: w.label,
  createdAt: w.createdAt.toISOString(),
});

export const toBalanceView = (b: WalletBalances) => ({
  ...b,
  native: { ...b.native, balance: b.native.balance.toString() },
  tokens: b.tokens.map((t) => ({ ...t, balance: t.balance.toString() })),
});

export const toSendView = (s: Web3Send) => ({
  id: s.id,
  type: 'web3_send' as const,
  web3WalletId: s.walletId,
  chainId: s.chainId,
  hash: s.hash,
  status: s.status,
  from: s.from,
  to: s.to,
  asset: s.asset,
  assetSymbol: s.assetSymbol,
  amount: s.amount.toString(),
  nonce: s.nonce,
  blockNumber: s.blockNumber,
  gasUsed: s.gasUsed?.toString() ?? null,
  failureReason: s.failureReason,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});
