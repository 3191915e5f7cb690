import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BOTOCORE_PACKAGE,
  checkRequest,
  extendModel,
  NEWER_API_MEMBERS,
  loadServiceModel,
  modelServiceName,
  serviceModelsAvailable,
  type ServiceModel,
} from '@mlops/aws-model-check';
import { runPipeline, type RunOutcome } from '@mlops/local-runner';
import { attritionCsv, attritionVariant, tempDir } from '../helpers/pipeline';

// The acceptance criterion of `--trace`: every command the handlers issued is a valid request for its AWS API,
// checked against the official service models (botocore's, from the Debian package python3-botocore).

type TraceLine = { service: string; command: string; input: unknown };

/** Every operation the handlers issue on the paths run here (published, rejected against a champion, invalid data). */
const HANDLER_COMMANDS: Record<string, string[]> = {
  s3: ['PutObject', 'GetObject', 'HeadObject', 'CopyObject', 'ListObjectsV2'],
  sagemaker: [
    'CreateProcessingJob',
    'DescribeProcessingJob',
    'CreateHyperParameterTuningJob',
    'DescribeHyperParameterTuningJob',
    'DescribeTrainingJob',
    'ListHyperParameterTuningJobs',
    'ListTrainingJobsForHyperParameterTuningJob',
    'CreateModel',
    'CreateTransformJob',
    'DescribeTransformJob',
    'CreateModelPackageGroup',
    'DescribeModelPackageGroup',
    'CreateModelPackage',
    'DescribeModelPackage',
    'UpdateModelPackage',
    'ListModelPackages',
  ],
  glue: [
    'GetDatabase',
    'CreateDatabase',
    'CreateTable',
    'GetDataQualityRuleset',
    'CreateDataQualityRuleset',
    'StartDataQualityRulesetEvaluationRun',
    'GetDataQualityRulesetEvaluationRun',
    'GetDataQualityResult',
    'StartCrawler',
  ],
  sns: ['Publish'],
  sfn: ['StartExecution', 'GetExecutionHistory'],
};


const models = new Map<string, ServiceModel>();
function modelOf(service: string): ServiceModel {
  const name = modelServiceName(service);
  let model = models.get(name);
  if (!model) {
    model = extendModel(loadServiceModel(name), NEWER_API_MEMBERS[name] ?? {});
    models.set(name, model);
  }
  return model;
}

const available = serviceModelsAvailable();
const title = available
  ? 'every AWS request in a --trace file is valid for its API (botocore service models)'
  : `traced AWS requests vs botocore models — SKIPPED: models missing, run apt-get install ${BOTOCORE_PACKAGE}`;

describe.skipIf(!available)(title, () => {
  let traceFile: string;
  let lines: TraceLine[];
  const outcomes: RunOutcome[] = [];

  beforeAll(async () => {
    const dir = await tempDir('trace');
    const workdir = join(dir, 'work');
    traceFile = join(dir, 'calls.jsonl');
    const train = await attritionCsv(dir, 'employees.csv', 1470, 7);
    const score = await attritionCsv(dir, 'current.csv', 250, 8, true);
    const pipeline = await attritionVariant(dir, 'attrition');
    const strict = await attritionVariant(dir, 'strict', (c) => {
      c.evaluation.policy.floors = { roc_auc: 0.999 };
    });
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, (await readFile(train, 'utf8')).replace(/^([^,]*),No,/m, '$1,Maybe,'));
    // Same workdir throughout: the second run has a champion to be judged against, and is rejected by the floor.
    outcomes.push(await runPipeline({ pipeline, data: train, score, workdir, trace: traceFile }));
    outcomes.push(await runPipeline({ pipeline: strict, data: train, score, workdir, trace: traceFile }));
    outcomes.push(await runPipeline({ pipeline, data: bad, workdir, trace: traceFile }));
    lines = (await readFile(traceFile, 'utf8'))
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as TraceLine);
  });

  it('runs the published, rejected (with champion) and invalid-data paths, and traces every call to the file', () => {
    expect(outcomes.map((o) => o.status)).toEqual(['published', 'rejected', 'invalid-data']);
    expect((outcomes[1]?.record?.registration as { approvalStatus?: string }).approvalStatus).toBe('Rejected');
    expect(JSON.stringify(outcomes[1]?.record?.evaluation)).toMatch(/champion/i);
    expect(lines.length).toBe(outcomes.reduce((n, o) => n + o.trace.length, 0));
    expect(lines.map((l) => `${l.service}.${l.command}`)).toEqual(
      outcomes.flatMap((o) => o.trace.map((t) => `${t.service}.${t.command}`)),
    );
  });

  it('every traced command is a valid request against the official service model', () => {
    const violations: string[] = [];
    const unchecked = new Set<string>();
    lines.forEach((line, i) => {
      const model = modelOf(line.service);
      const result = checkRequest(model, line.command, line.input);
      const where = `#${i} ${line.service} ${line.command} (${model.service} ${model.version})`;
      for (const v of result.violations) violations.push(`${where}: ${v}`);
      for (const u of result.unchecked) unchecked.add(`${line.service} ${line.command}: ${u}`);
    });
    expect(violations, `${violations.length} invalid request member(s):\n${violations.join('\n')}`).toEqual([]);
    expect([...unchecked], `constraints that could not be checked:\n${[...unchecked].join('\n')}`).toEqual([]);
  });

  it('the in-memory trace (outcome.trace) is valid too, with its Dates, Buffers and streams', () => {
    const violations = outcomes.flatMap((o) =>
      o.trace.flatMap((t) =>
        checkRequest(modelOf(t.service), t.command, t.input).violations.map((v) => `${t.service} ${t.command}: ${v}`),
      ),
    );
    expect(violations, violations.join('\n')).toEqual([]);
  });

  it('the trace covers every command the handlers use', () => {
    const traced = new Set(lines.map((l) => `${l.service}.${l.command}`));
    const expected = Object.entries(HANDLER_COMMANDS).flatMap(([service, commands]) =>
      commands.map((c) => `${service}.${c}`),
    );
    expect(
      expected.filter((c) => !traced.has(c)),
      'handler commands missing from the trace',
    ).toEqual([]);
    const services = new Set(lines.map((l) => l.service));
    expect([...services].sort()).toEqual(Object.keys(HANDLER_COMMANDS).sort());
  });
});
