import fs from 'node:fs';
import path from 'node:path';
import { CRD_PATH, buildCrd, crdYaml } from '../../../../operator/api/crd.js';
import type { JsonSchema } from '../../../../operator/api/schema-dsl.js';
import { resourceSchema } from '../../../../operator/api/schema.js';
import { generatedFiles } from '../../../../operator/generated.js';
import { toYaml } from '../../../../operator/api/yaml.js';
import { repoRoot } from '../../../helpers/repo-root.js';

interface Version {
  name: string;
  schema: { openAPIV3Schema: JsonSchema };
  subresources: Record<string, unknown>;
  additionalPrinterColumns: { name: string; jsonPath: string }[];
}
const version = (): Version => (buildCrd().spec as { versions: Version[] }).versions[0];

// Every path in the schema with the node found there.
function nodes(s: JsonSchema, at = ''): [string, JsonSchema][] {
  const out: [string, JsonSchema][] = [[at, s]];
  for (const [k, v] of Object.entries(s.properties ?? {})) out.push(...nodes(v, `${at}.${k}`));
  if (s.items) out.push(...nodes(s.items, `${at}[]`));
  if (s.additionalProperties) out.push(...nodes(s.additionalProperties, `${at}{}`));
  return out;
}

describe('the CRD', () => {
  test.each(generatedFiles().map((f) => [f.path, f.content]))('the committed %s is the generated one (run `npm run gen:crd`)', (file, content) => {
    expect(fs.readFileSync(path.join(repoRoot, file), 'utf8')).toBe(content);
  });

  test('crds/ holds the CRD', () => {
    expect(generatedFiles()[0]).toEqual({ path: CRD_PATH, content: crdYaml() });
  });

  test('names, group and scope follow DESIGN §5', () => {
    const crd = buildCrd() as { metadata: { name: string }; spec: { group: string; scope: string; names: Record<string, unknown> } };
    expect(crd.metadata.name).toBe('memgraphclusters.mgha.io');
    expect(crd.spec.group).toBe('mgha.io');
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toMatchObject({ kind: 'MemgraphCluster', plural: 'memgraphclusters', shortNames: ['mgc'] });
    expect(version().name).toBe('v1alpha1');
  });

  test('status and scale subresources; scale follows the data instances', () => {
    expect(version().subresources).toEqual({
      status: {},
      scale: { specReplicasPath: '.spec.data.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
    });
  });

  test('printer columns MAIN, READY, PHASE, AGE', () => {
    expect(version().additionalPrinterColumns.map((c) => [c.name.toUpperCase(), c.jsonPath])).toEqual([
      ['MAIN', '.status.currentMain'],
      ['READY', '.status.readyInstances'],
      ['PHASE', '.status.phase'],
      ['AGE', '.metadata.creationTimestamp'],
    ]);
  });

  test('the schema is structural: every node has a type, or is int-or-string', () => {
    for (const [at, n] of nodes(version().schema.openAPIV3Schema)) {
      const type = n.type ?? (n['x-kubernetes-int-or-string'] ? 'int-or-string' : 'none');
      expect([at, type]).not.toEqual([at, 'none']);
    }
  });

  test('the root metadata is only `type: object`, as the API server requires', () => {
    expect(version().schema.openAPIV3Schema.properties?.metadata).toEqual({ type: 'object' });
  });

  test('defaults are in the schema', () => {
    const spec = version().schema.openAPIV3Schema.properties?.spec;
    expect(spec?.properties?.data.default).toEqual({});
    expect(spec?.properties?.data.properties?.replicas.default).toBe(2);
    expect(spec?.properties?.coordinators.properties?.replicas.default).toBe(3);
  });

  test('CEL rules: odd coordinators, immutable storage, no owned flags', () => {
    const spec = version().schema.openAPIV3Schema.properties?.spec;
    const rules = (s: JsonSchema | undefined) => (s?.['x-kubernetes-validations'] ?? []).map((r) => r.rule);
    expect(rules(spec?.properties?.coordinators.properties?.replicas)).toEqual(['self % 2 == 1']);
    expect(rules(spec?.properties?.data.properties?.storage)).toEqual(['self == oldSelf']);
    expect(rules(spec?.properties?.data.properties?.args)[0]).toMatch(/^self\.all\(a, !a\.matches\('\^--\?\(bolt\[-_\]port\|/);
  });

  test('every CEL rule over a list or a string list is bounded (the API server refuses unbounded cost)', () => {
    for (const [at, n] of nodes(resourceSchema.json)) {
      const rules = n['x-kubernetes-validations'] ?? [];
      if (n.type === 'array' && rules.length > 0) expect([at, n.maxItems]).toEqual([at, expect.any(Number)]);
    }
    const data = resourceSchema.json.properties?.spec.properties?.data;
    expect(data?.properties?.instances.maxItems).toBeDefined();
    expect(data?.properties?.args.items?.maxLength).toBeDefined();
  });
});

describe('toYaml', () => {
  test('writes nested maps and lists, quoting what could read as something else', () => {
    expect(
      toYaml({ a: 'plain', b: 'yes', c: '10Gi', d: 3, e: true, f: [1, 'x', { g: 'h', i: [] }], j: {}, k: [['l']], m: 'a: b', n: undefined }),
    ).toBe(
      [
        'a: plain',
        'b: "yes"',
        'c: "10Gi"',
        'd: 3',
        'e: true',
        'f:',
        '- 1',
        '- x',
        '- g: h',
        '  i: []',
        'j: {}',
        'k:',
        '- - l',
        'm: "a: b"',
        '',
      ].join('\n'),
    );
  });
});
