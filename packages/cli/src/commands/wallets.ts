import type { Schemas } from '@ocp/sdk';
import type { CommandSpec } from '../command.js';
import { usageError } from '../errors.js';
import { money, orDash, renderFields, renderTable, when, type Column } from '../output.js';

type Wallet = Schemas['Wallet'];

const WALLET_COLUMNS: Column<Wallet>[] = [
  { header: 'id', value: (w) => w.id },
  { header: 'currency', value: (w) => w.currency },
  { header: 'balance', value: (w) => money(w.balance, w.currency), align: 'right' },
  { header: 'status', value: (w) => w.status },
  { header: 'label', value: (w) => orDash(w.label) },
  { header: 'created', value: (w) => when(w.createdAt) },
];

export const walletFields = (w: Wallet) =>
  renderFields([
    ['ID', w.id],
    ['Currency', w.currency],
    ['Balance', money(w.balance, w.currency)],
    ['Status', w.status],
    ['Label', orDash(w.label)],
    ['Low balance at', w.lowBalanceThreshold ? money(w.lowBalanceThreshold, w.currency) : '-'],
    ['Created', when(w.createdAt)],
    ['Updated', when(w.updatedAt)],
  ]);

export const walletsList: CommandSpec = {
  path: 'wallets list',
  summary: 'Your wallets and their balances',
  examples: ['ocp wallets list', 'ocp wallets list --json'],
  async run(ctx) {
    const wallets: Wallet[] = [];
    for await (const wallet of ctx.client().paginate('/api/v1/wallets', { params: { query: { limit: 100 } } })) wallets.push(wallet);
    if (ctx.json) return ctx.printJson(wallets);
    ctx.print(
      wallets.length ? renderTable(wallets, WALLET_COLUMNS) : 'No wallets yet: create one with `ocp wallets create --currency USD`.',
    );
  },
};

export const walletsCreate: CommandSpec = {
  path: 'wallets create',
  summary: 'Open a wallet in a currency',
  options: {
    currency: { type: 'string', placeholder: '<code>', help: 'ISO 4217 code, e.g. USD', required: true },
    label: { type: 'string', placeholder: '<text>', help: 'a name to tell your wallets apart' },
  },
  examples: ['ocp wallets create --currency USD --label "Travel"'],
  async run(ctx, flags) {
    const currency = flags.required('currency').toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) throw usageError(`--currency must be a three-letter code like USD, not "${currency}"`);
    const label = flags.string('label');
    const wallet = await ctx.client().post('/api/v1/wallets', { body: { currency, ...(label ? { label } : {}) } });
    if (ctx.json) return ctx.printJson(wallet);
    ctx.print(walletFields(wallet));
  },
};

export const walletsShow: CommandSpec = {
  path: 'wallets show',
  summary: 'One wallet: balance, status, label',
  args: ['id'],
  examples: ['ocp wallets show wal_8f3a...'],
  async run(ctx, _flags, [id]) {
    const wallet = await ctx.client().get('/api/v1/wallets/{id}', { params: { path: { id: id! } } });
    if (ctx.json) return ctx.printJson(wallet);
    ctx.print(walletFields(wallet));
  },
};
