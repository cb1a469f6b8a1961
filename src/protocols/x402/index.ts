// The x402 edge's public surface, for the container and the app.
export { X402Facilitator, type Eip3009Settler } from './facilitator';
export { x402FacilitatorRoutes } from './facilitator.routes';
export { createVaultX402Signer, type X402EvmSigner } from './vault-signer';
export { X402Payer, type PayRequest, type PayResult } from './payer';
export { x402PayerRoutes } from './payer.routes';
// The MCP tool pay_x402, for mountMcp's extraTools.
export { x402McpTools } from './pay-x402.tool';
