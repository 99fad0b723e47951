import { CypherDate, typeName } from '../../dataplane/values.js';

test('typeName distinguishes integers from floats', () => {
  expect(typeName(1n)).toBe('INTEGER');
  expect(typeName(1)).toBe('FLOAT');
  expect(typeName(new CypherDate(0))).toBe('DATE');
});
