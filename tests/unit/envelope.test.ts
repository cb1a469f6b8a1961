import { randomBytes } from 'node:crypto';
import { Encryptor, type EncryptionKey } from '../../src/infra/crypto/envelope';

const key = (id: string): EncryptionKey => ({ id, key: randomBytes(32) });

/** Flips one bit in one base64url part of an envelope. */
function tamper(envelope: string, partIndex: number): string {
  const parts = envelope.split('.');
  const bytes = Buffer.from(parts[partIndex]!, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[partIndex] = bytes.toString('base64url');
  return parts.join('.');
}

describe('Encryptor (AES-256-GCM envelopes)', () => {
  const k1 = key('k1');
  const encryptor = new Encryptor([k1]);

  it('when a value is encrypted and decrypted, then the same bytes come back and the ciphertext hides them', () => {
    const envelope = encryptor.encrypt('4242 secret private key', 'wallet:w_1');
    expect(envelope).toMatch(/^v1\.k1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(envelope).not.toContain('secret');
    expect(encryptor.decrypt(envelope, 'wallet:w_1').toString()).toBe('4242 secret private key');
  });

  it('when the same value is encrypted twice, then the envelopes differ (fresh IV)', () => {
    expect(encryptor.encrypt('same')).not.toBe(encryptor.encrypt('same'));
  });

  it.each([
    ['the IV', 2],
    ['the tag', 3],
    ['the ciphertext', 4],
  ])('when %s is altered, then decryption fails', (_part, index) => {
    const envelope = encryptor.encrypt('amount=1050', 'ctx');
    expect(() => encryptor.decrypt(tamper(envelope, index), 'ctx')).toThrow();
  });

  it('when the envelope is malformed, then decryption fails with a clear message', () => {
    expect(() => encryptor.decrypt('v1.k1.only-three')).toThrow('Malformed ciphertext');
    expect(() => encryptor.decrypt('v2.' + encryptor.encrypt('x').slice(3))).toThrow('Malformed ciphertext');
  });

  it('when a ciphertext is moved to another record (other AAD), then decryption fails', () => {
    const envelope = encryptor.encrypt('card-token', 'token:tok_A');
    expect(() => encryptor.decrypt(envelope, 'token:tok_B')).toThrow();
    expect(() => encryptor.decrypt(envelope)).toThrow();
  });

  it('when the key id is unknown, then decryption names it', () => {
    const other = new Encryptor([key('k9')]);
    expect(() => encryptor.decrypt(other.encrypt('x'))).toThrow('No decryption key with id "k9"');
  });

  it('when the key id in an envelope is swapped for another known key, then decryption fails', () => {
    const both = new Encryptor([k1, key('k2')]);
    const envelope = both.encrypt('x');
    expect(() => both.decrypt(envelope.replace('.k1.', '.k2.'))).toThrow();
  });

  describe('rotation', () => {
    const k2 = key('k2');
    const before = new Encryptor([k1]);
    const after = new Encryptor([k2, k1]);

    it('when a new key is put first, then new data is encrypted under it', () => {
      const envelope = after.encrypt('fresh');
      expect(after.activeKeyId).toBe('k2');
      expect(after.keyIdOf(envelope)).toBe('k2');
      expect(after.needsRotation(envelope)).toBe(false);
    });

    it('when data was written under the old key, then it still decrypts and is flagged for re-encryption', () => {
      const old = before.encrypt('written last year', 'rec_1');
      expect(after.needsRotation(old)).toBe(true);
      const plaintext = after.decrypt(old, 'rec_1');
      expect(plaintext.toString()).toBe('written last year');
      const reEncrypted = after.encrypt(plaintext, 'rec_1');
      expect(after.needsRotation(reEncrypted)).toBe(false);
    });

    it('when the old key is finally removed, then data still under it no longer decrypts', () => {
      const old = before.encrypt('forgotten');
      expect(() => new Encryptor([k2]).decrypt(old)).toThrow('No decryption key with id "k1"');
    });
  });

  it('when built with no key, then it refuses', () => {
    expect(() => new Encryptor([])).toThrow();
  });
});
