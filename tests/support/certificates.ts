import { KeyObject, X509Certificate, randomBytes, webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

pkijs.setEngine(
  'node',
  new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'] }),
);

export interface TestCertificate {
  cert: pkijs.Certificate;
  x509: X509Certificate;
  pem: string;
  privateKey: KeyObject;
  privateKeyPem: string;
  cryptoKey: CryptoKey;
}

export interface CertificateOptions {
  commonName: string;
  /** Self-signed when absent. */
  issuer?: TestCertificate;
  ca?: boolean;
  /** Marker extensions (e.g. Apple's OIDs), added with an ASN.1 NULL value as Apple does. */
  markerOids?: string[];
  /** DNS names and IPv4 addresses for a TLS server certificate. */
  dnsNames?: string[];
  ipAddresses?: string[];
  notBefore?: Date;
  notAfter?: Date;
}

const ONE_DAY_MS = 86_400_000;

/** A real X.509 certificate with an ECDSA P-256 key, signed by its issuer (or itself). */
export async function createCertificate(options: CertificateOptions): Promise<TestCertificate> {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: Uint8Array.from([0x01, ...randomBytes(8)]) });
  cert.subject.typesAndValues.push(commonName(options.commonName));
  cert.issuer.typesAndValues.push(commonName(options.issuer ? cnOf(options.issuer) : options.commonName));
  cert.notBefore.value = options.notBefore ?? new Date(Date.now() - ONE_DAY_MS);
  cert.notAfter.value = options.notAfter ?? new Date(Date.now() + 365 * ONE_DAY_MS);
  cert.extensions = [];
  const constraints = new pkijs.BasicConstraints({ cA: options.ca ?? false });
  cert.extensions.push(
    new pkijs.Extension({ extnID: '2.5.29.19', critical: true, extnValue: constraints.toSchema().toBER(false), parsedValue: constraints }),
  );
  for (const oid of options.markerOids ?? []) {
    cert.extensions.push(new pkijs.Extension({ extnID: oid, critical: false, extnValue: new asn1js.Null().toBER(false) }));
  }
  const names = [
    ...(options.dnsNames ?? []).map((value) => new pkijs.GeneralName({ type: 2, value })),
    ...(options.ipAddresses ?? []).map(
      (ip) => new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: Uint8Array.from(ip.split('.').map(Number)) }) }),
    ),
  ];
  if (names.length > 0) {
    const altNames = new pkijs.GeneralNames({ names });
    cert.extensions.push(new pkijs.Extension({ extnID: '2.5.29.17', critical: false, extnValue: altNames.toSchema().toBER(false) }));
  }
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey);
  await cert.sign(options.issuer?.cryptoKey ?? keys.privateKey, 'SHA-256');

  const der = Buffer.from(cert.toSchema().toBER(false));
  const privateKey = KeyObject.from(keys.privateKey);
  return {
    cert,
    x509: new X509Certificate(der),
    pem: toPem('CERTIFICATE', der),
    privateKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cryptoKey: keys.privateKey,
  };
}

function commonName(value: string): pkijs.AttributeTypeAndValue {
  return new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value }) });
}

function cnOf(certificate: TestCertificate): string {
  const cn = certificate.cert.subject.typesAndValues.find((t) => t.type === '2.5.4.3');
  return (cn?.value.valueBlock as { value: string }).value;
}

export function toPem(label: string, der: Buffer): string {
  const body = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}
