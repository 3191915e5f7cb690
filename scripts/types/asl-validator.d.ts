// asl-validator 4 ships no types: the shape of its default export (dist/src/validator.js).
declare module 'asl-validator' {
  interface AslValidationError {
    message?: string;
    path?: string;
    [key: string]: unknown;
  }
  interface AslValidatorOptions {
    /** Check JSONPath expressions (InputPath, ResultPath, …). Default true. */
    checkPaths?: boolean;
    /** Check that Task `Resource` values are ARNs. Default true. */
    checkArn?: boolean;
  }
  interface AslValidationResult {
    isValid: boolean;
    errors: AslValidationError[];
    errorsText: (separator?: string) => string;
  }
  function aslValidator(definition: unknown, options?: AslValidatorOptions): AslValidationResult;
  export = aslValidator;
}
