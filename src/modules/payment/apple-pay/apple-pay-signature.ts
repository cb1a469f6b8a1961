import { X509Certificate, createHash, timingSafeEqual, verify } from 'node:crypto';
import type * as Asn1js from 'asn1js';
import type * as Pkijs from 'pkijs';
import { PaymentDataRejected } from '../payment-data.errors';

/**
 * Loaded at the first signature checked, not with this module: loading pkijs costs a fifth of a
 * second of CPU, and most processes (and every test file but Apple Pay's) never check a signature.
 */
let cms: { asn1js: typeof Asn1js; pkijs: typeof Pkijs } | undefined;
function cmsLibraries() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (above)
  return (cms ??= { asn1js: require('asn1js') as typeof Asn1js, pkijs: require('pkijs') as typeof Pkijs });
}

/** Apple's marker extensions (Payment token format reference, "Verify the signature"). */
export const LEAF_OID = '1.2.840.113635.100.6.29';
export const INTERMEDIATE_OID = '1.2.840.113635.100.6.2.14';
const SHA256_OID = '2.16.840.1.101.3.4.2.1';
const MESSAGE_DIGEST_OID = '1.2.840.113549.1.9.4';
const SIGNING_TIME_OID = '1.2.840.113549.1.9.5';

export interface SignatureCheck {
  /** PKCS#7 detached signature, DER. */
  signature: Buffer;
  /** ephemeralPublicKey || data || transactionId || applicationData, as the token's header says. */
  signedBytes: Buffer;
  root: X509Certificate;
  nowMs: number;
  signingTimeToleranceMs: number;
}

const reject = (code: 'payment_data_signature_invalid' | 'payment_data_certificate_invalid' | 'payment_data_expired', message: string) =>
  new PaymentDataRejected(code, message);

/**
 * Verifies an EC_v1 token's CMS signature the way Apple prescribes: the leaf and intermediate carry
 * Apple's OIDs, the chain ends at the configured root, the signature covers the token's bytes, and
 * the signing time is within the tolerance of now (replays of old tokens are refused).
 * Throws PaymentDataRejected: payment_data_signature_invalid, payment_data_certificate_invalid, payment_data_expired.
 */
export function verifyApplePaySignature(check: SignatureCheck): void {
  const { asn1js, pkijs } = cmsLibraries();
  const signed = parseSignedData(check.signature);
  const certificates = (signed.certificates ?? []).filter((c): c is Pkijs.Certificate => c instanceof pkijs.Certificate);
  const leaf = certificates.find((c) => hasExtension(c, LEAF_OID));
  const intermediate = certificates.find((c) => hasExtension(c, INTERMEDIATE_OID));
  if (!leaf) throw reject('payment_data_certificate_invalid', 'The signing certificate lacks the Apple Pay leaf OID');
  if (!intermediate) throw reject('payment_data_certificate_invalid', 'No intermediate certificate with the Apple Pay OID');
  const leafX509 = toX509(leaf);
  const intermediateX509 = toX509(intermediate);

  const signerInfo = signed.signerInfos.length === 1 ? signed.signerInfos[0] : undefined;
  if (!signerInfo?.signedAttrs) throw reject('payment_data_signature_invalid', 'Expected exactly one signer with signed attributes');
  if (!isSigner(signerInfo, leaf)) throw reject('payment_data_signature_invalid', 'The signer is not the Apple Pay leaf certificate');
  if (signerInfo.digestAlgorithm.algorithmId !== SHA256_OID) throw reject('payment_data_signature_invalid', 'Unsupported digest');

  const digest = attributeValue(signerInfo, MESSAGE_DIGEST_OID);
  const expected = createHash('sha256').update(check.signedBytes).digest();
  const actual = digest instanceof asn1js.OctetString ? Buffer.from(digest.valueBlock.valueHexView) : Buffer.alloc(0);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw reject('payment_data_signature_invalid', 'The signature does not cover this payment data');
  }
  // The signature is over the DER of the signed attributes as a SET (pkijs keeps that encoding).
  const attributesDer = Buffer.from(signerInfo.signedAttrs.encodedValue);
  const signature = Buffer.from(signerInfo.signature.valueBlock.valueHexView);
  if (!verify('sha256', attributesDer, leafX509.publicKey, signature)) {
    throw reject('payment_data_signature_invalid', 'The payment data signature is invalid');
  }

  const signingTime = signingTimeOf(signerInfo);
  if (Math.abs(check.nowMs - signingTime.getTime()) > check.signingTimeToleranceMs) {
    throw reject('payment_data_expired', 'The payment data was signed outside the accepted time window');
  }
  verifyChain(leafX509, intermediateX509, check.root, signingTime);
}

function verifyChain(leaf: X509Certificate, intermediate: X509Certificate, root: X509Certificate, at: Date): void {
  if (!leaf.checkIssued(intermediate) || !leaf.verify(intermediate.publicKey)) {
    throw reject('payment_data_certificate_invalid', 'The leaf certificate is not issued by the intermediate');
  }
  if (!intermediate.ca || !intermediate.checkIssued(root) || !intermediate.verify(root.publicKey)) {
    throw reject('payment_data_certificate_invalid', 'The intermediate certificate does not chain to the Apple root');
  }
  for (const cert of [leaf, intermediate, root]) {
    if (at < new Date(cert.validFrom) || at > new Date(cert.validTo)) {
      throw reject('payment_data_certificate_invalid', 'A certificate was not valid at the signing time');
    }
  }
}

function parseSignedData(der: Buffer): Pkijs.SignedData {
  const { asn1js, pkijs } = cmsLibraries();
  try {
    const asn = asn1js.fromBER(der);
    if (asn.offset === -1) throw new Error('not BER');
    const info = new pkijs.ContentInfo({ schema: asn.result });
    if (info.contentType !== pkijs.ContentInfo.SIGNED_DATA) throw new Error('not SignedData');
    return new pkijs.SignedData({ schema: info.content });
  } catch {
    throw reject('payment_data_signature_invalid', 'The signature is not a PKCS#7 SignedData structure');
  }
}

function hasExtension(cert: Pkijs.Certificate, oid: string): boolean {
  return (cert.extensions ?? []).some((e) => e.extnID === oid);
}

function toX509(cert: Pkijs.Certificate): X509Certificate {
  try {
    return new X509Certificate(Buffer.from(cert.toSchema().toBER()));
  } catch {
    throw reject('payment_data_certificate_invalid', 'A certificate in the signature cannot be read');
  }
}

function isSigner(signerInfo: Pkijs.SignerInfo, cert: Pkijs.Certificate): boolean {
  const { pkijs } = cmsLibraries();
  const sid = signerInfo.sid as unknown;
  return sid instanceof pkijs.IssuerAndSerialNumber && sid.issuer.isEqual(cert.issuer) && sid.serialNumber.isEqual(cert.serialNumber);
}

function attributeValue(signerInfo: Pkijs.SignerInfo, oid: string): unknown {
  return signerInfo.signedAttrs?.attributes.find((a) => a.type === oid)?.values[0];
}

function signingTimeOf(signerInfo: Pkijs.SignerInfo): Date {
  const { asn1js } = cmsLibraries();
  const value = attributeValue(signerInfo, SIGNING_TIME_OID);
  if (value instanceof asn1js.UTCTime || value instanceof asn1js.GeneralizedTime) return value.toDate();
  throw reject('payment_data_signature_invalid', 'The signature has no signing time');
}
