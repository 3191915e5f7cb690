import { LocalServiceError } from '../service';

/** One constraint of a request member, as in the SageMaker API model. */
export interface FieldRule {
  /** Dotted member path; `[]` walks every item of a list, `{}` every value of a map: `InputDataConfig[].ChannelName`. */
  path: string;
  required?: boolean;
  pattern?: RegExp;
  maxLength?: number;
  enum?: readonly string[];
  min?: number;
  max?: number;
  /** Most items of a list, or entries of a map. */
  maxItems?: number;
  type?: 'string' | 'number' | 'object' | 'list' | 'boolean';
}

/** Patterns shared by many SageMaker members. */
export const patterns = {
  name: /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/,
  tuningName: /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$/,
  roleArn: /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/,
  s3Uri: /^(https|s3):\/\/([^/]+)\/?(.*)$/,
  image: /^[\S]+$/,
  channelName: /^[A-Za-z0-9.\-_]+$/,
} as const;

/** A `ValidationException` like the service's. */
export function validationError(message: string): LocalServiceError {
  return new LocalServiceError('ValidationException', message);
}

/** Name-shaped member rule (`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`, at most 63 chars). */
export function nameRule(path: string, required = true): FieldRule {
  return { path, required, pattern: patterns.name, maxLength: 63, type: 'string' };
}

interface Violation {
  value: unknown;
  at: string;
  constraint: string;
}

function awsPath(parts: string[]): string {
  return parts.map((p) => (/^\d+$/.test(p) ? p : p.charAt(0).toLowerCase() + p.slice(1))).join('.');
}

function typeOf(value: unknown): FieldRule['type'] {
  if (Array.isArray(value)) return 'list';
  if (value !== null && typeof value === 'object') return 'object';
  return typeof value as FieldRule['type'];
}

function checkString(value: string, rule: FieldRule): string | undefined {
  if (rule.maxLength !== undefined && value.length > rule.maxLength) return `Member must have length less than or equal to ${rule.maxLength}`;
  if (rule.pattern !== undefined && !rule.pattern.test(value)) return `Member must satisfy regular expression pattern: ${rule.pattern.source}`;
  if (rule.enum !== undefined && !rule.enum.includes(value)) return `Member must satisfy enum value set: [${rule.enum.join(', ')}]`;
  return undefined;
}

function checkNumber(value: number, rule: FieldRule): string | undefined {
  if (rule.min !== undefined && value < rule.min) return `Member must have value greater than or equal to ${rule.min}`;
  if (rule.max !== undefined && value > rule.max) return `Member must have value less than or equal to ${rule.max}`;
  return undefined;
}

function check(value: unknown, rule: FieldRule): string | undefined {
  if (value === undefined || value === null) return rule.required ? 'Member must not be null' : undefined;
  if (rule.type !== undefined && typeOf(value) !== rule.type) return `Member must be of type ${rule.type}`;
  if (typeof value === 'string') return checkString(value, rule);
  if (typeof value === 'number') return checkNumber(value, rule);
  const size = typeof value === 'object' ? Object.keys(value).length : 0;
  if (rule.maxItems !== undefined && size > rule.maxItems) return `Member must have length less than or equal to ${rule.maxItems}`;
  return undefined;
}

/** Every (value, path) the rule's path reaches; a missing parent stops the walk (its own rule reports it). */
function reach(input: unknown, segments: string[], at: string[]): Array<{ value: unknown; at: string[] }> {
  if (segments.length === 0) return [{ value: input, at }];
  const [head, ...rest] = segments as [string, ...string[]];
  const many = head.endsWith('[]') || head.endsWith('{}');
  const key = many ? head.slice(0, -2) : head;
  const container = input as Record<string, unknown> | undefined;
  const value = container?.[key];
  if (!many) return reach(value, rest, [...at, key]);
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => reach(item, rest, [...at, key, String(i + 1), 'member']));
  if (typeof value === 'object') {
    return Object.entries(value).flatMap(([k, item]) => reach(item, rest, [...at, key, k]));
  }
  return [];
}

/**
 * Check a request against member rules; throws one `ValidationException` listing every violation
 * in the service's wording (`Value 'x' at 'trainingJobName' failed to satisfy constraint: ...`).
 * @example validateRequest(input, [nameRule('TrainingJobName')])
 */
export function validateRequest(input: unknown, rules: FieldRule[]): void {
  if (input === null || typeof input !== 'object') throw validationError('The request must be an object');
  const violations: Violation[] = [];
  for (const rule of rules) {
    const segments = rule.path.split('.');
    const parents = segments.length === 1 ? [{ value: input, at: [] }] : reach(input, segments.slice(0, -1), []);
    for (const parent of parents) {
      if (parent.value === undefined || parent.value === null) continue;
      const hits = reach(parent.value, segments.slice(-1), parent.at);
      for (const hit of hits) {
        const constraint = check(hit.value, rule);
        if (constraint !== undefined) violations.push({ value: hit.value, at: awsPath(hit.at), constraint });
      }
    }
  }
  if (violations.length === 0) return;
  const shown = violations
    .map((v) => {
      const text = v.value === undefined || v.value === null ? 'null' : `'${typeof v.value === 'object' ? JSON.stringify(v.value) : String(v.value)}'`;
      return `Value ${text} at '${v.at}' failed to satisfy constraint: ${v.constraint}`;
    })
    .join('; ');
  const count = violations.length;
  throw validationError(`${count} validation error${count > 1 ? 's' : ''} detected: ${shown}`);
}
