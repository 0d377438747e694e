// Runs the ECR API stand-in as a process (CI's end-to-end job): prints its URL on stdout and stays up until
// killed. The registry password comes from the environment, never argv.
//   ECR_STANDIN_REGISTRY_HOST  registry the stand-in hands out, e.g. 127.0.0.1:5000 (required)
//   ECR_STANDIN_PASSWORD       that registry's password for user AWS (required)
//   ECR_STANDIN_REPOSITORIES   comma list of repositories that already exist (default: none)
//   ECR_STANDIN_ENDPOINT_HOST  host handed out as the registry (proxyEndpoint), e.g. a proxy in front of it
//                              (default: ECR_STANDIN_REGISTRY_HOST)
import { startEcr } from './ecr.mjs'

const registryHost = process.env.ECR_STANDIN_REGISTRY_HOST
const password = process.env.ECR_STANDIN_PASSWORD
if (!registryHost || !password) {
  console.error('Set ECR_STANDIN_REGISTRY_HOST and ECR_STANDIN_PASSWORD.')
  process.exit(2)
}
const repositories = (process.env.ECR_STANDIN_REPOSITORIES ?? '')
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean)
  .map((name) => ({ name }))
const endpointHost = process.env.ECR_STANDIN_ENDPOINT_HOST || undefined
const ecr = await startEcr({ registryHost, endpointHost, password, repositories })
console.log(ecr.url)
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => ecr.close().then(() => process.exit(0)))
