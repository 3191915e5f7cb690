import { beforeAll, describe, expect, it } from 'vitest';
import { projectName } from '../../scripts/seed-compose-state';
import {
  iamActionKnown,
  requiredResourceTypes,
  UNSCOPED_ACTIONS,
} from '../../packages/serverless-config/src/iam-reference';
import {
  actionsOf,
  lambdaFunctions,
  loadStage,
  PACKAGE_TIMEOUT_MS,
  policyStatements,
  resourcesOf,
  resourcesOfType,
  STAGES,
  type StageTemplates,
} from './templates';

const PASS_ROLE_SERVICES = ['sagemaker.amazonaws.com', 'glue.amazonaws.com'];

describe('unscoped-actions.json', () => {
  it('lists only real actions that have no required resource type', async () => {
    // Prepare
    const actions = Object.keys(UNSCOPED_ACTIONS);
    // Act
    const problems: string[] = [];
    for (const action of actions) {
      if (!(await iamActionKnown(action))) problems.push(`${action}: unknown action`);
      else if ((await requiredResourceTypes(action)).length > 0)
        problems.push(`${action}: has a required resource type, scope it`);
    }
    // Assess
    expect(actions.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});

describe.each(STAGES)('IAM of stage %s', (stageName) => {
  const prefix = `${projectName(stageName)}-${stageName}-`;
  let stage: StageTemplates;
  beforeAll(async () => {
    stage = await loadStage(stageName);
  }, PACKAGE_TIMEOUT_MS);

  it('gives every Lambda function a role of its own, named after the project and stage', () => {
    const functions = lambdaFunctions(stage);
    const roles = functions.map((f) => JSON.stringify(f.role));

    expect(functions.length).toBeGreaterThan(0);
    expect(new Set(roles).size).toBe(functions.length);
    for (const f of functions) {
      const [roleId] = (f.role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
      const role = stage.templates[f.service]?.Resources[roleId];
      expect(role?.Type, `${f.name}'s role ${roleId}`).toBe('AWS::IAM::Role');
      const roleName = String(role?.Properties?.RoleName);
      expect(roleName.startsWith(prefix), roleName).toBe(true);
      expect(roleName.length, roleName).toBeLessThanOrEqual(64);
    }
  });

  it('names every IAM role within 64 characters under the project-stage prefix', () => {
    for (const template of Object.values(stage.templates)) {
      for (const [id, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
        const name = role.Properties?.RoleName;
        const rendered =
          typeof name === 'string'
            ? name
            : String((name as { 'Fn::Sub': string })['Fn::Sub']).replace('${AWS::Region}', 'ap-southeast-2');
        expect(rendered.startsWith(prefix), `${id}: ${rendered}`).toBe(true);
        expect(rendered.length, `${id}: ${rendered}`).toBeLessThanOrEqual(64);
      }
    }
  });

  it('never allows "*" or "<service>:*" actions', () => {
    const offending = policyStatements(stage)
      .filter(({ statement }) => statement.Effect === 'Allow')
      .flatMap(({ holder, statement }) => actionsOf(statement).map((a) => ({ holder, a })))
      .filter(({ a }) => a === '*' || /^[a-z0-9-]+:\*$/i.test(a));

    expect(offending).toEqual([]);
    expect(policyStatements(stage).every(({ statement }) => statement.NotAction === undefined)).toBe(true);
  });

  it('grants Resource "*" only with actions documented in unscoped-actions.json', () => {
    const offending = policyStatements(stage)
      .filter(({ kind, statement }) => kind === 'identity' && statement.Effect === 'Allow')
      .filter(({ statement }) => resourcesOf(statement).includes('*'))
      .flatMap(({ holder, statement }) =>
        actionsOf(statement)
          .filter((a) => !(a in UNSCOPED_ACTIONS))
          .map((a) => `${holder}: ${a}`),
      );

    expect(offending).toEqual([]);
  });

  it('passes roles only to SageMaker or Glue, and only the project roles', () => {
    const passRole = policyStatements(stage).filter(({ statement }) => actionsOf(statement).includes('iam:PassRole'));

    expect(passRole.length).toBeGreaterThan(0);
    for (const { holder, statement } of passRole) {
      expect(actionsOf(statement), holder).toEqual(['iam:PassRole']);
      const passedTo = statement.Condition?.StringEquals?.['iam:PassedToService'];
      expect(PASS_ROLE_SERVICES, `${holder} passes to ${String(passedTo)}`).toContain(passedTo);
      for (const resource of resourcesOf(statement)) {
        expect(String(resource), holder).toMatch(new RegExp(`^arn:aws:iam::\\d{12}:role/${prefix}`));
      }
    }
  });

  it('uses only actions that exist in the Service Authorization Reference', async () => {
    const actions = new Set(
      policyStatements(stage)
        .filter(({ statement }) => statement.Effect === 'Allow')
        .flatMap(({ statement }) => actionsOf(statement)),
    );

    const unknown: string[] = [];
    for (const action of actions) if (!(await iamActionKnown(action))) unknown.push(action);

    expect(unknown).toEqual([]);
  });
});
