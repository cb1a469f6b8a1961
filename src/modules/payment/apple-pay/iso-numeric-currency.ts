/**
 * ISO 4217 numeric codes of the currencies OCP supports: Apple Pay's decrypted `currencyCode` is
 * numeric ("840"), OCP speaks alphabetic codes ("USD").
 */
const NUMERIC_TO_ALPHA: Readonly<Record<string, string>> = Object.freeze({
  '784': 'AED',
  '032': 'ARS',
  '036': 'AUD',
  '975': 'BGN',
  '048': 'BHD',
  '986': 'BRL',
  '124': 'CAD',
  '756': 'CHF',
  '152': 'CLP',
  '156': 'CNY',
  '170': 'COP',
  '203': 'CZK',
  '208': 'DKK',
  '818': 'EGP',
  '978': 'EUR',
  '826': 'GBP',
  '936': 'GHS',
  '344': 'HKD',
  '348': 'HUF',
  '360': 'IDR',
  '376': 'ILS',
  '356': 'INR',
  '352': 'ISK',
  '400': 'JOD',
  '392': 'JPY',
  '404': 'KES',
  '410': 'KRW',
  '414': 'KWD',
  '504': 'MAD',
  '484': 'MXN',
  '458': 'MYR',
  '566': 'NGN',
  '578': 'NOK',
  '554': 'NZD',
  '512': 'OMR',
  '604': 'PEN',
  '608': 'PHP',
  '586': 'PKR',
  '985': 'PLN',
  '634': 'QAR',
  '946': 'RON',
  '682': 'SAR',
  '752': 'SEK',
  '702': 'SGD',
  '764': 'THB',
  '788': 'TND',
  '949': 'TRY',
  '901': 'TWD',
  '980': 'UAH',
  '800': 'UGX',
  '840': 'USD',
  '704': 'VND',
  '950': 'XAF',
  '952': 'XOF',
  '710': 'ZAR',
});

export function alphaCurrency(numeric: string): string | undefined {
  return NUMERIC_TO_ALPHA[numeric];
}

export function numericCurrency(alpha: string): string | undefined {
  return Object.keys(NUMERIC_TO_ALPHA).find((code) => NUMERIC_TO_ALPHA[code] === alpha);
}
