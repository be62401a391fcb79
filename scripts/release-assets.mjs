// Trunk's post-build hook (Trunk.toml), for release builds only: minifies the
// JS glue wasm-bindgen wrote (Trunk's own JS minifier leaves it as it is:
// 63.5 → 29.2 KB, 8.7 → 6.9 KB of brotli), then writes beside each asset a
// brotli copy at quality 11 and a gzip copy at level 9, which logdeck-server
// sends to browsers that accept them. Compressing on the fly uses a fast
// level: the wasm went out as 566 KB of brotli instead of 455 KB.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const staging = process.env.TRUNK_STAGING_DIR;
// Not the page: the server reads index.html itself (its CSP hash, client routes),
// and a copy of it would go stale if anyone edited the page after the build.
const COMPRESSIBLE = new Set(['.wasm', '.js', '.css', '.svg']);

if (process.env.TRUNK_PROFILE === 'release' && staging) {
  // Loaded here, so a debug build runs without it.
  const { minify } = await import('terser');
  for (const name of readdirSync(staging)) {
    if (extname(name) !== '.js') continue;
    const path = join(staging, name);
    // An ES module: its exports keep their names; the wasm's imports are
    // property names, which terser leaves alone. The glue's name hashes the
    // wasm, not these bytes: a newer terser changes them under the same name,
    // which is harmless, as every minified form works with that wasm. The page
    // gives the glue no `integrity` (index.html, `data-integrity="none"`), which
    // would name the bytes before this step.
    const { code } = await minify(readFileSync(path, 'utf8'), { module: true });
    writeFileSync(path, code);
  }
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
