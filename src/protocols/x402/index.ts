// The x402 edge's public surface, for the container and the app.
export { X402Facilitator, type Eip3009Settler } from './facilitator';
export { x402FacilitatorRoutes } from './facilitator.routes';
export { createVaultX402Signer, type X402EvmSigner } from './vault-signer';
