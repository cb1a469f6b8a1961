-- Whether a merchant requires UCP's AP2 mandate extension (dev.ucp.shopping.ap2_mandate) on its
-- checkouts. OCP never fetches a platform's profile (a URL a caller chose), so "negotiated" means
-- the merchant requires it: 'required' advertises the capability, signs every checkout response
-- (ap2.merchant_authorization) and refuses a complete without a valid checkout mandate.
ALTER TABLE merchants ADD COLUMN ap2_mandate TEXT NOT NULL DEFAULT 'off' CHECK (ap2_mandate IN ('off', 'required'));
