import { randomBytes } from 'node:crypto';
import { getAddress, hexlify } from 'ethers';
import type { Principal } from '../../shared/principal';
import { Unprocessable } from '../../shared/errors';
import type { ChainRegistry } from './chain-registry';
import { chainToAppError } from './chain-errors';
import {
  domainSeparator,
  EIP3009_TOKEN,
  TRANSFER_WITH_AUTHORIZATION_TYPES,
  typedDataDomain,
  type TokenDomain,
  type TransferAuthorization,
} from './eip3009';
import type { KeyVault } from './vault/key-vault';
import { assertWeb3WalletAccess } from './web3-access';
import type { Web3Repository } from './web3.repository';

export interface TransferAuthorizationRequest {
  web3WalletId: string;
  chainId: number;
  /** A token configured for the chain (symbol or address). */
  asset: string;
  /** The token's EIP-712 domain as the payee announced it; checked against the token's own. */
  domain: TokenDomain;
  /** The payee (any case). */
  to: string;
  /** Base units, > 0. */
  value: bigint;
  validAfter: bigint;
  validBefore: bigint;
  /** 32 bytes of 0x-hex; random when absent. */
  nonce?: string;
}

export interface SignedTransferAuthorization {
  chainId: number;
  /** The token contract, checksummed. */
  asset: string;
  authorization: TransferAuthorization;
  /** 65 bytes (r, s, v), 0x-hex. */
  signature: string;
}

/**
 * Signs EIP-3009 TransferWithAuthorization messages inside the vault with a chain wallet's key, for
 * payers that hand the signature to someone else to submit (x402). The message is built here from
 * its fields, for a configured token whose on-chain EIP-712 domain matches the announced one, so a
 * caller can never have the vault sign anything but a transfer authorization of a known token.
 */
export class Eip3009SigningService {
  constructor(
    private readonly repo: Web3Repository,
    private readonly vault: KeyVault,
    private readonly chains: ChainRegistry,
  ) {}

  /**
   * Errors: web3_not_configured (503), unknown_chain (400), unknown_asset (400),
   * web3_wallet_not_found (404), token_domain_mismatch (422), chain_unavailable / chain_error (503).
   */
  async signTransferAuthorization(principal: Principal, request: TransferAuthorizationRequest): Promise<SignedTransferAuthorization> {
    const chain = this.chains.get(request.chainId);
    const asset = this.chains.asset(chain, request.asset);
    if (asset.kind !== 'erc20') throw new Unprocessable('token_domain_mismatch', 'Only a token can be paid with an EIP-3009 authorization');
    const wallet = assertWeb3WalletAccess(principal, await this.repo.findWallet(request.web3WalletId));
    let separator: string;
    try {
      const raw = await chain.rpc.call(asset.address, EIP3009_TOKEN.encodeFunctionData('DOMAIN_SEPARATOR', []));
      separator = EIP3009_TOKEN.decodeFunctionResult('DOMAIN_SEPARATOR', raw)[0] as string;
    } catch (error) {
      throw chainToAppError(error, 'read');
    }
    if (separator !== domainSeparator(chain.id, asset.address, request.domain)) {
      throw new Unprocessable('token_domain_mismatch', `The EIP-712 domain given is not the one of token ${asset.address}`, {
        asset: asset.address,
      });
    }
    const authorization: TransferAuthorization = {
      from: wallet.address,
      to: getAddress(request.to.toLowerCase()),
      value: request.value,
      validAfter: request.validAfter,
      validBefore: request.validBefore,
      nonce: (request.nonce ?? hexlify(randomBytes(32))).toLowerCase(),
    };
    const { signature } = await this.vault.signTypedData(
      wallet.id,
      typedDataDomain(chain.id, asset.address, request.domain),
      TRANSFER_WITH_AUTHORIZATION_TYPES,
      { ...authorization },
    );
    return { chainId: chain.id, asset: asset.address, authorization, signature };
  }

  /** The address of a chain wallet the principal may use. Errors: web3_not_configured (503), web3_wallet_not_found (404). */
  async address(principal: Principal, web3WalletId: string): Promise<string> {
    this.chains.assertConfigured();
    return assertWeb3WalletAccess(principal, await this.repo.findWallet(web3WalletId)).address;
  }
}
