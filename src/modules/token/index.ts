// The token module's public surface: what the payment module, the container and the app may use.
// The providers (local vault, Basis Theory, Stripe) and the SQL adapter are private to the module.
export { createTokenModule, type TokenModule } from './token.module';
export { tokenRoutes } from './token.routes';
export type { TokenService } from './token.service';
export type { PaymentToken } from './token.repository';
export type { NetworkTokenData } from './token-provider';
