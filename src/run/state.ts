import * as core from '@actions/core'

/** What the post step needs to clean up; saved as soon as each thing exists, so a failed main still cleans up. */
export interface SavedState {
  registries: string[]
  builder?: string
  tempDir?: string
}

const key = 'cleanup'

export class StateStore {
  private state: SavedState = { registries: [] }

  update(change: Partial<SavedState>): void {
    this.state = { ...this.state, ...change }
    core.saveState(key, JSON.stringify(this.state))
  }

  get current(): SavedState {
    return this.state
  }
}

export function readSavedState(): SavedState {
  const text = core.getState(key)
  if (!text) return { registries: [] }
  return { registries: [], ...(JSON.parse(text) as Partial<SavedState>) }
}
