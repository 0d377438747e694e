import type { BuildStats } from '../build/progress.js'

/** "3 of 5 build steps from cache" */
export function cacheReportLine(stats: BuildStats): string {
  return `${stats.cached} of ${stats.steps} build ${stats.steps === 1 ? 'step' : 'steps'} from cache`
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '&#124;')
}

const summaryNameLength = 100

/** The slowest uncached steps as a markdown table; '' when every step came from cache. */
export function slowestStepsMarkdown(stats: BuildStats): string {
  if (stats.slowest.length === 0) return ''
  const rows = stats.slowest.map((step) => {
    const name =
      step.name.length > summaryNameLength ? `${step.name.slice(0, summaryNameLength - 1)}…` : step.name
    return `| <code>${escapeHtml(name)}</code> | ${step.seconds.toFixed(1)}s |`
  })
  return ['', '**Slowest uncached steps**', '', '| Step | Time |', '| --- | ---: |', ...rows, ''].join('\n')
}
