import type { Web3Send } from './web3.repository';

/** web3.send.submitted, web3.send.confirmed, web3.send.failed: what a receiver needs, nothing secret. */
export function sendEventData(send: Web3Send) {
  return {
    sendId: send.id,
    web3WalletId: send.walletId,
    chainId: send.chainId,
    hash: send.hash,
    status: send.status,
    from: send.from,
    to: send.to,
    asset: send.asset,
    assetSymbol: send.assetSymbol,
    amount: send.amount.toString(),
    nonce: send.nonce,
    blockNumber: send.blockNumber,
    ...(send.failureReason ? { failureReason: send.failureReason } : {}),
  };
}
