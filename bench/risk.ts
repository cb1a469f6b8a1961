import { generateDataset, RISK_DATASET_ROWS, RISK_DATASET_SEED, score, toFeatures } from '../src/modules/risk';
import { RiskModelStore } from '../src/modules/risk/risk-model.store';

// `npm run bench:risk`: the CPU cost of scoring one movement (features from the aggregates + the
// model), which must stay far under 1 ms. The aggregates query is one indexed statement on the
// posting's path and is measured by `npm run bench` with the transfers.
// The model the server would load: the newest models/risk-<version>.json.
const model = new RiskModelStore('models').active;
const rows = generateDataset(RISK_DATASET_SEED, Math.min(RISK_DATASET_ROWS, 5_000));
const context = {
  amount: 5_000n,
  balance: 100_000n,
  pastCount: 40,
  pastTotal: 200_000n,
  hourCount: 2,
  hourTotal: 9_000n,
  dayCount: 4,
  toCounterpartyCount: 0,
  hasCounterparty: true,
  receivedDayFromUsers: 0n,
  failedDay: 0,
  ageSeconds: 86_400 * 30,
  agent: false,
  newIp: true,
};
const ITERATIONS = 200_000;
let sink = 0;
const start = process.hrtime.bigint();
for (let i = 0; i < ITERATIONS; i++) {
  sink += score(model, i % 2 ? rows[i % rows.length]!.features : toFeatures({ ...context, amount: BigInt(1_000 + (i % 9_000)) })).score;
}
const nsPer = Number(process.hrtime.bigint() - start) / ITERATIONS;
process.stdout.write(
  `risk scoring (model ${model.version}): ${(nsPer / 1000).toFixed(2)} µs per movement (${ITERATIONS} scored, checksum ${sink.toFixed(1)})\n`,
);
