import { randomBytes } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { parsePipelineConfig, type PipelineConfig } from '@mlops/core';
import { builtinRulesAsDqdl, evaluateDataset, formatRuleset, parseDqdl } from '@mlops/data-quality';
import { LocalService, LocalServiceError } from '../service';
import { JsonStore } from './store';

type S3Like = { send(command: unknown): Promise<unknown> };
type Json = Record<string, unknown>;

interface TableRecord extends Json {
  DatabaseName: string;
  Name: string;
  StorageDescriptor?: { Location?: string; Columns?: { Name: string; Type: string }[] };
  Parameters?: Record<string, string>;
}

interface EvaluationRun {
  RunId: string;
  Status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  DataSource: { GlueTable: { DatabaseName: string; TableName: string } };
  RulesetNames: string[];
  Role: string;
  StartedOn: string;
  CompletedOn?: string;
  ExecutionTime?: number;
  ResultIds?: string[];
  ErrorString?: string;
  ClientToken?: string;
}

const notFound = (what: string) => new LocalServiceError('EntityNotFoundException', `${what} not found`);
const exists = (what: string) => new LocalServiceError('AlreadyExistsException', `${what} already exists.`);
const invalid = (message: string) => new LocalServiceError('InvalidInputException', message);
const NAME = /^[\u0020-\uD7FF\uE000-\uFFFD\t]{1,255}$/;

function parseS3(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw invalid(`not an S3 location: ${uri}`);
  return { bucket: m[1] as string, key: m[2] as string };
}

/**
 * The ruleset minus the built-in checks the local evaluator always runs itself (AWS Glue gets them as DQDL rules;
 * evaluating them twice would report each twice).
 */
function withoutBuiltins(ruleset: string, config: PipelineConfig): string {
  const builtin = new Set(parseDqdl(builtinRulesAsDqdl(config)).rules.map((r) => r.text));
  return formatRuleset(parseDqdl(ruleset).rules.map((r) => r.text).filter((text) => !builtin.has(text)));
}

/**
 * Glue over a folder, for what the pipeline uses: the Data Catalog (databases, tables), Data Quality rulesets and
 * ruleset evaluation runs — evaluated for real by the project's DQDL evaluator — and the predictions crawler.
 */
/** Fault injection for reliability tests: a message makes the evaluation run of that ruleset end FAILED with it. */
export interface GlueFaults {
  evaluationFailure?(rulesetNames: string[]): string | undefined;
}

export class LocalGlue extends LocalService {
  readonly serviceName = 'glue';
  /** Hooks for reliability tests; replace at any time. */
  faults: GlueFaults = {};
  private readonly store: JsonStore;
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: { root: string; s3: S3Like; region: string; accountId: string }) {
    super();
    this.store = new JsonStore(options.root);
  }

  protected readonly operations = {
    GetDatabase: async (input: { Name: string }) => ({ Database: (await this.store.get('databases', input.Name)) ?? this.fail(notFound(`Database ${input.Name}`)) }),
    CreateDatabase: (input: { DatabaseInput: { Name: string } }) => this.create('databases', input.DatabaseInput.Name, { ...input.DatabaseInput, CreateTime: new Date().toISOString() }),
    GetTable: async (input: { DatabaseName: string; Name: string }) => ({
      Table: (await this.store.get('tables', `${input.DatabaseName}.${input.Name}`)) ?? this.fail(notFound(`Table ${input.Name}`)),
    }),
    CreateTable: async (input: { DatabaseName: string; TableInput: TableRecord }) => {
      if (!(await this.store.get('databases', input.DatabaseName))) throw notFound(`Database ${input.DatabaseName}`);
      return this.create('tables', `${input.DatabaseName}.${input.TableInput.Name}`, { ...input.TableInput, DatabaseName: input.DatabaseName, CreateTime: new Date().toISOString() });
    },
    UpdateTable: async (input: { DatabaseName: string; TableInput: TableRecord }) => {
      const key = `${input.DatabaseName}.${input.TableInput.Name}`;
      if (!(await this.store.get('tables', key))) throw notFound(`Table ${input.TableInput.Name}`);
      await this.store.put('tables', key, { ...input.TableInput, DatabaseName: input.DatabaseName, UpdateTime: new Date().toISOString() });
      return {};
    },
    GetDataQualityRuleset: async (input: { Name: string }) =>
      (await this.store.get('rulesets', input.Name)) ?? this.fail(notFound(`Ruleset ${input.Name}`)),
    CreateDataQualityRuleset: async (input: { Name: string; Ruleset: string; Description?: string; TargetTable?: Json }) => {
      if (!NAME.test(input.Name ?? '')) throw invalid('Name must be 1-255 characters');
      if (!input.Ruleset || input.Ruleset.length > 65536) throw invalid('Ruleset must be 1-65536 characters');
      try {
        parseDqdl(input.Ruleset);
      } catch (error) {
        throw invalid(`Ruleset is not valid DQDL: ${(error as Error).message}`);
      }
      await this.create('rulesets', input.Name, { ...input, CreatedOn: new Date().toISOString() });
      return { Name: input.Name };
    },
    StartDataQualityRulesetEvaluationRun: (input: Omit<EvaluationRun, 'RunId' | 'Status' | 'StartedOn'>) => this.startRun(input),
    GetDataQualityRulesetEvaluationRun: async (input: { RunId: string }) => {
      const run = (await this.store.get<EvaluationRun>('runs', input.RunId)) ?? this.fail(notFound(`Run ${input.RunId}`));
      return { ...run, StartedOn: new Date(run.StartedOn), CompletedOn: run.CompletedOn ? new Date(run.CompletedOn) : undefined };
    },
    GetDataQualityResult: async (input: { ResultId: string }) => {
      const result = (await this.store.get<Json>('results', input.ResultId)) ?? this.fail(notFound(`Result ${input.ResultId}`));
      return { ...result, StartedOn: new Date(String(result.StartedOn)), CompletedOn: new Date(String(result.CompletedOn)) };
    },
    CreateCrawler: async (input: { Name: string } & Json) => this.create('crawlers', input.Name, { ...input, State: 'READY', CrawlCount: 0 }),
    GetCrawler: async (input: { Name: string }) => ({ Crawler: (await this.store.get('crawlers', input.Name)) ?? this.fail(notFound(`Crawler ${input.Name}`)) }),
    StartCrawler: async (input: { Name: string }) => {
      const crawler = (await this.store.get<Json>('crawlers', input.Name)) ?? this.fail(notFound(`Crawler ${input.Name}`));
      // A local crawl is immediate: the predictions are read in place by `mlops query`.
      await this.store.put('crawlers', input.Name, { ...crawler, State: 'READY', CrawlCount: Number(crawler.CrawlCount ?? 0) + 1, LastCrawl: { Status: 'SUCCEEDED', StartTime: new Date().toISOString() } });
      return {};
    },
  };

  /** Resolve when every evaluation run started by this process has finished (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private fail(error: LocalServiceError): never {
    throw error;
  }

  private async create(kind: string, name: string, value: Json): Promise<Json> {
    if (await this.store.get(kind, name)) throw exists(`${kind.slice(0, -1)} ${name}`);
    await this.store.put(kind, name, value);
    return {};
  }

  private async startRun(input: Omit<EvaluationRun, 'RunId' | 'Status' | 'StartedOn'>) {
    const source = input.DataSource?.GlueTable;
    if (!source?.DatabaseName || !source.TableName) throw invalid('DataSource.GlueTable is required');
    if (!input.Role) throw invalid('Role is required');
    if (!input.RulesetNames?.length || input.RulesetNames.length > 10) throw invalid('RulesetNames must hold 1 to 10 names');
    const table = await this.store.get<TableRecord>('tables', `${source.DatabaseName}.${source.TableName}`);
    if (!table) throw notFound(`Table ${source.TableName}`);
    for (const name of input.RulesetNames) if (!(await this.store.get('rulesets', name))) throw notFound(`Ruleset ${name}`);
    const RunId = `dqrun-${randomBytes(20).toString('hex')}`;
    const run: EvaluationRun = { ...input, RunId, Status: 'RUNNING', StartedOn: new Date().toISOString() };
    await this.store.put('runs', RunId, run);
    const task = this.evaluate(run, table).finally(() => this.pending.delete(task));
    this.pending.add(task);
    return { RunId };
  }

  private async configOf(table: TableRecord): Promise<PipelineConfig> {
    const uri = table.Parameters?.['mlops:config'];
    if (!uri) throw new Error(`table ${table.Name} has no 'mlops:config' parameter: the local evaluator needs the pipeline config for its built-in checks`);
    const { bucket, key } = parseS3(uri);
    const out = (await this.options.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))) as { Body: { transformToString(): Promise<string> } };
    return parsePipelineConfig(JSON.parse(await out.Body.transformToString()), uri);
  }

  private async evaluate(run: EvaluationRun, table: TableRecord): Promise<void> {
    const started = Date.now();
    try {
      const injected = this.faults.evaluationFailure?.(run.RulesetNames);
      if (injected !== undefined) throw new Error(injected);
      const location = parseS3(table.StorageDescriptor?.Location ?? '');
      const listing = (await this.options.s3.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: location.key }))) as { Contents?: { Key: string; Size: number }[] };
      const objects = (listing.Contents ?? []).filter((o) => !o.Key.endsWith('/'));
      if (objects.length !== 1) throw new Error(`expected exactly one data file under ${table.StorageDescriptor?.Location}, found ${objects.length}`);
      const config = await this.configOf(table);
      const ResultIds: string[] = [];
      for (const name of run.RulesetNames) {
        const ruleset = (await this.store.get<{ Ruleset: string }>('rulesets', name)) as { Ruleset: string };
        const body = (await this.options.s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: objects[0]?.Key }))) as { Body: NodeJS.ReadableStream };
        const outcome = await evaluateDataset({ input: body.Body, ruleset: withoutBuiltins(ruleset.Ruleset, config), config });
        const ResultId = `dqresult-${randomBytes(20).toString('hex')}`;
        const results = outcome.ruleResults;
        const passed = results.filter((r: { Result: string }) => r.Result === 'PASS').length;
        await this.store.put('results', ResultId, {
          ResultId,
          Score: results.length === 0 ? 1 : passed / results.length,
          DataSource: run.DataSource,
          RulesetName: name,
          RulesetEvaluationRunId: run.RunId,
          StartedOn: run.StartedOn,
          CompletedOn: new Date().toISOString(),
          RuleResults: results,
        });
        ResultIds.push(ResultId);
      }
      await this.finish(run, { Status: 'SUCCEEDED', ResultIds }, started);
    } catch (error) {
      await this.finish(run, { Status: 'FAILED', ErrorString: (error as Error).message }, started);
    }
  }

  private async finish(run: EvaluationRun, patch: Partial<EvaluationRun>, started: number): Promise<void> {
    await this.store.put('runs', run.RunId, { ...run, ...patch, CompletedOn: new Date().toISOString(), ExecutionTime: Math.ceil((Date.now() - started) / 1000) });
  }
}
