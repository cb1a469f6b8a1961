import { HttpsMerchantValidator, allowedUrl, APPLE_PAY_VALIDATION_HOSTS } from '../../src/modules/payment/apple-pay/merchant-validation';
import { startApplePayGateway, type ApplePayGateway } from '../support/apple-pay-gateway';
import { createCertificate } from '../support/certificates';

const REQUEST = {
  merchantIdentifier: 'merchant.org.ocp.test',
  displayName: 'Open Commerce Protocol',
  initiative: 'web' as const,
  initiativeContext: 'shop.ocp.test',
};

describe('HttpsMerchantValidator against a local mutual-TLS server', () => {
  let gateway: ApplePayGateway;
  let validator: HttpsMerchantValidator;
  beforeAll(async () => {
    gateway = await startApplePayGateway();
    validator = new HttpsMerchantValidator({
      certPem: gateway.merchantIdentity.pem,
      keyPem: gateway.merchantIdentity.privateKeyPem,
      caPem: gateway.serverCa.pem,
      allowedHosts: [gateway.host],
      timeoutMs: 500,
    });
  });
  afterEach(() => gateway.setMode('ok'));
  afterAll(() => gateway.close());

  it('when the merchant certificate is presented, then Apple’s merchant session comes back and the request is as documented', async () => {
    const session = await validator.validate(gateway.url, REQUEST);
    expect(session).toMatchObject({ merchantSessionIdentifier: 'SSH-test' });
    expect(gateway.received.at(-1)).toEqual({
      path: '/paymentservices/startSession',
      body: REQUEST,
      clientCertificateSubject: 'merchant.org.ocp.test',
    });
  });

  it('when the client certificate is not from the trusted CA, then the handshake fails and it is reported as unavailable', async () => {
    const stranger = await createCertificate({ commonName: 'intruder' });
    const other = new HttpsMerchantValidator({
      certPem: stranger.pem,
      keyPem: stranger.privateKeyPem,
      caPem: gateway.serverCa.pem,
      allowedHosts: [gateway.host],
      timeoutMs: 500,
    });
    const count = gateway.received.length;
    await expect(other.validate(gateway.url, REQUEST)).rejects.toMatchObject({ code: 'apple_pay_validation_failed' });
    expect(gateway.received).toHaveLength(count);
  });

  it.each(['error', 'hang', 'redirect', 'garbage', 'not-a-session', 'huge'] as const)(
    'when the server answers with %s, then apple_pay_validation_failed',
    async (mode) => {
      gateway.setMode(mode);
      await expect(validator.validate(gateway.url, REQUEST)).rejects.toMatchObject({
        code: 'apple_pay_validation_failed',
        kind: 'unavailable',
      });
    },
  );

  it('when the URL is not on the allow-list, then it is refused before any request is made', async () => {
    const count = gateway.received.length;
    for (const url of [
      'https://169.254.169.254/latest/meta-data',
      `http://${gateway.host}/paymentservices/startSession`,
      `https://user:pw@${gateway.host}/paymentservices/startSession`,
      'https://apple-pay-gateway.apple.com.evil.example/paymentservices/startSession',
      'not a url',
    ]) {
      await expect(validator.validate(url, REQUEST)).rejects.toMatchObject({ code: 'validation_url_not_allowed', kind: 'validation' });
    }
    expect(gateway.received).toHaveLength(count);
  });

  it("when the default allow-list is used, then Apple's documented hosts pass and others do not", () => {
    expect(allowedUrl('https://apple-pay-gateway.apple.com/paymentservices/startSession', APPLE_PAY_VALIDATION_HOSTS).host).toBe(
      'apple-pay-gateway.apple.com',
    );
    expect(
      allowedUrl('https://apple-pay-gateway-cert.apple.com/paymentservices/paymentSession', APPLE_PAY_VALIDATION_HOSTS),
    ).toBeInstanceOf(URL);
    expect(() => allowedUrl('https://apple-pay-gateway.apple.com:8443/x', APPLE_PAY_VALIDATION_HOSTS)).toThrow();
    expect(() => allowedUrl('https://apple.com/x', APPLE_PAY_VALIDATION_HOSTS)).toThrow();
  });
});
