/**
 * The GraphQL schema's types, written once here; resolvers.ts gives the fields their code and
 * docs/graphql/schema.graphql is printed from the built schema (`npm run graphql:schema`).
 * Money is a string of minor units, as in the REST API; times are ISO 8601 strings.
 */
export const TYPE_DEFS = /* GraphQL */ `
  "Any JSON value (metadata, spending policies)."
  scalar JSON

  type Query {
    "The caller's wallets, newest first."
    wallets(first: Int = 20, after: String): WalletConnection!
    "One of the caller's wallets (wallet_not_found otherwise, as GET /wallets/{id})."
    wallet(id: ID!): Wallet!
    "The caller's agents, newest first."
    agents(first: Int = 20, after: String): AgentConnection!
    agent(id: ID!): Agent!
    "The caller's webhook endpoints."
    webhooks: [Webhook!]!
  }

  type Mutation {
    "Moves money between two wallets, as POST /wallet/transfer; the key works as its Idempotency-Key (the same key there and here is one transfer)."
    transfer(input: TransferInput!, idempotencyKey: String!): TransferOutcome!
    "Changes label, metadata, low-balance threshold or status, as PATCH /wallets/{id}."
    updateWallet(id: ID!, input: UpdateWalletInput!): Wallet!
    "Registers an agent, as POST /agents: its secret is in this answer only."
    createAgent(input: CreateAgentInput!): RegisteredAgent!
    updateAgent(id: ID!, input: UpdateAgentInput!): Agent!
    suspendAgent(id: ID!): Agent!
    resumeAgent(id: ID!): Agent!
    revokeAgent(id: ID!): Agent!
  }

  type Subscription {
    "A wallet of the caller's balance after each posting."
    balanceChanged(walletId: ID!): BalanceChange!
    "Transfers and refunds to or from a wallet of the caller's."
    transferEvents(walletId: ID!): TransferEvent!
    "The caller's agents' payment decisions: completed, refused, approval requested, declined, expired."
    agentDecisions: AgentDecision!
  }

  type PageInfo {
    hasNextPage: Boolean!
    endCursor: String
  }

  type Wallet {
    id: ID!
    userId: ID!
    currency: String!
    "The booked balance, minor units."
    balance: String!
    "What can be spent: balance minus held."
    available: String!
    "Reserved by pending holds."
    held: String!
    status: WalletStatus!
    label: String
    metadata: JSON!
    lowBalanceThreshold: String
    createdAt: String!
    updatedAt: String!
    "The wallet's transaction history, newest first (as GET /wallets/{id}/transactions)."
    transactions(first: Int = 20, after: String): TransactionConnection!
  }

  enum WalletStatus {
    active
    frozen
    closed
  }

  type WalletConnection {
    edges: [WalletEdge!]!
    pageInfo: PageInfo!
  }

  type WalletEdge {
    cursor: String!
    node: Wallet!
  }

  type Transaction {
    id: ID!
    transferId: ID!
    walletId: ID!
    type: String!
    direction: String!
    "Minor units, always positive; see direction."
    amount: String!
    currency: String!
    status: String!
    balanceAfter: String!
    counterpartyWalletId: ID!
    description: String
    refundOf: ID
    createdAt: String!
  }

  type TransactionConnection {
    edges: [TransactionEdge!]!
    pageInfo: PageInfo!
  }

  type TransactionEdge {
    cursor: String!
    node: Transaction!
  }

  type Transfer {
    id: ID!
    type: String!
    status: String!
    amount: String!
    currency: String!
    fromWalletId: ID!
    toWalletId: ID!
    refundOf: ID
    refundedAmount: String!
    description: String
    createdAt: String!
  }

  "What a transfer answers: the posted transfer (REST's 201), or the money held for an operator's risk review (REST's 202, docs/risk.md)."
  union TransferOutcome = PostedTransfer | HeldForReview

  type PostedTransfer {
    transfer: Transfer!
    debit: Transaction!
    credit: Transaction!
    "True when this answer is the stored one of an earlier call with the same idempotencyKey."
    replayed: Boolean!
  }

  "Not posted yet: a hold reserves the money until an operator approves (the transfer is made) or rejects (the hold is voided)."
  type HeldForReview {
    "pending_review"
    status: String!
    reviewId: ID!
    holdId: ID!
    "True when this answer is the stored one of an earlier call with the same idempotencyKey."
    replayed: Boolean!
  }

  type Policy {
    maxPerTransaction: String
    dailyBudget: String
    monthlyBudget: String
    allowedCounterparties: [String!]!
    allowedCurrencies: [String!]!
    notBefore: String
    expiresAt: String
    approvalThreshold: String
    x402WalletId: String
    x402Assets: [String!]
    x402MaxPerRequest: String
    x402DailyBudget: String
  }

  type Agent {
    id: ID!
    name: String!
    description: String
    walletId: ID!
    "The wallet the agent spends from (batched: one read for every agent of the answer)."
    wallet: Wallet
    clientId: String!
    status: AgentStatus!
    policyVersion: Int!
    policy: Policy!
    createdAt: String!
    updatedAt: String!
  }

  enum AgentStatus {
    active
    suspended
    revoked
  }

  type AgentConnection {
    edges: [AgentEdge!]!
    pageInfo: PageInfo!
  }

  type AgentEdge {
    cursor: String!
    node: Agent!
  }

  type AgentCredentials {
    clientId: String!
    "Shown once; exchange both at POST /auth/token."
    clientSecret: String!
  }

  type RegisteredAgent {
    agent: Agent!
    credentials: AgentCredentials!
  }

  type Webhook {
    id: ID!
    url: String!
    events: [String!]!
    createdAt: String!
  }

  input TransferInput {
    fromWalletId: ID!
    toWalletId: ID!
    "Minor units, a string of digits."
    amount: String!
    currency: String
    description: String
    metadata: JSON
  }

  input UpdateWalletInput {
    label: String
    metadata: JSON
    status: WalletStatus
    lowBalanceThreshold: String
  }

  input CreateWalletForAgentInput {
    currency: String!
  }

  input CreateAgentInput {
    name: String!
    description: String
    walletId: ID
    createWallet: CreateWalletForAgentInput
    "The spending policy, as POST /agents takes it."
    policy: JSON
    "Instead of policy: the agent may spend the whole wallet."
    unlimited: Boolean
  }

  input UpdateAgentInput {
    name: String
    description: String
    policy: JSON
  }

  type BalanceChange {
    eventId: ID!
    walletId: ID!
    currency: String!
    balance: String!
    transferId: ID!
    occurredAt: String!
  }

  type TransferEvent {
    eventId: ID!
    "transfer.completed or refund.completed"
    type: String!
    transferId: ID!
    transferType: String!
    amount: String!
    currency: String!
    fromWalletId: ID!
    toWalletId: ID!
    refundOf: ID
    occurredAt: String!
  }

  type AgentDecision {
    eventId: ID!
    "agent.payment.completed, agent.payment.refused, agent.approval.requested, agent.approval.declined or agent.approval.expired"
    type: String!
    paymentId: ID!
    agentId: ID!
    status: String!
    amount: String!
    currency: String!
    "For a refusal: the error code and the policy rule that refused (null when not a policy rule)."
    code: String
    rule: String
    occurredAt: String!
  }
`;
