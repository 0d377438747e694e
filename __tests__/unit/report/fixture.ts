// One real image (the multistage-production fixture) with findings on its layers, as the reports see it.
import { readFileSync } from 'node:fs'
import { parseDockerfile, stagesOf } from '../../../src/config/dockerfile.js'
import type { TargetReport } from '../../../src/report/summary.js'
import type { Finding } from '../../../src/scan/findings.js'
import { mapFindings, mapLayers, type ImageConfig } from '../../../src/scan/layer-map.js'
import type { SizedLayer } from '../../../src/scan/size.js'

const dir = '__tests__/fixtures/images/multistage-production'
const dockerfile = parseDockerfile(readFileSync(`${dir}/Dockerfile`, 'utf8'))
export const map = mapLayers({
  config: JSON.parse(readFileSync(`${dir}/config.json`, 'utf8')) as ImageConfig,
  dockerfile,
  stage: stagesOf(dockerfile).find((stage) => stage.name === 'production')!,
  buildArgs: [{ key: 'APP_VERSION', value: '1.4.0' }]
})
const manifest = JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8')) as {
  layers: { digest: string; size: number }[]
}
/** The pushed manifest's compressed sizes with the instruction that made each layer. */
export const layers: SizedLayer[] = manifest.layers.map((item, index) => ({
  ...item,
  instruction: map.layers[index].origin.instruction,
  line: map.layers[index].origin.line,
  fromBase: map.layers[index].origin.fromBase
}))
export const layer = {
  base: 'sha256:d9c1d5f895d5fbeeeabb7028c43a34b73cdb4c66feb9cf6320a4005e6bcab51f',
  copy: 'sha256:5db95998d43b696b9ffc4ee0aa647060c152df2b445c29f76ad7be0a75208563',
  run: 'sha256:46e8f99aab9d26e1024005d99a0dd5e078f6a369b4e457a88b325cc75c23f899'
}
export const findings: Finding[] = [
  {
    id: 'CVE-2019-14697',
    pkgName: 'musl',
    installedVersion: '1.1.20-r4',
    fixedVersion: '1.1.20-r5',
    severity: 'CRITICAL',
    title: 'musl libc through 1.1.23 has an x87 floating-point stack adjustment imbalance',
    primaryUrl: 'https://avd.aquasec.com/nvd/cve-2019-14697',
    target: 'app (alpine 3.9.4)',
    class: 'os-pkgs',
    layerDiffId: layer.base
  },
  {
    id: 'CVE-2019-14697',
    pkgName: 'musl-utils',
    installedVersion: '1.1.20-r4',
    fixedVersion: '1.1.20-r5',
    severity: 'CRITICAL',
    primaryUrl: 'https://avd.aquasec.com/nvd/cve-2019-14697',
    target: 'app (alpine 3.9.4)',
    class: 'os-pkgs',
    layerDiffId: layer.base
  },
  {
    id: 'CVE-2019-18276',
    pkgName: 'bash',
    installedVersion: '5.0-4',
    severity: 'HIGH',
    title: 'bash: when effective UID is not equal to its real UID the saved UID is not dropped',
    primaryUrl: 'https://avd.aquasec.com/nvd/cve-2019-18276',
    target: 'app (debian 10.1)',
    class: 'os-pkgs',
    layerDiffId: layer.run
  },
  {
    id: 'CVE-2019-1549',
    pkgName: 'libssl1.1',
    installedVersion: '1.1.1c-r0',
    fixedVersion: '1.1.1d-r0',
    severity: 'MEDIUM',
    title: 'openssl: information disclosure in fork()',
    primaryUrl: 'https://avd.aquasec.com/nvd/cve-2019-1549',
    target: 'app (alpine 3.10.2)',
    class: 'os-pkgs',
    layerDiffId: layer.copy
  },
  {
    id: 'CVE-2019-18224',
    pkgName: 'libidn2-0',
    installedVersion: '2.0.5-1',
    fixedVersion: '2.0.5-1+deb10u1',
    severity: 'LOW',
    target: 'app (debian 10.1)',
    class: 'os-pkgs'
  }
]
export const mapped = mapFindings(findings, map)

export const file = 'services/web/Dockerfile'
export const report: TargetReport = {
  target: 'production',
  repository: 'shop/web',
  image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web',
  digest: 'sha256:4eb05531f7ef2dd5236abe82c60026dc614b86d23c49ccf331062e85962b7afd',
  tags: ['123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web:pr-42'],
  pushed: true,
  failedTags: [],
  verdict: { kind: 'passed' },
  failOn: 'CRITICAL',
  scanner: 'Trivy 0.75.0',
  layers,
  sizesCompressed: true,
  buildSeconds: 83.4,
  cachedSteps: '7 of 9 build steps from cache',
  findings: mapped,
  dockerfile: file,
  blobUrl: 'https://github.com/acme/shop/blob/1a2b3c4d'
}
