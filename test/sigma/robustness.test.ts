import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createSigmaLoader } from '../../src/detect/sigma/sigma-loader.js';
import { corpus } from '../corpus.js';
import { auditEvent, run } from './events.js';

/**
 * Mangled rules (synthetic: every corpus rule cut, line-dropped and character-flipped by a seeded
 * PRNG) never make the loader throw, and whatever loads still runs.
 */
let seed = 0x2545f491;
const rnd = () => {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 4294967296;
};

const dir = corpus('sigmahq-rules/rules/application/kubernetes/audit');
const texts = readdirSync(dir).map((n) => readFileSync(join(dir, n), 'utf8'));
const junk = [
  '|',
  '(',
  ')',
  ':',
  '-',
  '*',
  "'",
  '"',
  '\t',
  ' ',
  'not ',
  '1 of ',
  '|re',
  '|cidr',
  '|base64offset',
  '\n  - ',
];

function mangle(t: string): string {
  const lines = t.split('\n');
  switch (Math.floor(rnd() * 4)) {
    case 0:
      return t.slice(0, Math.floor(rnd() * t.length));
    case 1:
      lines.splice(Math.floor(rnd() * lines.length), 1);
      return lines.join('\n');
    case 2: {
      const i = Math.floor(rnd() * t.length);
      return t.slice(0, i) + junk[Math.floor(rnd() * junk.length)] + t.slice(i);
    }
    default: {
      const i = Math.floor(rnd() * lines.length);
      lines[i] = (lines[i] ?? '').replace(/:/, junk[Math.floor(rnd() * junk.length)]!);
      return lines.join('\n');
    }
  }
}

test('2,000 mangled rules: the loader never throws, diagnostics carry codes, loaded rules run', () => {
  const loader = createSigmaLoader();
  const ev = auditEvent({ verb: 'create', objectRef: { resource: 'pods', subresource: 'exec' } });
  let loaded = 0;
  let diagnosed = 0;
  for (let i = 0; i < 2000; i++) {
    let t = texts[i % texts.length]!;
    for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++) t = mangle(t);
    const r = loader.load(`mangled-${i}.yml`, t);
    for (const d of r.diagnostics) assert.match(d.code, /^SIG\d{3}$/);
    if (r.diagnostics.length) diagnosed++;
    loaded += r.detections.length;
    run(r.detections, [ev]);
  }
  assert.ok(loaded > 100 && diagnosed > 100, `loaded ${loaded}, diagnosed ${diagnosed}`);
});
