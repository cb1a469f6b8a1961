import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import {
  computeAddress,
  recoverAddress,
  SigningKey,
  Transaction as EvmTransaction,
  TypedDataEncoder,
  type TypedDataDomain,
  type TypedDataField,
} from 'ethers';
import type { Encryptor } from '../../../infra/crypto/envelope';
import type { Transaction } from '../../../shared/transaction';

/** Where the vault keeps its sealed keys. Only the vault reads it. */
export interface VaultKeyStore {
  save(tx: Transaction, walletId: string, address: string, keyCiphertext: string): Promise<void>;
  /** `client`: the caller's transaction, if it is in one (PGlite has a single connection). */
  find(walletId: string, client?: Transaction): Promise<{ address: string; keyCiphertext: string } | null>;
}

/** An EVM transaction with everything but the signature. */
export interface UnsignedEvmTx {
  chainId: number;
  nonce: number;
  to: string;
  value: bigint;
  data: string;
  gasLimit: bigint;
  fees: { type: 2; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } | { type: 0; gasPrice: bigint };
}

export interface SignedEvmTx {
  /** The serialized signed transaction, as eth_sendRawTransaction takes it. */
  raw: string;
  hash: string;
  from: string;
}

/**
 * Holds the chain private keys. A key is born here, is stored only sealed (AES-256-GCM under the
 * active key id, with the wallet id as AAD so a ciphertext moved to another wallet fails to open),
 * and is unsealed only for the moment of one signature. Nothing here returns, logs or serialises
 * a key: the vault answers with addresses and signed transactions only.
 */
export class KeyVault {
  constructor(
    private readonly encryptor: Encryptor,
    private readonly store: VaultKeyStore,
  ) {}

  /** A new key pair for `walletId`, sealed and saved in `tx`. Returns the checksummed address. */
  async generate(tx: Transaction, walletId: string): Promise<string> {
    const secret = newPrivateKey();
    try {
      const address = computeAddress(new SigningKey(secret).publicKey);
      await this.store.save(tx, walletId, address, this.encryptor.encrypt(secret, walletId));
      return address;
    } finally {
      secret.fill(0);
    }
  }

  /**
   * Signs `unsigned` with the key of `walletId`. Throws when the wallet has no key in the vault or
   * its sealed key cannot be opened (a missing ENCRYPTION_KEYS id): both are server faults.
   * `tx`: the caller's open transaction, if any, to read the sealed key through.
   */
  async sign(walletId: string, unsigned: UnsignedEvmTx, tx?: Transaction): Promise<SignedEvmTx> {
    const sealed = await this.store.find(walletId, tx);
    if (!sealed) throw new Error(`No vaulted key for web3 wallet ${walletId}`);
    const transaction = EvmTransaction.from({
      type: unsigned.fees.type,
      chainId: unsigned.chainId,
      nonce: unsigned.nonce,
      to: unsigned.to,
      value: unsigned.value,
      data: unsigned.data,
      gasLimit: unsigned.gasLimit,
      ...(unsigned.fees.type === 2
        ? { maxFeePerGas: unsigned.fees.maxFeePerGas, maxPriorityFeePerGas: unsigned.fees.maxPriorityFeePerGas }
        : { gasPrice: unsigned.fees.gasPrice }),
    });
    const secret = this.encryptor.decrypt(sealed.keyCiphertext, walletId);
    try {
      transaction.signature = new SigningKey(secret).sign(transaction.unsignedHash);
    } finally {
      secret.fill(0);
    }
    // The stored address was derived from the same key: a mismatch means a corrupted record.
    if (transaction.from !== sealed.address) throw new Error(`Vaulted key of web3 wallet ${walletId} does not match its address`);
    return { raw: transaction.serialized, hash: transaction.hash as string, from: sealed.address };
  }

  /**
   * Signs EIP-712 typed data with the key of `walletId` (e.g. an EIP-3009 TransferWithAuthorization):
   * the digest is made here from the whole message, so the caller decides what is signed, never a
   * bare hash. Returns the 65-byte signature (r, s, v) as 0x-hex. Throws as sign().
   */
  async signTypedData(
    walletId: string,
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    message: Record<string, unknown>,
  ): Promise<{ signature: string; from: string }> {
    const sealed = await this.store.find(walletId);
    if (!sealed) throw new Error(`No vaulted key for web3 wallet ${walletId}`);
    const digest = TypedDataEncoder.hash(domain, types, message);
    const secret = this.encryptor.decrypt(sealed.keyCiphertext, walletId);
    let signature: string;
    try {
      signature = new SigningKey(secret).sign(digest).serialized;
    } finally {
      secret.fill(0);
    }
    if (recoverAddress(digest, signature) !== sealed.address)
      throw new Error(`Vaulted key of web3 wallet ${walletId} does not match its address`);
    return { signature, from: sealed.address };
  }

  toJSON(): string {
    return '[KeyVault]';
  }

  [inspect.custom](): string {
    return '[KeyVault]';
  }
}

const SECP256K1_ORDER = BigInt('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');

/** 32 random bytes that are a valid secp256k1 scalar (0 < k < n); a retry is astronomically rare. */
function newPrivateKey(): Buffer {
  for (;;) {
    const candidate = randomBytes(32);
    const k = BigInt(`0x${candidate.toString('hex')}`);
    if (k > 0n && k < SECP256K1_ORDER) return candidate;
  }
}
