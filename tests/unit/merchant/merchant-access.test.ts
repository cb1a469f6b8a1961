import { assertMerchantAccess, assertMerchantOwner } from '../../../src/modules/merchant/merchant-access';
import type { Merchant } from '../../../src/modules/merchant/merchant.repository';
import type { Principal } from '../../../src/shared/principal';
import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';

const merchant: Merchant = {
  id: 'mer_a',
  ownerId: 'usr_owner',
  walletId: 'wal_1',
  currency: 'USD',
  displayName: 'Shop',
  taxRateBps: 0,
  termsOfServiceUrl: null,
  ap2Mandate: 'off',
  createdAt: new Date(),
  updatedAt: new Date(),
};

const user = (sub: string): Principal => ({ sub, role: 'user', permissions: [], tenantId: DEFAULT_TENANT_ID });
const client = (merchantId?: string): Principal => ({
  sub: 'cli_1',
  role: 'service',
  permissions: [],
  tenantId: DEFAULT_TENANT_ID,
  ...(merchantId ? { merchantId } : {}),
});

describe('merchant access', () => {
  it('when the owner or a client bound to this merchant asks, then they reach it', () => {
    expect(assertMerchantAccess(user('usr_owner'), merchant)).toBe(merchant);
    expect(assertMerchantAccess(client('mer_a'), merchant)).toBe(merchant);
  });

  it.each([
    ['another user', user('usr_other')],
    ['a client bound to another merchant', client('mer_b')],
    ["an operator's unbound client", client()],
    [
      'a service principal whose sub happens to be the owner id',
      { sub: 'usr_owner', role: 'service', permissions: [], tenantId: DEFAULT_TENANT_ID } as Principal,
    ],
    ['a token of the owner bound to another merchant', { ...user('usr_owner'), merchantId: 'mer_b' }],
  ])('when %s asks, then merchant_not_found as for a missing merchant', (_who, principal) => {
    expect(() => assertMerchantAccess(principal, merchant)).toThrow(expect.objectContaining({ code: 'merchant_not_found' }));
  });

  it('when nothing was found, then merchant_not_found', () => {
    expect(() => assertMerchantAccess(user('usr_owner'), null)).toThrow(expect.objectContaining({ code: 'merchant_not_found' }));
  });

  it("when a bound client asks for the owner's powers, then merchant_not_found; the owner passes", () => {
    expect(assertMerchantOwner(user('usr_owner'), merchant)).toBe(merchant);
    expect(() => assertMerchantOwner(client('mer_a'), merchant)).toThrow(expect.objectContaining({ code: 'merchant_not_found' }));
    expect(() => assertMerchantOwner(user('usr_other'), merchant)).toThrow(expect.objectContaining({ code: 'merchant_not_found' }));
  });
});
