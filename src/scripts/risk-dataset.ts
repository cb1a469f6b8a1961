import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FEATURE_NAMES, generateDataset, RISK_DATASET_SEED, RISK_DATASET_ROWS } from '../modules/risk';

/**
 * `npm run risk:dataset [file]`: writes the labelled synthetic data set (default
 * models/risk-dataset.csv, not committed: the seed makes it again) for inspection or other tools.
 */
const file = process.argv[2] ?? 'models/risk-dataset.csv';
const rows = generateDataset(RISK_DATASET_SEED, RISK_DATASET_ROWS);
mkdirSync(dirname(file), { recursive: true });
const lines = [
  ['pattern', 'label', ...FEATURE_NAMES].join(','),
  ...rows.map((r) => [r.pattern, r.label, ...r.features.map((x) => x.toFixed(6))].join(',')),
];
writeFileSync(file, lines.join('\n') + '\n');
process.stdout.write(`${rows.length} rows (seed ${RISK_DATASET_SEED}) written to ${file}\n`);
