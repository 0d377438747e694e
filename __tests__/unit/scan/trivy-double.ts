// A stand-in for Trivy inside a ScriptedRunner, and reports of a real image (the multistage-production fixture).
import { readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import type { Log as SarifLog } from 'sarif'
import { readDockerfile, resolveStage } from '../../../src/config/dockerfile.js'
import type { Command } from '../../../src/run/command.js'
import type { TrivyReport } from '../../../src/scan/trivy-report.js'

const fixture = path.resolve('__tests__/fixtures/images/multistage-production')
export const config = JSON.parse(readFileSync(`${fixture}/config.json`, 'utf8'))
export const manifest = JSON.parse(readFileSync(`${fixture}/manifest.json`, 'utf8')) as {
  layers: Array<{ digest: string; size: number }>
}
export const diffIds: string[] = config.rootfs.diff_ids
export const dockerfile = readDockerfile(
  'Dockerfile',
  `${fixture}/Dockerfile`,
  path.dirname(path.dirname(fixture))
)
export const stage = resolveStage(dockerfile, 'production', { input: 'target', file: 'Dockerfile' })

export type Vulnerability = [id: string, pkg: string, severity: string, layer: number]

/** A Trivy JSON report of the fixture image as `platform`, with these vulnerabilities. */
export function report(platform: string, vulnerabilities: Vulnerability[], layers = diffIds): TrivyReport {
  const [os, architecture, variant] = platform.split('/')
  return {
    SchemaVersion: 2,
    Trivy: { Version: '0.75.0' },
    ArtifactName: 'image',
    Metadata: {
      ImageConfig: { ...config, os, architecture, ...(variant ? { variant } : {}) },
      DiffIDs: layers,
      Layers: layers.map((diffId, index) => ({
        DiffID: diffId,
        Digest: manifest.layers[index].digest,
        Size: manifest.layers[index].size
      }))
    },
    Results: [
      {
        Target: 'image (debian 12.5)',
        Class: 'os-pkgs',
        Vulnerabilities: vulnerabilities.map(([id, pkg, severity, layer]) => ({
          VulnerabilityID: id,
          PkgName: pkg,
          InstalledVersion: '1.0',
          FixedVersion: '1.1',
          Severity: severity,
          Layer: { DiffID: diffIds[layer] }
        }))
      }
    ]
  }
}

/** Trivy's SARIF for a report: one rule per id with its severity tag, the package in the message. */
export function sarifOf(source: TrivyReport): SarifLog {
  const vulnerabilities = source.Results.flatMap((result) => result.Vulnerabilities ?? [])
  return {
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Trivy',
            rules: vulnerabilities.map((item) => ({
              id: item.VulnerabilityID,
              properties: { tags: [item.Severity] }
            }))
          }
        },
        results: vulnerabilities.map((item, index) => ({
          ruleId: item.VulnerabilityID,
          ruleIndex: index,
          message: { text: `Package: ${item.PkgName}\nInstalled Version: ${item.InstalledVersion}` },
          locations: [{ message: { text: `image: ${item.PkgName}@${item.InstalledVersion}` } }]
        }))
      }
    ]
  }
}

export const flag = (command: Command, name: string) =>
  command.args.includes(name) ? command.args[command.args.indexOf(name) + 1] : undefined

/** Plays Trivy for a ScriptedRunner: each scan writes the report given for its --platform, each convert its SARIF. */
export function playTrivy(reports: Record<string, TrivyReport>) {
  return (command: Command) => {
    if (command.args[0] === 'image' && command.args.includes('--output'))
      writeFileSync(flag(command, '--output')!, JSON.stringify(reports[flag(command, '--platform')!]))
    if (command.args[0] === 'convert') {
      const json = JSON.parse(readFileSync(command.args.at(-1)!, 'utf8')) as TrivyReport
      writeFileSync(flag(command, '--output')!, JSON.stringify(sarifOf(json)))
    }
    return {}
  }
}
