import type { Schemas } from '@ocp/sdk';
import type { CommandSpec } from '../command.js';
import { usageError } from '../errors.js';
import { money, orDash, renderTable, when, type Column } from '../output.js';

type Transaction = Schemas['Transaction'];

const DEFAULT_LIMIT = 20;
const PAGE_SIZE_MAX = 100;

const signed = (t: Transaction) => money(t.direction === 'debit' ? `-${t.amount}` : t.amount, t.currency);

const TRANSACTION_COLUMNS: Column<Transaction>[] = [
  { header: 'id', value: (t) => t.id },
  { header: 'date', value: (t) => when(t.createdAt) },
  { header: 'type', value: (t) => t.type },
  { header: 'amount', value: signed, align: 'right' },
  { header: 'balance after', value: (t) => money(t.balanceAfter, t.currency), align: 'right' },
  { header: 'status', value: (t) => t.status },
  { header: 'counterparty', value: (t) => t.counterpartyWalletId },
  { header: 'description', value: (t) => orDash(t.description) },
];

export const transactionsList: CommandSpec = {
  path: 'transactions list',
  summary: "A wallet's transactions, newest first",
  options: {
    wallet: { type: 'string', placeholder: '<wallet>', help: 'the wallet', required: true },
    limit: { type: 'string', placeholder: '<n>', help: `how many (default ${DEFAULT_LIMIT})` },
    all: { type: 'boolean', help: 'every transaction, page after page (a progress line on a terminal)' },
  },
  details: ["Debits show as negative amounts. --json prints an array of the API's Transaction objects."],
  examples: ['ocp transactions list --wallet wal_a --limit 50', 'ocp transactions list --wallet wal_a --all --json > transactions.json'],
  async run(ctx, flags) {
    const walletId = flags.required('wallet');
    const all = flags.bool('all');
    const limit = flags.int('limit', 1, 1_000_000);
    if (all && limit !== undefined) throw usageError('give --all or --limit, not both');
    const wanted = all ? Infinity : (limit ?? DEFAULT_LIMIT);
    const pages = ctx.client().paginate('/api/v1/wallets/{id}/transactions', {
      params: { path: { id: walletId }, query: { limit: Math.min(wanted, PAGE_SIZE_MAX) } },
    });
    const progress = all ? ctx.progress('reading transactions…') : undefined;
    const transactions: Transaction[] = [];
    try {
      for await (const transaction of pages) {
        transactions.push(transaction);
        progress?.update(`reading transactions… ${transactions.length}`);
        if (transactions.length >= wanted) break;
      }
    } finally {
      progress?.stop();
    }
    if (ctx.json) return ctx.printJson(transactions);
    ctx.print(transactions.length ? renderTable(transactions, TRANSACTION_COLUMNS) : 'No transactions.');
  },
};
