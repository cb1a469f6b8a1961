import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createCertificate, type TestCertificate } from './certificates';

export type GatewayMode = 'ok' | 'error' | 'hang' | 'redirect' | 'garbage' | 'not-a-session' | 'huge';

export interface ReceivedValidation {
  path: string;
  body: unknown;
  clientCertificateSubject: string | undefined;
}

/**
 * A local stand-in for Apple's merchant validation endpoint: HTTPS that demands a client certificate
 * from the merchant identity CA, answers POST /paymentservices/startSession with a merchant session.
 */
export async function startApplePayGateway() {
  const serverCa = await createCertificate({ commonName: 'Test TLS CA', ca: true });
  const serverCert = await createCertificate({
    commonName: '127.0.0.1',
    issuer: serverCa,
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
  });
  const merchantCa = await createCertificate({ commonName: 'Test Apple Worldwide Developer Relations CA', ca: true });
  const merchantIdentity = await createCertificate({ commonName: 'merchant.org.ocp.test', issuer: merchantCa });
  const received: ReceivedValidation[] = [];
  let mode: GatewayMode = 'ok';

  const server: Server = createServer(
    { cert: serverCert.pem, key: serverCert.privateKeyPem, ca: merchantCa.pem, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        received.push({
          path: req.url ?? '',
          body: safeJson(Buffer.concat(chunks).toString('utf8')),
          clientCertificateSubject: typeof peer?.subject?.CN === 'string' ? peer.subject.CN : undefined,
        });
        if (mode === 'hang') return;
        if (mode === 'error') return void res.writeHead(500).end('{"statusMessage":"internal"}');
        if (mode === 'redirect') return void res.writeHead(302, { location: 'https://169.254.169.254/latest/meta-data' }).end();
        if (mode === 'garbage') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
        if (mode === 'not-a-session')
          return void res
            .writeHead(200, { 'content-type': 'application/json' })
            .end('{"statusMessage":"Payment Services Exception","statusCode":"400"}');
        if (mode === 'huge') {
          const session = { epochTimestamp: Date.now(), merchantSessionIdentifier: 'SSH-test', signature: 'c'.repeat(1_000_000) };
          return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(session));
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            epochTimestamp: Date.now(),
            merchantSessionIdentifier: 'SSH-test',
            signature: 'c2ln',
            displayName: 'Open Commerce Protocol',
          }),
        );
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    url: `https://${host}/paymentservices/startSession`,
    serverCa,
    merchantIdentity,
    merchantCa,
    received,
    setMode: (next: GatewayMode) => {
      mode = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type ApplePayGateway = Awaited<ReturnType<typeof startApplePayGateway>>;
export type { TestCertificate };

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
