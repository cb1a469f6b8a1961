import Transport from 'winston-transport';
import { createLogger } from '../../src/infra/logger';

class Capture extends Transport {
  readonly lines: Record<string, unknown>[] = [];
  override log(info: Record<string, unknown>, done: () => void): void {
    this.lines.push(info);
    done();
  }
}

describe('logger', () => {
  it('when a line is below the level, then it is dropped before it is redacted or serialised', () => {
    const capture = new Capture();
    const logger = createLogger('warn', [capture]);
    let serialised = 0;
    logger.info('request', { detail: { toJSON: () => (serialised += 1) } });
    expect(serialised).toBe(0);
    logger.warn('request', { detail: { toJSON: () => (serialised += 1) } });
    expect(serialised).toBe(1);
    expect(capture.lines.map((l) => l.level)).toEqual(['warn']);
  });

  it('when a line is at the level or a transport asks for more, then it is written, redacted', () => {
    const capture = new Capture({ level: 'debug' });
    const logger = createLogger('warn', [capture]);
    logger.warn('kept', { password: 'hunter2' });
    logger.debug('asked for by the transport');
    expect(capture.lines.map((l) => [l.message, l.password])).toEqual([
      ['kept', '[REDACTED]'],
      ['asked for by the transport', undefined],
    ]);
  });
});
