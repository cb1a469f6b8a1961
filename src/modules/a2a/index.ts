// The a2a module's public surface: the storage behind the A2A server edge (src/protocols/a2a), whose
// ports it implements over SQL. The adapters stay private to it.
export { createA2aStorage, type A2aStorage } from './a2a.module';
