import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Where Debian's `python3-botocore` installs botocore's service models. */
export const BOTOCORE_DATA_DIR = '/usr/lib/python3/dist-packages/botocore/data';
/** The Debian package that ships the models. */
export const BOTOCORE_PACKAGE = 'python3-botocore';

/** A reference to a shape from a member, list member, map key or value, or an operation's input. */
export interface ShapeRef {
  shape: string;
  streaming?: boolean;
  idempotencyToken?: boolean;
  jsonvalue?: boolean;
  location?: string;
  locationName?: string;
}

/** One botocore shape (only the keys that constrain a request). */
export interface Shape {
  type:
    | 'structure'
    | 'list'
    | 'map'
    | 'string'
    | 'integer'
    | 'long'
    | 'float'
    | 'double'
    | 'boolean'
    | 'timestamp'
    | 'blob'
    | string;
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  streaming?: boolean;
  union?: boolean;
  document?: boolean;
  exception?: boolean;
}

export interface Operation {
  name: string;
  input?: ShapeRef;
}

/** A botocore `service-2.json`, plus where it came from. */
export interface ServiceModel {
  /** The model's directory name (`stepfunctions` for SFN). */
  service: string;
  /** The API version folder the model was read from (the newest one installed). */
  version: string;
  file: string;
  metadata: { apiVersion?: string; protocol?: string; serviceId?: string; endpointPrefix?: string };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

/** The models are missing: the message names the package to install. */
export class ServiceModelNotFoundError extends Error {
  override readonly name = 'ServiceModelNotFoundError';
}

/** Local / SDK service names whose botocore model folder has another name. */
const MODEL_NAMES: Record<string, string> = { sfn: 'stepfunctions', states: 'stepfunctions' };

/**
 * The botocore model folder for a service name as the local backend, the trace and SDK v3 spell it.
 * @example modelServiceName('sfn') // 'stepfunctions'
 */
export function modelServiceName(service: string): string {
  const lower = service.toLowerCase();
  return MODEL_NAMES[lower] ?? lower;
}

/** Whether botocore's models are installed at all (tests skip themselves without them). */
export function serviceModelsAvailable(dataDir = BOTOCORE_DATA_DIR): boolean {
  return existsSync(dataDir);
}

const MODEL_FILES = ['service-2.json', 'service-2.json.gz'];

function readModelFile(file: string): unknown {
  const bytes = readFileSync(file);
  return JSON.parse((file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
}

const cache = new Map<string, ServiceModel>();

/**
 * Load the newest installed botocore model of `service` (`s3`, `sagemaker`, `glue`, `sns`, `sfn`/`stepfunctions` …).
 * Throws {@link ServiceModelNotFoundError} naming `python3-botocore` when the models or this service are missing.
 * @example const model = loadServiceModel('sagemaker'); validateRequest(model, 'CreateModel', input)
 */
export function loadServiceModel(service: string, options: { dataDir?: string } = {}): ServiceModel {
  const dataDir = options.dataDir ?? BOTOCORE_DATA_DIR;
  const name = modelServiceName(service);
  const serviceDir = join(dataDir, name);
  const cached = cache.get(serviceDir);
  if (cached) return cached;
  const install = `install the Debian package ${BOTOCORE_PACKAGE} (apt-get install ${BOTOCORE_PACKAGE})`;
  if (!existsSync(dataDir)) {
    throw new ServiceModelNotFoundError(`botocore's service models are not installed (no ${dataDir}): ${install}`);
  }
  if (!existsSync(serviceDir)) {
    throw new ServiceModelNotFoundError(
      `no botocore model for service "${service}" (no ${serviceDir}): ${install}, or check the service name`,
    );
  }
  const versions = readdirSync(serviceDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({
      version: entry.name,
      file: MODEL_FILES.map((f) => join(serviceDir, entry.name, f)).find((f) => existsSync(f)),
    }))
    .filter((v): v is { version: string; file: string } => v.file !== undefined)
    .sort((a, b) => (a.version < b.version ? 1 : a.version > b.version ? -1 : 0));
  const newest = versions[0];
  if (!newest) throw new ServiceModelNotFoundError(`no service-2.json under ${serviceDir}: ${install}`);
  const raw = readModelFile(newest.file) as Omit<ServiceModel, 'service' | 'version' | 'file'>;
  const model: ServiceModel = {
    service: name,
    version: newest.version,
    file: newest.file,
    metadata: raw.metadata ?? {},
    operations: raw.operations,
    shapes: raw.shapes,
  };
  cache.set(serviceDir, model);
  return model;
}
