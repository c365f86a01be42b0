// At 80×24 the key facts are never cut off: every question's help in full, the whole value of a row too wide for
// the screen (which disk is wiped), the target folder on the review. Wrapping counts terminal columns: CJK and
// emoji take two. ink-testing-library frames at 80 columns, colour stripped.
import { Box, Text } from 'ink';
import { render } from 'ink-testing-library';
import stringWidth from 'string-width';
import { describe, expect, test } from 'vitest';
import { TextLines } from '../../src/ui/wizard/frame.js';
import { rowsOf, stripAnsi, wrapText } from '../../src/ui/wizard/view.js';
import { Wizard } from '../../src/ui/wizard/wizard.js';
import { QUESTIONS } from '../../src/questions/definitions.js';
import type { WizardModel as Installer } from '../../src/model/wizard.js';
import { fixtureInstaller, KEY, press, waitFor, waitForChange } from './helpers.js';

const SIZE = { columns: 80, rows: 24 };

function open(installer: Installer) {
  const app = render(<Wizard installer={installer} saveAnswers={async (file) => file} colour={false} onExit={() => {}} size={SIZE} />);
  return { ...app, frame: () => stripAnsi(app.lastFrame() ?? '') };
}

/** The frame's text as one line (rows joined by a space), to find a sentence that was wrapped. */
const flat = (frame: string) => frame.split('\n').map((r) => r.trim()).join(' ').replace(/\s+/g, ' ');
const words = (text: string) => text.replace(/\s+/g, ' ').trim();

function expectFits(frame: string) {
  const rows = frame.split('\n');
  expect(rows.length).toBeLessThanOrEqual(SIZE.rows - 1);
  for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(SIZE.columns);
}

describe('wrapping by display width', () => {
  const mixed = '磁盘 /dev/sdb 将被清除 ⚠️ 🚀🚀 every byte on it is lost — データは失われます and the folder /srv/ciab/設定 holds the configuration';

  test('wrapText keeps every word and no row is wider than the width in columns', () => {
    for (const width of [10, 17, 24, 40]) {
      const lines = wrapText(mixed, width);
      for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(width);
      expect(lines.join('').replace(/\s+/g, '')).toBe(mixed.replace(/\s+/g, ''));
    }
    // 24 CJK characters are 48 columns: three rows of 20, not two of 24 characters
    expect(wrapText('全'.repeat(24), 20)).toEqual(['全'.repeat(10), '全'.repeat(10), '全'.repeat(4)]);
  });

  test('rowsOf counts the rows ink draws, so a scrolling text never loses its last line', () => {
    const lines = [mixed, '', '  an indented line that is long enough to wrap twice at twenty-two columns', '🚀'.repeat(15)];
    const width = 22;
    const plain = render(
      <Box width={width} flexDirection="column">
        {lines.map((line, i) => (
          <Text key={i} wrap="wrap">
            {line === '' ? ' ' : line}
          </Text>
        ))}
      </Box>,
    );
    const rows = stripAnsi(plain.lastFrame() ?? '').split('\n');
    const counted = lines.reduce((n, l) => n + rowsOf(l === '' ? ' ' : l, width), 0);
    expect(rows.length).toBe(counted);
    for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(width);
    plain.unmount();
    // TextLines with exactly that height shows every line, the last included, and nothing "below".
    const app = render(
      <Box width={width} flexDirection="column">
        <TextLines lines={lines} scroll={0} width={width} height={counted} />
      </Box>,
    );
    const shown = stripAnsi(app.lastFrame() ?? '');
    expect(shown).not.toContain('more below');
    expect(shown.replace(/\s+/g, '')).toContain('🚀'.repeat(15));
    app.unmount();
  });
});

describe('the wizard at 80×24', () => {
  test('every question shows its whole help text, and a too-wide row its whole value', { timeout: 120_000 }, async () => {
    const { installer } = await fixtureInstaller('server');
    const app = open(installer);
    await press(app.stdin, KEY.enter, KEY.enter);
    let frame = await waitFor(app.frame, 'API virtual IP');
    await press(app.stdin, KEY.enter, '198.51.100.250', KEY.enter);
    frame = await waitFor(app.frame, '198.51.100.250 (yours)');
    // Walk the list from the top to the "Continue" row, checking each question's help.
    for (let i = 0; i < 30; i += 1) {
      await press(app.stdin, KEY.up);
      const next = app.frame();
      if (next === frame) break;
      frame = next;
    }
    const seen = new Set<string>();
    for (let i = 0; i < 40; i += 1) {
      const row = frame.split('\n').find((r) => r.startsWith('› '))!;
      const question = QUESTIONS.find((q) => row.startsWith(`› ✔ ${q.title.padEnd(32)} `) || row.startsWith(`› ? ${q.title.padEnd(32)} `));
      if (!question) break;
      seen.add(question.key);
      expectFits(frame);
      expect(flat(frame), `the help of ${question.key}`).toContain(words(question.help));
      await press(app.stdin, KEY.down);
      frame = await waitForChange(app.frame, frame);
    }
    expect(seen.size).toBeGreaterThan(8);
    expect(seen).toContain('storage.disks');
    app.unmount();
  });

  test('the disks to wipe and the target folder are said in full', { timeout: 120_000 }, async () => {
    const { installer } = await fixtureInstaller('server');
    const app = open(installer);
    await press(app.stdin, KEY.enter, KEY.enter);
    await waitFor(app.frame, 'API virtual IP');
    await press(app.stdin, KEY.enter, '198.51.100.250', KEY.enter);
    let frame = await waitFor(app.frame, '198.51.100.250 (yours)');
    const at = (f: string, text: string) => f.split('\n').findIndex((r) => r.includes(text));
    const cursor = (f: string) => f.split('\n').findIndex((r) => r.startsWith('› '));
    await press(app.stdin, ...Array(Math.max(0, at(frame, 'Disks for volumes') - cursor(frame))).fill(KEY.down), KEY.enter);
    const table = await waitFor(app.frame, /\[x\] \/dev\/nvme1n1/);
    expectFits(table);
    await press(app.stdin, ...Array(Math.max(0, at(table, '/dev/sdb') - cursor(table))).fill(KEY.down));
    const detail = await waitFor(app.frame, /› \[ \] \/dev\/sdb/);
    // The detail under the table names the disk and why it holds data, whole.
    expect(flat(detail)).toMatch(/\/dev\/sdb: holds data \(.+\); used only once you type its name/);
    await press(app.stdin, KEY.space);
    const warning = await waitFor(app.frame, 'Type sdb to wipe it');
    expectFits(warning);
    expect(flat(warning)).toMatch(/Everything on \/dev\/sdb is destroyed \(.+\)\./);
    await press(app.stdin, 'sdb', KEY.enter);
    await waitFor(app.frame, /\/dev\/sdb +⚠ WIPED/);
    await press(app.stdin, KEY.enter);
    await waitFor(app.frame, /✔ Disks for volumes +\/dev\/sdb, \/dev\/nvme1n1/);
    await press(app.stdin, KEY.up);
    frame = await waitFor(app.frame, /› ✔ Disks for volumes/);
    expectFits(frame);
    // The row itself is too wide for 80 columns; under the list it is whole, wipe included.
    expect(flat(frame)).toContain('Disks for volumes: /dev/sdb, /dev/nvme1n1 (wipes /dev/sdb) (yours)');

    await press(app.stdin, KEY.tab);
    const review = await waitFor(app.frame, 'files to write in', { timeoutMs: 90_000 });
    expectFits(review);
    expect(flat(review)).toContain(`files to write in ${installer.out}`);
    app.unmount();
  });
});
