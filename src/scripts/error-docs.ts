import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogueRows, ERROR_CATALOGUE } from '../shared/error-catalogue';

export const ERROR_DOCS_PATH = join(__dirname, '..', '..', 'docs', 'errors.md');

const TITLES: Record<keyof typeof ERROR_CATALOGUE, string> = {
  http: 'Gateway (HTTP layer: validation, authentication, rate limits, body parsing)',
  auth: 'Auth',
  wallet: 'Wallets',
  risk: 'Risk scoring (docs/risk.md)',
  ledger: 'Ledger',
  holds: 'Holds (two-phase transfers: reserve, capture, void)',
  idempotency: 'Idempotency',
  admin: 'Admin',
  tenant: 'Tenants (platform administration, per-tenant settings: docs/tenants.md)',
  agent: 'Agents (payments, policies, mandates, UCP)',
  payment: 'Payments (sessions, Apple Pay, Google Pay, card funding, processor)',
  token: 'Tokens',
  web3: 'Web3',
  webhook: 'Webhooks',
  merchant: 'Merchants (catalog, API clients, UCP checkout sessions, orders)',
  ucp: 'UCP business endpoint (/ucp/{merchantId}: these answer as UCP messages, see docs/ucp.md)',
  x402: 'x402 payments for agents (POST /api/v1/x402/pay)',
  ap2: "AP2 mandates in UCP checkouts (the UCP AP2 extension's error codes, and replay)",
  a2a: 'A2A server (payment requests settled through the receive-payment skill)',
  graphql: 'GraphQL (documents refused before they run; every other error carries the REST code of the service that raised it)',
};

/** docs/errors.md, rendered from the catalogue: a table per module of code, HTTP status and meaning. */
export function renderErrorDocs(): string {
  const rows = catalogueRows();
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from src/shared/error-catalogue.ts by `npm run docs:errors`; do not edit by hand. -->',
    '',
    'Every error answers with `{"error": {"code", "message", "details", "requestId"}}`. The `code` is stable',
    'and is one of those below; the `message` is for people and may change. Each code is listed once, under',
    'the module that owns it, even where other modules answer with it too.',
    '',
    `${rows.length} codes.`,
  ];
  for (const module of Object.keys(ERROR_CATALOGUE) as (keyof typeof ERROR_CATALOGUE)[]) {
    lines.push('', `## ${TITLES[module]}`, '', '| code | HTTP status | meaning |', '|---|---|---|');
    for (const row of rows.filter((r) => r.module === module)) {
      lines.push(`| \`${row.code}\` | ${row.status} | ${row.meaning.replaceAll('|', '\\|')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

if (require.main === module) writeFileSync(ERROR_DOCS_PATH, renderErrorDocs());
