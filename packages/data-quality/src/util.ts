/**
 * The object without its `undefined` properties, so results hold only what was found
 * (`{ column: undefined }` would otherwise print and compare as a key).
 */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
