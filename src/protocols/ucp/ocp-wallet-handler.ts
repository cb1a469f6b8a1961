import { UCP_VERSION } from './ucp-version';

/** The OCP wallet payment handler's id: the instruments a merchant accepts name it in `handler_id`. */
export const OCP_WALLET_HANDLER_ID = 'ocp_wallet';

/**
 * The OCP wallet as a UCP payment handler object (PaymentHandlerResponseSchema), as OCP's merchants
 * declare it in their profiles and checkouts; `merchantId` is the business platforms bind credentials to.
 */
export function ocpWalletHandler(settings: { name: string; publicBaseUrl: string; apiBasePath: string }, merchantId?: string) {
  const base = settings.publicBaseUrl;
  return {
    id: OCP_WALLET_HANDLER_ID,
    name: settings.name,
    version: UCP_VERSION,
    spec: `${base}/ucp/handlers/${OCP_WALLET_HANDLER_ID}`,
    config_schema: `${base}/ucp/schemas/${OCP_WALLET_HANDLER_ID}_config.json`,
    instrument_schemas: [`${base}/ucp/schemas/${OCP_WALLET_HANDLER_ID}_instrument.json`],
    config: {
      issuer: base,
      credential_endpoint: `${base}${settings.apiBasePath}/ucp/payment-credentials`,
      redeem_endpoint: `${base}${settings.apiBasePath}/ucp/payment-credentials/redeem`,
      ...(merchantId ? { merchant_id: merchantId } : {}),
    },
  };
}

export type OcpWalletHandler = ReturnType<typeof ocpWalletHandler>;
