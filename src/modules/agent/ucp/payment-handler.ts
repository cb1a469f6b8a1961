/**
 * OCP's wallet as a UCP payment handler (UCP 2026-01-11, docs/ucp-payment-handler.md): its identity
 * in one place, the handler object businesses put in `payment.handlers`, and the JSON schemas of its
 * config and instrument, all with absolute URLs under PUBLIC_BASE_URL.
 */

/** The UCP version the handler follows: the one @ucp-js/sdk 0.1.1 implements. */
export const UCP_HANDLER_VERSION = '2026-01-11';
/** The handler's id in a business's `payment.handlers`; instruments name it in `handler_id`. */
export const OCP_HANDLER_ID = 'ocp_wallet';
export const OCP_INSTRUMENT_TYPE = 'ocp_wallet';
export const OCP_CREDENTIAL_TYPE = 'ocp_wallet_token';
/** Every credential token starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const OCP_TOKEN_PREFIX = 'ocpwt_';
/** The prefix and 32 random bytes in base64url. */
export const OCP_TOKEN_PATTERN = /^ocpwt_[A-Za-z0-9_-]{43}$/;

export interface PaymentHandlerSettings {
  /** UCP_PAYMENT_HANDLER_NAME, e.g. dev.ocp.wallet. */
  name: string;
  /** PUBLIC_BASE_URL without a trailing slash. */
  publicBaseUrl: string;
  /** Where the API is mounted, e.g. /api/v1. */
  apiBasePath: string;
  environment: 'sandbox' | 'production';
}

/** The paths OCP serves the handler's documents at (below PUBLIC_BASE_URL). */
export const HANDLER_PATHS = {
  spec: `/ucp/handlers/${OCP_HANDLER_ID}`,
  configSchema: `/ucp/schemas/${OCP_HANDLER_ID}_config.json`,
  instrumentSchema: `/ucp/schemas/${OCP_HANDLER_ID}_instrument.json`,
} as const;

/**
 * The handler object (UCP `PaymentHandlerResponseSchema`: id, name, version, spec, config_schema,
 * instrument_schemas, config). A business declaring it in its checkouts' `payment.handlers` passes its
 * OCP merchant id, the identity platforms bind credentials to; OCP's own profile leaves it out.
 */
export function ocpPaymentHandler(s: PaymentHandlerSettings, business?: { merchantId: string }) {
  const base = s.publicBaseUrl.replace(/\/+$/, '');
  return {
    id: OCP_HANDLER_ID,
    name: s.name,
    version: UCP_HANDLER_VERSION,
    spec: base + HANDLER_PATHS.spec,
    config_schema: base + HANDLER_PATHS.configSchema,
    instrument_schemas: [base + HANDLER_PATHS.instrumentSchema],
    config: {
      environment: s.environment,
      issuer: base,
      credential_endpoint: `${base}${s.apiBasePath}/ucp/payment-credentials`,
      redeem_endpoint: `${base}${s.apiBasePath}/ucp/payment-credentials/redeem`,
      token_endpoint: `${base}${s.apiBasePath}/auth/token`,
      ...(business ? { merchant_id: business.merchantId } : {}),
    },
  };
}

export type OcpPaymentHandler = ReturnType<typeof ocpPaymentHandler>;

const UCP_SCHEMAS = 'https://ucp.dev/schemas/shopping/types';

/** The JSON schema of the handler's `config`. */
export function handlerConfigSchema(s: PaymentHandlerSettings) {
  const url = { type: 'string', format: 'uri' };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: s.publicBaseUrl + HANDLER_PATHS.configSchema,
    title: 'OcpWalletConfig',
    description: `Configuration of the ${s.name} payment handler (OCP wallets).`,
    type: 'object',
    required: ['issuer', 'credential_endpoint', 'redeem_endpoint'],
    properties: {
      environment: { type: 'string', enum: ['sandbox', 'production'], default: 'production', description: 'The OCP environment.' },
      issuer: { ...url, description: 'The OCP deployment that issues and redeems the credentials.' },
      credential_endpoint: { ...url, description: 'Where platforms (agents) ask for a credential bound to a checkout.' },
      redeem_endpoint: { ...url, description: 'Where businesses redeem a credential, with their OCP merchant API client token.' },
      token_endpoint: { ...url, description: 'Where OCP client credentials are exchanged for a bearer token.' },
      merchant_id: {
        type: 'string',
        pattern: '^mer_[A-Za-z0-9_-]{1,60}$',
        description:
          "The business's OCP merchant id: platforms bind credentials to it. Required in a business's checkout payment.handlers.",
      },
    },
  };
}

/** The JSON schema of an OCP wallet instrument, extending UCP's payment_instrument. */
export function handlerInstrumentSchema(s: PaymentHandlerSettings) {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: s.publicBaseUrl + HANDLER_PATHS.instrumentSchema,
    title: 'OcpWalletInstrument',
    description: 'A payment from an OCP agent wallet: a single-use token bound to one business, checkout, amount and currency.',
    allOf: [{ $ref: `${UCP_SCHEMAS}/payment_instrument.json` }],
    type: 'object',
    required: ['id', 'handler_id', 'type', 'credential'],
    properties: {
      handler_id: { type: 'string', const: OCP_HANDLER_ID },
      type: { type: 'string', const: OCP_INSTRUMENT_TYPE },
      credential: {
        type: 'object',
        required: ['type', 'token', 'expiry'],
        properties: {
          type: { type: 'string', const: OCP_CREDENTIAL_TYPE },
          token: { type: 'string', pattern: OCP_TOKEN_PATTERN.source, description: 'Single use; redeem it at the config redeem_endpoint.' },
          expiry: { type: 'string', format: 'date-time', description: 'After this instant the token is refused.' },
        },
      },
    },
  };
}
