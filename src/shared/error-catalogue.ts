/**
 * Every error code the API answers with, once, under the module that owns it, with its kind (which
 * fixes the HTTP status) and one line of meaning. `AppError` and its subclasses accept only codes
 * listed here, and only under their own kind, so the compiler proves that every thrown code is
 * catalogued and that class and catalogue agree on the status. docs/errors.md is generated from this
 * (`npm run docs:errors`); a unit test fails when the two drift.
 */

/** What went wrong, as a class of answer: the kind fixes the HTTP status. */
export type ErrorKind =
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'insufficient_funds'
  | 'policy_violation'
  | 'declined'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'internal'
  | 'unavailable';

/** The one table from error kind to HTTP status. */
export const STATUS_BY_KIND = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  insufficient_funds: 422,
  // A card decline is 422, never 402: HTTP 402 is the x402 payment challenge, and x402 clients
  // (@x402/fetch) would try to pay OCP's own refusals (issue #17, item 10).
  declined: 422,
  policy_violation: 403,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<ErrorKind, number>;

export interface ErrorEntry {
  readonly kind: ErrorKind;
  readonly meaning: string;
}

export const ERROR_CATALOGUE = {
  http: {
    validation_failed: {
      kind: 'validation',
      meaning: 'The request does not match the schema; details.fields lists each field and what is wrong.',
    },
    malformed_json: { kind: 'validation', meaning: 'The request body is not valid JSON.' },
    request_aborted: { kind: 'validation', meaning: 'The client aborted the request before its body arrived.' },
    bad_request: {
      kind: 'validation',
      meaning:
        'The request could not be understood (for example a path that is not valid percent-encoding); the status is the 4xx the router flagged, usually 400.',
    },
    idempotency_key_missing: { kind: 'validation', meaning: 'A money-moving POST came without an Idempotency-Key header.' },
    unauthorized: { kind: 'unauthorized', meaning: 'Authentication is required: no bearer token (or no metrics token on /metrics).' },
    invalid_token: {
      kind: 'unauthorized',
      meaning: 'The access token or the Authorization header is malformed, badly signed or otherwise invalid.',
    },
    forbidden: { kind: 'forbidden', meaning: 'The caller lacks the permission the action needs; details.permission names it.' },
    not_found: { kind: 'not_found', meaning: "The resource does not exist or is not the caller's." },
    route_not_found: { kind: 'not_found', meaning: 'No route for this method and path.' },
    payload_too_large: { kind: 'payload_too_large', meaning: 'The request body is larger than the server accepts.' },
    unsupported_encoding: {
      kind: 'unsupported_media_type',
      meaning: 'The request body uses a content encoding the server does not accept.',
    },
    unsupported_charset: { kind: 'unsupported_media_type', meaning: 'The request body uses a charset the server does not accept.' },
    unsupported_content_type: {
      kind: 'unsupported_media_type',
      meaning: 'The request has a body that is not JSON; send it with Content-Type application/json.',
    },
    rate_limited: { kind: 'rate_limited', meaning: 'Too many requests; Retry-After and details.retryAfterSeconds say when to try again.' },
    internal_error: {
      kind: 'internal',
      meaning: 'An unexpected error on our side; the response carries the request id to quote to support.',
    },
    database_unavailable: { kind: 'unavailable', meaning: 'The database cannot be reached; Retry-After says when to try again.' },
    dashboard_not_built: {
      kind: 'unavailable',
      meaning: 'The admin dashboard at /admin has no build on this server: run npm run dashboard:build (npm install does it).',
    },
  },
  auth: {
    email_taken: { kind: 'conflict', meaning: 'An account with this email already exists.' },
    invalid_credentials: { kind: 'unauthorized', meaning: 'The email or the password is wrong.' },
    account_locked: { kind: 'unauthorized', meaning: 'The account is locked by an operator; contact support.' },
    invalid_refresh_token: { kind: 'unauthorized', meaning: 'The refresh token is invalid or expired.' },
    refresh_token_reused: {
      kind: 'unauthorized',
      meaning: 'The refresh token was already used (its family is now revoked); sign in again.',
    },
    invalid_client: {
      kind: 'unauthorized',
      meaning: 'The client id or secret is wrong, or the client (or agent) is suspended or revoked.',
    },
    token_expired: { kind: 'unauthorized', meaning: 'The access token has expired; get a new one.' },
    token_revoked: { kind: 'unauthorized', meaning: 'The access token was revoked; sign in again.' },
    agent_not_active: {
      kind: 'unauthorized',
      meaning: 'The token belongs to an agent that is suspended or revoked, or whose credentials were rotated.',
    },
    password_too_short: { kind: 'validation', meaning: 'The password is shorter than the minimum length.' },
    password_too_common: { kind: 'validation', meaning: 'The password is on a list of commonly used passwords.' },
  },
  wallet: {
    wallet_not_found: { kind: 'not_found', meaning: "The wallet does not exist or is not the caller's." },
    wallet_closed: { kind: 'conflict', meaning: 'The wallet is closed and cannot be changed.' },
    wallet_not_active: { kind: 'conflict', meaning: 'The wallet is frozen or closed, so it can neither send, receive nor be funded.' },
    wallet_held: { kind: 'conflict', meaning: 'An operator froze the wallet; only support can change its status.' },
    wallet_not_empty: {
      kind: 'conflict',
      meaning: 'Only a wallet with a zero balance and nothing held can be closed; details.balance and details.held say what it holds.',
    },
    currency_not_allowed: {
      kind: 'unprocessable',
      meaning: 'The tenant does not allow wallets in this currency; details.allowed lists the ones it does. Nothing was created.',
    },
  },
  risk: {
    risk_refused: {
      kind: 'unprocessable',
      meaning: 'The payment was refused by the risk checks; nothing moved. The answer does not say why (operators see the reasons).',
    },
    risk_review_not_found: { kind: 'not_found', meaning: 'The risk review does not exist.' },
    risk_review_pending: {
      kind: 'conflict',
      meaning: 'The hold is a payment held for risk review: only an operator can release it (the payer may still void it).',
    },
    risk_review_decided: { kind: 'conflict', meaning: 'The risk review was already approved or rejected, or its hold expired.' },
    risk_model_invalid: {
      kind: 'unprocessable',
      meaning: 'The risk model file to load is missing or not a valid model; the active model stays.',
    },
  },
  ledger: {
    insufficient_funds: {
      kind: 'insufficient_funds',
      meaning: 'The source does not hold enough for the amount (on chain: for the amount plus gas).',
    },
    currency_mismatch: { kind: 'validation', meaning: 'The wallets, or the wallet and the request, are in different currencies.' },
    same_wallet: { kind: 'validation', meaning: 'The source and destination wallets are the same.' },
    amount_out_of_range: { kind: 'unprocessable', meaning: 'The amount would take a balance outside the range the ledger can hold.' },
    transaction_not_found: { kind: 'not_found', meaning: 'The transaction does not exist or is not visible to the caller.' },
    not_refundable: {
      kind: 'unprocessable',
      meaning: 'The transaction cannot be refunded (a refund itself, or a card charge that is unknown).',
    },
    refund_exceeds_remaining: {
      kind: 'unprocessable',
      meaning: 'The refund is larger than what is left of the original amount; details.remaining says how much.',
    },
    refund_receiver_only: {
      kind: 'forbidden',
      meaning: 'Only the receiver of a payment can refund it (or an operator, through a refund request).',
    },
  },
  holds: {
    hold_not_found: { kind: 'not_found', meaning: 'The hold does not exist, or the caller is neither its payer nor its payee.' },
    hold_not_pending: {
      kind: 'conflict',
      meaning: 'The hold was already captured, voided or expired (another request got there first); details.status says which.',
    },
    capture_exceeds_hold: {
      kind: 'unprocessable',
      meaning: 'A capture cannot take more than the held amount; details.amount is what is held.',
    },
  },
  idempotency: {
    idempotency_in_flight: { kind: 'conflict', meaning: 'A request with this Idempotency-Key is still running; retry after Retry-After.' },
    idempotency_conflict: { kind: 'unprocessable', meaning: 'This Idempotency-Key was already used with a different request body.' },
  },
  admin: {
    customer_not_found: { kind: 'not_found', meaning: 'The customer does not exist.' },
    already_locked: { kind: 'conflict', meaning: 'The login is already locked.' },
    not_locked: { kind: 'conflict', meaning: 'The login is not locked.' },
    wallet_already_frozen: { kind: 'conflict', meaning: 'The wallet is already frozen by an operator.' },
    wallet_not_frozen: { kind: 'conflict', meaning: 'The wallet is not frozen.' },
    refund_request_not_found: { kind: 'not_found', meaning: 'The refund request does not exist.' },
    refund_request_not_pending: { kind: 'conflict', meaning: 'The refund request has already been decided; details.status says how.' },
    adjustment_request_not_found: { kind: 'not_found', meaning: 'The adjustment request does not exist.' },
    adjustment_request_not_pending: {
      kind: 'conflict',
      meaning: 'The adjustment request has already been decided; details.status says how.',
    },
    four_eyes_required: {
      kind: 'forbidden',
      meaning:
        "A refund or adjustment is beyond what one operator may decide alone (its amount, the refunds of one transfer, the operator's day total, or their own request): another operator must approve; details.basis names the rule.",
    },
    card_refund_not_found: { kind: 'not_found', meaning: 'The card refund does not exist.' },
    card_refund_not_failed: { kind: 'conflict', meaning: 'Only a failed card refund can be retried.' },
    alert_not_found: { kind: 'not_found', meaning: 'The monitoring alert does not exist.' },
    alert_already_resolved: { kind: 'conflict', meaning: 'The monitoring alert is already resolved.' },
    range_too_large: { kind: 'validation', meaning: 'The analytics range has too many buckets; shorten it or use a longer interval.' },
    currency_required: { kind: 'validation', meaning: 'A volume metric is per currency: give currency.' },
  },
  tenant: {
    tenant_not_found: { kind: 'not_found', meaning: 'The tenant does not exist.' },
    tenant_suspended: {
      kind: 'forbidden',
      meaning:
        "The caller's tenant is suspended (or no longer exists): none of its requests are served until a platform admin restores it.",
    },
    hostname_taken: { kind: 'conflict', meaning: 'A host name given already belongs to a tenant; details.hostname names it.' },
    default_tenant_not_suspendable: {
      kind: 'conflict',
      meaning: 'The default tenant, whose users the platform admins are, cannot be suspended.',
    },
  },
  agent: {
    agent_not_found: { kind: 'not_found', meaning: "The agent does not exist or is not the caller's." },
    agent_revoked: { kind: 'conflict', meaning: 'A revoked agent cannot be changed.' },
    agent_suspended_or_revoked: {
      kind: 'forbidden',
      meaning: 'The agent is suspended or revoked, so it cannot pay and its payments cannot be approved.',
    },
    agent_only: { kind: 'forbidden', meaning: 'Only an agent can do this.' },
    counterparty_not_active: { kind: 'conflict', meaning: 'The payee agent is suspended or revoked.' },
    checkout_already_paid: { kind: 'conflict', meaning: 'The checkout was already paid, or its payment waits for approval.' },
    approval_not_found: { kind: 'not_found', meaning: "The payment waiting for approval does not exist or is not the caller's." },
    approval_not_pending: { kind: 'conflict', meaning: 'The payment is no longer waiting for approval.' },
    approval_expired: { kind: 'conflict', meaning: 'The approval window of the payment has passed.' },
    sender_mismatch: { kind: 'forbidden', meaning: 'The UCP payload names another agent than the caller as sender.' },
    policy_violation: { kind: 'policy_violation', meaning: "The payment breaks the agent's spending policy; details.rule names the rule." },
    mandate_malformed: { kind: 'validation', meaning: 'The mandate is not a compact JWS, or its claims or constraints are malformed.' },
    mandate_signature_invalid: { kind: 'policy_violation', meaning: 'The mandate signature does not verify against a registered key.' },
    mandate_foreign: { kind: 'policy_violation', meaning: 'The mandate was not issued to this agent by its owner.' },
    mandate_expired: {
      kind: 'policy_violation',
      meaning: "The mandate has expired (an owner mandate's exp, an AP2 intent's intent_expiry, or an AP2 checkout mandate's exp).",
    },
    mandate_exhausted: { kind: 'policy_violation', meaning: "The mandate's budget is used up; details.remaining says what is left." },
    mandate_constraint_unknown: { kind: 'policy_violation', meaning: 'The mandate has a constraint this server does not know.' },
    mandate_constraint_failed: {
      kind: 'policy_violation',
      meaning: 'The payment fails a mandate constraint; details.constraint names it.',
    },
    credential_invalid: {
      kind: 'unprocessable',
      meaning: 'The UCP payment credential is not a token OCP issued (malformed, unknown or made up).',
    },
    credential_wrong_business: { kind: 'forbidden', meaning: 'The UCP payment credential was issued for another business (merchant).' },
    credential_mismatch: {
      kind: 'unprocessable',
      meaning: 'The redemption does not match the UCP payment credential; details.fields names checkout_id, amount or currency.',
    },
    credential_expired: { kind: 'conflict', meaning: 'The UCP payment credential has expired unredeemed; the agent asks for a new one.' },
    credential_already_redeemed: { kind: 'conflict', meaning: 'The UCP payment credential was already redeemed: it pays once.' },
    merchant_payment_not_found: { kind: 'not_found', meaning: 'The merchant has no payment with this id made through a UCP credential.' },
  },
  payment: {
    payment_session_not_found: { kind: 'not_found', meaning: 'The payment session does not exist or has expired.' },
    payment_session_used: { kind: 'conflict', meaning: 'The payment session has already been used.' },
    payment_session_mismatch: {
      kind: 'unprocessable',
      meaning: 'The payment does not match its session; details.fields lists what differs.',
    },
    payment_data_malformed: {
      kind: 'unprocessable',
      meaning: 'The Apple Pay or Google Pay payment data is not a token of the expected shape.',
    },
    payment_data_signature_invalid: { kind: 'unprocessable', meaning: 'The payment data signature is invalid.' },
    payment_data_certificate_invalid: {
      kind: 'unprocessable',
      meaning: 'A certificate in the payment data signature is invalid or does not chain to the root.',
    },
    payment_data_expired: { kind: 'unprocessable', meaning: 'The payment data, or its signing key, has expired.' },
    payment_data_unknown_key: { kind: 'unprocessable', meaning: 'The payment data is encrypted for a key this merchant does not hold.' },
    payment_data_decryption_failed: { kind: 'unprocessable', meaning: 'The payment data cannot be decrypted.' },
    payment_data_replayed: {
      kind: 'conflict',
      meaning: 'This payment data has already been used; authorise the payment again in the wallet.',
    },
    payment_method_not_configured: {
      kind: 'unavailable',
      meaning: 'Apple Pay or Google Pay is not configured on this server; details.setting names what to set.',
    },
    apple_pay_validation_failed: { kind: 'unavailable', meaning: 'Apple Pay merchant validation failed.' },
    validation_url_not_allowed: {
      kind: 'validation',
      meaning: "The validationUrl is not an https URL on one of Apple Pay's merchant validation hosts.",
    },
    token_invalid: { kind: 'unprocessable', meaning: 'The card token cannot be charged; details.reason says why.' },
    token_not_chargeable: { kind: 'unprocessable', meaning: 'The processor cannot charge tokens from this token provider.' },
    charge_already_credited: { kind: 'conflict', meaning: 'The card charge has already been credited to the wallet.' },
    auto_top_up_not_configured: { kind: 'not_found', meaning: 'Auto top-up is not configured for this wallet.' },
    settlement_file_invalid: {
      kind: 'validation',
      meaning: 'The settlement file cannot be reconciled as sent; details.line and details.reason say where and why. Nothing was stored.',
    },
    settlement_file_not_csv: {
      kind: 'unsupported_media_type',
      meaning: 'A settlement file is uploaded as the raw body with Content-Type text/csv.',
    },
    reconciliation_not_found: { kind: 'not_found', meaning: 'The reconciliation does not exist.' },
    reconciliation_too_large: {
      kind: 'unprocessable',
      meaning: "More of our records fall in the file's period than one reconciliation holds; upload the period in smaller files.",
    },
    card_declined: { kind: 'declined', meaning: 'The card was declined; details.declineCode says why.' },
    processing_error: { kind: 'declined', meaning: 'The processor could not process the card; try again later.' },
    processor_rejected: {
      kind: 'unprocessable',
      meaning: 'The card processor refused the request; details.providerStatus is its HTTP status.',
    },
    processor_unavailable: { kind: 'unavailable', meaning: 'The card processor cannot be reached or answered unexpectedly.' },
    processor_not_configured: {
      kind: 'unavailable',
      meaning:
        "The tenant's card processor, which also holds its cards, has no credentials set (the platform must set them); nothing was charged or tokenized.",
    },
    payout_not_found: { kind: 'not_found', meaning: "The payout does not exist or is not the caller's." },
    payout_destination_not_found: {
      kind: 'not_found',
      meaning: "The payout destination (a card token or a registered bank account) does not exist or is not the caller's.",
    },
    payout_destination_unsupported: {
      kind: 'unprocessable',
      meaning: 'The processor cannot pay out to this destination (a card token from another provider, or another currency).',
    },
    payout_daily_limit_exceeded: {
      kind: 'unprocessable',
      meaning: "The payout would take the caller's payouts today (UTC) past the daily limit; details.dailyLimitMinor is the limit.",
    },
    payout_failed: { kind: 'declined', meaning: 'The processor could not send the payout; details.failureCode says why.' },
    bank_account_invalid: { kind: 'unprocessable', meaning: 'The processor refused the bank account details.' },
  },
  token: {
    token_not_found: { kind: 'not_found', meaning: "The card token does not exist or is not the caller's." },
    invalid_card: { kind: 'validation', meaning: 'The card data is invalid; details.fields lists what is wrong.' },
    wallet_decryption_unsupported: {
      kind: 'unprocessable',
      meaning: "The configured token provider does not decrypt this mobile wallet's data.",
    },
    network_token_unsupported: {
      kind: 'unprocessable',
      meaning: 'The configured token provider does not accept decrypted network tokens.',
    },
    token_provider_rejected: {
      kind: 'unprocessable',
      meaning: 'The token provider refused the request; details.providerStatus is its HTTP status.',
    },
    token_provider_unavailable: { kind: 'unavailable', meaning: 'The token provider cannot be reached or answered unexpectedly.' },
  },
  web3: {
    web3_not_configured: { kind: 'unavailable', meaning: 'Web3 is not enabled on this server (WEB3_CHAINS is empty).' },
    unknown_chain: {
      kind: 'validation',
      meaning: 'The chain id is not configured on this server; details.configured lists those that are.',
    },
    unknown_asset: { kind: 'validation', meaning: 'The asset is neither "native" nor a token configured for the chain.' },
    chain_id_required: { kind: 'validation', meaning: 'The wallet has no default chain: give chainId.' },
    web3_wallet_not_found: { kind: 'not_found', meaning: "The chain wallet does not exist or is not the caller's." },
    web3_send_not_found: { kind: 'not_found', meaning: "The chain send does not exist or is not the caller's." },
    transaction_rejected: { kind: 'unprocessable', meaning: 'The chain refused the transaction; details.chainCode is its reason.' },
    chain_unavailable: { kind: 'unavailable', meaning: "The chain's RPC node cannot be reached; nothing was sent." },
    chain_error: { kind: 'unavailable', meaning: "The chain's RPC node failed to answer." },
    token_domain_mismatch: {
      kind: 'unprocessable',
      meaning: "The EIP-712 domain (name, version) given for a token is not the token's own, or the asset is not a token.",
    },
  },
  webhook: {
    webhook_not_found: { kind: 'not_found', meaning: "The webhook endpoint does not exist or is not the caller's." },
    webhook_endpoint_limit: {
      kind: 'unprocessable',
      meaning: 'The account already has the most webhook endpoints allowed; details.max says how many.',
    },
    webhook_delivery_not_found: { kind: 'not_found', meaning: 'The delivery does not exist or is not of that webhook endpoint.' },
    webhook_delivery_pending: {
      kind: 'conflict',
      meaning: 'The delivery is still queued or being sent; it can be redelivered once delivered or failed.',
    },
  },
  x402: {
    x402_url_not_allowed: { kind: 'validation', meaning: 'OCP does not fetch that URL: not http(s), or not a public address.' },
    x402_unreachable: { kind: 'unavailable', meaning: 'The URL to pay could not be fetched (refused, timed out, or too large an answer).' },
    x402_not_a_challenge: { kind: 'unprocessable', meaning: 'The URL answered 402 without an x402 payment challenge; nothing was signed.' },
    x402_no_payable_requirement: {
      kind: 'unprocessable',
      meaning: 'No requirement of the x402 challenge is one OCP can pay (exact scheme, an EVM token configured here); nothing was signed.',
    },
    x402_above_max_amount: {
      kind: 'unprocessable',
      meaning: 'Every payable requirement of the challenge asks more than maxAmount; details.asked lists them; nothing was signed.',
    },
    x402_payment_unresolved: {
      kind: 'conflict',
      meaning:
        'A retry whose Idempotency-Key holds a signed payment with no known outcome: the same payment was sent again and the server did not serve it, and it may still settle; details.paymentId, details.onChain (settled, not_settled, unknown); nothing new was signed. Once its authorization has expired unused on chain, a retry pays afresh.',
    },
  },
  ap2: {
    mandate_required: {
      kind: 'validation',
      meaning: 'AP2 is in force for this checkout but the complete request lacks ap2.checkout_mandate (UCP AP2 error code).',
    },
    merchant_authorization_missing: {
      kind: 'validation',
      meaning: 'The checkout embedded in the AP2 checkout mandate carries no ap2.merchant_authorization (UCP AP2 error code).',
    },
    agent_missing_key: {
      kind: 'policy_violation',
      meaning: "The checkout mandate's kid names no owner mandate key registered in OCP (UCP AP2 error code).",
    },
    mandate_invalid_signature: {
      kind: 'policy_violation',
      meaning:
        "The checkout mandate is malformed, its signature, disclosures or key binding do not verify, or its key is not the paying owner's (UCP AP2 error code).",
    },
    mandate_scope_mismatch: {
      kind: 'policy_violation',
      meaning: "The checkout in the mandate differs from this checkout's id, currency, line items or totals (UCP AP2 error code).",
    },
    merchant_authorization_invalid: {
      kind: 'policy_violation',
      meaning: "The merchant_authorization in the mandate's checkout is not this business's valid signature over it (UCP AP2 error code).",
    },
    mandate_already_used: { kind: 'conflict', meaning: 'This AP2 checkout mandate has already completed a checkout.' },
  },
  merchant: {
    merchant_not_found: { kind: 'not_found', meaning: "The merchant does not exist or is not the caller's." },
    merchant_currency_mismatch: {
      kind: 'unprocessable',
      meaning: "A price is not in the merchant's currency (its wallet's); details.currency says which it takes.",
    },
    product_not_found: { kind: 'not_found', meaning: "The product is not in this merchant's catalog." },
    product_exists: { kind: 'conflict', meaning: "The merchant's catalog already has a product with this id." },
    merchant_api_client_not_found: { kind: 'not_found', meaning: 'The merchant has no such unrevoked API client.' },
    merchant_limit: {
      kind: 'unprocessable',
      meaning: 'The account or merchant already has the most of this resource allowed; details.max says how many.',
    },
    checkout_not_found: { kind: 'not_found', meaning: 'The merchant has no checkout session with this id.' },
    checkout_completed: {
      kind: 'conflict',
      meaning: 'The checkout session is completed: it can no longer be updated, completed or canceled.',
    },
    checkout_canceled: {
      kind: 'conflict',
      meaning: 'The checkout session was canceled or has expired: it can no longer be updated, completed or canceled.',
    },
    checkout_not_ready: {
      kind: 'conflict',
      meaning: 'The checkout session still has errors in its messages (status incomplete): resolve them with an update first.',
    },
    checkout_changed: {
      kind: 'conflict',
      meaning: 'The checkout session changed while this request ran (another update or complete came first): get it and try again.',
    },
    payment_handler_unsupported: {
      kind: 'unprocessable',
      meaning: "The checkout's payment_data names a payment handler this merchant does not accept (only the OCP wallet's).",
    },
    out_of_stock: {
      kind: 'conflict',
      meaning: 'An item of the checkout is no longer in stock in the quantity ordered; nothing was paid.',
    },
    order_not_found: { kind: 'not_found', meaning: 'The merchant has no order with this id.' },
  },
  ucp: {
    ucp_agent_missing: {
      kind: 'validation',
      meaning: 'A UCP checkout request came without the UCP-Agent header (profile="<platform profile URI>") the REST binding requires.',
    },
    ucp_agent_invalid: {
      kind: 'validation',
      meaning: 'The UCP-Agent header is not an RFC 8941 dictionary with a profile string holding an absolute http(s) URL.',
    },
  },
  a2a: {
    payment_request_not_found: { kind: 'not_found', meaning: 'The A2A payment request does not exist or is payable to another agent.' },
    payment_request_settled: { kind: 'conflict', meaning: 'The A2A payment request is already paid: it pays once.' },
    payment_request_expired: { kind: 'conflict', meaning: 'The A2A payment request has expired unpaid; the payee issues a new one.' },
  },
  graphql: {
    graphql_invalid: {
      kind: 'validation',
      meaning:
        'The GraphQL request is not a valid document for the schema (syntax, unknown field, wrong variable type, introspection when it is off).',
    },
    graphql_too_complex: {
      kind: 'validation',
      meaning:
        'The GraphQL document is nested deeper than GRAPHQL_MAX_DEPTH, costs more than GRAPHQL_MAX_COMPLEXITY, or asks for more than one mutation.',
    },
    graphql_too_many_subscriptions: {
      kind: 'rate_limited',
      meaning: 'The WebSocket already runs GRAPHQL_WS_MAX_SUBSCRIPTIONS subscriptions: end one, or open another socket.',
    },
  },
} as const satisfies Record<string, Record<string, ErrorEntry>>;

type Catalogue = typeof ERROR_CATALOGUE;
type CatalogueModule = keyof Catalogue;

/** Every code the API can answer with. */
export type ErrorCode = { [M in CatalogueModule]: keyof Catalogue[M] & string }[CatalogueModule];

/** The codes of one kind: what a subclass of that kind accepts. */
export type CodeOf<K extends ErrorKind> = {
  [M in CatalogueModule]: { [C in keyof Catalogue[M]]: Catalogue[M][C] extends { kind: K } ? C : never }[keyof Catalogue[M]];
}[CatalogueModule] &
  string;

/** Each code with its module, kind and HTTP status, in catalogue order. */
export function catalogueRows(): { module: string; code: ErrorCode; kind: ErrorKind; status: number; meaning: string }[] {
  return Object.entries(ERROR_CATALOGUE).flatMap(([module, codes]) =>
    Object.entries(codes as Record<ErrorCode, ErrorEntry>).map(([code, entry]) => ({
      module,
      code: code as ErrorCode,
      kind: entry.kind,
      status: STATUS_BY_KIND[entry.kind],
      meaning: entry.meaning,
    })),
  );
}

const ENTRY_BY_CODE = new Map(catalogueRows().map((row) => [row.code, row]));

/** The HTTP status a code answers with. */
export function statusOf(code: ErrorCode): number {
  return ENTRY_BY_CODE.get(code)!.status;
}
