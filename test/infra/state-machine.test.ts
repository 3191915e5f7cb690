import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectName } from '../../scripts/seed-compose-state';
import { placeholderNames, stateMachineFiles, validateAslFile, validateDefinition } from '../../scripts/validate-asl';
import {
  lambdaFunctions,
  loadStage,
  PACKAGE_TIMEOUT_MS,
  resourcesOfType,
  STAGES,
  type StageTemplates,
  type Template,
} from './templates';

type Json = Record<string, unknown>;
const ACCOUNT = '000000000000';
const REGION = 'eu-west-1';
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

/** The function a Task calls: its Resource, or Parameters.FunctionName for `lambda:invoke` (`.waitForTaskToken` too). */
function calledFunction(task: Json): string {
  const resource = String(task.Resource);
  const integration = resource === LAMBDA_INVOKE || resource === `${LAMBDA_INVOKE}.waitForTaskToken`;
  return String(integration ? (task.Parameters as Json).FunctionName : resource);
}

describe('state machine files', () => {
  it.each(stateMachineFiles())('%s is valid ASL once its placeholders are rendered', (file) => {
    const check = validateAslFile(file);
    expect(check.errors).toEqual([]);
    expect(check.isValid).toBe(true);
  });

  it.each(stateMachineFiles())('%s holds no CloudFormation, only ${param:<fnKey>FunctionArn}', (file) => {
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/Fn::|!GetAtt|!Ref|!Sub|\$\{(?!param:)/);
    expect(placeholderNames(text).every((n) => n.endsWith('FunctionArn'))).toBe(true);
  });

  it('catches a broken definition (the validator is not a no-op)', () => {
    const [file] = stateMachineFiles();
    const definition = parse(
      readFileSync(file!, 'utf8').replace('Next: StartValidation', 'Next: NoSuchState'),
    ) as unknown;
    expect(validateDefinition(definition).isValid).toBe(false);
  });
});

/** Every Task state, in nested Parallel branches and Map iterators too. */
function taskStates(definition: Json): [string, Json][] {
  const tasks: [string, Json][] = [];
  const visit = (states: Record<string, Json>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') tasks.push([name, state]);
      for (const branch of (state.Branches as Json[] | undefined) ?? []) visit(branch.States as Record<string, Json>);
      const iterator = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
      if (iterator) visit(iterator.States as Record<string, Json>);
    }
  };
  visit(definition.States as Record<string, Json>);
  return tasks;
}

/** The packaged DefinitionString with its Fn::Sub variables rendered the way CloudFormation will. */
function renderDefinition(template: Template): { text: string; getAtts: Map<string, string> } {
  const machine = resourcesOfType(template, 'AWS::StepFunctions::StateMachine')[0]![1];
  const definition = machine.Properties?.DefinitionString as
    string | { 'Fn::Sub': string | [string, Record<string, Json>] };
  if (typeof definition === 'string') return { text: definition, getAtts: new Map() };
  const [text, variables] = Array.isArray(definition['Fn::Sub']) ? definition['Fn::Sub'] : [definition['Fn::Sub'], {}];
  const getAtts = new Map<string, string>();
  const rendered = text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    if (name === 'AWS::Region') return REGION;
    if (name === 'AWS::AccountId') return ACCOUNT;
    if (name === 'AWS::Partition') return 'aws';
    const variable = variables[name] as { 'Fn::GetAtt'?: [string, string] } | undefined;
    const [id, attribute] = variable?.['Fn::GetAtt'] ?? [];
    const fn = id ? template.Resources[id] : undefined;
    if (!fn || attribute !== 'Arn' || fn.Type !== 'AWS::Lambda::Function')
      throw new Error(`unresolvable ${whole}: ${JSON.stringify(variable)}`);
    const arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${String(fn.Properties?.FunctionName)}`;
    getAtts.set(arn, id!);
    return arn;
  });
  return { text: rendered, getAtts };
}

describe.each(STAGES)('packaged state machine of stage %s', (stageName) => {
  let stage: StageTemplates;
  let definition: Json;
  let getAtts: Map<string, string>;
  beforeAll(async () => {
    stage = await loadStage(stageName);
    const rendered = renderDefinition(stage.templates.training!);
    definition = JSON.parse(rendered.text) as Json;
    getAtts = rendered.getAtts;
  }, PACKAGE_TIMEOUT_MS);

  it('is named <project>-<stage>-pipeline, logs with retention, and runs under its own role', () => {
    const [, machine] = resourcesOfType(stage.templates.training!, 'AWS::StepFunctions::StateMachine')[0]!;
    expect(machine.Properties?.StateMachineName).toBe(`${projectName(stageName)}-${stageName}-pipeline`);
    expect(machine.Properties?.RoleArn).toEqual({ 'Fn::GetAtt': ['PipelineStateMachineRole', 'Arn'] });
    expect(machine.Properties?.LoggingConfiguration).toMatchObject({
      Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': ['PipelineLogGroup', 'Arn'] } } }],
    });
  });

  it('passes asl-validator', () => {
    expect(validateDefinition(definition).errors).toEqual([]);
  });

  it('resolves every Task to a function that exists in some service (own functions by Fn::GetAtt, others through compose)', () => {
    const functionsByArn = new Map(
      lambdaFunctions(stage).map((f) => [`arn:aws:lambda:${REGION}:${ACCOUNT}:function:${f.name}`, f]),
    );
    const tasks = taskStates(definition);
    expect(tasks.length).toBeGreaterThan(10);
    for (const [name, task] of tasks) {
      const arn = calledFunction(task);
      if (getAtts.has(arn)) continue; // a training function, referenced with Fn::GetAtt
      const origin = composeOrigin(stage, arn);
      expect(origin, `${name}: ${arn} does not come from a compose output`).toBeDefined();
      const output = stage.templates[origin!.service]?.Outputs?.[origin!.output];
      const [id] = (output?.Value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
      expect(
        stage.templates[origin!.service]?.Resources[id]?.Type,
        `${name} → ${origin!.service}.${origin!.output}`,
      ).toBe('AWS::Lambda::Function');
      // The offline placeholder is the ARN that function will have, so the packaged template reads like a deployed one.
      expect(functionsByArn.get(arn)?.id, `${name}: ${arn}`).toBe(id);
    }
  });

  it('may invoke exactly the functions its Task states call', () => {
    const role = stage.templates.training!.Resources.PipelineStateMachineRole!;
    const statements = (role.Properties?.Policies as { PolicyDocument: { Statement: Json[] } }[])[0]!.PolicyDocument
      .Statement;
    const invoke = statements.find((s) => s.Action === 'lambda:InvokeFunction')!;
    const allowed = (invoke.Resource as unknown[]).map((r) => {
      const getAtt = (r as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
      return getAtt ? [...getAtts].find(([, id]) => id === getAtt[0])?.[0] : r;
    });
    const called = taskStates(definition).map(([, t]) => calledFunction(t));
    expect(new Set(allowed)).toEqual(new Set(called));
  });
});

/** The compose output a training param value came from: `training.params.x: ${service.Output}`. */
function composeOrigin(stage: StageTemplates, value: string): { service: string; output: string } | undefined {
  for (const reference of Object.values(stage.composeParams.training ?? {})) {
    const match = /^\$\{(\w+)\.(\w+)\}$/.exec(String(reference));
    if (match && stage.outputs[match[1]!]?.[match[2]!] === value) return { service: match[1]!, output: match[2]! };
  }
  return undefined;
}
