// Error-code assertions for unit tests of the query layer.

import { MghaError } from '../../../../dataplane/errors.js';

/** The MghaError code `f` throws, undefined when it returns; any other error is named so a test fails readably. */
export function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof MghaError ? e.code : `not-mgha: ${String(e)}`;
  }
  return undefined;
}
