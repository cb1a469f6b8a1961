import { getAddress } from 'ethers';
import { X402Facilitator, type Eip3009Settler } from '../../../src/protocols/x402/facilitator';
import type { FacilitatorRequest, PaymentRequirements } from '../../../src/protocols/x402/x402.schemas';
import type { Principal } from '../../../src/shared/principal';
import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';

const TOKEN = '0x' + 'aa'.repeat(20);
const PAY_TO = '0x' + '22'.repeat(20);
const FROM = '0x' + 'cd'.repeat(20);
const caller: Principal = { sub: 'usr_merchant', role: 'user', permissions: [], tenantId: DEFAULT_TENANT_ID };
const requirements: PaymentRequirements = {
  scheme: 'exact',
  network: 'eip155:31337',
  amount: '10000',
  asset: TOKEN,
  payTo: PAY_TO,
  maxTimeoutSeconds: 60,
  extra: { name: 'USD Coin', version: '2' },
};
const evmPayload = {
  signature: '0x' + '44'.repeat(65),
  authorization: { from: FROM, to: PAY_TO, value: '10000', validAfter: '0', validBefore: '9999999999', nonce: '0x' + '55'.repeat(32) },
};

/** A request whose accepted requirement and whose required one are `accepted` and `required` over the defaults. */
function request(
  accepted: Partial<PaymentRequirements> = {},
  required: Partial<PaymentRequirements> = {},
  payload: Record<string, unknown> = evmPayload,
): FacilitatorRequest {
  return {
    x402Version: 2,
    paymentPayload: { x402Version: 2, accepted: { ...requirements, ...accepted }, payload },
    paymentRequirements: { ...requirements, ...required },
  };
}

describe('X402Facilitator protocol checks', () => {
  const settler: Eip3009Settler = {
    assets: () => [],
    gasAddress: jest.fn(),
    verify: jest.fn(async () => ({ valid: true as const, payer: FROM })),
    settle: jest.fn(),
  };
  const facilitator = new X402Facilitator(settler, { get: jest.fn() });

  it.each([
    ['a scheme other than exact is accepted', 'unsupported_scheme', request({ scheme: 'upto' }), undefined],
    ['the network is not an EVM one', 'invalid_network', request({ network: 'solana:mainnet' }, { network: 'solana:mainnet' }), undefined],
    ['the accepted network is another chain', 'invalid_exact_evm_network_mismatch', request({ network: 'eip155:1' }), undefined],
    ['the payload is not an EIP-3009 authorization', 'invalid_payload', request({}, {}, { signature: '0x00' }), undefined],
    ['the accepted amount differs from the required one', 'invalid_payment_requirements', request({ amount: '1' }), FROM],
    ['the accepted payee differs', 'invalid_payment_requirements', request({ payTo: FROM }), FROM],
    ['the amount is not a whole number', 'invalid_payment_requirements', request({ amount: '1.5' }, { amount: '1.5' }), FROM],
    ['the EIP-712 domain is not announced', 'invalid_exact_evm_missing_eip712_domain', request({}, { extra: { name: 'USD Coin' } }), FROM],
  ])('when %s, then verify and settle answer %s without asking the chain', async (_case, reason, body, payer) => {
    const verified = await facilitator.verify(caller, body);
    expect(verified).toEqual({ isValid: false, invalidReason: reason, ...(payer ? { payer } : {}) });
    const settled = await facilitator.settle(caller, body);
    expect(settled).toEqual({
      success: false,
      errorReason: reason,
      transaction: '',
      network: body.paymentRequirements.network,
      ...(payer ? { payer } : {}),
    });
    expect(settler.verify).not.toHaveBeenCalled();
    expect(settler.settle).not.toHaveBeenCalled();
  });

  it('when the addresses differ only in case, then the request goes to the chain with checksummed addresses', async () => {
    await expect(facilitator.verify(caller, request({ asset: TOKEN.toUpperCase().replace('0X', '0x') }))).resolves.toEqual({
      isValid: true,
      payer: FROM,
    });
    expect(settler.verify).toHaveBeenCalledWith(
      expect.objectContaining({
        chainId: 31337,
        minValue: 10_000n,
        payeeOwnerIds: ['usr_merchant'],
        domain: { name: 'USD Coin', version: '2' },
        authorization: expect.objectContaining({ from: getAddress(FROM), value: 10_000n }),
      }),
    );
  });

  it("when a merchant client settles, then its merchant owner's wallets may be paid and a failure without a hash has an empty transaction", async () => {
    const settle = jest.fn(async () => ({ status: 'failed' as const, payer: FROM, hash: null, reason: 'insufficient_gas' as const }));
    const merchants = { get: jest.fn(async () => ({ ownerId: 'usr_owner' })) };
    const forMerchant = new X402Facilitator({ ...settler, settle }, merchants);
    const client: Principal = { ...caller, sub: 'mcl_client', merchantId: 'mer_1' };
    await expect(forMerchant.settle(client, request())).resolves.toEqual({
      success: false,
      errorReason: 'facilitator_insufficient_gas',
      payer: FROM,
      transaction: '',
      network: 'eip155:31337',
    });
    expect(settle).toHaveBeenCalledWith(expect.objectContaining({ payeeOwnerIds: ['mcl_client', 'usr_owner'] }));
    expect(merchants.get).toHaveBeenCalledWith(client, 'mer_1');
  });
});
