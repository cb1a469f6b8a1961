import { hashPassword, verifyPassword } from '../../src/infra/crypto/passwords';

// The cheapest cost scrypt allows keeps these tests fast; the format carries the cost with the hash.
const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('password hashing (scrypt)', () => {
  it('when the right password is checked, then it verifies, and the hash does not contain it', async () => {
    const hash = await hashPassword('correct-horse-battery', FAST);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(hash).not.toContain('correct-horse-battery');
    await expect(verifyPassword('correct-horse-battery', hash)).resolves.toBe(true);
  });

  it('when a wrong password is checked, then it does not verify', async () => {
    const hash = await hashPassword('correct-horse-battery', FAST);
    await expect(verifyPassword('correct-horse-batterY', hash)).resolves.toBe(false);
  });

  it('when the same password is hashed twice, then the salts make the hashes differ', async () => {
    expect(await hashPassword('same-password', FAST)).not.toBe(await hashPassword('same-password', FAST));
  });

  it('when the default cost is used, then it is stored with the hash and verifies', async () => {
    const hash = await hashPassword('default-cost-password');
    expect(hash.startsWith('scrypt$32768$8$1$')).toBe(true);
    await expect(verifyPassword('default-cost-password', hash)).resolves.toBe(true);
  });

  it('when a password is typed in another Unicode form, then it still verifies (NFKC)', async () => {
    const hash = await hashPassword('caf\u00e9-password', FAST);
    await expect(verifyPassword('cafe\u0301-password', hash)).resolves.toBe(true);
  });

  it('when the stored value is not a scrypt hash, then it does not verify', async () => {
    await expect(verifyPassword('anything', 'bcrypt$2b$10$abc')).resolves.toBe(false);
    await expect(verifyPassword('anything', '')).resolves.toBe(false);
  });
});
