import { GraphQLScalarType, Kind, type GraphQLSchema, type ValueNode } from 'graphql';
import { IDEMPOTENCY_HEADERS, idempotencyRequestHash, parse, toJson } from '../../http/api';
import { assertCleanInput } from '../../http/input-guard';
import { createAgentBody, toAgentView, unlimitedPolicy, updateAgentBody, type AgentService } from '../../modules/agent';
import { toPostedTransferView, toTransactionView, transferBody, type LedgerEntry } from '../../modules/ledger';
import { toWalletView, updateWalletBody, type Wallet } from '../../modules/wallet';
import { encodeCursor, pageQuery, type Cursor, type Page } from '../../shared/pagination';
import { hasPermission, type Principal } from '../../shared/principal';
import { need } from './access';
import type { GraphqlContext } from './context';
import { subscriptionResolvers } from './subscription-resolvers';

/** The REST operation the transfer mutation is: its idempotency key, hash and stored reply are that route's. */
export const TRANSFER_PATH = '/api/v1/wallet/transfer';

type Args = Record<string, unknown>;
type Resolver = (parent: never, args: Args, context: GraphqlContext) => unknown;
type Resolvers = Record<string, Record<string, Resolver | { subscribe: Resolver; resolve?: Resolver }>>;

/** first/after as the REST list routes take limit/cursor: the same bounds, the same 400s. */
function pageArgs(args: Args): { limit: number; cursor?: Cursor } {
  const query = parse(pageQuery, { limit: args.first ?? undefined, cursor: args.after ?? undefined }, 'args');
  return { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) };
}

function connection<T extends { createdAt: Date; id: string }, V>(page: Page<T>, view: (row: T) => V) {
  const edges = page.data.map((row) => ({ cursor: encodeCursor(row), node: view(row) }));
  return { edges, pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: edges[edges.length - 1]?.cursor ?? null } };
}

/** GraphQL gives absent input fields as absent and explicit nulls as null, as JSON does: the REST schemas judge both. */
const input = (args: Args) => ({ ...(args.input as Record<string, unknown>) });

const walletNode = (w: Wallet) => toWalletView(w);

async function agentStatus(agents: AgentService, principal: Principal, id: unknown, status: 'active' | 'suspended' | 'revoked') {
  need(principal, 'agent:manage');
  return toAgentView(await agents.setStatus(principal, String(id), status));
}

export const resolvers: Resolvers = {
  Query: {
    wallets: async (_p, args, { principal, services }) => {
      need(principal, 'wallet:read');
      const { limit, cursor } = pageArgs(args);
      return connection(await services.wallets.list(principal.sub, limit, cursor), walletNode);
    },
    wallet: async (_p, args, { principal, services }) => {
      need(principal, 'wallet:read');
      return walletNode(await services.wallets.get(principal, String(args.id)));
    },
    agents: async (_p, args, { principal, services }) => {
      need(principal, 'agent:manage');
      const { limit, cursor } = pageArgs(args);
      return connection(await services.agents.list(principal, limit, cursor), toAgentView);
    },
    agent: async (_p, args, { principal, services }) => {
      need(principal, 'agent:manage');
      return toAgentView(await services.agents.get(principal, String(args.id)));
    },
    webhooks: async (_p, _args, { principal, services }) => {
      need(principal, 'webhook:manage');
      return (await services.webhooks.list(principal.sub)).map((w) => ({ ...w, createdAt: w.createdAt.toISOString() }));
    },
  },
  Wallet: {
    transactions: async (wallet: { id: string }, args, { principal, services, loaders }) => {
      need(principal, 'transaction:read');
      const { limit, cursor } = pageArgs(args);
      const page: Page<LedgerEntry> = cursor
        ? await services.ledger.history(principal, wallet.id, {}, limit, cursor)
        : await loaders.firstHistoryPage.load(`${wallet.id} ${limit}`);
      return connection(page, toTransactionView);
    },
  },
  Agent: {
    wallet: async (agent: { walletId: string }, _args, { principal, loaders }) => {
      if (!hasPermission(principal, 'wallet:read')) return null;
      const wallet = await loaders.wallet.load(agent.walletId);
      return wallet ? walletNode(wallet) : null;
    },
  },
  Mutation: {
    transfer: async (_p, args, { principal, services }) => {
      need(principal, 'wallet:transfer');
      const key = parse(IDEMPOTENCY_HEADERS.shape['idempotency-key'], args.idempotencyKey, 'idempotencyKey');
      // The body REST would have been sent: the same key and input over either API is one transfer.
      const restBody = input(args);
      const body = parse(transferBody, restBody, 'input');
      const hash = idempotencyRequestHash('POST', TRANSFER_PATH, restBody);
      const stored = await services.idempotency.storedReply(principal.sub, key, hash);
      if (stored) return transferOutcome(JSON.parse(stored.body) as object, true);
      const claim = await services.idempotency.claim(principal.sub, key, hash);
      try {
        // Stored as REST stores them, so a replay over either API is the same answer.
        const result = await services.ledger.transfer(principal, body, {
          metadata: body.metadata,
          inTx: (tx, p) => claim.persist(tx, { status: 201, body: toJson(toPostedTransferView(p)) }),
          onHeld: (tx, held) => claim.persist(tx, { status: 202, body: toJson(held) }),
        });
        return transferOutcome('holdId' in result ? result : toPostedTransferView(result), false);
      } finally {
        await claim.release();
      }
    },
    updateWallet: async (_p, args, { principal, services }) => {
      need(principal, 'wallet:write');
      const changes = parse(updateWalletBody, input(args), 'input');
      return walletNode(await services.wallets.update(principal, String(args.id), changes));
    },
    createAgent: async (_p, args, { principal, services }) => {
      need(principal, 'agent:manage');
      const { unlimited: _unlimited, policy, ...registration } = parse(createAgentBody, input(args), 'input');
      const { agent, clientSecret } = await services.agents.register(principal, { ...registration, policy: policy ?? unlimitedPolicy() });
      return { agent: toAgentView(agent), credentials: { clientId: agent.clientId, clientSecret } };
    },
    updateAgent: async (_p, args, { principal, services }) => {
      need(principal, 'agent:manage');
      const changes = parse(updateAgentBody, input(args), 'input');
      return toAgentView(await services.agents.update(principal, String(args.id), changes));
    },
    suspendAgent: (_p, args, { principal, services }) => agentStatus(services.agents, principal, args.id, 'suspended'),
    resumeAgent: (_p, args, { principal, services }) => agentStatus(services.agents, principal, args.id, 'active'),
    revokeAgent: (_p, args, { principal, services }) => agentStatus(services.agents, principal, args.id, 'revoked'),
  },
  Subscription: subscriptionResolvers,
};

/** JSON in and out: metadata and policies, checked by the same zod schemas as over REST. */
export const JSON_SCALAR = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value (metadata, spending policies).',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: function literal(node: ValueNode, variables?: Record<string, unknown> | null): unknown {
    switch (node.kind) {
      case Kind.STRING:
      case Kind.BOOLEAN:
        return node.value;
      case Kind.INT:
      case Kind.FLOAT:
        return Number(node.value);
      case Kind.NULL:
        return null;
      case Kind.LIST:
        return node.values.map((v) => literal(v, variables));
      case Kind.OBJECT:
        return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value, variables)]));
      case Kind.VARIABLE:
        return variables?.[node.name.value];
      default:
        return undefined;
    }
  },
});

/**
 * The REST edge's input guard on every resolver's arguments: a string literal of the document can
 * carry a NUL byte as an escape (\u0000) that no JSON check of the request saw.
 */
function guarded(resolver: Resolver): Resolver {
  return (parent, args, context) => {
    assertCleanInput(args, 'args');
    return resolver(parent, args, context);
  };
}

/** Gives the built schema's fields their resolvers (graphql-js keeps them on the field definitions). */
export function attachResolvers(schema: GraphQLSchema): void {
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!type || !('getFields' in type)) throw new Error(`no type ${typeName} for its resolvers`);
    const definitions = type.getFields() as Record<string, { resolve?: unknown; subscribe?: unknown }>;
    for (const [fieldName, resolver] of Object.entries(fields)) {
      const field = definitions[fieldName];
      if (!field) throw new Error(`no field ${typeName}.${fieldName} for its resolver`);
      if (typeof resolver === 'function') field.resolve = guarded(resolver);
      else Object.assign(field, { ...resolver, subscribe: guarded(resolver.subscribe) });
    }
  }
  const json = schema.getType('JSON') as GraphQLScalarType;
  Object.assign(json, { serialize: JSON_SCALAR.serialize, parseValue: JSON_SCALAR.parseValue, parseLiteral: JSON_SCALAR.parseLiteral });
}

/** The union member a transfer's answer is (graphql-js reads __typename), with whether it was replayed. */
function transferOutcome(answer: object, replayed: boolean) {
  return { ...answer, __typename: 'holdId' in answer ? 'HeldForReview' : 'PostedTransfer', replayed };
}
