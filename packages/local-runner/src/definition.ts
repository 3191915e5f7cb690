import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { ConfigError } from '@mlops/core';

export interface LocalDefinition {
  /** The ASL definition with every placeholder filled with a local ARN. */
  definition: Record<string, unknown> & { States: Record<string, Record<string, unknown>> };
  /** Task state name → function key (`StartTuning` → `startTuning`). */
  tasks: Record<string, string>;
  waits: string[];
}

const FUNCTION_PARAM = /\$\{param:([A-Za-z][A-Za-z0-9]*)FunctionArn\}/g;
const ANY_PLACEHOLDER = /\$\{[^}]*\}/;

/** The local ARN standing for a function key. */
export function localFunctionArn(fnKey: string, region: string, account: string): string {
  return `arn:aws:lambda:${region}:${account}:function:mlops-local-${fnKey}`;
}

/**
 * Load a state machine YAML file exactly as deployed and fill its placeholders with local function ARNs.
 * Any placeholder other than `${param:<fnKey>FunctionArn}` is an error: the file must hold nothing else.
 */
export async function loadDefinition(path: string, options: { region: string; account: string }): Promise<LocalDefinition> {
  // Placeholders are filled in the parsed document (comments are not part of it), as the framework does.
  const text = JSON.stringify(parse(await readFile(path, 'utf8')));
  const rendered = text.replace(FUNCTION_PARAM, (_m, fnKey: string) => localFunctionArn(fnKey, options.region, options.account));
  const leftover = ANY_PLACEHOLDER.exec(rendered);
  if (leftover) throw new ConfigError(`${path}: unsupported placeholder ${leftover[0]} (only \${param:<fn>FunctionArn} is filled locally)`);
  const definition = JSON.parse(rendered) as LocalDefinition['definition'];
  if (!definition?.States) throw new ConfigError(`${path} is not a state machine definition (no States)`);
  const tasks: Record<string, string> = {};
  const waits: string[] = [];
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === 'Wait') waits.push(name);
    if (state.Type !== 'Task') continue;
    const match = /:function:mlops-local-([A-Za-z0-9]+)$/.exec(String(state.Resource));
    if (!match) throw new ConfigError(`${path}: Task ${name} does not call a pipeline function (Resource ${String(state.Resource)})`);
    tasks[name] = match[1] as string;
  }
  return { definition, tasks, waits };
}
