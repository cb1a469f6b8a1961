import DataLoader from 'dataloader';
import type { AgentService } from '../../modules/agent';
import type { IdempotencyService } from '../../modules/idempotency';
import type { LedgerEntry, LedgerService } from '../../modules/ledger';
import type { Wallet, WalletService } from '../../modules/wallet';
import type { WebhookService } from '../../modules/webhook';
import type { EventFanout } from '../../infra/pubsub/event-fanout';
import type { AppError } from '../../shared/errors';
import type { Page } from '../../shared/pagination';
import type { Principal } from '../../shared/principal';

/** The services the GraphQL edge calls: the same ones, through the same methods, as the REST routes. */
export interface GraphqlServices {
  wallets: WalletService;
  ledger: LedgerService;
  agents: AgentService;
  webhooks: WebhookService;
  idempotency: IdempotencyService;
}

export interface GraphqlContext {
  principal: Principal;
  services: GraphqlServices;
  loaders: Loaders;
  /** Subscriptions only: where the events of every instance arrive. */
  fanout?: EventFanout;
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * Batching for one request (never shared between callers: what a loader caches is the caller's
 * view). A nested list asks for its children together: one read for the wallets of every agent
 * of an answer, one for the first history page of every wallet of an answer.
 */
export function createLoaders(principal: Principal, services: GraphqlServices) {
  return {
    wallet: new DataLoader<string, Wallet | null>(async (ids) => {
      const found = await services.wallets.getMany(principal, ids);
      return ids.map((id) => found.get(id) ?? null);
    }),
    /** Key: `${walletId} ${first}` (history's first page; later pages, with a cursor, are read one by one). */
    firstHistoryPage: new DataLoader<string, Page<LedgerEntry>>(async (keys) => {
      const byLimit = new Map<number, string[]>();
      for (const key of keys) {
        const [walletId, first] = splitKey(key);
        byLimit.set(first, [...(byLimit.get(first) ?? []), walletId]);
      }
      const pages = new Map<string, Page<LedgerEntry> | AppError>();
      for (const [first, walletIds] of byLimit) {
        for (const [walletId, page] of await services.ledger.firstHistoryPages(principal, walletIds, first)) {
          pages.set(`${walletId} ${first}`, page);
        }
      }
      return keys.map((key) => pages.get(key) ?? new Error(`no page for ${key}`));
    }),
  };
}

function splitKey(key: string): [string, number] {
  const space = key.lastIndexOf(' ');
  return [key.slice(0, space), Number(key.slice(space + 1))];
}
