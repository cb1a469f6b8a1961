import { createMerchantApp, ocpClientAuth } from './app';

// npx tsx examples/x402-merchant/server.ts, with the settings below (see README.md beside this file).
const need = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} (see examples/x402-merchant/README.md)`);
  return value;
};

const ocpUrl = need('OCP_URL');
const app = createMerchantApp({
  facilitatorUrl: `${ocpUrl}/x402`,
  authHeaders: ocpClientAuth(ocpUrl, need('OCP_CLIENT_ID'), need('OCP_CLIENT_SECRET')),
  network: need('X402_NETWORK') as `eip155:${number}`,
  asset: need('X402_ASSET'),
  assetDomain: { name: process.env.X402_ASSET_NAME ?? 'USD Coin', version: process.env.X402_ASSET_VERSION ?? '2' },
  amount: process.env.X402_PRICE ?? '10000',
  payTo: need('X402_PAY_TO'),
});
const port = Number(process.env.PORT ?? 4021);
app.listen(port, () => process.stdout.write(`x402 merchant on http://localhost:${port}/weather\n`));
