import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { ConfigError } from '@mlops/core';

/**
 * How a Task state calls its function: `direct` (Resource is the function ARN: the result is the function's),
 * `invoke` (`arn:aws:states:::lambda:invoke`: Parameters.Payload in, `{ Payload, StatusCode }` out) or `callback`
 * (`lambda:invoke.waitForTaskToken`: Parameters.Payload in, then the state waits for SendTaskSuccess/Failure).
 */
export type TaskIntegration = 'direct' | 'invoke' | 'callback';

export interface LocalTask {
  fnKey: string;
  integration: TaskIntegration;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
}

export interface LocalDefinition {
  /** The ASL definition with every placeholder filled with a local ARN. */
  definition: Record<string, unknown> & { States: Record<string, Record<string, unknown>> };
  /** Task state name → function key (`StartTuning` → `startTuning`). */
  tasks: Record<string, string>;
  /** Task state name → how it calls its function (and its callback timeouts). */
  calls: Record<string, LocalTask>;
  waits: string[];
}

const FUNCTION_PARAM = /\$\{param:([A-Za-z][A-Za-z0-9]*)FunctionArn\}/g;
const ANY_PLACEHOLDER = /\$\{[^}]*\}/;
const LOCAL_FUNCTION = /:function:mlops-local-([A-Za-z0-9]+)$/;
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

/** The function a Task state calls and how, or undefined when it calls none of the pipeline's functions. */
function taskCall(state: Record<string, unknown>): LocalTask | undefined {
  const resource = String(state.Resource);
  const integration: TaskIntegration | undefined =
    resource === LAMBDA_INVOKE ? 'invoke' : resource === `${LAMBDA_INVOKE}.waitForTaskToken` ? 'callback' : LOCAL_FUNCTION.test(resource) ? 'direct' : undefined;
  if (integration === undefined) return undefined;
  const target = integration === 'direct' ? resource : String((state.Parameters as Record<string, unknown> | undefined)?.FunctionName);
  const fnKey = LOCAL_FUNCTION.exec(target)?.[1];
  if (fnKey === undefined) return undefined;
  const seconds = (name: string) => (typeof state[name] === 'number' ? (state[name] as number) : undefined);
  return { fnKey, integration, timeoutSeconds: seconds('TimeoutSeconds'), heartbeatSeconds: seconds('HeartbeatSeconds') };
}

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
  const calls: Record<string, LocalTask> = {};
  const waits: string[] = [];
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === 'Wait') waits.push(name);
    if (state.Type !== 'Task') continue;
    const call = taskCall(state);
    if (!call) throw new ConfigError(`${path}: Task ${name} does not call a pipeline function (Resource ${String(state.Resource)})`);
    tasks[name] = call.fnKey;
    calls[name] = call;
  }
  return { definition, tasks, calls, waits };
}
