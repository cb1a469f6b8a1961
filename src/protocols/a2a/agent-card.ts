import { A2A_PROTOCOL_VERSION, type AgentCard, type AgentSkill } from '@a2a-js/sdk';

/** Where OCP serves A2A, below PUBLIC_BASE_URL: `/a2a` (the caller's own agent) and `/a2a/{agentId}`. */
export const A2A_BASE_PATH = '/a2a';
/** The REST (HTTP+JSON) binding lives below each JSON-RPC endpoint. */
export const REST_SUFFIX = '/rest';
/** The bearer scheme's name in the cards' securitySchemes. */
export const SECURITY_SCHEME = 'ocpAgentToken';

export const SKILLS = {
  receivePayment: 'receive-payment',
  requestPayment: 'request-payment',
  balance: 'balance-and-history',
} as const;

export interface CardSettings {
  /** PUBLIC_BASE_URL without a trailing slash. */
  publicBaseUrl: string;
  /** The OCP deployment's version, shown as the card's version. */
  version: string;
}

const skill = (s: Pick<AgentSkill, 'id' | 'name' | 'description' | 'tags' | 'examples'>): AgentSkill => ({
  ...s,
  inputModes: ['application/json'],
  outputModes: ['application/json'],
  securityRequirements: [],
});

function skills(payee: string): AgentSkill[] {
  return [
    skill({
      id: SKILLS.receivePayment,
      name: 'Receive a payment',
      description:
        `The calling agent pays ${payee} from its own OCP wallet under its owner's spending policy. ` +
        'Send a data part {"skill":"receive-payment","amount":"<minor units>","currency":"USD","memo"?,"mandate"?} ' +
        'or {"skill":"receive-payment","requestId":"preq_…"} to settle a payment request. The task completes with a ' +
        'payment-receipt artifact, fails naming the policy rule, or waits for the owner (TASK_STATE_AUTH_REQUIRED).',
      tags: ['payments', 'ocp', 'ap2'],
      examples: ['{"skill":"receive-payment","amount":"1250","currency":"USD","memo":"invoice 42"}'],
    }),
    skill({
      id: SKILLS.requestPayment,
      name: 'Request a payment (invoice)',
      description:
        `Asks for a payment to ${payee}: {"skill":"request-payment","amount":"<minor units>","currency":"USD","memo"?}. ` +
        'Answers with a payment-request artifact that another agent settles through receive-payment with its requestId.',
      tags: ['payments', 'invoice'],
      examples: ['{"skill":"request-payment","amount":"500","currency":"USD","memo":"api credits"}'],
    }),
    skill({
      id: SKILLS.balance,
      name: 'Balance and history',
      description:
        'The calling agent itself: its bound wallet balance, what it spent today and this month, and its recent payments. ' +
        'Send {"skill":"balance-and-history","limit"?:10}.',
      tags: ['payments', 'balance'],
      examples: ['{"skill":"balance-and-history","limit":5}'],
    }),
  ];
}

/** The card's endpoint for one agent (or, without an id, the calling agent's own). */
export function endpointPath(agentId?: string): string {
  return agentId ? `${A2A_BASE_PATH}/${encodeURIComponent(agentId)}` : A2A_BASE_PATH;
}

function card(s: CardSettings, path: string, name: string, description: string, payee: string): AgentCard {
  const url = `${s.publicBaseUrl}${path}`;
  return {
    name,
    description,
    supportedInterfaces: [
      { url, protocolBinding: 'JSONRPC', protocolVersion: A2A_PROTOCOL_VERSION, tenant: '' },
      { url: `${url}${REST_SUFFIX}`, protocolBinding: 'HTTP+JSON', protocolVersion: A2A_PROTOCOL_VERSION, tenant: '' },
    ],
    provider: { url: s.publicBaseUrl, organization: 'Open Commerce Protocol' },
    version: s.version,
    documentationUrl: `${s.publicBaseUrl}/docs`,
    capabilities: { streaming: true, pushNotifications: true, extensions: [], extendedAgentCard: false },
    securitySchemes: {
      [SECURITY_SCHEME]: {
        scheme: {
          $case: 'httpAuthSecurityScheme',
          value: {
            scheme: 'Bearer',
            bearerFormat: 'JWT',
            description: `An OCP agent access token: POST ${s.publicBaseUrl}/api/v1/auth/token with the agent's clientId and clientSecret.`,
          },
        },
      },
    },
    securityRequirements: [{ schemes: { [SECURITY_SCHEME]: { list: [] } } }],
    defaultInputModes: ['application/json'],
    defaultOutputModes: ['application/json'],
    skills: skills(payee),
    signatures: [],
  };
}

/** The card of one OCP agent: other agents pay it, ask it for payment requests, or ask their own balance. */
export function agentCard(s: CardSettings, agent: { id: string; name: string; description: string | null }): AgentCard {
  const description = agent.description ?? `An agent that takes payments through Open Commerce Protocol (agent ${agent.id}).`;
  return card(s, endpointPath(agent.id), agent.name, description, 'this agent');
}

/**
 * The deployment's card, at the spec's well-known path: its endpoint acts for the calling agent
 * itself (balance, history, payment requests payable to it); per-agent cards are at
 * /a2a/{agentId}/.well-known/agent-card.json.
 */
export function deploymentCard(s: CardSettings): AgentCard {
  return card(
    s,
    endpointPath(),
    'Open Commerce Protocol',
    'Wallets and agent payments under owner spending policies. This endpoint acts for the calling agent itself; ' +
      `each agent's own card is at ${s.publicBaseUrl}${A2A_BASE_PATH}/{agentId}/.well-known/agent-card.json.`,
    'the calling agent',
  );
}
