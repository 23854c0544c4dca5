// The dashboard's build (tools/scripts/build-dashboard.mjs runs it): two pages, the dashboard
// (index.html) and the offline GraphQL explorer (explorer.html), into apps/dashboard/dist with
// hashed assets under dist/assets/. Nothing may load from another host (NHS networks often cannot
// reach CDNs, and the browser tests fail on any failed request), so NHS.UK frontend's CSS is taken
// without its web fonts (Frutiger from assets.nhs.uk: Arial instead, as the NHS service manual
// allows) and its icons are bundled from the package instead of /assets/images on the server.
import react from '@vitejs/plugin-react';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * Removes every block opened by `at` (e.g. "@media screen\\0", NHS.UK frontend's hack for Internet
 * Explorer 8 to 10, which the CSS minifier cannot parse and no supported browser reads), braces balanced.
 */
function dropBlocks(css: string, at: string): string {
  let out = css;
  for (let start = out.indexOf(at); start >= 0; start = out.indexOf(at, start)) {
    let depth = 0;
    let end = out.indexOf('{', start);
    for (; end < out.length; end++) {
      if (out[end] === '{') depth++;
      else if (out[end] === '}' && --depth === 0) break;
    }
    out = out.slice(0, start) + out.slice(end + 1);
  }
  return out;
}

/** Strips NHS.UK frontend's @font-face rules and Internet Explorer hacks, and points its icon URLs at the package's own files. */
function nhsukFrontendOffline(): Plugin {
  return {
    name: 'gpds:nhsuk-frontend-offline',
    enforce: 'pre',
    transform(code, id) {
      if (!/nhsuk-frontend[\\/].*\.css(\?.*)?$/.test(id)) return null;
      const css = dropBlocks(code, '@media screen\\0')
        .replace(/@font-face\s*\{[^}]*\}/g, '')
        .replace(/font-family:\s*"?Frutiger W01"?\s*,\s*/g, 'font-family:')
        .replace(/url\(\s*(["']?)\/assets\/images\//g, 'url($1./assets/images/');
      if (/url\(\s*["']?(https?:)?\/\//.test(css))
        throw new Error(`${id} still refers to another host after stripping its fonts: update ${root}/vite.config.ts`);
      return { code: css, map: null };
    },
  };
}

/**
 * Asks for the chart library's chunk from the page's head, beside the main script, instead of
 * once the main script has run and an overview mounts (the chunk is the largest the overview
 * waits for). It stays a separate chunk, so the first paint does not wait for it.
 */
function preloadCharts(): Plugin {
  return {
    name: 'gpds:preload-charts',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        if (!context.bundle || !context.filename.endsWith('index.html')) return [];
        const chunk = Object.values(context.bundle).find((output) => output.type === 'chunk' && output.name === 'echarts-setup');
        if (!chunk) throw new Error(`no echarts-setup chunk in the build to preload: update the chunk's name in ${root}/vite.config.ts`);
        return [{ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${chunk.fileName}` }, injectTo: 'head' }];
      },
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), nhsukFrontendOffline(), preloadCharts()],
  // GraphiQL's editor runs language services in workers, which load their chunks as ES modules.
  worker: { format: 'es' },
  build: {
    outDir: resolve(root, 'dist'),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    // Browsers of the last two years: no legacy transforms, smaller bundles.
    target: 'es2022',
    // The explorer's editor (Monaco) is one large chunk, loaded only by /graphql in a browser.
    chunkSizeWarningLimit: 3000,
    rolldownOptions: {
      // Libraries' "use client" / "use no memo" directives mean nothing in a bundle: not worth a warning each.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
      input: {
        index: resolve(root, 'index.html'),
        explorer: resolve(root, 'explorer.html'),
      },
    },
  },
  server: {
    // `npx vite apps/dashboard` against a platform on :3000, for working on the page.
    proxy: { '/graphql': 'http://127.0.0.1:3000' },
  },
});
