import type {
  BatchDeleteImageCommandInput,
  BatchDeleteImageCommandOutput,
  BatchGetImageCommandInput,
  BatchGetImageCommandOutput,
  CreateRepositoryCommandInput,
  CreateRepositoryCommandOutput,
  DescribeImagesCommandInput,
  DescribeImagesCommandOutput,
  DescribeRepositoriesCommandInput,
  DescribeRepositoriesCommandOutput,
  GetAuthorizationTokenCommandInput,
  GetAuthorizationTokenCommandOutput,
  PutImageCommandInput,
  PutImageCommandOutput
} from '@aws-sdk/client-ecr'

/** The ECR API operations the action uses, with their SDK input and output types. */
export interface EcrOperations {
  GetAuthorizationToken: [GetAuthorizationTokenCommandInput, GetAuthorizationTokenCommandOutput]
  DescribeRepositories: [DescribeRepositoriesCommandInput, DescribeRepositoriesCommandOutput]
  CreateRepository: [CreateRepositoryCommandInput, CreateRepositoryCommandOutput]
  DescribeImages: [DescribeImagesCommandInput, DescribeImagesCommandOutput]
  BatchGetImage: [BatchGetImageCommandInput, BatchGetImageCommandOutput]
  PutImage: [PutImageCommandInput, PutImageCommandOutput]
  BatchDeleteImage: [BatchDeleteImageCommandInput, BatchDeleteImageCommandOutput]
}

export type EcrOperation = keyof EcrOperations

/** One ECR API call as data, e.g. `{ operation: 'PutImage', input: { repositoryName, imageTag, ... } }`. */
export interface EcrRequest<O extends EcrOperation = EcrOperation> {
  operation: O
  input: EcrOperations[O][0]
}

export type EcrResponse<O extends EcrOperation> = EcrOperations[O][1]

/** `ECR PutImage {...}` for logs and dry-run; manifests are shown by size, not content. */
export function formatEcrRequest(request: EcrRequest): string {
  const input = { ...(request.input as Record<string, unknown>) }
  if (typeof input.imageManifest === 'string') input.imageManifest = `<${input.imageManifest.length} bytes>`
  return `ECR ${request.operation} ${JSON.stringify(input)}`
}
