import { createCipheriv, createHash, diffieHellman, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { INTERMEDIATE_OID, LEAF_OID } from '../../src/modules/payment/apple-pay/apple-pay-signature';
import { createCertificate, type TestCertificate } from './certificates';

/** Apple's side of the handshake, made locally: a root CA, its intermediate and the signing leaf. */
export interface ApplePayAuthority {
  root: TestCertificate;
  intermediate: TestCertificate;
  leaf: TestCertificate;
}

export async function createApplePayAuthority(
  options: { leafOid?: boolean; intermediateOid?: boolean; leafNotAfter?: Date } = {},
): Promise<ApplePayAuthority> {
  const root = await createCertificate({ commonName: 'Test Apple Root CA - G3', ca: true });
  const intermediate = await createCertificate({
    commonName: 'Test Apple Application Integration CA - G3',
    issuer: root,
    ca: true,
    markerOids: options.intermediateOid === false ? [] : [INTERMEDIATE_OID],
  });
  const leaf = await createCertificate({
    commonName: 'Test ecc-smp-broker-sign_UC4-PROD',
    issuer: intermediate,
    markerOids: options.leafOid === false ? [] : [LEAF_OID],
    ...(options.leafNotAfter ? { notAfter: options.leafNotAfter } : {}),
  });
  return { root, intermediate, leaf };
}

export function createMerchantKey(): { privateKey: KeyObject; privateKeyPem: string; publicKeyHash: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return {
    privateKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyHash: createHash('sha256').update(spki).digest('base64'),
  };
}

export function applePayPlaintext(overrides: Record<string, unknown> = {}) {
  return {
    applicationPrimaryAccountNumber: '4242424242424242',
    applicationExpirationDate: '291231',
    currencyCode: '840',
    transactionAmount: 1050,
    deviceManufacturerIdentifier: '040010030273',
    paymentDataType: '3DSecure',
    paymentData: { onlinePaymentCryptogram: 'AOHsBnMAAnq+oWBSlWOCAoABFA==', eciIndicator: '7' },
    ...overrides,
  };
}

export interface TokenOptions {
  authority: ApplePayAuthority;
  merchantId: string;
  /** The merchant's public key the data is encrypted to. */
  merchantPublicKey: KeyObject;
  plaintext?: unknown;
  signingTime?: Date;
  /** Signs with another key than the leaf's: the signature no longer verifies. */
  signWith?: KeyObject;
  /** Changes one byte of the ciphertext before it is signed (the signature is fine, the GCM tag is not). */
  corruptCiphertext?: boolean;
  publicKeyHash?: string;
}

/** A real EC_v1 payment token, built as Apple's "Payment token format reference" describes. */
export function buildApplePayToken(options: TokenOptions) {
  const ephemeral = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: options.merchantPublicKey });
  const key = createHash('sha256')
    .update(Buffer.from([0, 0, 0, 1]))
    .update(shared)
    .update(Buffer.concat([Buffer.from([0x0d]), Buffer.from('id-aes256-GCM')]))
    .update('Apple')
    .update(createHash('sha256').update(options.merchantId).digest())
    .digest();
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.alloc(16, 0));
  const plaintext = Buffer.from(JSON.stringify(options.plaintext ?? applePayPlaintext()));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  if (options.corruptCiphertext) data[0] = data[0]! ^ 0x01;

  const ephemeralDer = ephemeral.publicKey.export({ type: 'spki', format: 'der' });
  const transactionId = randomBytes(32).toString('hex');
  const signedBytes = Buffer.concat([ephemeralDer, data, Buffer.from(transactionId, 'hex')]);
  const signature = signDetached(signedBytes, options);
  const spki = options.merchantPublicKey.export({ type: 'spki', format: 'der' });
  return {
    version: 'EC_v1',
    data: data.toString('base64'),
    signature: signature.toString('base64'),
    header: {
      ephemeralPublicKey: ephemeralDer.toString('base64'),
      publicKeyHash: options.publicKeyHash ?? createHash('sha256').update(spki).digest('base64'),
      transactionId,
    },
  };
}

/** CMS SignedData (RFC 5652), detached, one signer (the leaf), signed attributes with the signing time. */
function signDetached(content: Buffer, options: TokenOptions): Buffer {
  const { leaf, intermediate } = options.authority;
  const attributes = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: [
      new pkijs.Attribute({ type: '1.2.840.113549.1.9.3', values: [new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.7.1' })] }),
      new pkijs.Attribute({ type: '1.2.840.113549.1.9.5', values: [new asn1js.UTCTime({ valueDate: options.signingTime ?? new Date() })] }),
      new pkijs.Attribute({
        type: '1.2.840.113549.1.9.4',
        values: [new asn1js.OctetString({ valueHex: createHash('sha256').update(content).digest() })],
      }),
    ],
  });
  const attributesDer = Buffer.from(attributes.toSchema().toBER(false));
  attributesDer[0] = 0x31; // signed as a SET OF, stored as [0] IMPLICIT
  const signature = sign('sha256', attributesDer, options.signWith ?? leaf.privateKey);
  const sha256 = new pkijs.AlgorithmIdentifier({ algorithmId: '2.16.840.1.101.3.4.2.1' });
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [sha256],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: '1.2.840.113549.1.7.1' }),
    certificates: [leaf.cert, intermediate.cert],
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: leaf.cert.issuer, serialNumber: leaf.cert.serialNumber }),
        digestAlgorithm: sha256,
        signedAttrs: attributes,
        signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.10045.4.3.2' }),
        signature: new asn1js.OctetString({ valueHex: signature }),
      }),
    ],
  });
  const info = new pkijs.ContentInfo({ contentType: pkijs.ContentInfo.SIGNED_DATA, content: signedData.toSchema(true) });
  return Buffer.from(info.toSchema().toBER(false));
}
