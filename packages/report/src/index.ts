// The pure renderer and the S3 loader (usable in a Lambda) are also exported alone from `@mlops/report/render`
// and `./load`; `writeRunReport` is the local workdir's entry point.
export * from './render';
export { fileInTar, loadModel, loadRunReportInput } from './load';
export { reportKey, writeRunReport } from './local';
