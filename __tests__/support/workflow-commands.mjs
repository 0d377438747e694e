// What the GitHub runner does with a step's output before anyone sees it, after actions/runner's
// ProcessInvoker (lines as .NET's StreamReader.ReadLine splits them: \n, \r\n and a lone \r), OutputManager
// and ActionCommandManager (`::cmd k=v::data` from the line's start, legacy `##[cmd k=v;]data` anywhere,
// `::stop-commands::<token>` ... `::<token>::`) and SecretMasker (every value `::add-mask::` registered, each of
// its lines, and the encodings the runner derives from them, shown as `***` in every later line).

/** .NET `char.IsWhiteSpace`, which `Trim` and `IsNullOrWhiteSpace` use: JS's `\s` minus U+FEFF, plus U+0085. */
const whitespace = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]'
const leadingSpace = new RegExp(`^${whitespace}+`)
const trailingSpace = new RegExp(`${whitespace}+$`)
const onlySpace = new RegExp(`^${whitespace}*$`)
const trimStart = (text) => text.replace(leadingSpace, '')
const trim = (text) => trimStart(text).replace(trailingSpace, '')

/** @param {string} text @param {Array<[string, string]>} mappings escaped → plain, applied in this order */
const unescape = (text, mappings) =>
  mappings.reduce((result, [from, to]) => result.split(from).join(to), text)
const dataEscapes = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%25', '%']
]
const propertyEscapes = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%3A', ':'],
  ['%2C', ','],
  ['%25', '%']
]
const legacyEscapes = [
  ['%3B', ';'],
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%5D', ']'],
  ['%25', '%']
]

/** The commands the runner knows (`internal-set-repo-path` is only for its own plugins). */
export const runnerCommands = [
  'stop-commands',
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo'
]

/**
 * @typedef {{ command: string, properties: Record<string, string>, data: string }} WorkflowCommand
 *   `command` lower-cased (names match case-insensitively), property names as written.
 */

/**
 * One line as the runner parses it, or undefined when it is not a command it knows.
 * @param {string} line
 * @param {Iterable<string>} [known] command names, compared case-insensitively
 * @returns {WorkflowCommand | undefined}
 */
export function parseWorkflowCommand(line, known = runnerCommands) {
  const names = new Set([...known].map((name) => name.toLowerCase()))
  return parseCommand(line, names) ?? parseLegacyCommand(line, names)
}

/** `::name k=v,k=v::data`, after leading white space. */
function parseCommand(line, names) {
  const message = trimStart(line)
  if (!message.startsWith('::')) return undefined
  const end = message.indexOf('::', 2)
  if (end < 0) return undefined
  const info = message.slice(2, end)
  const space = info.indexOf(' ')
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
  if (!names.has(name)) return undefined
  /** @type {Record<string, string>} */
  const properties = {}
  if (space > 0) {
    for (const item of trim(info.slice(space + 1))
      .split(',')
      .filter(Boolean)) {
      const equals = item.indexOf('=')
      if (equals > 0 && equals < item.length - 1) {
        properties[item.slice(0, equals)] = unescape(item.slice(equals + 1), propertyEscapes)
      }
    }
  }
  return { command: name, properties, data: unescape(message.slice(end + 2), dataEscapes) }
}

/** `##[name k=v;k=v]data`, anywhere in the line. */
function parseLegacyCommand(line, names) {
  const prefix = line.indexOf('##[')
  if (prefix < 0) return undefined
  const close = line.indexOf(']', prefix)
  if (close < 0) return undefined
  const info = line.slice(prefix + 3, close)
  const space = info.indexOf(' ')
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
  if (!names.has(name)) return undefined
  /** @type {Record<string, string>} */
  const properties = {}
  if (space > 0) {
    for (const item of info
      .slice(space + 1)
      .split(';')
      .filter(Boolean)) {
      const equals = item.indexOf('=')
      if (equals > 0 && equals < item.length - 1) {
        properties[item.slice(0, equals)] = unescape(item.slice(equals + 1), legacyEscapes)
      }
    }
  }
  return { command: name, properties, data: unescape(line.slice(close + 1), legacyEscapes) }
}

/** `Uri.EscapeDataString`: only RFC 3986 unreserved characters stay as they are. */
const uriDataEscape = (value) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)

/** `SecurityElement.Escape`. */
const xmlEscape = (value) =>
  value.replace(
    /[<>"'&]/g,
    (char) => ({ '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '&': '&amp;' })[char]
  )

/** PowerShell splits a secret printed in an error at `&`: the runner masks each part of 6 or more characters. */
function ampersandParts(value) {
  if (!value.includes('&')) return []
  const cut = value.includes('&+') ? value.indexOf('&+') + 2 : value.lastIndexOf('&') + 1
  const before = value.slice(0, cut)
  const after = value.includes('&+') ? value.slice(cut + 1) : value.slice(cut)
  return [before, after].filter((part) => part.length >= 6)
}

/**
 * The variations the runner's HostContext registers with each masked value (ValueEncoders): base64 at each
 * byte alignment without padding (and its URL-safe form), JSON, URI, XML, command-line and expression escapes,
 * the value without surrounding double quotes, and PowerShell's `&` parts.
 * @param {string} value
 * @returns {string[]}
 */
export function maskVariations(value) {
  const bytes = Buffer.from(value, 'utf8')
  const base64 = [0, 1, 2]
    .map((offset) => bytes.subarray(offset))
    .filter((part) => part.length > 0)
    .flatMap((part) => {
      const text = part.toString('base64').replace(/=+$/, '')
      return [text, text.replace(/\+/g, '-').replace(/\//g, '_')]
    })
  return [
    ...base64,
    value.replace(/"/g, '\\"'),
    value.replace(/'/g, "''"),
    JSON.stringify(value).slice(1, -1),
    uriDataEscape(value),
    xmlEscape(value),
    value.length > 8 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : '',
    ...ampersandParts(value)
  ].filter((variation) => variation !== '')
}

/** The job's secret masker: shared by every step of a job, as the runner's is. */
export class SecretMasker {
  /** @type {Set<string>} the values as registered */
  #originals = new Set()
  /** @type {Set<string>} everything that is replaced */
  #values = new Set()

  /** Registers a value and its variations; the empty string is ignored. @param {string} value */
  add(value) {
    if (!value || this.#originals.has(value)) return
    this.#originals.add(value)
    for (const variation of [value, ...maskVariations(value)]) this.#values.add(variation)
  }

  /**
   * What `::add-mask::` registers: the value, and each of its lines trimmed (the log is processed line by line).
   * @param {string} value
   */
  addMask(value) {
    this.add(value)
    for (const line of value.split(/[\r\n]/)) {
      if (line !== '') this.add(trim(line))
    }
  }

  /** Every registered value in `text` as `***`; overlapping or adjacent matches become one. @param {string} text */
  mask(text) {
    if (!text || this.#values.size === 0) return text
    /** @type {Array<[number, number]>} */
    const spans = []
    for (const value of this.#values) {
      for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) {
        spans.push([at, at + value.length])
      }
    }
    if (spans.length === 0) return text
    spans.sort((a, b) => a[0] - b[0])
    let result = ''
    let from = 0
    let current = [...spans[0]]
    for (const [start, end] of spans.slice(1)) {
      if (start <= current[1]) current[1] = Math.max(current[1], end)
      else {
        result += text.slice(from, current[0]) + '***'
        from = current[1]
        current = [start, end]
      }
    }
    return result + text.slice(from, current[0]) + '***' + text.slice(current[1])
  }
}

/**
 * @typedef {'error' | 'warning' | 'notice'} AnnotationLevel
 * @typedef {{ level: AnnotationLevel, message: string, file?: string, line?: string, col?: string,
 *   endLine?: string, endColumn?: string, title?: string }} Annotation
 * @typedef {{ kind: 'output', text: string }
 *   | { kind: 'group', title: string }
 *   | { kind: 'endgroup' }
 *   | { kind: 'debug', text: string }
 *   | { kind: 'annotation', annotation: Annotation }} LogEntry  what the log shows, in order, already masked
 */

const disabledCommand = (name) =>
  `The \`${name}\` command is disabled. Please upgrade to using Environment Files or opt into unsecure command ` +
  'execution by setting the `ACTIONS_ALLOW_UNSECURE_COMMANDS` environment variable to `true`. For more ' +
  'information see: https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/'
const deprecatedCommand = (name) =>
  `The \`${name}\` command is deprecated and will be disabled soon. Please upgrade to using Environment Files. ` +
  'For more information see: https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/'

/** The runner keeps this many annotations of each level per step (more are still logged). */
const annotationsPerLevel = 10
const annotationLength = 4096

/**
 * One step's output as the runner processes it: its command manager (stop-commands is per step) and the
 * job's masker. Feed both streams with `write`, then `end`.
 */
export class StepOutput {
  /** @type {LogEntry[]} */
  entries = []
  /** @type {Annotation[]} the annotations the job would get (at most 10 per level) */
  annotations = []
  /** `set-output` / `save-state` commands (deprecated, still honoured) */
  outputs = /** @type {Record<string, string>} */ ({})
  state = /** @type {Record<string, string>} */ ({})
  /** A command the runner could not process fails the step, as `set-env` does. */
  failed = false
  #known = new Set(runnerCommands)
  /** @type {string | undefined} */
  #stopToken
  #stopped = false
  #echo
  #pending = { stdout: '', stderr: '' }
  #carriageReturn = { stdout: false, stderr: false }

  /**
   * @param {{ masker?: SecretMasker, workspace?: string, debug?: boolean,
   *   onEntry?: (entry: LogEntry) => void }} [options]
   *   `debug`: show `::debug::` (the runner does with step debug logging on, when it sets RUNNER_DEBUG=1).
   */
  constructor(options = {}) {
    this.masker = options.masker ?? new SecretMasker()
    this.workspace = options.workspace
    this.debug = options.debug ?? false
    this.onEntry = options.onEntry
    this.#echo = this.debug
  }

  /** A chunk of a stream; complete lines are processed now. @param {'stdout' | 'stderr'} stream @param {string} chunk */
  write(stream, chunk) {
    let text = this.#pending[stream] + chunk
    // A \r at the end of the previous chunk already ended a line: a \n right after it belongs to it.
    if (this.#carriageReturn[stream] && text.startsWith('\n')) text = text.slice(1)
    this.#carriageReturn[stream] = false
    const breaks = /\r\n|\r|\n/g
    let from = 0
    for (let match = breaks.exec(text); match; match = breaks.exec(text)) {
      if (match[0] === '\r' && match.index === text.length - 1) this.#carriageReturn[stream] = true
      this.line(text.slice(from, match.index))
      from = match.index + match[0].length
    }
    this.#pending[stream] = text.slice(from)
  }

  /** The streams ended: a last line without a newline is still a line. */
  end() {
    for (const stream of /** @type {const} */ (['stdout', 'stderr'])) {
      if (this.#pending[stream] !== '') this.line(this.#pending[stream])
      this.#pending[stream] = ''
    }
  }

  /** One line, as OutputManager.OnDataReceived gets it. @param {string} line */
  line(line) {
    if (line && (line.includes('::') || line.includes('##[')) && this.#command(line)) return
    this.#output(line)
  }

  /** The log as someone reading the job's page sees it, one entry per line. */
  get log() {
    return renderLog(this.entries)
  }

  /** @param {LogEntry} entry */
  #add(entry) {
    this.entries.push(entry)
    this.onEntry?.(entry)
  }

  /** @param {string} text */
  #output(text) {
    this.#add({ kind: 'output', text: this.masker.mask(text) })
  }

  /** @param {AnnotationLevel} level @param {string} message @param {Record<string, string>} [properties] */
  #annotate(level, message, properties = {}) {
    /** @type {Annotation} */
    const annotation = { level, message: this.masker.mask(message) }
    for (const [key, value] of Object.entries(properties)) {
      const name = ['file', 'line', 'col', 'endLine', 'endColumn', 'title'].find(
        (known) => known.toLowerCase() === key.toLowerCase()
      )
      if (name) annotation[name] = this.masker.mask(value)
    }
    const root = this.workspace?.replace(/\/+$/, '')
    if (root && annotation.file?.startsWith(`${root}/`))
      annotation.file = annotation.file.slice(root.length + 1)
    this.#add({ kind: 'annotation', annotation })
    const kept = this.annotations.filter((other) => other.level === level).length
    if (kept < annotationsPerLevel && !onlySpace.test(annotation.message)) {
      this.annotations.push({ ...annotation, message: annotation.message.slice(0, annotationLength) })
    }
  }

  /** @param {string} text */
  #debug(text) {
    if (!this.debug) return
    for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
      this.#add({ kind: 'debug', text: this.masker.mask(line) })
    }
  }

  /** ActionCommandManager.TryProcessCommand: true when the line was a command (and is not shown as output). */
  #command(line) {
    const command = parseWorkflowCommand(line, this.#known)
    if (!command) return false
    if (this.#stopped) {
      if (!this.#stopToken || command.command !== this.#stopToken.toLowerCase()) {
        this.#debug(`Process commands has been stopped and waiting for '##[${this.#stopToken}]' to resume.`)
        return false
      }
      this.#output(line)
      this.#debug('Resume processing commands')
      this.#known.delete(this.#stopToken.toLowerCase())
      this.#stopped = false
      this.#stopToken = undefined
      return true
    }
    const { properties, data } = command
    switch (command.command) {
      case 'stop-commands':
        this.#output(line)
        this.#stopToken = data
        this.#stopped = true
        this.#known.add(data.toLowerCase())
        return true
      case 'add-mask':
        if (onlySpace.test(data)) {
          this.#annotate('warning', "Can't add secret mask for empty string in ##[add-mask] command.")
        } else {
          if (this.#echo) this.#output('::add-mask::***')
          this.masker.addMask(data)
        }
        return true
      case 'debug':
        this.#debug(data)
        return true
      case 'warning':
      case 'error':
      case 'notice':
        this.#annotate(command.command, data, properties)
        return true
      default:
        break
    }
    // The commands whose line the runner echoes when `::echo::on` (or step debug) asks for it.
    if (this.#echo) this.#output(line)
    switch (command.command) {
      case 'group':
        this.#add({ kind: 'group', title: this.masker.mask(data) })
        break
      case 'endgroup':
        this.#add({ kind: 'endgroup' })
        break
      case 'echo':
        if (/^on$/i.test(trim(data))) this.#echo = true
        else if (/^off$/i.test(trim(data))) this.#echo = false
        else
          this.#fail(
            line,
            `Invalid echo command value. Possible values can be: 'on', 'off'. Current value is: '${data}'.`
          )
        break
      case 'set-output':
      case 'save-state': {
        const name = Object.entries(properties).find(([key]) => key.toLowerCase() === 'name')?.[1]
        if (!name) {
          this.#fail(line, `Required field 'name' is missing in ##[${command.command}] command.`)
          break
        }
        this.#annotate('warning', deprecatedCommand(command.command))
        ;(command.command === 'set-output' ? this.outputs : this.state)[name] = data
        break
      }
      case 'set-env':
      case 'add-path':
        this.#fail(line, disabledCommand(command.command))
        break
      default:
        // add-matcher, remove-matcher: problem matchers are not emulated.
        break
    }
    return true
  }

  /** @param {string} line @param {string} reason */
  #fail(line, reason) {
    this.#annotate('error', `Unable to process command '${line}' successfully.`)
    this.#annotate('error', reason)
    this.failed = true
  }
}

const levelNames = { error: 'Error', warning: 'Warning', notice: 'Notice' }

/** Where an annotation points, as `Dockerfile:15:3`, or '' for none. @param {Annotation} annotation */
export function annotationPlace(annotation) {
  const { file, line, col } = annotation
  const position = line ? `${line}${col ? `:${col}` : ''}` : ''
  if (file) return position ? `${file}:${position}` : file
  return position ? `line ${position}` : ''
}

/**
 * One log entry as text: a group's title as `▸ title`, an annotation with its level, file and line (further
 * lines of its message indented under the first), a debug line as `Debug: text`.
 * @param {LogEntry} entry
 */
export function renderEntry(entry) {
  switch (entry.kind) {
    case 'group':
      return `▸ ${entry.title}`
    case 'endgroup':
      return ''
    case 'debug':
      return `Debug: ${entry.text}`
    case 'annotation': {
      const { annotation } = entry
      const place = annotationPlace(annotation)
      const head = [levelNames[annotation.level], place, annotation.title].filter(Boolean).join(': ')
      const [first, ...rest] = annotation.message.split('\n')
      return [`${head}: ${first}`, ...rest.map((line) => `  ${line}`)].join('\n')
    }
    default:
      return entry.text
  }
}

/**
 * Renders entries one at a time as they arrive (for a live log): a group's lines indented under its title,
 * nothing for its end. Returns undefined for an entry that shows no line.
 */
export function logRenderer() {
  let inGroup = false
  /** @param {LogEntry} entry @returns {string | undefined} */
  return (entry) => {
    if (entry.kind === 'endgroup') {
      inGroup = false
      return undefined
    }
    const text = renderEntry(entry)
    if (entry.kind === 'group') {
      inGroup = true
      return text
    }
    return inGroup ? text.replace(/^/gm, '  ') : text
  }
}

/** The whole log as text, rendered as `logRenderer` does. @param {LogEntry[]} entries */
export function renderLog(entries) {
  const render = logRenderer()
  return entries
    .map(render)
    .filter((line) => line !== undefined)
    .join('\n')
}
