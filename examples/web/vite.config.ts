// Vite for the web app. The dev server (and `vite preview`) proxy /graphql, WebSockets included, to the API,
// so the app talks to its own origin: no CORS, and the same paths as behind a production reverse proxy.
// API_URL picks the API (default http://localhost:4000, what `npm start` serves).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.API_URL ?? 'http://localhost:4000';
const proxy = { '/graphql': { target: api, ws: true, changeOrigin: true } };

export default defineConfig({
  plugins: [react()],
  server: { port: 5173, strictPort: false, proxy },
  preview: { port: 4173, proxy },
});
