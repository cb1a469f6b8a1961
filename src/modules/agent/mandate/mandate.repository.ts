import type { Transaction } from '../../../shared/transaction';

export interface MandateKey {
  kid: string;
  ownerId: string;
  /** 'owner': the owner signs with their own private key; 'ocp': OCP signs for the owner. */
  kind: 'owner' | 'ocp';
  publicJwk: Record<string, unknown>;
  /** Only for 'ocp' keys: the PKCS#8 private key, encrypted with the kid as AAD. */
  privateKeyEncrypted: string | null;
  createdAt: Date;
}

/** Mandate keys and per-mandate spending. Methods taking `tx` run in the caller's transaction. */
export interface MandateRepository {
  insertKey(key: Omit<MandateKey, 'createdAt'>): Promise<MandateKey>;
  findKey(kid: string, tx?: Transaction): Promise<MandateKey | null>;
  /** The key OCP signs with for this owner, if it made one. */
  findOcpKey(ownerId: string): Promise<MandateKey | null>;
  /** Creates the usage row when missing and locks it (FOR UPDATE); returns what was spent. */
  lockUsage(tx: Transaction, usage: { mandateHash: string; mandateId: string; ownerId: string; agentId: string }): Promise<bigint>;
  addUsage(tx: Transaction, mandateHash: string, amount: bigint): Promise<void>;
  /** Takes back an amount added for a payment that was never made. */
  releaseUsage(tx: Transaction, mandateHash: string, amount: bigint): Promise<void>;
}
