import { DqdlSyntaxError } from '../errors';
import type { Condition, NumberCondition, RuleNode, Ruleset, SimpleRule } from './ast';
import { parseDataTypeCondition, parseNumberCondition, parseValueCondition, startsCondition } from './conditions';
import { tokenize, type Token } from './lexer';
import { GLUE_ONLY_RULE_TYPES, RULE_SPECS, isSupportedRuleType, type RuleSpec } from './ruleTypes';
import { TokenStream } from './stream';
import { quoteDqdl } from './format';

/**
 * Parse a DQDL document (AWS Glue Data Quality's Data Quality Definition Language) into its rules.
 *
 * Grammar (the subset the local evaluator runs; keywords `and`/`or` also upper-case, `#` comments):
 * ```
 * document  := 'Rules' '=' '[' (orRule (',' orRule)*)? ']'
 * orRule    := andRule ('or' andRule)*
 * andRule   := primary ('and' primary)*
 * primary   := '(' orRule ')' | rule
 * rule      := RuleType "column"* condition? ('with' 'threshold' numberCondition)?
 * ```
 * Unknown rule types, rule types that need Glue (CustomSql, DataFreshness, ...), dynamic expressions and
 * `where` clauses raise a `DqdlSyntaxError` naming the line and column.
 * @example parseDqdl('Rules = [ RowCount > 0, (IsComplete "id") and (IsUnique "id") ]').rules.length // 2
 */
export function parseDqdl(text: string): Ruleset {
  const s = new TokenStream(tokenize(text));
  const head = s.peek();
  if (s.isIdent(['Metadata', 'DataSources', 'Analyzers'])) {
    throw new DqdlSyntaxError(`the ${head.value} section is not supported locally; only "Rules = [ ... ]"`, head);
  }
  s.expectIdent('Rules', 'to start the ruleset (Rules = [ ... ])');
  s.expectPunct('=', 'after "Rules"');
  s.expectPunct('[', 'to open the list of rules');
  const rules: RuleNode[] = [];
  if (!s.isPunct(']')) {
    rules.push(parseOr(s));
    while (s.acceptPunct(',')) rules.push(parseOr(s));
  }
  s.expectPunct(']', 'after a rule (rules are separated by ",")');
  if (s.peek().type !== 'eof') throw s.error('expected the end of the ruleset after "]"');
  return { rules };
}

function parseOr(s: TokenStream): RuleNode {
  return parseComposite(s, 'or', () => parseComposite(s, 'and', () => parsePrimary(s)));
}

function parseComposite(s: TokenStream, op: 'and' | 'or', operand: () => RuleNode): RuleNode {
  const from = s.position;
  const first = operand();
  const rules = [first];
  while (s.isIdent([op, op.toUpperCase()])) {
    s.next();
    rules.push(operand());
  }
  if (rules.length === 1) return first;
  return { kind: 'composite', op, rules, text: tokensText(s.slice(from)), position: first.position };
}

function parsePrimary(s: TokenStream): RuleNode {
  if (!s.isPunct('(')) return parseRule(s);
  const open = s.next();
  const inner = parseOr(s);
  s.expectPunct(')', `to close the "(" opened at line ${open.line}, column ${open.column}`);
  return inner;
}

function parseRule(s: TokenStream): SimpleRule {
  const from = s.position;
  const typeToken = s.next();
  const spec = ruleSpec(s, typeToken);
  const columns: string[] = [];
  while (s.peek().type === 'string') columns.push(s.next().value);
  if (columns.length !== spec.columns) {
    const wanted = spec.columns === 0 ? 'no column name' : 'exactly one quoted column name';
    throw new DqdlSyntaxError(`${typeToken.value} takes ${wanted}, got ${columns.length}`, typeToken);
  }
  const condition = parseRuleCondition(s, spec, typeToken);
  if (s.isIdent('where')) throw s.error('"where" clauses are not supported locally');
  const threshold = parseThreshold(s, spec, typeToken);
  const type = typeToken.value as SimpleRule['type'];
  const position = { line: typeToken.line, column: typeToken.column };
  const rule: SimpleRule = { kind: 'rule', type, columns, text: tokensText(s.slice(from)), position };
  if (condition) rule.condition = condition;
  if (threshold) rule.threshold = threshold;
  return rule;
}

function ruleSpec(s: TokenStream, token: Token): RuleSpec {
  if (token.type !== 'ident') throw s.error('expected a rule type such as IsComplete or RowCount', token);
  if (isSupportedRuleType(token.value)) return RULE_SPECS[token.value];
  if (GLUE_ONLY_RULE_TYPES.has(token.value)) {
    throw new DqdlSyntaxError(`rule type ${token.value} is valid DQDL but not supported by the local evaluator`, token);
  }
  throw new DqdlSyntaxError(`unknown rule type "${token.value}" (rule types are case-sensitive)`, token);
}

function parseRuleCondition(s: TokenStream, spec: RuleSpec, typeToken: Token): Condition | undefined {
  switch (spec.condition) {
    case 'none':
      if (startsCondition(s)) throw s.error(`${typeToken.value} takes no condition`);
      return undefined;
    case 'number':
      return parseNumberCondition(s);
    case 'value':
      return parseValueCondition(s);
    case 'dataType':
      return parseDataTypeCondition(s);
  }
}

function parseThreshold(s: TokenStream, spec: RuleSpec, typeToken: Token): NumberCondition | undefined {
  if (!s.isIdent('with')) return undefined;
  const at = s.next();
  s.expectIdent('threshold', 'after "with" (only "with threshold" is supported)');
  if (!spec.threshold) throw new DqdlSyntaxError(`${typeToken.value} does not take "with threshold"`, at);
  return parseNumberCondition(s);
}

/** Canonical text of a token run: tokens joined by one space, tightened around brackets, `!=` and signs. */
export function tokensText(tokens: Token[]): string {
  const parts: string[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i] as Token;
    const next = tokens[i + 1];
    if (t.type === 'punct' && t.value === '-' && next?.type === 'number') {
      parts.push(`-${next.value}`); // arithmetic is refused, so "-" is always a sign
      i += 1;
    } else {
      parts.push(t.type === 'string' ? quoteDqdl(t.value) : t.value);
    }
  }
  return parts
    .join(' ')
    .replace(/([[(]) /g, '$1')
    .replace(/ ([\]),])/g, '$1')
    .replace(/! =/g, '!=');
}
