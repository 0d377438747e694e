import { mkdir, writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import type { AttestationType, PlannedAttestation } from './cosign.js'
import type { SigningSubject } from './subjects.js'

/** Where the predicate of one digest and type goes, in `dir` (RUNNER_TEMP). */
export function predicatePath(dir: string, subject: SigningSubject, type: AttestationType): string {
  return path.join(dir, `${subject.digest.replace(':', '-')}.${type}.json`)
}

/** Writes a predicate for `cosign attest --predicate` into `dir` (RUNNER_TEMP), one file per digest and type. */
export async function writePredicate(
  dir: string,
  subject: SigningSubject,
  type: AttestationType,
  predicate: unknown
): Promise<PlannedAttestation> {
  await mkdir(dir, { recursive: true })
  const file = predicatePath(dir, subject, type)
  await writeFile(file, JSON.stringify(predicate, null, 2))
  return { type, predicateFile: file }
}
