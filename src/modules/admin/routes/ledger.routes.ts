import { z } from 'zod';
import type { Api } from '../../../http/api';
import { LEDGER_CHECK_NAMES } from '../../ledger';
import type { AdminModule } from '../admin.module';

const tags = ['admin'];

const ledgerCheckView = z.object({
  name: z.enum(LEDGER_CHECK_NAMES),
  rule: z.string().meta({ description: 'What must hold, in words' }),
  violations: z.number().int().meta({ description: 'How many rows break the rule (0 when it holds)' }),
  examples: z.array(z.string()).meta({ description: 'Up to 10 ids of offending rows, to start an investigation from' }),
});

const ledgerVerificationView = z
  .object({
    ok: z.boolean().meta({ description: 'Every invariant holds' }),
    checks: z.array(ledgerCheckView),
    totalsByCurrency: z
      .record(z.string(), z.string())
      .meta({ description: 'Sum of every wallet balance per currency, minor units: "0" whenever the checks hold' }),
    counts: z.object({ wallets: z.number().int(), transfers: z.number().int(), entries: z.number().int() }),
  })
  .meta({ id: 'LedgerVerification' });

/** The ledger's invariants, checked on demand: what `npm run verify-ledger` reports, over HTTP (`ocp verify-ledger`). */
export function adminLedgerRoutes(api: Api, admin: AdminModule): void {
  api.route({
    method: 'get',
    path: '/admin/ledger/verification',
    summary: "Check the ledger's invariants now (balanced transfers, balances matching entries, ...); it only reads",
    tags,
    permission: 'admin:ledger:verify',
    responses: { 200: { description: 'The report: ok is false when a check found violations', schema: ledgerVerificationView } },
    // The reply's JSON writes the totals' bigints as strings of digits, as the schema says.
    handler: async () => ({ status: 200, body: await admin.ledgerVerifier.verify() }),
  });
}
