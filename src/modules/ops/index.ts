// The ops module's public surface: /health, /ready and /metrics, mounted by the app.
export { opsRoutes } from './ops.routes';
