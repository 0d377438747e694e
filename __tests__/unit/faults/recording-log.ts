import type { Log } from '../../../src/run/log.js'

/** A Log that keeps what a run said, by kind, for assertions; `summary` can be made to fail. */
export function recordingLog(options: { summary?: (markdown: string) => Promise<void> } = {}) {
  const lines: Array<{ kind: string; text: string }> = []
  const state: Record<string, string> = {}
  const outputs: Record<string, string> = {}
  const say = (kind: string) => (text: string) => {
    lines.push({ kind, text })
  }
  const log: Log = {
    info: say('info'),
    debug: say('debug'),
    notice: say('notice'),
    warning: say('warning'),
    error: say('error'),
    untrusted: say('untrusted'),
    group: async (title, run) => {
      lines.push({ kind: 'group', text: title })
      return run()
    },
    mask: say('mask'),
    setOutput: (name, value) => {
      outputs[name] = value
    },
    saveState: (name, value) => {
      state[name] = value
    },
    summary: options.summary ?? (async (markdown) => say('summary')(markdown))
  }
  const of = (kind: string) => lines.filter((line) => line.kind === kind).map((line) => line.text)
  return { log, lines, state, outputs, of }
}
