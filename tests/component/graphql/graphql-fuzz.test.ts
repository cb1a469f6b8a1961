import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createWallet } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/** Bad documents and variables are the client's mistake: a 4xx or a 200 with errors, never a 5xx. */
describe('GraphQL fuzz: odd documents and variables', () => {
  let t: TestApp;
  let token: string;
  let walletId: string;

  beforeAll(async () => {
    t = await startTestApp();
    const user = await registerUser(t);
    token = user.accessToken;
    walletId = (await createWallet(t, user)).id;
  });
  afterAll(() => t.close());

  const post = (body: unknown) =>
    t
      .http()
      .post('/api/v1/graphql')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body));

  const odd = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.constantFrom('\u0000', 'a\u0000b', '\ud800', '9'.repeat(400), '-1', '1e309', '{}', '[]', ''),
    fc.integer(),
    fc.double(),
    fc.bigInt().map((n) => Number(n)),
    fc.constantFrom(2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, 1e308),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
  );

  const documents = fc.oneof(
    fc.string(),
    fc.constantFrom(
      'query($id: ID!) { wallet(id: $id) { id balance transactions(first: 3) { edges { cursor } } } }',
      'query($n: Int, $after: String) { wallets(first: $n, after: $after) { edges { node { id } } } }',
      'mutation($input: TransferInput!, $key: String!) { transfer(input: $input, idempotencyKey: $key) { ... on PostedTransfer { replayed } } }',
      'mutation($id: ID!, $input: UpdateWalletInput!) { updateWallet(id: $id, input: $input) { id } }',
      'mutation($input: CreateAgentInput!) { createAgent(input: $input) { agent { id } } }',
      `{ ${'wallets { edges { node { '.repeat(40)}id${' } } }'.repeat(40)} }`,
      `{ ${'{'.repeat(2_000)} }`,
      'query { __typename ' + 'a: __typename '.repeat(6_000) + '}',
      'fragment A on Query { ...A } { ...A }',
      '{ wallet(id: "\\u0000") { id } }',
      '{ wallets(first: 99999999999999999999) { edges { cursor } } }',
      'mutation { updateWallet(id: "x", input: { metadata: { a: { b: { c: { d: { e: { f: 1 } } } } } } }) { id } }',
    ),
  );

  const bodies = fc.oneof(
    fc.record(
      {
        query: documents,
        variables: fc.oneof(
          fc.dictionary(fc.constantFrom('id', 'n', 'after', 'key', 'input'), odd, { maxKeys: 5 }),
          fc.record({ input: fc.record({ fromWalletId: odd, toWalletId: fc.constant(walletIdRef()), amount: odd }), key: odd }),
          odd,
        ),
        operationName: fc.oneof(fc.constant(undefined), odd),
      },
      { requiredKeys: ['query'] },
    ),
    odd,
  );

  function walletIdRef(): string {
    return walletId ?? 'wal_missing';
  }

  it('when any of these is posted, then the answer is never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const res = await post(body);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect(res.body.errors?.[0]?.extensions?.code ?? res.body.error?.code).toEqual(expect.any(String));
        expect(JSON.stringify(res.body)).not.toContain('internal_error');
      }),
      { numRuns: 150 },
    );
  });
});
