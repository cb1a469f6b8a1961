// Prints line and branch coverage per module from Jest's json-summary (coverage/coverage-summary.json):
// src/modules/<name> one row each, the rest of src/ by its first folder (http, infra, ...).
// Run by `npm run coverage` after Jest has written the summary.
const { readFileSync } = require('node:fs');
const { join, relative, sep } = require('node:path');

const ROOT = join(__dirname, '..');
const summary = JSON.parse(readFileSync(join(ROOT, 'coverage/coverage-summary.json'), 'utf8'));

function groupOf(file) {
  const parts = relative(join(ROOT, 'src'), file).split(sep);
  if (parts[0] === 'modules' && parts.length > 2) return `modules/${parts[1]}`;
  return parts.length > 1 ? parts[0] : '(src root)';
}

const groups = new Map();
for (const [file, counts] of Object.entries(summary)) {
  if (file === 'total') continue;
  const group = groups.get(groupOf(file)) ?? { lines: [0, 0], branches: [0, 0] };
  group.lines[0] += counts.lines.covered;
  group.lines[1] += counts.lines.total;
  group.branches[0] += counts.branches.covered;
  group.branches[1] += counts.branches.total;
  groups.set(groupOf(file), group);
}

const pct = ([covered, total]) => (total === 0 ? '-' : `${((100 * covered) / total).toFixed(1)}%`);
const rows = [...groups].sort(([a], [b]) => a.localeCompare(b));
const width = Math.max(6, ...rows.map(([name]) => name.length));
const line = (name, lines, branches) => `${name.padEnd(width)}  ${lines.padStart(7)}  ${branches.padStart(8)}\n`;
let out = line('module', 'lines', 'branches');
for (const [name, group] of rows) out += line(name, pct(group.lines), pct(group.branches));
const { total } = summary;
out += line('total', `${total.lines.pct}%`, `${total.branches.pct}%`);
process.stdout.write(out);
