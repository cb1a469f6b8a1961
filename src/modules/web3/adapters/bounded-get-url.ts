import http from 'node:http';
import https from 'node:https';
import { makeError, type ErrorCode, type FetchGetUrlFunc } from 'ethers';

/**
 * ethers' request function with a cap on the answer: a node (or whatever answers at its URL)
 * sending megabytes is cut off at responseBytesMax instead of being read, copied chunk by chunk
 * (ethers' own reader copies the whole body at every chunk: a 2 MB answer held the event loop for
 * seconds) and parsed. The cut-off is a SERVER_ERROR: the node may have acted on the request.
 * No redirects are followed (ethers follows them itself only for answers it gets back).
 */
export function boundedGetUrl(responseBytesMax: number): FetchGetUrlFunc {
  return (req, signal) => {
    const url = new URL(req.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return Promise.reject(ethersError(`unsupported protocol ${url.protocol}`, 'UNSUPPORTED_OPERATION'));
    }
    return new Promise((resolve, reject) => {
      const request = (url.protocol === 'http:' ? http : https).request(url, { method: req.method, headers: { ...req.headers } });
      request.setTimeout(req.timeout, () => {
        request.destroy();
        reject(ethersError('request timeout', 'TIMEOUT'));
      });
      signal?.addListener(() => {
        request.destroy();
        reject(ethersError('request cancelled', 'CANCELLED'));
      });
      request.on('error', (error: NodeJS.ErrnoException) => reject(error));
      request.on('response', (response) => {
        const declared = Number(response.headers['content-length']);
        const chunks: Buffer[] = [];
        let received = 0;
        const tooLarge = () => {
          response.destroy();
          request.destroy();
          reject(ethersError(`the RPC answer exceeds ${responseBytesMax} bytes`, 'SERVER_ERROR'));
        };
        if (declared > responseBytesMax) return tooLarge();
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > responseBytesMax) return tooLarge();
          chunks.push(chunk);
        });
        response.on('error', (error) => reject(error));
        response.on('end', () => {
          const headers = Object.fromEntries(
            Object.entries(response.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
          );
          resolve({
            statusCode: response.statusCode ?? 0,
            statusMessage: response.statusMessage ?? '',
            headers,
            body: received > 0 ? new Uint8Array(Buffer.concat(chunks)) : null,
          });
        });
      });
      if (req.body) request.write(Buffer.from(req.body));
      request.end();
    });
  };
}

/** An error as ethers raises it (with its code), so the adapter's translation treats it like ethers' own. */
function ethersError(message: string, code: ErrorCode): Error {
  return makeError(message, code) as Error;
}
