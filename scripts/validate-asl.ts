/**
 * Validate the state machines in state-machines/*.yml with asl-validator: `pnpm validate:asl [files…]`.
 * The files hold `${param:<fnKey>FunctionArn}` placeholders (filled per stage at package time); they are rendered
 * to Lambda ARNs first, so the ARN and JSONPath checks run on what AWS will see.
 */
import aslValidator from 'asl-validator';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const STATE_MACHINES_DIR = join(ROOT, 'state-machines');

const PARAM = /\$\{param:([A-Za-z0-9]+)\}/g;

export interface AslCheck {
  file: string;
  isValid: boolean;
  errors: string[];
}

/** A Lambda ARN for `${param:<fnKey>FunctionArn}`; any other placeholder is an error (the ASL holds no other). */
export function dummyParam(name: string): string {
  const match = /^(\w+)FunctionArn$/.exec(name);
  if (!match)
    throw new Error(`unexpected placeholder \${param:${name}}: state machines may only use <fnKey>FunctionArn`);
  return `arn:aws:lambda:eu-west-1:000000000000:function:mlops-dev-${match[1]}`;
}

/** Replace every `${param:x}` with `resolve(x)`. */
export function renderPlaceholders(text: string, resolveParam: (name: string) => string = dummyParam): string {
  return text.replace(PARAM, (_, name: string) => resolveParam(name));
}

/** The `${param:…}` names a state machine file uses. */
export function placeholderNames(text: string): string[] {
  return [...new Set([...text.matchAll(PARAM)].map((m) => m[1] as string))].sort();
}

/** Validate one definition object (a clone: asl-validator annotates what it checks). */
export function validateDefinition(definition: unknown): { isValid: boolean; errors: string[] } {
  const { isValid, errors } = aslValidator(structuredClone(definition), { checkArn: true, checkPaths: true });
  return { isValid, errors: errors.map((e) => `${e.path ?? ''} ${e.message ?? JSON.stringify(e)}`.trim()) };
}

/** Parse a state machine YAML file after rendering its placeholders, and validate it. */
export function validateAslFile(file: string, resolveParam: (name: string) => string = dummyParam): AslCheck {
  const definition: unknown = parse(renderPlaceholders(readFileSync(file, 'utf8'), resolveParam));
  return { file, ...validateDefinition(definition) };
}

export function stateMachineFiles(dir = STATE_MACHINES_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = process.argv.slice(2).length > 0 ? process.argv.slice(2).map((f) => resolve(f)) : stateMachineFiles();
  let failed = 0;
  for (const file of files) {
    try {
      const check = validateAslFile(file);
      if (check.isValid) console.log(`✓ ${basename(file)}`);
      else {
        failed += 1;
        console.error(`✕ ${basename(file)}\n  ${check.errors.join('\n  ')}`);
      }
    } catch (error) {
      failed += 1;
      console.error(`✕ ${basename(file)}: ${(error as Error).message}`);
    }
  }
  if (files.length === 0) {
    console.error('no state machine files found');
    process.exit(1);
  }
  process.exit(failed > 0 ? 1 : 0);
}
