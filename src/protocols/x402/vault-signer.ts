import { getAddress } from 'ethers';
import type { Eip3009SigningService } from '../../modules/web3';
import type { Principal } from '../../shared/principal';

/**
 * The signer shape @x402/evm's `exact` client asks for (its ClientEvmSigner: an address and
 * signTypedData), declared here so the edge needs no SDK types.
 */
export interface X402EvmSigner {
  readonly address: `0x${string}`;
  signTypedData(message: {
    domain: Record<string, unknown>;
    types: Record<string, unknown>;
    primaryType: string;
    message: Record<string, unknown>;
  }): Promise<`0x${string}`>;
}

/**
 * An x402 `exact` EVM signer whose key stays in OCP's vault: it signs EIP-3009
 * TransferWithAuthorization messages only, rebuilt by the web3 module from their fields for a
 * configured token (whose on-chain domain must match), and refuses any other typed data. Plug it
 * into `registerExactEvmScheme(client, { signer })` of @x402/evm.
 * Errors (from the factory): web3_not_configured (503), web3_wallet_not_found (404).
 */
export async function createVaultX402Signer(
  signing: Pick<Eip3009SigningService, 'address' | 'signTransferAuthorization'>,
  principal: Principal,
  web3WalletId: string,
): Promise<X402EvmSigner> {
  const address = (await signing.address(principal, web3WalletId)) as `0x${string}`;
  return {
    address,
    async signTypedData({ domain, primaryType, message }) {
      if (primaryType !== 'TransferWithAuthorization')
        throw new Error(`The OCP vault signs EIP-3009 transfer authorizations only, not ${primaryType}`);
      if (getAddress(String(message.from)) !== address) throw new Error('The authorization is not from this wallet');
      const signed = await signing.signTransferAuthorization(principal, {
        web3WalletId,
        chainId: Number(domain.chainId),
        asset: String(domain.verifyingContract),
        domain: { name: String(domain.name), version: String(domain.version) },
        to: String(message.to),
        value: BigInt(String(message.value)),
        validAfter: BigInt(String(message.validAfter)),
        validBefore: BigInt(String(message.validBefore)),
        nonce: String(message.nonce),
      });
      return signed.signature as `0x${string}`;
    },
  };
}
