import type { Schemas } from '@ocp/sdk';
import type { CommandSpec, Flags } from '../command.js';
import { usageError } from '../errors.js';
import { money, renderFields, renderTable, when, type Column } from '../output.js';

type Agent = Schemas['Agent'];
type Policy = NonNullable<Schemas['AgentPolicy']>;

const LIMIT_FLAGS = {
  'max-per-transaction': 'maxPerTransaction',
  'daily-budget': 'dailyBudget',
  'monthly-budget': 'monthlyBudget',
  'approval-threshold': 'approvalThreshold',
} as const;

const limitText = (agent: Agent) => {
  const p = agent.policy;
  const currency = p.allowedCurrencies.length === 1 ? p.allowedCurrencies[0]! : undefined;
  const show = (minor: string | undefined) =>
    minor === undefined ? undefined : currency ? money(minor, currency) : `${minor} (minor units)`;
  const parts = [
    ['per payment', show(p.maxPerTransaction)],
    ['per day', show(p.dailyBudget)],
    ['per month', show(p.monthlyBudget)],
  ].filter(([, value]) => value !== undefined);
  return parts.length ? parts.map(([label, value]) => `${value} ${label}`).join(', ') : 'no amount limits';
};

const AGENT_COLUMNS: Column<Agent>[] = [
  { header: 'id', value: (a) => a.id },
  { header: 'name', value: (a) => a.name },
  { header: 'status', value: (a) => a.status },
  { header: 'wallet', value: (a) => a.walletId },
  { header: 'limits', value: limitText },
  { header: 'created', value: (a) => when(a.createdAt) },
];

const agentFields = (a: Agent) =>
  renderFields([
    ['ID', a.id],
    ['Name', a.name],
    ['Status', a.status],
    ['Wallet', a.walletId],
    ['Client ID', a.clientId],
    ['Limits', limitText(a)],
    ['Counterparties', a.policy.allowedCounterparties.join(', ') || 'any'],
    ['Currencies', a.policy.allowedCurrencies.join(', ') || 'any'],
    ['Created', when(a.createdAt)],
  ]);

export const agentsCreate: CommandSpec = {
  path: 'agents create',
  summary: 'Create an AI agent that pays from one of your wallets, within a spending policy',
  options: {
    name: { type: 'string', placeholder: '<name>', help: 'what to call it', required: true },
    description: { type: 'string', placeholder: '<text>', help: 'what it is for' },
    wallet: { type: 'string', placeholder: '<wallet>', help: 'one of your wallets it spends from' },
    'create-wallet': { type: 'string', placeholder: '<currency>', help: 'instead of --wallet: open a dedicated wallet in this currency' },
    'max-per-transaction': { type: 'string', placeholder: '"<amount> <currency>"', help: 'the most one payment may be' },
    'daily-budget': { type: 'string', placeholder: '"<amount> <currency>"', help: 'the most per UTC day' },
    'monthly-budget': { type: 'string', placeholder: '"<amount> <currency>"', help: 'the most per UTC month' },
    'approval-threshold': { type: 'string', placeholder: '"<amount> <currency>"', help: 'payments above it wait for your approval' },
    counterparties: { type: 'string', placeholder: '<id,id>', help: 'the only agents, wallets or merchants it may pay' },
    currencies: {
      type: 'string',
      placeholder: '<USD,EUR>',
      help: 'the only currencies it may pay in (default: the currency of the amounts)',
    },
    unlimited: { type: 'boolean', help: 'no policy at all: it may spend the whole wallet, to anyone (a deliberate choice)' },
  },
  details: [
    "Give a policy (at least one of the limits above) or --unlimited. The agent's client secret is printed once:",
    'store it now, it is never shown again (rotate it at the API if it is lost).',
  ],
  examples: ['ocp agents create --name "Shopping bot" --wallet wal_a --max-per-transaction "25 USD" --daily-budget "100 USD"'],
  async run(ctx, flags) {
    const name = flags.required('name');
    const walletId = flags.string('wallet');
    const newWallet = flags.string('create-wallet')?.toUpperCase();
    if ((walletId === undefined) === (newWallet === undefined))
      throw usageError('agents create: give exactly one of --wallet and --create-wallet');
    const description = flags.string('description');
    const policy = policyFrom(flags);
    if (flags.bool('unlimited') === (policy !== undefined)) {
      throw usageError('agents create: give spending limits (--max-per-transaction, --daily-budget, ...) or --unlimited, not both');
    }
    const created = await ctx.client().post('/api/v1/agents', {
      body: {
        name,
        ...(description ? { description } : {}),
        ...(walletId ? { walletId } : { createWallet: { currency: newWallet! } }),
        ...(policy ? { policy } : { unlimited: true as const }),
      },
    });
    if (ctx.json) return ctx.printJson(created);
    const { credentials, ...agent } = created;
    ctx.print(agentFields(agent));
    ctx.print(`\nClient secret (shown once, store it now): ${credentials.clientSecret}`);
  },
};

export const agentsList: CommandSpec = {
  path: 'agents list',
  summary: 'Your agents, their status and limits',
  examples: ['ocp agents list'],
  async run(ctx) {
    const agents: Agent[] = [];
    for await (const agent of ctx.client().paginate('/api/v1/agents', { params: { query: { limit: 100 } } })) agents.push(agent);
    if (ctx.json) return ctx.printJson(agents);
    ctx.print(agents.length ? renderTable(agents, AGENT_COLUMNS) : 'No agents yet: create one with `ocp agents create`.');
  },
};

export const agentsSuspend: CommandSpec = {
  path: 'agents suspend',
  summary: 'Stop an agent from paying at once (its tokens stop working); resume it at the API',
  args: ['id'],
  examples: ['ocp agents suspend agt_7c1e...'],
  async run(ctx, _flags, [id]) {
    const agent = await ctx.client().post('/api/v1/agents/{id}/suspend', { params: { path: { id: id! } } });
    if (ctx.json) return ctx.printJson(agent);
    ctx.print(`Agent ${agent.id} (${agent.name}) is ${agent.status}.`);
  },
};

/** The policy the flags describe, or undefined when none of them is given. */
function policyFrom(flags: Flags): Policy | undefined {
  const limits = Object.entries(LIMIT_FLAGS).flatMap(([flag, field]) => {
    const amount = flags.amount(flag);
    return amount ? [{ flag, field, amount }] : [];
  });
  const counterparties = flags.list('counterparties');
  const currencies = flags.list('currencies')?.map((c) => c.toUpperCase());
  if (!limits.length && !counterparties && !currencies) return undefined;
  const amountCurrencies = [...new Set(limits.map((l) => l.amount.currency))];
  if (amountCurrencies.length > 1) throw usageError(`the limits are in ${amountCurrencies.join(' and ')}: give them in one currency`);
  const policy: Policy = {
    allowedCounterparties: counterparties ?? [],
    // Limits in minor units mean something only in their currency: the agent is held to it.
    allowedCurrencies: currencies ?? amountCurrencies,
  };
  for (const { field, amount } of limits) policy[field] = amount.amount;
  return policy;
}
