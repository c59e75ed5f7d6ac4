// `npm ci` refuses a lock that lacks an entry for any optional dependency, but the package registry
// reachable here serves only some platforms' prebuilt binaries (DuckDB, Biome), so `npm install`
// writes a lock without the others. This script checks (default) or, with --fix, adds lock entries
// for the missing platform packages: marked optional with their os/cpu, so `npm ci` skips them on
// other platforms without fetching anything. Run `node scripts/lock-platforms.mjs --fix` after
// `npm install`.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const pkgs = lock.packages;
const platform =
  /-(android|darwin|linux|win32|freebsd|openbsd|netbsd|sunos|aix)-([a-z0-9]+)(?:-(musl|gnu|msvc))?$/;
const missing = [];
for (const [key, entry] of Object.entries(pkgs)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = key ? `${key}/node_modules/${name}` : `node_modules/${name}`;
    if (pkgs[`node_modules/${name}`] || pkgs[nested]) continue;
    const m = platform.exec(name);
    const add = { version, optional: true, ...(entry.dev ? { dev: true } : {}) };
    if (m) Object.assign(add, { cpu: [m[2]], os: [m[1]], ...(m[3] === 'musl' ? { libc: ['musl'] } : {}) });
    missing.push([`node_modules/${name}`, add]);
  }
}
if (missing.length === 0) process.exit(0);
if (!process.argv.includes('--fix')) {
  console.error(`package-lock.json lacks ${missing.length} optional platform packages (npm ci would fail):`);
  for (const [k] of missing) console.error(`  ${k}`);
  console.error('run: node scripts/lock-platforms.mjs --fix');
  process.exit(1);
}
for (const [k, v] of missing) pkgs[k] = v;
lock.packages = Object.fromEntries(
  Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${missing.length} lock entries`);
