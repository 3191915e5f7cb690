export {
  BOTOCORE_DATA_DIR,
  BOTOCORE_PACKAGE,
  loadServiceModel,
  modelServiceName,
  serviceModelsAvailable,
  ServiceModelNotFoundError,
  type Operation,
  type ServiceModel,
  type Shape,
  type ShapeRef,
} from './model';
export { extendModel, NEWER_API_MEMBERS, type ModelSupplement } from './extend';
export { compilePattern, translateJavaPattern, type CompiledPattern } from './pattern';
export { checkRequest, resolveOperation, validateRequest, type RequestCheck } from './validate';
