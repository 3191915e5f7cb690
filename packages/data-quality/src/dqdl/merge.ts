import type { RuleNode } from './ast';
import { formatRuleset } from './format';
import { parseDqdl } from './parser';

/**
 * Merge DQDL documents into one (e.g. the built-in checks and a pipeline's rules for one AWS Glue
 * ruleset). Each document is parsed first, so an invalid one throws `DqdlSyntaxError`; a rule that
 * appears in more than one document (same canonical text) is kept once, where it first appears.
 * @example mergeRulesets(builtinRulesAsDqdl(config), config.validation.rules)
 */
export function mergeRulesets(...documents: string[]): string {
  const texts = documents.flatMap((doc) => parseDqdl(doc).rules.map((rule) => rule.text));
  return formatRuleset([...new Set(texts)]);
}

/** Parse the text of one rule (no `Rules = [ ]` around it); undefined when it is not a rule this package parses. */
export function parseRuleText(rule: string): RuleNode | undefined {
  try {
    const { rules } = parseDqdl(`Rules = [\n${rule}\n]`); // line breaks: a # comment must not swallow the "]"
    return rules.length === 1 ? rules[0] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Canonical form of one rule's text, for comparing rules written differently (spacing, comments):
 * the text `parseDqdl` reports, or the trimmed input when it does not parse as a rule.
 * @example canonicalRuleText('IsComplete   "a"') // 'IsComplete "a"'
 */
export function canonicalRuleText(rule: string): string {
  return parseRuleText(rule)?.text ?? rule.trim();
}
