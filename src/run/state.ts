import type { Log } from './log.js'

/** What the post step cleans up; saved as soon as each thing exists, so a failed main still cleans up. */
export interface SavedState {
  /** Registries logged in to, each saved right after its login. */
  registries: string[]
  builder?: string
  tempDir?: string
  /** Daemon names images are held under until the gate passes. */
  staging: string[]
}

export const stateKey = 'cleanup'

/** Where main records what post must undo; a dry run, which changes nothing, records nothing. */
export interface StateStore {
  add(change: { registry?: string; builder?: string; tempDir?: string; staging?: string }): void
}

export class RunnerState implements StateStore {
  private state: SavedState = { registries: [], staging: [] }

  constructor(private readonly log: Log) {}

  add(change: { registry?: string; builder?: string; tempDir?: string; staging?: string }): void {
    const { registry, staging, ...rest } = change
    this.state = {
      ...this.state,
      ...rest,
      registries: registry ? [...this.state.registries, registry] : this.state.registries,
      staging: staging ? [...this.state.staging, staging] : this.state.staging
    }
    this.log.saveState(stateKey, JSON.stringify(this.state))
  }
}

export class NoState implements StateStore {
  add(): void {}
}

export function parseSavedState(text: string | undefined): SavedState {
  if (!text) return { registries: [], staging: [] }
  return { registries: [], staging: [], ...(JSON.parse(text) as Partial<SavedState>) }
}
