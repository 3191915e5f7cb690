import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BOTOCORE_PACKAGE,
  compilePattern,
  loadServiceModel,
  serviceModelsAvailable,
  translateJavaPattern,
} from '../src/index';

function matches(pattern: string, value: string): boolean {
  const compiled = compilePattern(pattern);
  if (!compiled.ok) throw new Error(compiled.reason);
  return compiled.regex.test(value);
}

describe('Java patterns in JavaScript', () => {
  it('matches the whole string, as java.util.regex matches() does', () => {
    expect(matches('^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}', 'job-1')).toBe(true);
    expect(matches('^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}', 'job_1')).toBe(false);
    expect(matches('[a-z]+', 'abc1')).toBe(false);
  });

  it('compiles Unicode properties with the u flag, and Java-only property spellings', () => {
    expect(matches('[\\p{L}\\p{M}\\p{Z}\\p{S}\\p{N}\\p{P}]*', 'Zoë 42 – ok!')).toBe(true);
    expect(matches('[\\p{L}\\p{N}\\p{P}]*', 'tab\t')).toBe(false);
    expect(matches('\\p{ASCII}*', 'plain')).toBe(true);
    expect(matches('\\p{ASCII}*', 'é')).toBe(false);
    expect(matches('\\p{IsAlphabetic}+', 'Ωmega')).toBe(true);
    expect(matches('\\p{Alpha}+\\P{Digit}', 'abc-')).toBe(true);
    expect(matches('[\\p{Alnum}_]+', 'a_1')).toBe(true);
    expect(matches('[\\p{Punct}]+', '!?')).toBe(true);
  });

  it('handles surrogate pairs written as two escapes (Glue name strings)', () => {
    const glueName = '[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*';
    expect(matches(glueName, 'db name 😀\t')).toBe(true);
    expect(matches(glueName, 'two\nlines')).toBe(false);
  });

  it('translates possessive quantifiers, atomic groups, \\A \\z, quantified anchors and Java-only escapes', () => {
    expect(translateJavaPattern('a*+b++c?+d{1,2}+').source).toBe('a*b+c?d{1,2}');
    expect(matches('(?>ab|a)c', 'abc')).toBe(true);
    expect(matches('\\Aab\\z', 'ab')).toBe(true);
    expect(matches('^([\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*)${1,128}', 'key: value/1')).toBe(true);
    expect(matches('\\_\\@\\-[\\w-.]+', '_@-a-.b')).toBe(true);
    expect(matches('[^/:|\\000-\\037]+', 'ok')).toBe(true);
    expect(matches('[^/:|\\000-\\037]+', 'no\u0001')).toBe(false);
    expect(matches('\\{name}', '{name}')).toBe(true);
    expect(matches('\\Qa.b\\E', 'a.b')).toBe(true);
    expect(matches('\\Qa.b\\E', 'axb')).toBe(false);
    expect(matches('(?i)abc', 'ABC')).toBe(true);
    expect(matches('[]a]+', ']a')).toBe(true);
  });

  it('reports what it cannot translate instead of passing it', () => {
    expect(compilePattern('[a-z&&[^x]]+')).toEqual({ ok: false, reason: 'character class intersection &&' });
    expect(compilePattern('[a[b]]')).toEqual({ ok: false, reason: 'nested character class (union)' });
    expect(compilePattern('\\p{InGreek}+')).toEqual({ ok: false, reason: 'Unicode block \\p{InGreek}' });
    expect(compilePattern('(unclosed').ok).toBe(false);
  });
});

const available = serviceModelsAvailable();
describe.skipIf(!available)(
  available ? "every pattern of the pipeline's services compiles" : `SKIPPED: apt-get install ${BOTOCORE_PACKAGE}`,
  () => {
    it.each(['s3', 'sagemaker', 'glue', 'sns', 'sfn'])('%s', (service) => {
      const model = loadServiceModel(service);
      expect(existsSync(model.file) && readFileSync(model.file).length > 0).toBe(true);
      const patterns = Object.values(model.shapes).flatMap((shape) =>
        shape.pattern === undefined ? [] : [shape.pattern],
      );
      const failing = patterns.flatMap((p) => {
        const compiled = compilePattern(p);
        return compiled.ok ? [] : [`${p}: ${compiled.reason}`];
      });
      expect(failing).toEqual([]);
    });
  },
);
