import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RULES_DIR = path.join(ROOT, 'ops/prometheus/rules');
export const DASHBOARDS_DIR = path.join(ROOT, 'ops/grafana/dashboards');
export const RULE_TESTS_DIR = path.join(ROOT, 'ops/prometheus/tests');
export const REPOSITORY_ROOT = ROOT;

/** One query the ops files run, and where it is (file and rule or panel), for failure messages. */
export interface OpsQuery {
  where: string;
  expr: string;
}

export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}

export const filesIn = (dir: string, extension: string) =>
  readdirSync(dir)
    .filter((name) => name.endsWith(extension))
    .sort()
    .map((name) => ({ name, text: readFileSync(path.join(dir, name), 'utf8') }));

/** Every rule of ops/prometheus/rules/*.yml. */
export function readRules(): (Rule & { file: string })[] {
  return filesIn(RULES_DIR, '.yml').flatMap(({ name, text }) =>
    (parse(text) as RuleFile).groups.flatMap((group) => group.rules.map((rule) => ({ file: name, ...rule }))),
  );
}

/** The expressions of the alerting and recording rules, and the names the recording rules define. */
export function ruleQueries(): { queries: OpsQuery[]; recorded: Set<string> } {
  const rules = readRules();
  return {
    queries: rules.map((rule) => ({ where: `${rule.file}: ${rule.record ?? rule.alert}`, expr: rule.expr })),
    recorded: new Set(rules.flatMap((rule) => (rule.record ? [rule.record] : []))),
  };
}

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

interface Dashboard {
  panels?: Panel[];
  templating?: { list?: { name: string; type: string; query?: string | { query?: string } }[] };
}

/** The targets of every panel (rows' nested panels included) and the queries of query variables. */
export function dashboardQueries(): OpsQuery[] {
  return filesIn(DASHBOARDS_DIR, '.json').flatMap(({ name, text }) => {
    const dashboard = JSON.parse(text) as Dashboard;
    const fromPanels = (panels: Panel[] = []): OpsQuery[] =>
      panels.flatMap((panel) => [
        ...(panel.targets ?? []).flatMap((target) =>
          target.expr ? [{ where: `${name}: panel "${panel.title}"`, expr: target.expr }] : [],
        ),
        ...fromPanels(panel.panels),
      ]);
    const fromVariables = (dashboard.templating?.list ?? [])
      .filter((variable) => variable.type === 'query')
      .flatMap((variable) => {
        const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
        return query ? [{ where: `${name}: variable $${variable.name}`, expr: query }] : [];
      });
    return [...fromPanels(dashboard.panels), ...fromVariables];
  });
}
