// Loads the openCypher TCK feature files and expands them into scenarios (Scenario Outlines
// become one scenario per Examples row) with @cucumber/gherkin's pickle compiler.
import fs from 'node:fs';
import path from 'node:path';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';

export interface TckStep {
  text: string;
  docString: string | null;
  table: string[][] | null;
}

export interface TckScenario {
  /** Feature file path relative to the features directory. */
  feature: string;
  name: string;
  /** 1-based line of the Scenario (or Examples row) in the feature file. */
  line: number;
  tags: string[];
  steps: TckStep[];
}

function listFeatures(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFeatures(full));
    else if (entry.name.endsWith('.feature')) out.push(full);
  }
  return out.sort();
}

export function parseFeature(text: string, relPath: string): TckScenario[] {
  const newId = IdGenerator.incrementing();
  const parser = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher());
  const doc = parser.parse(text);
  // Map AST node ids to source lines so a failure can be found in the file.
  const lines = new Map<string, number>();
  for (const child of doc.feature?.children ?? []) {
    const sc = child.scenario;
    if (!sc) continue;
    lines.set(sc.id, sc.location.line);
    for (const ex of sc.examples) for (const row of ex.tableBody) lines.set(row.id, row.location.line);
  }
  return compile(doc, relPath, newId).map((pickle) => {
    const rowId = pickle.astNodeIds[1];
    const line = (rowId && lines.get(rowId)) || lines.get(pickle.astNodeIds[0]) || 0;
    return {
      feature: relPath,
      name: pickle.name,
      line,
      tags: pickle.tags.map((t) => t.name),
      steps: pickle.steps.map((s) => ({
        text: s.text,
        docString: s.argument?.docString?.content ?? null,
        table: s.argument?.dataTable ? s.argument.dataTable.rows.map((r) => r.cells.map((c) => c.value)) : null,
      })),
    };
  });
}

/** All scenarios under featuresDir whose feature path or name contains filter. */
export function loadScenarios(featuresDir: string, filter = ''): TckScenario[] {
  const all: TckScenario[] = [];
  for (const file of listFeatures(featuresDir)) {
    const rel = path.relative(featuresDir, file);
    all.push(...parseFeature(fs.readFileSync(file, 'utf8'), rel));
  }
  if (!filter) return all;
  return all.filter((s) => s.feature.includes(filter) || s.name.includes(filter));
}
