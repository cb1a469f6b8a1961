/** The mobile wallets a payment session and its payment data belong to. */
export type PaymentMethod = 'apple_pay' | 'google_pay';
