// Cypher's `=~` uses Java regular expressions matched against the whole string.
// Translate the common Java-only syntax (leading inline flags) and anchor the pattern.

import { argumentError } from '../../errors.js';

const cache = new Map<string, RegExp>();

export function cypherRegex(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re !== undefined) return re;
  let body = pattern;
  let flags = 'u';
  const inline = /^\(\?([imsux]+)\)/.exec(body);
  if (inline !== null) {
    body = body.slice(inline[0].length);
    for (const f of inline[1]) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  try {
    re = new RegExp(`^(?:${body})$`, flags);
  } catch {
    try {
      re = new RegExp(`^(?:${body})$`, flags.replace('u', ''));
    } catch (e) {
      throw argumentError(`Invalid regular expression '${pattern}': ${(e as Error).message}`);
    }
  }
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, re);
  return re;
}
