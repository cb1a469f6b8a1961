import { FEATURE_NAMES } from './risk.features';
import { score, sigmoid, type RiskModel } from './risk.model';
import type { Row } from './risk.dataset';

// Logistic regression by batch gradient descent on standardised features, with a little L2: a
// dozen features and a few thousand rows need nothing bigger, and every weight can be read.

export interface TrainingOptions {
  epochs: number;
  learningRate: number;
  l2: number;
}

export interface Metrics {
  threshold: number;
  precision: number;
  recall: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  rows: number;
}

export function train(rows: readonly Row[], o: TrainingOptions): Pick<RiskModel, 'means' | 'stds' | 'weights' | 'bias'> {
  const d = FEATURE_NAMES.length;
  const means = new Array<number>(d).fill(0);
  const stds = new Array<number>(d).fill(0);
  for (const r of rows) r.features.forEach((x, i) => (means[i]! += x / rows.length));
  for (const r of rows) r.features.forEach((x, i) => (stds[i]! += (x - means[i]!) ** 2 / rows.length));
  for (let i = 0; i < d; i++) stds[i] = Math.sqrt(stds[i]!) || 1;
  const z = rows.map((r) => r.features.map((x, i) => (x - means[i]!) / stds[i]!));
  const weights = new Array<number>(d).fill(0);
  let bias = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const grad = new Array<number>(d).fill(0);
    let gradBias = 0;
    for (let n = 0; n < rows.length; n++) {
      const x = z[n]!;
      let logit = bias;
      for (let i = 0; i < d; i++) logit += weights[i]! * x[i]!;
      const error = sigmoid(logit) - rows[n]!.label;
      for (let i = 0; i < d; i++) grad[i]! += error * x[i]!;
      gradBias += error;
    }
    for (let i = 0; i < d; i++) weights[i]! -= o.learningRate * (grad[i]! / rows.length + o.l2 * weights[i]!);
    bias -= (o.learningRate * gradBias) / rows.length;
  }
  return { means, stds, weights, bias };
}

/** Precision and recall of "score ≥ threshold means fraud" on `rows`. */
export function evaluate(model: RiskModel, rows: readonly Row[], threshold: number): Metrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const r of rows) {
    const flagged = score(model, r.features).score >= threshold;
    if (flagged && r.label === 1) tp++;
    else if (flagged) fp++;
    else if (r.label === 1) fn++;
  }
  const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 1000) / 1000);
  return {
    threshold,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    rows: rows.length,
  };
}

/** Data set → model file content: trains on the first 80%, measures on the held-out 20%. */
export function trainModel(
  rows: readonly Row[],
  meta: { version: string; seed: number; trainedAt: string },
  thresholds: readonly number[],
): RiskModel {
  const cut = Math.floor(rows.length * 0.8);
  const fitted = train(rows.slice(0, cut), { epochs: 400, learningRate: 0.5, l2: 0.0005 });
  const model: RiskModel = {
    version: meta.version,
    kind: 'logistic_regression',
    trainedAt: meta.trainedAt,
    features: [...FEATURE_NAMES],
    ...fitted,
    metrics: {},
    dataset: {
      generator: 'src/modules/risk/risk.dataset.ts',
      seed: meta.seed,
      rows: rows.length,
      trainRows: cut,
      heldOutRows: rows.length - cut,
    },
  };
  model.metrics = { heldOut: thresholds.map((t) => evaluate(model, rows.slice(cut), t)) };
  return model;
}
