import type { TrivyReport } from './trivy-report.js'

/** The platform a report says Trivy scanned (`ImageConfig.os/architecture`); undefined when it does not say. */
export function platformOf(report: TrivyReport): string | undefined {
  const config = report.Metadata?.ImageConfig
  if (!config?.os || !config.architecture) return undefined
  return [config.os, config.architecture, config.variant].filter(Boolean).join('/')
}

/** `linux/arm64` and `linux/arm64/v8` are one platform; otherwise every part must match. */
export function samePlatform(scanned: string, built: string): boolean {
  const normalize = (platform: string) => platform.replace(/^(linux\/arm64)\/v8$/, '$1')
  return normalize(scanned) === normalize(built)
}
