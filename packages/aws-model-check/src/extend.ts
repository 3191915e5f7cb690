import type { ServiceModel, Shape } from './model';

/** Members an API gained after the installed model was published: `{ <structure shape>: { <member>: <its shape> } }`. */
export type ModelSupplement = Record<string, Record<string, Shape>>;

/**
 * A copy of `model` that also knows members added to the API after the model was published (e.g. SageMaker's
 * `HyperParameterTuningJobConfig.RandomSeed`, newer than Debian bookworm's botocore). The model wins: a member it
 * already defines keeps its own definition, so installing a newer model makes a supplement entry a no-op.
 * Throws when a structure named in the supplement is not in the model (a typo must not silently pass).
 * @example extendModel(loadServiceModel('sagemaker'), { HyperParameterTuningJobConfig: { RandomSeed: { type: 'integer', min: 0 } } })
 */
export function extendModel(model: ServiceModel, supplement: ModelSupplement): ServiceModel {
  const shapes: Record<string, Shape> = { ...model.shapes };
  for (const [structureName, members] of Object.entries(supplement)) {
    const structure = shapes[structureName];
    if (structure?.type !== 'structure') {
      throw new Error(
        `extendModel: ${structureName} is not a structure in the ${model.service} model (${model.version})`,
      );
    }
    const added = Object.entries(members).filter(([name]) => structure.members?.[name] === undefined);
    if (added.length === 0) continue;
    const extended: Shape = { ...structure, members: { ...structure.members } };
    for (const [name, shape] of added) {
      const shapeName = `${structureName}$${name}`;
      shapes[shapeName] = shape;
      (extended.members as NonNullable<Shape['members']>)[name] = { shape: shapeName };
    }
    shapes[structureName] = extended;
  }
  return { ...model, shapes };
}

/**
 * Members the APIs gained after the models Debian ships (python3-botocore 1.29.27, December 2022), with their current
 * definitions: valid on AWS today (the handlers' SDK v3 input types have them), unknown to the old model. An installed
 * model that defines a member supersedes the entry here. One list for every test that checks requests.
 */
export const NEWER_API_MEMBERS: Readonly<Record<string, ModelSupplement>> = {
  sagemaker: { HyperParameterTuningJobConfig: { RandomSeed: { type: 'integer', min: 0 } } },
  // S3 conditional writes (2024): `latest` only moves forward, monitoring and dashboards write once.
  s3: { PutObjectRequest: { IfMatch: { type: 'string' }, IfNoneMatch: { type: 'string' } } },
};
