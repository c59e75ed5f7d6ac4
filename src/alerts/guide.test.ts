import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ruleGuide, withGuide } from './guide.js';
import { ruleMeta } from './test-fixtures.js';

// Synthetic rule files.

const dir = mkdtempSync(join(tmpdir(), 'auditscope-guide-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const rule = (guide: string) => `title: Synthetic Guide Rule
id: 0b5e0000-0000-4000-8000-0000000000d1
logsource: {product: kubernetes, service: audit}
detection:
    sel:
        verb: delete
    condition: sel
${guide}`;

test('ruleGuide: the rule guide first, else a sibling .md; rule files are not re-read', async () => {
  const yml = join(dir, 'r.yml');
  writeFileSync(yml, rule('guide: |\n    from the yaml\n'));
  const meta = { ...ruleMeta('r'), file: yml };
  // the loader keeps YAML guides, so a meta without one has none, whatever its file says
  assert.equal(await ruleGuide(meta), undefined);
  assert.equal(await ruleGuide({ ...meta, guide: 'kept' }), 'kept');
  writeFileSync(join(dir, 'r.md'), '## Triage\nfrom the markdown\n');
  assert.equal(await ruleGuide(meta), '## Triage\nfrom the markdown\n');
  assert.equal((await withGuide(meta)).guide, '## Triage\nfrom the markdown\n');
  assert.equal(await ruleGuide({ ...meta, file: join(dir, 'missing.toml') }), undefined);
});
