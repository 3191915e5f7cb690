import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  BOTOCORE_PACKAGE,
  checkRequest,
  loadServiceModel,
  serviceModelsAvailable,
  validateRequest,
} from '../src/index';

// Hand-made requests for real operations of each service the pipeline uses, against the installed botocore models.

const available = serviceModelsAvailable();
const title = available
  ? 'validateRequest against the botocore models'
  : `botocore models missing — SKIPPED: apt-get install ${BOTOCORE_PACKAGE}`;

const ROLE = 'arn:aws:iam::123456789012:role/mlops-dev-sagemaker';

function tuningJob(): Record<string, any> {
  return {
    HyperParameterTuningJobName: 'mlops-attrition-tune-1a2b',
    HyperParameterTuningJobConfig: {
      Strategy: 'Bayesian',
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:auc' },
      ResourceLimits: { MaxNumberOfTrainingJobs: 8, MaxParallelTrainingJobs: 2 },
      ParameterRanges: {
        ContinuousParameterRanges: [{ Name: 'l2', MinValue: '0.001', MaxValue: '10', ScalingType: 'Logarithmic' }],
      },
    },
    TrainingJobDefinition: {
      AlgorithmSpecification: {
        TrainingImage: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/trainer:1',
        TrainingInputMode: 'File',
      },
      RoleArn: ROLE,
      OutputDataConfig: { S3OutputPath: 's3://bucket/runs/x/tuning/' },
      ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 10 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      StaticHyperParameters: { model: 'logistic', seed: '7' },
    },
    Tags: [{ Key: 'mlops:pipeline', Value: 'attrition' }],
  };
}

describe.skipIf(!available)(title, () => {
  describe('sagemaker', () => {
    const sagemaker = available ? loadServiceModel('sagemaker') : (undefined as never);

    it('accepts a valid CreateHyperParameterTuningJob (also under its SDK v3 command name)', () => {
      expect(validateRequest(sagemaker, 'CreateHyperParameterTuningJob', tuningJob())).toEqual([]);
      expect(validateRequest(sagemaker, 'CreateHyperParameterTuningJobCommand', tuningJob())).toEqual([]);
    });

    it('reports a value below min with its full path', () => {
      const request = tuningJob();
      request.HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs = 0;
      expect(validateRequest(sagemaker, 'CreateHyperParameterTuningJob', request)).toEqual([
        'HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs: 0 is below min 1',
      ]);
    });

    it('reports a missing required member, a bad enum, an unknown member and a non-integer, all at once', () => {
      const request = tuningJob();
      delete request.HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs;
      request.HyperParameterTuningJobConfig.Strategy = 'Genetic';
      request.TrainingJobDefinition.ResourceConfig.InstanceCount = 1.5;
      request.TrainingJobDefinition.Colour = 'blue';
      const violations = validateRequest(sagemaker, 'CreateHyperParameterTuningJob', request);
      expect(violations).toHaveLength(4);
      expect(violations).toContain(
        'HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs: required member missing (ResourceLimits)',
      );
      expect(
        violations.find((v) => v.startsWith('HyperParameterTuningJobConfig.Strategy: "Genetic" is not one of')),
      ).toMatch(/Bayesian/);
      expect(violations).toContain('TrainingJobDefinition.ResourceConfig.InstanceCount: 1.5 is not an integer');
      expect(violations).toContain(
        'TrainingJobDefinition.Colour: unknown member (not in HyperParameterTrainingJobDefinition)',
      );
    });

    it('reports a name over its max length and one off its pattern', () => {
      const long = { ...tuningJob(), HyperParameterTuningJobName: 'a'.repeat(33) };
      expect(validateRequest(sagemaker, 'CreateHyperParameterTuningJob', long)).toEqual([
        'HyperParameterTuningJobName: length 33 is above max 32',
        `HyperParameterTuningJobName: "${'a'.repeat(33)}" does not match pattern ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}`,
      ]);
      const underscore = validateRequest(sagemaker, 'CreateHyperParameterTuningJob', {
        ...tuningJob(),
        HyperParameterTuningJobName: 'tune_1',
      });
      expect(underscore).toEqual([
        'HyperParameterTuningJobName: "tune_1" does not match pattern ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}',
      ]);
    });

    it('checks map keys, map values and list lengths (CreateModel)', () => {
      const model = {
        ModelName: 'm-1',
        ExecutionRoleArn: ROLE,
        PrimaryContainer: { Image: 'img:1', Environment: { RUN_ID: 'r1' } },
      };
      expect(validateRequest(sagemaker, 'CreateModel', model)).toEqual([]);
      const environment = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`K${i}`, 'v']));
      const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
      const violations = validateRequest(sagemaker, 'CreateModel', {
        ...model,
        PrimaryContainer: { Image: 'img:1', Environment: { ...environment, '1bad key': 'v' }, Mode: 'Single' },
        Tags: tags,
      });
      expect(violations).toContain('PrimaryContainer.Environment: map size 18 is above max 16');
      expect(
        violations.some((v) =>
          v.startsWith('PrimaryContainer.Environment key "1bad key": "1bad key" does not match pattern'),
        ),
      ).toBe(true);
      expect(violations.some((v) => v.startsWith('PrimaryContainer.Mode: "Single" is not one of ContainerMode'))).toBe(
        true,
      );
      expect(violations).toContain('Tags: list length 51 is above max 50');
    });

    it('reports an unknown operation', () => {
      expect(validateRequest(sagemaker, 'LaunchRocket', {})).toEqual([
        `(input): operation LaunchRocket is not in the sagemaker model (${sagemaker.version})`,
      ]);
    });
  });

  describe('s3', () => {
    const s3 = available ? loadServiceModel('s3') : (undefined as never);

    it('accepts PutObject bodies as Buffer, string, stream and the trace\'s "<stream>"', () => {
      for (const Body of [Buffer.from('a,b\n'), 'a,b\n', Readable.from(['a']), '<stream>', new Uint8Array([1])]) {
        expect(validateRequest(s3, 'PutObject', { Bucket: 'b', Key: 'k.csv', Body, ContentType: 'text/csv' })).toEqual(
          [],
        );
      }
    });

    it('reports a missing required member, an empty key, a bad enum, a bad body and an unknown member', () => {
      const violations = validateRequest(s3, 'PutObject', {
        Key: '',
        Body: 42,
        StorageClass: 'COLD',
        Expires: 'tomorrow',
        Bucketname: 'b',
      });
      expect(violations).toEqual([
        'Bucket: required member missing (PutObjectRequest)',
        'Key: length 0 is below min 1',
        'Body: expected a blob (bytes, string or stream), got number 42',
        expect.stringMatching(/^StorageClass: "COLD" is not one of StorageClass \(STANDARD, /),
        'Expires: expected a timestamp (Date, ISO 8601 string or epoch seconds), got string "tomorrow"',
        'Bucketname: unknown member (not in PutObjectRequest)',
      ]);
    });

    it("checks CopyObject's CopySource pattern (a leading slash: /bucket/key)", () => {
      expect(
        validateRequest(s3, 'CopyObject', { Bucket: 'b', Key: 'k', CopySource: '/src/a/b.csv?versionId=1' }),
      ).toEqual([]);
      const unslashed = validateRequest(s3, 'CopyObject', { Bucket: 'b', Key: 'k', CopySource: 'src' });
      expect(unslashed).toEqual([expect.stringMatching(/^CopySource: "src" does not match pattern/)]);
    });
  });

  describe('glue', () => {
    const glue = available ? loadServiceModel('glue') : (undefined as never);
    const run = {
      DataSource: { GlueTable: { DatabaseName: 'mlops_dev', TableName: 't' } },
      Role: 'arn:aws:iam::1:role/g',
      RulesetNames: ['r'],
    };

    it('accepts a valid StartDataQualityRulesetEvaluationRun', () => {
      expect(
        validateRequest(glue, 'StartDataQualityRulesetEvaluationRun', { ...run, Timeout: 60, ClientToken: 'run-1' }),
      ).toEqual([]);
    });

    it('reports missing nested members, an empty list, a number below min and a name off the pattern', () => {
      const violations = validateRequest(glue, 'StartDataQualityRulesetEvaluationRun', {
        DataSource: { GlueTable: { DatabaseName: 'db\nx' } },
        Role: 'r',
        RulesetNames: [],
        Timeout: 0,
      });
      expect(violations).toEqual([
        'DataSource.GlueTable.TableName: required member missing (GlueTable)',
        expect.stringMatching(/^DataSource\.GlueTable\.DatabaseName: "db\\nx" does not match pattern /),
        'RulesetNames: list length 0 is below min 1',
        'Timeout: 0 is below min 1',
      ]);
    });

    it('reports a database name over 255 characters', () => {
      expect(validateRequest(glue, 'CreateDatabase', { DatabaseInput: { Name: 'd'.repeat(256) } })).toEqual([
        'DatabaseInput.Name: length 256 is above max 255',
      ]);
    });
  });

  describe('sns', () => {
    const sns = available ? loadServiceModel('sns') : (undefined as never);

    it('accepts a Publish and reports a missing message and a message attribute without DataType', () => {
      expect(
        validateRequest(sns, 'Publish', {
          TopicArn: 'arn:aws:sns:eu-west-1:1:t',
          Message: '{}',
          Subject: 'run published',
        }),
      ).toEqual([]);
      expect(
        validateRequest(sns, 'Publish', { TopicArn: 'arn', MessageAttributes: { status: { StringValue: 'ok' } } }),
      ).toEqual([
        'Message: required member missing (PublishInput)',
        'MessageAttributes["status"].DataType: required member missing (MessageAttributeValue)',
      ]);
    });
  });

  describe('sfn (stepfunctions)', () => {
    const sfn = available ? loadServiceModel('sfn') : (undefined as never);

    it('loads the stepfunctions model for "sfn" and checks StartExecution and GetExecutionHistory', () => {
      expect(sfn.service).toBe('stepfunctions');
      const arn = 'arn:aws:states:eu-west-1:1:stateMachine:p';
      expect(validateRequest(sfn, 'StartExecution', { stateMachineArn: arn, name: 'run-1', input: '{}' })).toEqual([]);
      expect(validateRequest(sfn, 'StartExecution', { name: 'n'.repeat(81), traceHeader: 'é' })).toEqual([
        'stateMachineArn: required member missing (StartExecutionInput)',
        'name: length 81 is above max 80',
        'traceHeader: "é" does not match pattern \\p{ASCII}*',
      ]);
      expect(
        validateRequest(sfn, 'GetExecutionHistory', { executionArn: arn, maxResults: 1001, reverseOrder: 'yes' }),
      ).toEqual(['maxResults: 1001 is above max 1000', 'reverseOrder: expected a boolean, got string "yes"']);
    });

    it('reports nothing unchecked for real requests', () => {
      expect(checkRequest(sfn, 'StartExecution', { stateMachineArn: 'a', traceHeader: 'Root=1' }).unchecked).toEqual(
        [],
      );
    });
  });
});
