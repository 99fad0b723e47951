// How thrown JS errors become coded errors a client can act on.
import { Codes, toMghaError } from '../../dataplane/errors.js';

test('a call stack overflow is a client error that says what happened, not an ArithmeticError', () => {
  const overflow = (): number => overflow() + 1;
  let caught: unknown;
  try {
    overflow();
  } catch (e) {
    caught = e;
  }
  expect(toMghaError(caught)).toMatchObject({ code: Codes.MemgraphClientError, message: 'The query is nested too deeply to run (the call stack overflowed).' });
});

test('BigInt range errors stay ArithmeticErrors', () => {
  let caught: unknown;
  try {
    BigInt(2) ** BigInt(10_000_000_000);
  } catch (e) {
    caught = e;
  }
  expect(toMghaError(caught).code).toBe(Codes.ArithmeticError);
});
