import { isConnectionError } from '../../src/infra/db/connection-errors';

function pgError(code: string, message = 'x'): Error {
  return Object.assign(new Error(message), { code });
}

describe('isConnectionError', () => {
  it.each([
    ['a terminated backend (57P01)', pgError('57P01', 'terminating connection due to administrator command')],
    ['a refused connection', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a reset socket', pgError('ECONNRESET')],
    ['too many connections (53300)', pgError('53300')],
    ['a connection failure (08006)', pgError('08006')],
    ['a socket closed under a query', new Error('Connection terminated unexpectedly')],
    ['a pool connect timeout', new Error('timeout exceeded when trying to connect')],
  ])('when the error is %s, then it is a connection error (503)', (_name, error) => {
    expect(isConnectionError(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', pgError('23505')],
    ['a serialization failure (40001)', pgError('40001')],
    ['a syntax error (42601)', pgError('42601')],
    ['a plain bug', new TypeError('cannot read properties of undefined')],
  ])("when the error is %s, then it is not (it stays the statement's own error)", (_name, error) => {
    expect(isConnectionError(error)).toBe(false);
  });
});
