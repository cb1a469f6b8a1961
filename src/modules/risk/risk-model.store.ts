import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Unprocessable } from '../../shared/errors';
import { riskModelFile, type RiskModel } from './risk.model';

const MODEL_FILE = /^risk-(.+)\.json$/;

/**
 * The active risk model: the newest `risk-<version>.json` of a directory (versions compared as
 * numbers where they are, e.g. 2 < 10). Loaded at start; `reload()` swaps it without a restart,
 * and keeps the old one when the new file is not a valid model.
 */
export class RiskModelStore {
  private model: RiskModel;
  private loadedAt = new Date();

  constructor(private readonly dir: string) {
    this.model = this.read();
  }

  get active(): RiskModel {
    return this.model;
  }

  get since(): Date {
    return this.loadedAt;
  }

  /** Errors: risk_model_invalid (422) when the newest file is missing or not a valid model. */
  reload(): RiskModel {
    this.model = this.read();
    this.loadedAt = new Date();
    return this.model;
  }

  private read(): RiskModel {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((n) => MODEL_FILE.test(n));
    } catch {
      names = [];
    }
    const newest = names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
    if (!newest) throw new Unprocessable('risk_model_invalid', 'No risk model file (risk-<version>.json) in the model directory');
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(join(this.dir, newest), 'utf8'));
    } catch {
      throw new Unprocessable('risk_model_invalid', `The risk model file ${newest} is not JSON`);
    }
    const model = riskModelFile.safeParse(parsed);
    if (!model.success) {
      throw new Unprocessable('risk_model_invalid', `The risk model file ${newest} is not a valid model`, {
        issues: model.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 5),
      });
    }
    return model.data;
  }
}
