// Trunk's post-build hook (Trunk.toml): beside each asset of a release build,
// writes a brotli copy at quality 11 and a gzip copy at level 9, which
// logdeck-server sends to browsers that accept them. Compressing on the fly
// uses a fast level: the wasm went out as 566 KB of brotli instead of 455 KB.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const staging = process.env.TRUNK_STAGING_DIR;
// Not the page: the server reads index.html itself (its CSP hash, client routes),
// and a copy of it would go stale if anyone edited the page after the build.
const COMPRESSIBLE = new Set(['.wasm', '.js', '.css', '.svg']);

if (process.env.TRUNK_PROFILE === 'release' && staging) {
  for (const name of readdirSync(staging)) {
    if (!COMPRESSIBLE.has(extname(name))) continue;
    const path = join(staging, name);
    const bytes = readFileSync(path);
    const brotli = brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    });
    writeFileSync(`${path}.br`, brotli);
    writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
  }
}
