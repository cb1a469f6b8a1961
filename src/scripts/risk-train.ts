import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDataset, RISK_DATASET_ROWS, RISK_DATASET_SEED, trainModel } from '../modules/risk';

/**
 * `npm run risk:train [version] [dir]`: trains the risk model on the seeded synthetic data set and
 * writes <dir>/risk-<version>.json (default models/), with its held-out precision and recall. A
 * running server picks the newest file up on POST /admin/risk/model/reload.
 */
const version = process.argv[2] ?? '1';
const dir = process.argv[3] ?? 'models';
const rows = generateDataset(RISK_DATASET_SEED, RISK_DATASET_ROWS);
const model = trainModel(rows, { version, seed: RISK_DATASET_SEED, trainedAt: new Date().toISOString() }, [0.5, 0.8, 0.9, 0.97]);
mkdirSync(dir, { recursive: true });
const file = join(dir, `risk-${version}.json`);
writeFileSync(file, JSON.stringify(model, null, 2) + '\n');
process.stdout.write(`${file}\n${JSON.stringify(model.metrics, null, 2)}\n`);
