import { FEATURE_NAMES } from '../../src/modules/risk';

type FeatureName = (typeof FEATURE_NAMES)[number];

/**
 * A crafted risk model where one feature alone decides: score = sigmoid(weight · (x − 0.5) / 0.1),
 * x the feature's value. The tests write it into their own RISK_MODEL_DIR as risk-<version>.json.
 */
export function oneFeatureModel(feature: FeatureName, { version = '1', weight = 1 }: { version?: string; weight?: number } = {}) {
  const at = FEATURE_NAMES.indexOf(feature);
  return {
    version,
    kind: 'logistic_regression',
    trainedAt: '2026-12-06T00:00:00.000Z',
    features: [...FEATURE_NAMES],
    means: FEATURE_NAMES.map((_, i) => (i === at ? 0.5 : 0)),
    stds: FEATURE_NAMES.map(() => 0.1),
    weights: FEATURE_NAMES.map((_, i) => (i === at ? weight : 0)),
    bias: 0,
    metrics: { crafted: true },
  };
}
