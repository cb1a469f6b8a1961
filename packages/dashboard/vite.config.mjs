// The dashboard's build: a static page under /admin/ (OCP serves packages/dashboard/dist there).
// JSX goes through Vite's own transform (Oxc, React's automatic runtime): no React plugin needed.
import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  base: '/admin/',
  // The SDK's TypeScript source (its "ocp-source" export), as the rest of the repository uses it.
  resolve: { conditions: ['ocp-source', ...defaultClientConditions] },
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
  // `npm run dev -w @ocp/dashboard`: the page on :5173, the API calls proxied to a local OCP.
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
