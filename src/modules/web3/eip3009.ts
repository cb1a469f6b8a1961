import { Interface, TypedDataEncoder, verifyTypedData } from 'ethers';

/** An EIP-3009 TransferWithAuthorization message: `from` lets anyone move `value` to `to` once, in a time window. */
export interface TransferAuthorization {
  /** Checksummed. */
  from: string;
  /** Checksummed. */
  to: string;
  value: bigint;
  /** Unix seconds. */
  validAfter: bigint;
  /** Unix seconds. */
  validBefore: bigint;
  /** 32 bytes, lowercase 0x-hex. */
  nonce: string;
}

/** The token's EIP-712 domain, as the signer was told it (USDC: name "USD Coin", version "2"). */
export interface TokenDomain {
  name: string;
  version: string;
}

export const TRANSFER_WITH_AUTHORIZATION_TYPES = {
  TransferWithAuthorization: [
    { name: 'from', type: 'address' },
    { name: 'to', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'validAfter', type: 'uint256' },
    { name: 'validBefore', type: 'uint256' },
    { name: 'nonce', type: 'bytes32' },
  ],
};

export const EIP3009_TOKEN = new Interface([
  'function transferWithAuthorization(address from, address to, uint256 value, uint256 validAfter, uint256 validBefore, bytes32 nonce, bytes signature)',
  'function authorizationState(address authorizer, bytes32 nonce) view returns (bool)',
  'function DOMAIN_SEPARATOR() view returns (bytes32)',
  'function balanceOf(address owner) view returns (uint256)',
]);

export function typedDataDomain(chainId: number, token: string, domain: TokenDomain) {
  return { name: domain.name, version: domain.version, chainId, verifyingContract: token };
}

export function domainSeparator(chainId: number, token: string, domain: TokenDomain): string {
  return TypedDataEncoder.hashDomain(typedDataDomain(chainId, token, domain));
}

/** The address whose key signed the authorization, or null when the signature is not one. */
export function authorizationSigner(
  chainId: number,
  token: string,
  domain: TokenDomain,
  a: TransferAuthorization,
  signature: string,
): string | null {
  try {
    return verifyTypedData(typedDataDomain(chainId, token, domain), TRANSFER_WITH_AUTHORIZATION_TYPES, a, signature);
  } catch {
    return null;
  }
}

/** The calldata of transferWithAuthorization with the 65-byte signature, as USDC v2.2 accepts it. */
export function transferWithAuthorizationData(a: TransferAuthorization, signature: string): string {
  return EIP3009_TOKEN.encodeFunctionData('transferWithAuthorization', [
    a.from,
    a.to,
    a.value,
    a.validAfter,
    a.validBefore,
    a.nonce,
    signature,
  ]);
}
