import type { Operation, Shape, ShapeRef, ServiceModel } from './model';
import { compilePattern } from './pattern';

/** The outcome of checking one request: violations, and constraints that could not be checked (never counted as passed). */
export interface RequestCheck {
  violations: string[];
  /** e.g. `Foo.Bar: pattern not checkable (Unicode block \p{InGreek}): …` */
  unchecked: string[];
}

interface Context {
  model: ServiceModel;
  violations: string[];
  unchecked: string[];
}

type Checker = (ctx: Context, shape: Shape, value: unknown, path: string, ref: ShapeRef) => void;

const ROOT = '(input)';
const INT32 = 2 ** 31;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function fail(ctx: Context, path: string, message: string): void {
  ctx.violations.push(`${path || ROOT}: ${message}`);
}

function absent(value: unknown): boolean {
  return value === undefined || value === null;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a Date';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${show(value)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function member(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function checkSize(ctx: Context, shape: Shape, size: number, path: string, unit: string): void {
  if (shape.min !== undefined && size < shape.min) fail(ctx, path, `${unit} ${size} is below min ${shape.min}`);
  if (shape.max !== undefined && size > shape.max) fail(ctx, path, `${unit} ${size} is above max ${shape.max}`);
}

/** Required members; a missing idempotency token is fine (the SDK generates one). */
function checkRequired(
  ctx: Context,
  shape: Shape,
  value: Record<string, unknown>,
  path: string,
  shapeName: string,
): void {
  for (const name of shape.required ?? []) {
    if (absent(value[name]) && !shape.members?.[name]?.idempotencyToken)
      fail(ctx, member(path, name), `required member missing (${shapeName})`);
  }
}

const structure: Checker = (ctx, shape, value, path, ref) => {
  if (!isRecord(value)) return fail(ctx, path, `expected a structure (${ref.shape}), got ${kind(value)}`);
  const members = shape.members ?? {};
  checkRequired(ctx, shape, value, path, ref.shape);
  let set = 0;
  for (const [name, item] of Object.entries(value)) {
    if (absent(item)) continue;
    const memberRef = members[name];
    if (memberRef === undefined) {
      fail(ctx, member(path, name), `unknown member (not in ${ref.shape})`);
      continue;
    }
    set += 1;
    checkValue(ctx, memberRef, item, member(path, name));
  }
  if (shape.union && set !== 1) fail(ctx, path, `union ${ref.shape} needs exactly one member set, got ${set}`);
};

const list: Checker = (ctx, shape, value, path) => {
  if (!Array.isArray(value)) return fail(ctx, path, `expected a list, got ${kind(value)}`);
  checkSize(ctx, shape, value.length, path, 'list length');
  if (shape.member) value.forEach((item, i) => checkValue(ctx, shape.member as ShapeRef, item, `${path}[${i}]`));
};

const map: Checker = (ctx, shape, value, path) => {
  const entries =
    value instanceof Map
      ? [...(value as Map<unknown, unknown>).entries()]
      : isRecord(value)
        ? Object.entries(value)
        : undefined;
  if (entries === undefined) return fail(ctx, path, `expected a map, got ${kind(value)}`);
  checkSize(ctx, shape, entries.length, path, 'map size');
  for (const [key, item] of entries) {
    if (shape.key) checkValue(ctx, shape.key, key, `${path} key ${show(key)}`);
    if (shape.value) checkValue(ctx, shape.value, item, `${path}[${show(key)}]`);
  }
};

function checkPattern(ctx: Context, pattern: string, value: string, path: string): void {
  const compiled = compilePattern(pattern);
  if (!compiled.ok) ctx.unchecked.push(`${path || ROOT}: pattern not checkable (${compiled.reason}): ${pattern}`);
  else if (!compiled.regex.test(value)) fail(ctx, path, `${show(value)} does not match pattern ${pattern}`);
}

const string: Checker = (ctx, shape, value, path, ref) => {
  if (ref.jsonvalue) return;
  if (typeof value !== 'string') return fail(ctx, path, `expected a string, got ${kind(value)}`);
  if (shape.enum && !shape.enum.includes(value)) {
    const values =
      shape.enum.length > 8
        ? `${shape.enum.slice(0, 8).join(', ')}, ... ${shape.enum.length} values`
        : shape.enum.join(', ');
    fail(ctx, path, `${show(value)} is not one of ${ref.shape} (${values})`);
  }
  checkSize(ctx, shape, value.length, path, 'length');
  if (shape.pattern !== undefined) checkPattern(ctx, shape.pattern, value, path);
};

type NumericType = 'integer' | 'long' | 'float' | 'double';

/** The number in `value` if it has the right type for `type`, else the violation. */
function asNumber(type: NumericType, value: unknown): number | string {
  const integral = type === 'integer' || type === 'long';
  const number = typeof value === 'bigint' && integral ? Number(value) : value;
  if (typeof number !== 'number') return `expected ${type === 'integer' ? 'an' : 'a'} ${type}, got ${kind(value)}`;
  if (!Number.isFinite(number)) return `${show(number)} is not a finite ${type}`;
  if (integral && !Number.isInteger(number)) return `${show(number)} is not an integer`;
  if (type === 'integer' && (number < -INT32 || number >= INT32))
    return `${show(number)} is outside the 32-bit integer range`;
  return number;
}

function numeric(type: NumericType): Checker {
  return (ctx, shape, value, path) => {
    const number = asNumber(type, value);
    if (typeof number === 'string') return fail(ctx, path, number);
    if (shape.min !== undefined && number < shape.min) fail(ctx, path, `${show(number)} is below min ${shape.min}`);
    if (shape.max !== undefined && number > shape.max) fail(ctx, path, `${show(number)} is above max ${shape.max}`);
  };
}

const boolean: Checker = (ctx, _shape, value, path) => {
  if (typeof value !== 'boolean') fail(ctx, path, `expected a boolean, got ${kind(value)}`);
};

const timestamp: Checker = (ctx, _shape, value, path) => {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) fail(ctx, path, 'invalid Date');
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(ctx, path, `${show(value)} is not an epoch time`);
  } else if (typeof value !== 'string' || !ISO_TIMESTAMP.test(value) || Number.isNaN(Date.parse(value))) {
    fail(ctx, path, `expected a timestamp (Date, ISO 8601 string or epoch seconds), got ${kind(value)}`);
  }
};

function isStream(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string | symbol, unknown>;
  return (
    typeof v.pipe === 'function' ||
    typeof v.getReader === 'function' ||
    typeof v[Symbol.asyncIterator] === 'function' ||
    (typeof Blob !== 'undefined' && value instanceof Blob)
  );
}

/** The byte length of an in-memory blob, `undefined` for a stream (including the trace's `"<stream>"`). */
function blobLength(value: unknown): number | undefined {
  if (value === '<stream>') return undefined;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  return undefined;
}

const blob: Checker = (ctx, shape, value, path, ref) => {
  const bytes = typeof value === 'string' || value instanceof ArrayBuffer || ArrayBuffer.isView(value);
  if (!bytes && !isStream(value))
    return fail(ctx, path, `expected a blob (bytes, string or stream), got ${kind(value)}`);
  const length = ref.streaming || shape.streaming ? undefined : blobLength(value);
  if (length !== undefined) checkSize(ctx, shape, length, path, 'byte length');
};

const CHECKERS: Record<string, Checker> = {
  structure,
  list,
  map,
  string,
  integer: numeric('integer'),
  long: numeric('long'),
  float: numeric('float'),
  double: numeric('double'),
  boolean,
  timestamp,
  blob,
};

function checkValue(ctx: Context, ref: ShapeRef, value: unknown, path: string): void {
  const shape = ctx.model.shapes[ref.shape];
  if (shape === undefined) return void ctx.unchecked.push(`${path || ROOT}: shape ${ref.shape} is not in the model`);
  if (shape.document) return;
  const checker = CHECKERS[shape.type];
  if (checker === undefined)
    return void ctx.unchecked.push(`${path || ROOT}: shape type ${shape.type} (${ref.shape}) not checkable`);
  checker(ctx, shape, value, path, ref);
}

/**
 * The model's operation for an SDK v3 operation or command name (`CreateModel` or `CreateModelCommand`).
 * @example resolveOperation(model, 'CreateModelCommand')?.name // 'CreateModel'
 */
export function resolveOperation(model: ServiceModel, operation: string): Operation | undefined {
  return model.operations[operation] ?? model.operations[operation.replace(/Command$/, '')];
}

/**
 * Check one request against botocore's shape rules: required and unknown members, types, enums, lengths, counts,
 * numeric ranges and patterns (whole-string, Java semantics). Patterns that cannot be compiled land in `unchecked`.
 * @example checkRequest(loadServiceModel('sns'), 'Publish', {}).violations // ['Message: required member missing (PublishInput)']
 */
export function checkRequest(model: ServiceModel, operation: string, input: unknown): RequestCheck {
  const ctx: Context = { model, violations: [], unchecked: [] };
  const op = resolveOperation(model, operation);
  if (op === undefined) {
    fail(ctx, '', `operation ${operation} is not in the ${model.service} model (${model.version})`);
    return { violations: ctx.violations, unchecked: ctx.unchecked };
  }
  if (op.input === undefined) {
    const keys = isRecord(input) ? Object.keys(input).filter((k) => !absent(input[k])) : [];
    for (const key of keys) fail(ctx, key, `unknown member (${op.name} takes no input)`);
  } else {
    checkValue(ctx, op.input, input ?? {}, '');
  }
  return { violations: ctx.violations, unchecked: ctx.unchecked };
}

/**
 * Every violation of `input` as a request for `operation`, each with its path, e.g.
 * `HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs: 0 is below min 1`. Empty = valid.
 * @example validateRequest(loadServiceModel('sfn'), 'StartExecution', { stateMachineArn: 'arn:…' }) // []
 */
export function validateRequest(model: ServiceModel, operation: string, input: unknown): string[] {
  return checkRequest(model, operation, input).violations;
}
