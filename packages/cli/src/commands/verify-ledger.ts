import type { Schemas } from '@ocp/sdk';
import type { CommandSpec } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { money, renderTable } from '../output.js';

type Check = Schemas['LedgerVerification']['checks'][number];

const CHECK_COLUMNS = [
  { header: 'check', value: (c: Check) => c.name },
  { header: 'result', value: (c: Check) => (c.violations === 0 ? 'ok' : 'FAILED') },
  { header: 'violations', value: (c: Check) => String(c.violations), align: 'right' as const },
  { header: 'examples', value: (c: Check) => c.examples.join(', ') || '-' },
];

export const verifyLedger: CommandSpec = {
  path: 'verify-ledger',
  summary: "Check the ledger's invariants at OCP (operators: admin:ledger:verify, i.e. admin and auditor)",
  details: [
    'Transfers balanced, balances matching their entries, no negative user balance, refunds within their original.',
    `Exits ${EXIT.ledgerViolations} when a check finds violations (the examples name rows to start an investigation from).`,
  ],
  examples: ['ocp verify-ledger', 'ocp verify-ledger --json'],
  async run(ctx) {
    const progress = ctx.progress('verifying the ledger…');
    let report: Schemas['LedgerVerification'];
    try {
      report = await ctx.client().get('/api/v1/admin/ledger/verification');
    } finally {
      progress.stop();
    }
    if (ctx.json) ctx.printJson(report);
    else {
      const totals = Object.entries(report.totalsByCurrency).map(([currency, total]) => money(total, currency));
      ctx.print(renderTable(report.checks, CHECK_COLUMNS));
      ctx.print(`\n${report.counts.wallets} wallets, ${report.counts.transfers} transfers, ${report.counts.entries} entries`);
      ctx.print(`Totals by currency (0 when balanced): ${totals.join(', ') || '-'}`);
      ctx.print(report.ok ? 'Ledger verified: every invariant holds.' : 'Ledger verification FAILED.');
    }
    return report.ok ? EXIT.ok : EXIT.ledgerViolations;
  },
};
