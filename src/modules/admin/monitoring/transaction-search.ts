import { ValidationFailed } from '../../../shared/errors';
import { toPage, type Cursor, type Page } from '../../../shared/pagination';
import type { Transfer, TransferStatus } from '../../ledger';

export interface TransactionFilter {
  status?: TransferStatus;
  type?: string;
  currency?: string;
  minAmount?: bigint;
  maxAmount?: bigint;
  /** Either side of the transfer. */
  walletId?: string;
  /** Owner of either side. */
  customerId?: string;
  /** Who initiated it: a user, an agent, an API client, an operator. */
  initiatedBy?: string;
  from?: Date;
  to?: Date;
}

/** Every transfer in the ledger, for operators. Newest first, limit + 1. */
export interface TransactionSearchRepository {
  search(filter: TransactionFilter, limit: number, after?: Cursor): Promise<Transfer[]>;
}

export class TransactionSearchService {
  constructor(private readonly repo: TransactionSearchRepository) {}

  /** Errors: validation_failed (400) when minAmount is above maxAmount. */
  async search(filter: TransactionFilter, limit: number, after?: Cursor): Promise<Page<Transfer>> {
    if (filter.minAmount !== undefined && filter.maxAmount !== undefined && filter.minAmount > filter.maxAmount) {
      throw new ValidationFailed('minAmount must not be above maxAmount');
    }
    return toPage(await this.repo.search(filter, limit, after), limit);
  }
}
