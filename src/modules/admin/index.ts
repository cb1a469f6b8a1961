// The admin module's public surface: the container builds it, the app mounts its routes.
// Its services, searches and adapters are private to the module.
export { createAdminModule, type AdminModule } from './admin.module';
export { adminRoutes } from './admin.routes';
