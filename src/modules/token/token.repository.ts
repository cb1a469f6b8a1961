import type { TokenType } from './token-provider';

/** OCP's record of a token: who owns it, which provider holds it, what may be shown. */
export interface PaymentToken {
  id: string;
  ownerId: string;
  provider: string;
  providerTokenId: string;
  type: TokenType;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  fingerprint: string | null;
  createdAt: Date;
}

export interface TokenRepository {
  insert(token: Omit<PaymentToken, 'createdAt'>): Promise<PaymentToken>;
  findById(id: string): Promise<PaymentToken | null>;
  /** Removes the owner's token; false when there was none. */
  deleteOwned(ownerId: string, id: string): Promise<boolean>;
}
