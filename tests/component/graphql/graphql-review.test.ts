/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL answers are read as untyped JSON */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { balanceOf, createWallet, fund, transfer as restTransfer, type TestUser } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { gql, listenWithSubscriptions, type Listening } from './support';

const TRANSFER = `mutation Pay($input: TransferInput!, $key: String!) {
  transfer(input: $input, idempotencyKey: $key) {
    __typename
    ... on PostedTransfer { replayed transfer { id } }
    ... on HeldForReview { replayed status reviewId holdId }
  }
}`;

describe('a GraphQL transfer the risk screen holds for review', () => {
  let t: TestApp;
  let http: Listening;
  let alice: TestUser;
  let from: string;
  let to: string;

  beforeAll(async () => {
    // Every movement reaches the review threshold, none the block one.
    t = await startTestApp({ RISK_REVIEW_THRESHOLD: '0', RISK_BLOCK_THRESHOLD: '1.01' });
    http = await listenWithSubscriptions(t);
    alice = await registerUser(t);
    const bob = await registerUser(t);
    from = (await createWallet(t, alice)).id;
    to = (await createWallet(t, bob)).id;
    await fund(t, from, 1_000);
  });
  afterAll(async () => {
    await http.close();
    await t.close();
  });

  it('when it is held, then the answer is HeldForReview (REST 202), a repeat replays it, the same key over REST answers the same, and no money moved', async () => {
    const key = randomUUID();
    const input = { fromWalletId: from, toWalletId: to, amount: '300', currency: 'USD' };
    const first = await gql(http.baseUrl, alice.accessToken, TRANSFER, { input, key });
    expect(first.body.errors).toBeUndefined();
    const held = first.body.data!.transfer as any;
    expect(held).toMatchObject({ __typename: 'HeldForReview', replayed: false, status: 'pending_review' });
    expect(held.reviewId).toEqual(expect.any(String));
    expect(held.holdId).toEqual(expect.any(String));

    const again = await gql(http.baseUrl, alice.accessToken, TRANSFER, { input, key });
    expect(again.body.data!.transfer).toEqual({ ...held, replayed: true });
    const rest = await restTransfer(t, alice, input, key);
    expect(rest.status).toBe(202);
    expect(rest.body).toMatchObject({ status: 'pending_review', reviewId: held.reviewId, holdId: held.holdId });

    // Reserved by the hold, not moved.
    expect(await balanceOf(t, to)).toBe(0n);
    const wallet = await gql(http.baseUrl, alice.accessToken, `query($id: ID!) { wallet(id: $id) { balance available held } }`, {
      id: from,
    });
    expect(wallet.body.data!.wallet).toEqual({ balance: '1000', available: '700', held: '300' });
  });
});
