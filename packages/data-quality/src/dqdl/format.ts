/**
 * Quote a value as a DQDL string literal (only `"` and `\` are escaped, as the DQDL lexer expects).
 * @example quoteDqdl('Research & Development') // "\"Research & Development\""
 */
export function quoteDqdl(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Render a list of rule texts as a DQDL document, one rule a line.
 * @example formatRuleset(['RowCount > 0']) // "Rules = [\n    RowCount > 0\n]\n"
 */
export function formatRuleset(rules: string[]): string {
  if (rules.length === 0) return 'Rules = [ ]\n';
  return `Rules = [\n${rules.map((r) => `    ${r}`).join(',\n')}\n]\n`;
}
