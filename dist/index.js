import './sourcemap-register.cjs';import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 5940:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Argument = void 0;
class Argument {
    constructor(value, range) {
        this.value = value;
        this.range = range;
    }
    toString() {
        return this.value;
    }
    getRange() {
        return this.range;
    }
    getValue() {
        return this.value;
    }
    isAfter(position) {
        if (this.range.end.line < position.line) {
            return false;
        }
        return this.range.start.line > position.line ? true : this.range.start.character > position.character;
    }
    isBefore(position) {
        if (this.range.start.line < position.line) {
            return true;
        }
        return this.range.end.line > position.line ? false : this.range.end.character < position.character;
    }
}
exports.Argument = Argument;


/***/ }),

/***/ 4022:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Comment = void 0;
const vscode_languageserver_types_1 = __nccwpck_require__(4612);
const line_1 = __nccwpck_require__(7005);
const util_1 = __nccwpck_require__(7459);
class Comment extends line_1.Line {
    constructor(document, range) {
        super(document, range);
    }
    toString() {
        const content = this.getContent();
        if (content) {
            return "# " + content;
        }
        return "#";
    }
    /**
     * Returns the content of this comment. This excludes leading and
     * trailing whitespace as well as the # symbol. If the comment only
     * consists of whitespace, the empty string will be returned.
     */
    getContent() {
        let range = this.getContentRange();
        if (range === null) {
            return "";
        }
        return this.document.getText().substring(this.document.offsetAt(range.start), this.document.offsetAt(range.end));
    }
    /**
     * Returns a range that includes the content of the comment
     * excluding any leading and trailing whitespace as well as the #
     * symbol. May return null if the comment only consists of whitespace
     * characters.
     */
    getContentRange() {
        let range = this.getRange();
        const startOffset = this.document.offsetAt(range.start);
        let raw = this.document.getText().substring(startOffset, this.document.offsetAt(range.end));
        let start = -1;
        let end = -1;
        // skip the first # symbol
        for (let i = 1; i < raw.length; i++) {
            if (!util_1.Util.isWhitespace(raw.charAt(i))) {
                start = i;
                break;
            }
        }
        if (start === -1) {
            return null;
        }
        // go backwards up to the first # symbol
        for (let i = raw.length - 1; i >= 1; i--) {
            if (!util_1.Util.isWhitespace(raw.charAt(i))) {
                end = i + 1;
                break;
            }
        }
        return vscode_languageserver_types_1.Range.create(this.document.positionAt(startOffset + start), this.document.positionAt(startOffset + end));
    }
}
exports.Comment = Comment;


/***/ }),

/***/ 9933:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

/* --------------------------------------------------------------------------------------------
 * Copyright (c) Remy Suen. All rights reserved.
 * Licensed under the MIT License. See License.txt in the project root for license information.
 * ------------------------------------------------------------------------------------------ */

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Dockerfile = void 0;
const vscode_languageserver_types_1 = __nccwpck_require__(4612);
const ast = __nccwpck_require__(8390);
const imageTemplate_1 = __nccwpck_require__(3520);
const from_1 = __nccwpck_require__(5377);
const util_1 = __nccwpck_require__(7459);
const main_1 = __nccwpck_require__(8390);
class Dockerfile extends imageTemplate_1.ImageTemplate {
    constructor(document) {
        super();
        this.initialInstructions = new imageTemplate_1.ImageTemplate();
        this.buildStages = [];
        this.directives = [];
        /**
         * Whether a FROM instruction has been added to this Dockerfile or not.
         */
        this.foundFrom = false;
        this.document = document;
    }
    getEscapeCharacter() {
        for (const directive of this.directives) {
            if (directive.getDirective() === ast.Directive.escape) {
                const value = directive.getValue();
                if (value === '\\' || value === '`') {
                    return value;
                }
            }
        }
        return '\\';
    }
    getInitialARGs() {
        return this.initialInstructions.getARGs();
    }
    getContainingImage(position) {
        let range = vscode_languageserver_types_1.Range.create(vscode_languageserver_types_1.Position.create(0, 0), this.document.positionAt(this.document.getText().length));
        if (!util_1.Util.isInsideRange(position, range)) {
            // not inside the document, invalid position
            return null;
        }
        if (this.initialInstructions.getComments().length > 0 || this.initialInstructions.getInstructions().length > 0) {
            if (util_1.Util.isInsideRange(position, this.initialInstructions.getRange())) {
                return this.initialInstructions;
            }
        }
        for (const buildStage of this.buildStages) {
            if (util_1.Util.isInsideRange(position, buildStage.getRange())) {
                return buildStage;
            }
        }
        return this;
    }
    addInstruction(instruction) {
        if (instruction.getKeyword() === main_1.Keyword.FROM) {
            this.currentBuildStage = new imageTemplate_1.ImageTemplate();
            this.buildStages.push(this.currentBuildStage);
            this.foundFrom = true;
        }
        else if (!this.foundFrom) {
            this.initialInstructions.addInstruction(instruction);
        }
        if (this.foundFrom) {
            this.currentBuildStage.addInstruction(instruction);
        }
        super.addInstruction(instruction);
    }
    setDirectives(directives) {
        this.directives = directives;
    }
    getDirective() {
        return this.directives.length === 0 ? null : this.directives[0];
    }
    getDirectives() {
        return this.directives;
    }
    resolveVariable(variable, line) {
        for (let from of this.getFROMs()) {
            let range = from.getRange();
            if (range.start.line <= line && line <= range.end.line) {
                // resolve the FROM variable against the initial ARGs
                let initialARGs = new imageTemplate_1.ImageTemplate();
                for (let instruction of this.initialInstructions.getARGs()) {
                    initialARGs.addInstruction(instruction);
                }
                return initialARGs.resolveVariable(variable, line);
            }
        }
        let image = this.getContainingImage(vscode_languageserver_types_1.Position.create(line, 0));
        if (image === null) {
            return undefined;
        }
        let resolvedVariable = image.resolveVariable(variable, line);
        if (resolvedVariable === null) {
            // refers to an uninitialized ARG variable,
            // try resolving it against the initial ARGs then
            let initialARGs = new imageTemplate_1.ImageTemplate();
            for (let instruction of this.initialInstructions.getARGs()) {
                initialARGs.addInstruction(instruction);
            }
            return initialARGs.resolveVariable(variable, line);
        }
        return resolvedVariable;
    }
    getAvailableVariables(currentLine) {
        if (this.getInstructionAt(currentLine) instanceof from_1.From) {
            let variables = [];
            for (let arg of this.getInitialARGs()) {
                let property = arg.getProperty();
                if (property) {
                    variables.push(property.getName());
                }
            }
            return variables;
        }
        let image = this.getContainingImage(vscode_languageserver_types_1.Position.create(currentLine, 0));
        return image ? image.getAvailableVariables(currentLine) : [];
    }
    getParentStage(image) {
        const templateFrom = image.getFROM();
        const imageName = templateFrom === null ? null : templateFrom.getImageName();
        if (imageName === null) {
            return null;
        }
        for (const from of this.getFROMs()) {
            if (from.getBuildStage() === imageName) {
                const range = from.getRange();
                // on the same line then it's an image that shares the name as the build stage
                if (range.start.line === templateFrom.getRange().start.line) {
                    return null;
                }
                return this.getContainingImage(range.start);
            }
        }
        return null;
    }
    getStageHierarchy(line) {
        const image = this.getContainingImage(vscode_languageserver_types_1.Position.create(line, 0));
        if (image === null) {
            return [];
        }
        const stages = [image];
        let stage = this.getParentStage(image);
        while (stage !== null) {
            stages.splice(0, 0, stage);
            stage = this.getParentStage(stage);
        }
        return stages;
    }
    getAvailableWorkingDirectories(line) {
        const availableDirectories = new Set();
        for (const image of this.getStageHierarchy(line)) {
            for (const workdir of image.getWORKDIRs()) {
                if (workdir.getRange().end.line < line) {
                    let directory = workdir.getAbsolutePath();
                    if (directory !== undefined && directory !== null) {
                        if (!directory.endsWith("/")) {
                            directory += "/";
                        }
                        availableDirectories.add(directory);
                    }
                }
            }
        }
        return Array.from(availableDirectories);
    }
    /**
     * Internally reorganize the comments in the Dockerfile and allocate
     * them to the relevant build stages that they belong to.
     */
    organizeComments() {
        const comments = this.getComments();
        for (let i = 0; i < comments.length; i++) {
            if (util_1.Util.isInsideRange(comments[i].getRange().end, this.initialInstructions.getRange())) {
                this.initialInstructions.addComment(comments[i]);
            }
            else {
                for (const buildStage of this.buildStages) {
                    if (util_1.Util.isInsideRange(comments[i].getRange().start, buildStage.getRange())) {
                        buildStage.addComment(comments[i]);
                    }
                }
            }
        }
    }
    getRange() {
        const comments = this.getComments();
        const instructions = this.getInstructions();
        let range = null;
        if (comments.length === 0) {
            if (instructions.length > 0) {
                range = vscode_languageserver_types_1.Range.create(instructions[0].getRange().start, instructions[instructions.length - 1].getRange().end);
            }
        }
        else if (instructions.length === 0) {
            range = vscode_languageserver_types_1.Range.create(comments[0].getRange().start, comments[comments.length - 1].getRange().end);
        }
        else {
            const commentStart = comments[0].getRange().start;
            const commentEnd = comments[comments.length - 1].getRange().end;
            const instructionStart = instructions[0].getRange().start;
            const instructionEnd = instructions[instructions.length - 1].getRange().end;
            if (commentStart.line < instructionStart.line) {
                if (commentEnd.line < instructionEnd.line) {
                    range = vscode_languageserver_types_1.Range.create(commentStart, instructionEnd);
                }
                range = vscode_languageserver_types_1.Range.create(commentStart, commentEnd);
            }
            else if (commentEnd.line < instructionEnd.line) {
                range = vscode_languageserver_types_1.Range.create(instructionStart, instructionEnd);
            }
            else {
                range = vscode_languageserver_types_1.Range.create(instructionStart, commentEnd);
            }
        }
        if (range === null) {
            if (this.directives.length === 0) {
                return null;
            }
            return this.directives[0].getRange();
        }
        else if (this.directives.length === 0) {
            return range;
        }
        return vscode_languageserver_types_1.Range.create(this.directives[0].getRange().start, range.end);
    }
}
exports.Dockerfile = Dockerfile;


/***/ }),

/***/ 1077:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Flag = void 0;
const vscode_languageserver_types_1 = __nccwpck_require__(4612);
const flagOption_1 = __nccwpck_require__(3700);
class Flag {
    constructor(document, range, name, nameRange, value, valueRange) {
        this.options = [];
        this.range = range;
        this.name = name;
        this.nameRange = nameRange;
        this.value = value;
        this.valueRange = valueRange;
        if (this.value !== null) {
            let offset = document.offsetAt(valueRange.start);
            let nameStart = -1;
            let valueStart = -1;
            let hasOptions = false;
            for (let i = 0; i < value.length; i++) {
                switch (value.charAt(i)) {
                    case '=':
                        hasOptions = true;
                        if (valueStart === -1) {
                            valueStart = i + 1;
                            break;
                        }
                        break;
                    case ',':
                        this.options.push(this.createFlagOption(document, value, offset, nameStart, valueStart, i));
                        nameStart = -1;
                        valueStart = -1;
                        break;
                    default:
                        if (nameStart === -1) {
                            nameStart = i;
                        }
                        break;
                }
            }
            if (hasOptions && nameStart !== -1) {
                this.options.push(this.createFlagOption(document, value, offset, nameStart, valueStart, value.length));
            }
        }
    }
    createFlagOption(document, content, documentOffset, nameStart, valueStart, valueEnd) {
        const optionRange = vscode_languageserver_types_1.Range.create(document.positionAt(documentOffset + nameStart), document.positionAt(documentOffset + valueEnd));
        if (valueStart === -1) {
            return new flagOption_1.FlagOption(optionRange, content.substring(nameStart, valueEnd), optionRange, null, null);
        }
        return new flagOption_1.FlagOption(optionRange, content.substring(nameStart, valueStart - 1), vscode_languageserver_types_1.Range.create(document.positionAt(documentOffset + nameStart), document.positionAt(documentOffset + valueStart - 1)), content.substring(valueStart, valueEnd), vscode_languageserver_types_1.Range.create(document.positionAt(documentOffset + valueStart), document.positionAt(documentOffset + valueEnd)));
    }
    toString() {
        if (this.valueRange) {
            return "--" + this.name + "=" + this.value;
        }
        return "--" + this.name;
    }
    /**
     * Returns the range that encompasses this entire flag. This includes the
     * -- prefix in the beginning to the last character of the flag's value (if
     * it has been defined).
     *
     * @return the entire range of this flag
     */
    getRange() {
        return this.range;
    }
    /**
     * Returns the name of this flag. The name does not include the -- prefix.
     * Thus, for HEALTHCHECK's --interval flag, interval is the flag's name and
     * not --interval.
     *
     * @return this flag's name
     */
    getName() {
        return this.name;
    }
    /**
     * Returns the range that encompasses the flag's name
     *
     * @return the range containing the flag's name
     */
    getNameRange() {
        return this.nameRange;
    }
    /**
     * Returns the value that has been set to this flag. May be null if the
     * flag is invalid and has no value set like a --start-period. If the flag
     * is instead a --start-period= with an equals sign then the flag's value
     * is the empty string.
     *
     * @return this flag's value if it has been defined, null otherwise
     */
    getValue() {
        return this.value;
    }
    /**
     * Returns the range that encompasses this flag's value. If no value has
     * been set then null will be returned.
     *
     * @return the range containing this flag's value, or null if the flag
     *         has no value defined
     */
    getValueRange() {
        return this.valueRange;
    }
    getOption(name) {
        for (const option of this.options) {
            if (option.getName() === name) {
                return option;
            }
        }
        return null;
    }
    getOptions() {
        return this.options;
    }
    hasOptions() {
        return this.options.length > 0;
    }
}
exports.Flag = Flag;


/***/ }),

/***/ 3700:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.FlagOption = void 0;
class FlagOption {
    constructor(range, name, nameRange, value, valueRange) {
        this.range = range;
        this.name = name;
        this.nameRange = nameRange;
        this.value = value;
        this.valueRange = valueRange;
    }
    toString() {
        if (this.valueRange !== null) {
            return this.name + "=" + this.value;
        }
        return this.name;
    }
    getRange() {
        return this.range;
    }
    getName() {
        return this.name;
    }
    getNameRange() {
        return this.nameRange;
    }
    getValue() {
        return this.value;
    }
    getValueRange() {
        return this.valueRange;
    }
}
exports.FlagOption = FlagOption;


/***/ }),

/***/ 7599:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Heredoc = void 0;
/**
 * Heredoc represents a here-document that has been embedded in a
 * Dockerfile.
 *
 * This API is experimental and subject to change.
 */
class Heredoc {
    constructor(startRange, name, nameRange, contentRange, endRange) {
        this.startRange = startRange;
        this.name = name;
        this.nameRange = nameRange;
        this.contentRange = contentRange;
        this.endRange = endRange;
    }
    /**
     * Returns the name of the here-document.
     *
     * This API is experimental and subject to change.
     */
    getName() {
        return this.name;
    }
    /**
     * Returns the range of the start operator and the name. If the
     * here-document is initialized with <<EOT then the start range would
     * encompass all five characters.
     *
     * This API is experimental and subject to change.
     */
    getStartRange() {
        return this.startRange;
    }
    /**
     * Returns the range of this here-document's name that is declared at
     * the beginning of the here-document with the operator. If the
     * here-document is initialized with <<EOT then the name range would
     * encompass the latter three "EOT" characters.
     *
     * This API is experimental and subject to change.
     */
    getNameRange() {
        return this.nameRange;
    }
    /**
     * Returns the range of the content of this here-document. This may
     * be null if the here-document has no content because:
     * - the start range is the only thing that was declared
     * - the end range was declared immediately and there is no content
     *
     * This API is experimental and subject to change.
     */
    getContentRange() {
        return this.contentRange;
    }
    /**
     * Returns the range of the here-document's name on a line that
     * represents the end of the here-document.
     *
     * This API is experimental and subject to change.
     */
    getDelimiterRange() {
        return this.endRange;
    }
}
exports.Heredoc = Heredoc;


/***/ }),

/***/ 3520:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

/* --------------------------------------------------------------------------------------------
 * Copyright (c) Remy Suen. All rights reserved.
 * Licensed under the MIT License. See License.txt in the project root for license information.
 * ------------------------------------------------------------------------------------------ */

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.ImageTemplate = void 0;
const vscode_languageserver_types_1 = __nccwpck_require__(4612);
const arg_1 = __nccwpck_require__(4381);
const cmd_1 = __nccwpck_require__(5517);
const copy_1 = __nccwpck_require__(444);
const env_1 = __nccwpck_require__(1822);
const entrypoint_1 = __nccwpck_require__(1835);
const from_1 = __nccwpck_require__(5377);
const healthcheck_1 = __nccwpck_require__(1167);
const onbuild_1 = __nccwpck_require__(5554);
const util_1 = __nccwpck_require__(7459);
const workdir_1 = __nccwpck_require__(7529);
class ImageTemplate {
    constructor() {
        this.comments = [];
        this.instructions = [];
    }
    addComment(comment) {
        this.comments.push(comment);
    }
    getComments() {
        return this.comments;
    }
    addInstruction(instruction) {
        this.instructions.push(instruction);
    }
    getInstructions() {
        return this.instructions;
    }
    getInstructionAt(line) {
        for (let instruction of this.instructions) {
            if (util_1.Util.isInsideRange(vscode_languageserver_types_1.Position.create(line, 0), instruction.getRange())) {
                return instruction;
            }
        }
        return null;
    }
    /**
     * Gets all the ARG instructions that are defined in this image.
     */
    getARGs() {
        let args = [];
        for (let instruction of this.instructions) {
            if (instruction instanceof arg_1.Arg) {
                args.push(instruction);
            }
        }
        return args;
    }
    /**
     * Gets all the CMD instructions that are defined in this image.
     */
    getCMDs() {
        let cmds = [];
        for (let instruction of this.instructions) {
            if (instruction instanceof cmd_1.Cmd) {
                cmds.push(instruction);
            }
        }
        return cmds;
    }
    /**
     * Gets all the COPY instructions that are defined in this image.
     */
    getCOPYs() {
        let copies = [];
        for (let instruction of this.instructions) {
            if (instruction instanceof copy_1.Copy) {
                copies.push(instruction);
            }
        }
        return copies;
    }
    /**
     * Gets all the ENTRYPOINT instructions that are defined in this image.
     */
    getENTRYPOINTs() {
        let froms = [];
        for (let instruction of this.instructions) {
            if (instruction instanceof entrypoint_1.Entrypoint) {
                froms.push(instruction);
            }
        }
        return froms;
    }
    /**
     * Gets all the ENV instructions that are defined in this image.
     */
    getENVs() {
        let args = [];
        for (let instruction of this.instructions) {
            if (instruction instanceof env_1.Env) {
                args.push(instruction);
            }
        }
        return args;
    }
    getFROM() {
        for (const instruction of this.instructions) {
            if (instruction instanceof from_1.From) {
                return instruction;
            }
        }
        return null;
    }
    /**
     * Gets all the FROM instructions that are defined in this image.
     */
    getFROMs() {
        let froms = [];
        for (let instruction of this.instructions) {
            if (instruction instanceof from_1.From) {
                froms.push(instruction);
            }
        }
        return froms;
    }
    /**
     * Gets all the HEALTHCHECK instructions that are defined in this image.
     */
    getHEALTHCHECKs() {
        let froms = [];
        for (let instruction of this.instructions) {
            if (instruction instanceof healthcheck_1.Healthcheck) {
                froms.push(instruction);
            }
        }
        return froms;
    }
    getWORKDIRs() {
        const workdirs = [];
        for (const instruction of this.instructions) {
            if (instruction instanceof workdir_1.Workdir) {
                workdirs.push(instruction);
            }
        }
        return workdirs;
    }
    getOnbuildTriggers() {
        let triggers = [];
        for (let instruction of this.instructions) {
            if (instruction instanceof onbuild_1.Onbuild) {
                let trigger = instruction.getTriggerInstruction();
                if (trigger) {
                    triggers.push(trigger);
                }
            }
        }
        return triggers;
    }
    getAvailableVariables(currentLine) {
        const variables = [];
        for (const arg of this.getARGs()) {
            if (arg.isBefore(currentLine)) {
                const property = arg.getProperty();
                if (property) {
                    const variable = property.getName();
                    if (variables.indexOf(variable) === -1) {
                        variables.push(variable);
                    }
                }
            }
        }
        for (const env of this.getENVs()) {
            if (env.isBefore(currentLine)) {
                for (const property of env.getProperties()) {
                    const variable = property.getName();
                    if (variables.indexOf(variable) === -1) {
                        variables.push(variable);
                    }
                }
            }
        }
        return variables;
    }
    /**
     * Resolves a variable with the given name at the specified line
     * to its value. If null is returned, then the variable has been
     * defined but no value was given. If undefined is returned, then
     * a variable with the given name has not been defined yet as of
     * the given line.
     *
     * @param variable the name of the variable to resolve
     * @param line the line number that the variable is on, zero-based
     * @return the value of the variable as defined by an ARG or ENV
     *         instruction, or null if no value has been specified, or
     *         undefined if a variable with the given name has not
     *         been defined
     */
    resolveVariable(variable, line) {
        let envs = this.getENVs();
        for (let i = envs.length - 1; i >= 0; i--) {
            if (envs[i].isBefore(line)) {
                for (let property of envs[i].getProperties()) {
                    if (property.getName() === variable) {
                        return property.getValue();
                    }
                }
            }
        }
        let args = this.getARGs();
        for (let i = args.length - 1; i >= 0; i--) {
            if (args[i].isBefore(line)) {
                let property = args[i].getProperty();
                if (property && property.getName() === variable) {
                    return property.getValue();
                }
            }
        }
        return undefined;
    }
    getRange() {
        const instructions = this.getInstructions();
        if (instructions.length === 0) {
            // all templates should have instructions, this only happens for
            // the initial set of instruction
            return vscode_languageserver_types_1.Range.create(0, 0, 0, 0);
        }
        const instructionStart = instructions[0].getRange().start;
        const instructionEnd = instructions[instructions.length - 1].getRange().end;
        return vscode_languageserver_types_1.Range.create(instructionStart, instructionEnd);
    }
    contains(position) {
        const range = this.getRange();
        if (range === null) {
            return false;
        }
        return util_1.Util.isInsideRange(position, range);
    }
}
exports.ImageTemplate = ImageTemplate;


/***/ }),

/***/ 5279:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Instruction = void 0;
const vscode_languageserver_types_1 = __nccwpck_require__(4612);
const util_1 = __nccwpck_require__(7459);
const line_1 = __nccwpck_require__(7005);
const argument_1 = __nccwpck_require__(5940);
const heredoc_1 = __nccwpck_require__(7599);
const variable_1 = __nccwpck_require__(3743);
const main_1 = __nccwpck_require__(8390);
class Instruction extends line_1.Line {
    constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range);
        this.dockerfile = dockerfile;
        this.escapeChar = escapeChar;
        this.instruction = instruction;
        this.instructionRange = instructionRange;
    }
    toString() {
        let value = this.getKeyword();
        for (let arg of this.getRawArguments()) {
            value += ' ';
            value += arg.getValue();
        }
        return value;
    }
    getRangeContent(range) {
        if (range === null) {
            return null;
        }
        return this.document.getText().substring(this.document.offsetAt(range.start), this.document.offsetAt(range.end));
    }
    getInstructionRange() {
        return this.instructionRange;
    }
    getInstruction() {
        return this.instruction;
    }
    getKeyword() {
        return this.getInstruction().toUpperCase();
    }
    getArgumentsRange() {
        let args = this.getArguments();
        if (args.length === 0) {
            return null;
        }
        return vscode_languageserver_types_1.Range.create(args[0].getRange().start, args[args.length - 1].getRange().end);
    }
    getArgumentsRanges() {
        let args = this.getArguments();
        if (args.length === 0) {
            return [];
        }
        if (args[0].getRange().start.line === args[args.length - 1].getRange().end.line) {
            return [vscode_languageserver_types_1.Range.create(args[0].getRange().start, args[args.length - 1].getRange().end)];
        }
        let ranges = [];
        let end = -1;
        let startPosition = args[0].getRange().start;
        let range = this.getInstructionRange();
        let extra = this.document.offsetAt(startPosition) - this.document.offsetAt(range.start);
        let content = this.getTextContent();
        let fullArgs = content.substring(extra, this.document.offsetAt(args[args.length - 1].getRange().end) - this.document.offsetAt(range.start));
        let offset = this.document.offsetAt(range.start) + extra;
        let start = false;
        let comment = false;
        for (let i = 0; i < fullArgs.length; i++) {
            let char = fullArgs.charAt(i);
            if (char === this.escapeChar) {
                let next = fullArgs.charAt(i + 1);
                if (next === ' ' || next === '\t') {
                    whitespaceCheck: for (let j = i + 2; j < fullArgs.length; j++) {
                        switch (fullArgs.charAt(j)) {
                            case ' ':
                            case '\t':
                                continue;
                            case '\r':
                                j++;
                            case '\n':
                                if (startPosition !== null) {
                                    ranges.push(vscode_languageserver_types_1.Range.create(startPosition, this.document.positionAt(offset + end + 1)));
                                }
                                startPosition = null;
                                start = true;
                                comment = false;
                                i = j;
                                break whitespaceCheck;
                            default:
                                break whitespaceCheck;
                        }
                    }
                }
                else if (next === '\r') {
                    if (startPosition !== null) {
                        ranges.push(vscode_languageserver_types_1.Range.create(startPosition, this.document.positionAt(offset + end + 1)));
                        startPosition = null;
                    }
                    start = true;
                    comment = false;
                    i += 2;
                }
                else if (next === '\n') {
                    if (startPosition !== null) {
                        ranges.push(vscode_languageserver_types_1.Range.create(startPosition, this.document.positionAt(offset + end + 1)));
                    }
                    startPosition = null;
                    start = true;
                    comment = false;
                    i++;
                }
                else {
                    i++;
                }
            }
            else if (util_1.Util.isNewline(char)) {
                if (comment) {
                    startPosition = null;
                    start = true;
                    comment = false;
                }
            }
            else {
                if (!comment) {
                    if (startPosition === null) {
                        if (char === '#') {
                            comment = true;
                            continue;
                        }
                        let position = this.document.positionAt(offset + i);
                        if (position.character !== 0) {
                            startPosition = vscode_languageserver_types_1.Position.create(position.line, 0);
                        }
                    }
                    end = i;
                }
            }
        }
        if (startPosition === null) {
            // should only happen if the last argument is on its own line with
            // no leading whitespace
            ranges.push(vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + end), this.document.positionAt(offset + end + 1)));
        }
        else {
            ranges.push(vscode_languageserver_types_1.Range.create(startPosition, this.document.positionAt(offset + end + 1)));
        }
        return ranges;
    }
    getRawArgumentsContent() {
        let args = this.getArguments();
        if (args.length === 0) {
            return null;
        }
        return this.getRangeContent(vscode_languageserver_types_1.Range.create(args[0].getRange().start, args[args.length - 1].getRange().end));
    }
    getArgumentsContent() {
        let args = this.getArguments();
        if (args.length === 0) {
            return null;
        }
        let content = "";
        let ranges = this.getArgumentsRanges();
        let documentText = this.document.getText();
        for (let range of ranges) {
            content += documentText.substring(this.document.offsetAt(range.start), this.document.offsetAt(range.end));
        }
        return content;
    }
    getArguments() {
        return this.getRawArguments();
    }
    getRawArguments() {
        let args = [];
        let range = this.getInstructionRange();
        let extra = this.document.offsetAt(range.end) - this.document.offsetAt(range.start);
        let content = this.getTextContent();
        let fullArgs = content.substring(extra);
        let offset = this.document.offsetAt(range.start) + extra;
        let start = false;
        let comment = false;
        let found = -1;
        // determines whether the parser has found a space or tab
        // whitespace character that's a part of an escaped newline sequence
        let escapedWhitespaceDetected = false;
        // determines if the parser is currently in an escaped newline sequence
        let escaping = false;
        let escapeMarker = -1;
        let escapedArg = "";
        for (let i = 0; i < fullArgs.length; i++) {
            let char = fullArgs.charAt(i);
            if (util_1.Util.isWhitespace(char)) {
                if (escaping) {
                    escapedWhitespaceDetected = true;
                    if (util_1.Util.isNewline(char)) {
                        // reached a newline, any previously
                        // detected whitespace should be ignored
                        escapedWhitespaceDetected = false;
                        if (comment) {
                            // reached a newline, no longer in a comment
                            comment = false;
                            start = true;
                        }
                    }
                    continue;
                }
                else if (found !== -1) {
                    if (escapeMarker === -1) {
                        args.push(new argument_1.Argument(escapedArg, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + found), this.document.positionAt(offset + i))));
                    }
                    else {
                        args.push(new argument_1.Argument(escapedArg, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + found), this.document.positionAt(offset + escapeMarker))));
                    }
                    escapeMarker = -1;
                    escapedArg = "";
                    found = -1;
                }
            }
            else if (char === this.escapeChar) {
                let next = fullArgs.charAt(i + 1);
                if (next === ' ' || next === '\t') {
                    whitespaceCheck: for (let j = i + 2; j < fullArgs.length; j++) {
                        let newlineCheck = fullArgs.charAt(j);
                        switch (newlineCheck) {
                            case ' ':
                            case '\t':
                                continue;
                            case '\r':
                                j++;
                            case '\n':
                                comment = false;
                                escaping = true;
                                start = true;
                                if (found !== -1) {
                                    escapeMarker = i;
                                }
                                i = j;
                                break whitespaceCheck;
                            default:
                                escapeMarker = i;
                                if (found === -1) {
                                    i = j - 1;
                                }
                                break whitespaceCheck;
                        }
                    }
                }
                else if (next === '\r') {
                    comment = false;
                    escaping = true;
                    start = true;
                    if (found !== -1 && escapeMarker === -1) {
                        escapeMarker = i;
                    }
                    i += 2;
                }
                else if (next === '\n') {
                    comment = false;
                    escaping = true;
                    start = true;
                    if (found !== -1 && escapeMarker === -1) {
                        escapeMarker = i;
                    }
                    i++;
                }
                else {
                    if (escapedWhitespaceDetected && escapeMarker !== -1) {
                        args.push(new argument_1.Argument(escapedArg, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + found), this.document.positionAt(offset + escapeMarker))));
                        escapedArg = "";
                        found = -1;
                    }
                    escapeMarker = -1;
                    escapedWhitespaceDetected = false;
                    escaping = false;
                    if (next === '$') {
                        escapedArg = escapedArg + char + next;
                    }
                    else if (next === '') {
                        // reached EOF, stop processing
                        break;
                    }
                    else {
                        escapedArg = escapedArg + next;
                    }
                    if (found === -1) {
                        found = i;
                    }
                    i++;
                }
            }
            else if (!comment) {
                if (start && char === '#') {
                    comment = true;
                }
                else {
                    if (escapedWhitespaceDetected && escapeMarker !== -1) {
                        args.push(new argument_1.Argument(escapedArg, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + found), this.document.positionAt(offset + escapeMarker))));
                        escapedArg = "";
                        found = -1;
                    }
                    escapedWhitespaceDetected = false;
                    escaping = false;
                    escapeMarker = -1;
                    escapedArg = escapedArg + char;
                    if (found === -1) {
                        found = i;
                    }
                }
                // non-whitespace character detected, reset
                start = false;
            }
        }
        if (found !== -1) {
            if (escapeMarker === -1) {
                args.push(new argument_1.Argument(escapedArg, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + found), this.document.positionAt(offset + fullArgs.length))));
            }
            else {
                args.push(new argument_1.Argument(escapedArg, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + found), this.document.positionAt(offset + escapeMarker))));
            }
        }
        return args;
    }
    getExpandedArguments() {
        let args = this.getArguments();
        for (let i = 0; i < args.length; i++) {
            const argRange = args[i].getRange();
            let offset = this.document.offsetAt(argRange.start);
            const variables = this.parseVariables(offset, args[i].getValue());
            const swaps = [];
            let requiresExpansion = false;
            for (let variable of variables) {
                const value = this.dockerfile.resolveVariable(variable.getName(), variable.getNameRange().start.line);
                swaps.push(value);
                requiresExpansion = requiresExpansion || value !== undefined;
            }
            if (requiresExpansion) {
                let expanded = "";
                for (let j = 0; j < swaps.length; j++) {
                    const variableRange = variables[j].getRange();
                    const start = this.document.offsetAt(variableRange.start);
                    const end = this.document.offsetAt(variableRange.end);
                    if (swaps[j]) {
                        // replace variable with its resolved value
                        expanded += this.document.getText().substring(offset, start);
                        expanded += swaps[j];
                        offset = end;
                    }
                    else {
                        expanded += this.document.getText().substring(offset, end);
                        offset = end;
                    }
                }
                const argEnd = this.document.offsetAt(argRange.end);
                if (argEnd !== offset) {
                    // if the variable's range doesn't match the argument,
                    // append the remaining text
                    expanded += this.document.getText().substring(offset, argEnd);
                }
                args[i] = new argument_1.Argument(expanded, argRange);
            }
        }
        return args;
    }
    getVariables() {
        const variables = [];
        const args = this.getRawArguments();
        for (const arg of args) {
            let range = arg.getRange();
            let rawValue = this.document.getText().substring(this.document.offsetAt(range.start), this.document.offsetAt(range.end));
            const parsedVariables = this.parseVariables(this.document.offsetAt(arg.getRange().start), rawValue);
            for (const parsedVariable of parsedVariables) {
                variables.push(parsedVariable);
            }
        }
        return variables;
    }
    parseVariables(offset, arg) {
        let variables = [];
        variableLoop: for (let i = 0; i < arg.length; i++) {
            switch (arg.charAt(i)) {
                case this.escapeChar:
                    if (arg.charAt(i + 1) === '$') {
                        i++;
                    }
                    break;
                case '$':
                    if (arg.charAt(i + 1) === '{') {
                        let escapedString = "${";
                        let escapedName = "";
                        let nameEnd = -1;
                        let escapedSubstitutionParameter = "";
                        let substitutionStart = -1;
                        let substitutionEnd = -1;
                        let modifierRead = -1;
                        nameLoop: for (let j = i + 2; j < arg.length; j++) {
                            let char = arg.charAt(j);
                            switch (char) {
                                case this.escapeChar:
                                    for (let k = j + 1; k < arg.length; k++) {
                                        switch (arg.charAt(k)) {
                                            case ' ':
                                            case '\t':
                                            case '\r':
                                                // ignore whitespace
                                                continue;
                                            case '\n':
                                                // escape this newline
                                                j = k;
                                                continue nameLoop;
                                        }
                                    }
                                    break;
                                case '}':
                                    escapedString += '}';
                                    let modifier = null;
                                    let modifierRange = null;
                                    let substitutionParameter = modifierRead !== -1 ? escapedSubstitutionParameter : null;
                                    let substitutionRange = null;
                                    if (nameEnd === -1) {
                                        nameEnd = j;
                                    }
                                    else if (nameEnd + 1 === j) {
                                        modifier = "";
                                        modifierRange = vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + nameEnd + 1), this.document.positionAt(offset + nameEnd + 1));
                                    }
                                    else {
                                        if (substitutionStart === -1) {
                                            // no substitution parameter found,
                                            // but a modifier character existed,
                                            // just offset the range by 1 from
                                            // the modifier character
                                            substitutionStart = modifierRead + 1;
                                            substitutionEnd = modifierRead + 1;
                                        }
                                        else {
                                            // offset one more from the last
                                            // character found
                                            substitutionEnd = substitutionEnd + 1;
                                        }
                                        modifier = arg.substring(modifierRead, modifierRead + 1);
                                        modifierRange = vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + modifierRead), this.document.positionAt(offset + modifierRead + 1));
                                        substitutionRange = vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + substitutionStart), this.document.positionAt(offset + substitutionEnd));
                                    }
                                    let start = this.document.positionAt(offset + i);
                                    variables.push(new variable_1.Variable(escapedName, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + i + 2), this.document.positionAt(offset + nameEnd)), vscode_languageserver_types_1.Range.create(start, this.document.positionAt(offset + j + 1)), modifier, modifierRange, substitutionParameter, substitutionRange, this.dockerfile.resolveVariable(escapedName, start.line) !== undefined, this.isBuildVariable(escapedName, start.line), escapedString));
                                    i = j;
                                    continue variableLoop;
                                case ':':
                                    if (nameEnd === -1) {
                                        nameEnd = j;
                                    }
                                    else if (modifierRead !== -1) {
                                        if (substitutionStart === -1) {
                                            substitutionStart = j;
                                            substitutionEnd = j;
                                        }
                                        else {
                                            substitutionEnd = j;
                                        }
                                        escapedSubstitutionParameter += ':';
                                    }
                                    else {
                                        modifierRead = j;
                                    }
                                    escapedString += ':';
                                    break;
                                case '\n':
                                case '\r':
                                case ' ':
                                case '\t':
                                    break;
                                default:
                                    if (nameEnd === -1) {
                                        escapedName += char;
                                    }
                                    else if (modifierRead !== -1) {
                                        if (substitutionStart === -1) {
                                            substitutionStart = j;
                                            substitutionEnd = j;
                                        }
                                        else {
                                            substitutionEnd = j;
                                        }
                                        escapedSubstitutionParameter += char;
                                    }
                                    else {
                                        modifierRead = j;
                                    }
                                    escapedString += char;
                                    break;
                            }
                        }
                        // no } found, not a valid variable, stop processing
                        break variableLoop;
                    }
                    else if (util_1.Util.isWhitespace(arg.charAt(i + 1)) || i === arg.length - 1) {
                        // $ followed by whitespace or EOF, ignore this variable
                        continue;
                    }
                    else {
                        let escapedName = "";
                        nameLoop: for (let j = i + 1; j < arg.length; j++) {
                            let char = arg.charAt(j);
                            switch (char) {
                                case '\r':
                                case '\n':
                                case ' ':
                                case '\t':
                                    continue;
                                case '$':
                                case '\'':
                                case '"':
                                    let varStart = this.document.positionAt(offset + i);
                                    variables.push(new variable_1.Variable(escapedName, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + i + 1), this.document.positionAt(offset + j)), vscode_languageserver_types_1.Range.create(varStart, this.document.positionAt(offset + j)), null, null, null, null, this.dockerfile.resolveVariable(escapedName, varStart.line) !== undefined, this.isBuildVariable(escapedName, varStart.line), '$' + escapedName));
                                    i = j - 1;
                                    continue variableLoop;
                                case this.escapeChar:
                                    for (let k = j + 1; k < arg.length; k++) {
                                        switch (arg.charAt(k)) {
                                            case ' ':
                                            case '\t':
                                            case '\r':
                                                // ignore whitespace
                                                continue;
                                            case '\n':
                                                // escape this newline
                                                j = k;
                                                continue nameLoop;
                                        }
                                    }
                                    // reached EOF after an escape character
                                    let start = this.document.positionAt(offset + i);
                                    variables.push(new variable_1.Variable(escapedName, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + i + 1), this.document.positionAt(offset + j)), vscode_languageserver_types_1.Range.create(start, this.document.positionAt(offset + j)), null, null, null, null, this.dockerfile.resolveVariable(escapedName, start.line) !== undefined, this.isBuildVariable(escapedName, start.line), '$' + escapedName));
                                    break variableLoop;
                            }
                            if (char.match(/^[a-z0-9_]+$/i) === null) {
                                let varStart = this.document.positionAt(offset + i);
                                variables.push(new variable_1.Variable(escapedName, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + i + 1), this.document.positionAt(offset + j)), vscode_languageserver_types_1.Range.create(varStart, this.document.positionAt(offset + j)), null, null, null, null, this.dockerfile.resolveVariable(escapedName, varStart.line) !== undefined, this.isBuildVariable(escapedName, varStart.line), '$' + escapedName));
                                i = j - 1;
                                continue variableLoop;
                            }
                            escapedName += char;
                        }
                        let start = this.document.positionAt(offset + i);
                        variables.push(new variable_1.Variable(escapedName, vscode_languageserver_types_1.Range.create(this.document.positionAt(offset + i + 1), this.document.positionAt(offset + arg.length)), vscode_languageserver_types_1.Range.create(start, this.document.positionAt(offset + arg.length)), null, null, null, null, this.dockerfile.resolveVariable(escapedName, start.line) !== undefined, this.isBuildVariable(escapedName, start.line), '$' + escapedName));
                    }
                    break variableLoop;
            }
        }
        return variables;
    }
    isBuildVariable(variable, line) {
        if (this.getKeyword() === main_1.Keyword.FROM) {
            for (const initialArg of this.dockerfile.getInitialARGs()) {
                const arg = initialArg;
                const property = arg.getProperty();
                if (property && variable === property.getName()) {
                    return true;
                }
            }
            return undefined;
        }
        let image = this.dockerfile.getContainingImage(vscode_languageserver_types_1.Position.create(line, 0));
        let envs = image.getENVs();
        for (let i = envs.length - 1; i >= 0; i--) {
            if (envs[i].isBefore(line)) {
                for (let property of envs[i].getProperties()) {
                    if (property.getName() === variable) {
                        return false;
                    }
                }
            }
        }
        let args = image.getARGs();
        for (let i = args.length - 1; i >= 0; i--) {
            if (args[i].isBefore(line)) {
                let property = args[i].getProperty();
                if (property && property.getName() === variable) {
                    return true;
                }
            }
        }
        return undefined;
    }
    createSingleLineHeredocs(args) {
        const heredocs = [];
        // instruction only on one line, if heredocs exist they would be incomplete
        for (const arg of args) {
            const value = arg.getValue();
            if (value.startsWith("<<") && util_1.Util.parseHeredocName(value) !== null) {
                const startRange = arg.getRange();
                const nameRange = this.getNameRange(startRange);
                const name = this.getName(nameRange);
                heredocs.push(new heredoc_1.Heredoc(startRange, name, nameRange, null, null));
            }
        }
        return heredocs;
    }
    getName(nameRange) {
        const content = this.document.getText(nameRange);
        let escaping = false;
        let name = "";
        nameLoop: for (let i = 0; i < content.length; i++) {
            const ch = content.charAt(i);
            switch (ch) {
                case this.escapeChar:
                    escaping = true;
                    for (let j = i + 1; j < content.length; j++) {
                        switch (content.charAt(j)) {
                            case ' ':
                            case '\t':
                                break;
                            case '\r':
                                i = j + 1;
                                continue nameLoop;
                            case '\n':
                                i = j;
                                continue nameLoop;
                            default:
                                name += content.charAt(j);
                                i = j;
                                continue nameLoop;
                        }
                    }
                    break;
                case '#':
                    if (escaping) {
                        for (let j = i + 1; j < content.length; j++) {
                            switch (content.charAt(j)) {
                                case '\n':
                                    i = j;
                                    continue nameLoop;
                            }
                        }
                    }
                case ' ':
                case '\t':
                case '\r':
                case '\n':
                    if (escaping) {
                        break;
                    }
                default:
                    name += ch;
                    break;
            }
        }
        return name;
    }
    getNameRange(startRange) {
        const content = this.document.getText(startRange);
        let endFound = false;
        let searchHyphen = false;
        let start = -1;
        let end = -1;
        let escaping = false;
        let quote = null;
        contentLoop: for (let i = 0; i < content.length; i++) {
            const ch = content.charAt(i);
            switch (ch) {
                case '"':
                case '\'':
                    if (quote === ch) {
                        break contentLoop;
                    }
                    quote = ch;
                    continue;
                case this.escapeChar:
                    for (let j = i + 1; j < content.length; j++) {
                        switch (content.charAt(j)) {
                            case '\n':
                                escaping = true;
                                j = i;
                                continue contentLoop;
                        }
                    }
                    break;
                case ' ':
                case '\t':
                case '\r':
                case '\n':
                    break;
                case '<':
                    if (endFound) {
                        searchHyphen = true;
                    }
                    else {
                        endFound = true;
                    }
                    break;
                case '-':
                    if (searchHyphen) {
                        searchHyphen = false;
                        break;
                    }
                case '#':
                    if (escaping) {
                        for (let j = i + 1; j < content.length; j++) {
                            switch (content.charAt(j)) {
                                case '\n':
                                    i = j;
                                    continue contentLoop;
                            }
                        }
                    }
                default:
                    if (start === -1) {
                        start = i;
                    }
                    if (quote !== null) {
                        end = i + 1;
                        break;
                    }
                    break contentLoop;
            }
        }
        if (start === -1) {
            return vscode_languageserver_types_1.Range.create(startRange.end, startRange.end);
        }
        const nameStart = this.document.positionAt(this.document.offsetAt(startRange.start) + start);
        const nameEnd = quote !== null ? this.document.positionAt(this.document.offsetAt(startRange.start) + end) : startRange.end;
        return vscode_languageserver_types_1.Range.create(nameStart, nameEnd);
    }
    getHeredocs() {
        const args = this.getArguments();
        if (args.length === 0) {
            return [];
        }
        const heredocs = [];
        const range = this.getRange();
        if (range.start.line === range.end.line) {
            // instruction only on one line, if heredocs exist they would be incomplete
            return this.createSingleLineHeredocs(args);
        }
        const heredocDefinitions = [];
        let heredocsProcessed = false;
        let escaping = false;
        let contentStart = -1;
        let contentEnd = -1;
        let lineStart = -1;
        let currentHeredoc = 0;
        const startOffset = this.document.offsetAt(args[0].getRange().start);
        const content = this.getRangeContent(vscode_languageserver_types_1.Range.create(args[0].getRange().start, this.getRange().end));
        contentLoop: for (let i = 0; i < content.length; i++) {
            switch (content.charAt(i)) {
                case this.escapeChar:
                    escaping = true;
                    for (let j = i + 1; j < content.length; j++) {
                        switch (content.charAt(j)) {
                            case ' ':
                            case '\t':
                                break;
                            case '\r':
                                j++;
                            case '\n':
                                i = j;
                                continue contentLoop;
                            default:
                                i = j;
                                continue contentLoop;
                        }
                    }
                    break;
                case '\r':
                    break;
                case '\n':
                    if (escaping) {
                        break;
                    }
                    if (heredocsProcessed) {
                        if (contentStart === -1) {
                            contentStart = i;
                        }
                        contentEnd = i;
                        const arg = heredocDefinitions[currentHeredoc];
                        const startRange = arg.getRange();
                        const nameRange = this.getNameRange(startRange);
                        const name = this.getName(nameRange);
                        const delimiterRange = this.getDelimiterRange(arg, name, vscode_languageserver_types_1.Range.create(this.document.positionAt(startOffset + lineStart), this.document.positionAt(startOffset + i)));
                        if (delimiterRange !== null) {
                            const contentRange = vscode_languageserver_types_1.Range.create(this.document.positionAt(startOffset + contentStart), this.document.positionAt(startOffset + lineStart - 1));
                            heredocs.push(new heredoc_1.Heredoc(startRange, name, nameRange, contentRange, delimiterRange));
                            contentStart = -1;
                            currentHeredoc++;
                        }
                        lineStart = -1;
                    }
                    else {
                        // found a newline that hasn't been escaped,
                        // must be in a heredoc
                        const offsetLimit = startOffset + i;
                        for (const arg of args) {
                            // check if this argument is on the initial line of the instruction,
                            // note that it may not all be on the same line due to escaped newlines,
                            // because of that we need to use offset checks instead of line checks
                            // as an argument being on a different line in the document does not
                            // imply it is on a different line from the Dockerfile's point of view
                            if (this.document.offsetAt(arg.getRange().start) < offsetLimit) {
                                if (arg.getValue().startsWith("<<")) {
                                    heredocDefinitions.push(arg);
                                }
                            }
                            else {
                                break;
                            }
                        }
                        heredocsProcessed = true;
                        lineStart = -1;
                        continue contentLoop;
                    }
                    break;
                case ' ':
                case '\t':
                    if (escaping) {
                        break;
                    }
                case '#':
                    if (escaping) {
                        for (let j = i + 1; j < content.length; j++) {
                            switch (content.charAt(j)) {
                                case '\n':
                                    i = j;
                                    continue contentLoop;
                            }
                        }
                    }
                default:
                    if (escaping) {
                        escaping = false;
                    }
                    if (heredocsProcessed) {
                        if (contentStart === -1) {
                            contentStart = i;
                        }
                        if (lineStart === -1) {
                            lineStart = i;
                        }
                    }
                    break;
            }
        }
        if (heredocsProcessed) {
            const arg = heredocDefinitions[currentHeredoc];
            const startRange = arg.getRange();
            const nameRange = this.getNameRange(startRange);
            const name = this.getName(nameRange);
            let contentRange = null;
            // check if the last line of this instruction matches the name of the last heredoc
            const delimiterRange = this.getDelimiterRange(arg, name, vscode_languageserver_types_1.Range.create(this.document.positionAt(startOffset + lineStart), range.end));
            if (delimiterRange === null) {
                contentRange = vscode_languageserver_types_1.Range.create(this.document.positionAt(startOffset + contentStart), range.end);
            }
            else if (contentEnd !== -1) {
                contentRange = vscode_languageserver_types_1.Range.create(this.document.positionAt(startOffset + contentStart), this.document.positionAt(startOffset + contentEnd));
            }
            heredocs.push(new heredoc_1.Heredoc(startRange, name, nameRange, contentRange, delimiterRange));
            currentHeredoc++;
            for (let i = currentHeredoc; i < heredocDefinitions.length; i++) {
                const arg = heredocDefinitions[currentHeredoc];
                const startRange = arg.getRange();
                const nameRange = this.getNameRange(startRange);
                const name = this.getName(nameRange);
                heredocs.push(new heredoc_1.Heredoc(startRange, name, nameRange, null, null));
                currentHeredoc++;
            }
        }
        else {
            // instruction only on one line, if heredocs exist they would be incomplete
            return this.createSingleLineHeredocs(args);
        }
        return heredocs;
    }
    getDelimiterRange(startArg, name, candidateRange) {
        const text = this.document.getText(candidateRange);
        if (startArg.getValue().startsWith("<<-")) {
            // remove tabs in the front
            let index = 0;
            while (text.charAt(index) === '\t') {
                index++;
            }
            if (text.substring(index) === name) {
                return vscode_languageserver_types_1.Range.create(vscode_languageserver_types_1.Position.create(candidateRange.start.line, index), candidateRange.end);
            }
            return null;
        }
        return text === name ? candidateRange : null;
    }
}
exports.Instruction = Instruction;


/***/ }),

/***/ 9618:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Add = void 0;
const jsonInstruction_1 = __nccwpck_require__(5305);
class Add extends jsonInstruction_1.JSONInstruction {
    constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
    }
    stopSearchingForFlags(argument) {
        return argument.indexOf("--") === -1;
    }
}
exports.Add = Add;


/***/ }),

/***/ 4381:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Arg = void 0;
const property_1 = __nccwpck_require__(9602);
const propertyInstruction_1 = __nccwpck_require__(4984);
class Arg extends propertyInstruction_1.PropertyInstruction {
    constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
        this.property = null;
        const args = this.getPropertyArguments();
        if (args.length === 1) {
            this.property = new property_1.Property(this.document, this.escapeChar, args[0]);
        }
        else {
            this.property = null;
        }
    }
    /**
     * Returns the variable defined by this ARG. This may be null if
     * this ARG instruction is malformed and has no variable
     * declaration.
     */
    getProperty() {
        return this.property;
    }
}
exports.Arg = Arg;


/***/ }),

/***/ 5517:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Cmd = void 0;
const jsonInstruction_1 = __nccwpck_require__(5305);
class Cmd extends jsonInstruction_1.JSONInstruction {
    constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
    }
}
exports.Cmd = Cmd;


/***/ }),

/***/ 444:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Copy = void 0;
const jsonInstruction_1 = __nccwpck_require__(5305);
class Copy extends jsonInstruction_1.JSONInstruction {
    constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
    }
    stopSearchingForFlags(argument) {
        return argument.indexOf("--") === -1;
    }
    getFromFlag() {
        let flags = super.getFlags();
        return flags.length === 1 && flags[0].getName() === "from" ? flags[0] : null;
    }
    /**
     * Returns there here-documents that are defined in this RUN
     * instruction.
     *
     * This API is experimental and subject to change.
     */
    getHeredocs() {
        return super.getHeredocs();
    }
}
exports.Copy = Copy;


/***/ }),

/***/ 1835:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Entrypoint = void 0;
const jsonInstruction_1 = __nccwpck_require__(5305);
class Entrypoint extends jsonInstruction_1.JSONInstruction {
    constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
    }
}
exports.Entrypoint = Entrypoint;


/***/ }),

/***/ 1822:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Env = void 0;
const propertyInstruction_1 = __nccwpck_require__(4984);
class Env extends propertyInstruction_1.PropertyInstruction {
    constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
    }
    getProperties() {
        return super.getProperties();
    }
}
exports.Env = Env;


/***/ }),

/***/ 5377:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.From = void 0;
const vscode_languageserver_types_1 = __nccwpck_require__(4612);
const modifiableInstruction_1 = __nccwpck_require__(2393);
class From extends modifiableInstruction_1.ModifiableInstruction {
    constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
    }
    stopSearchingForFlags(argument) {
        return argument.indexOf("--") === -1;
    }
    getImage() {
        const args = this.getArguments();
        return args.length > 0 ? args[0].getValue() : null;
    }
    /**
     * Returns the name of the image that will be used as the base image.
     *
     * @return the base image's name, or null if unspecified
     */
    getImageName() {
        const imageName = this.getRangeContent(this.getImageNameRange());
        if (imageName === null) {
            return null;
        }
        let commented = false;
        let escaped = false;
        let name = "";
        for (let i = 0; i < imageName.length; i++) {
            const ch = imageName.charAt(i);
            switch (ch) {
                case this.escapeChar:
                    escaped = true;
                    break;
                case '\r':
                    continue;
                case '\n':
                    commented = false;
                    break;
                case ' ':
                case '\t':
                    break;
                case '#':
                    if (escaped) {
                        commented = true;
                    }
                    else {
                        name = name + ch;
                        escaped = false;
                    }
                    break;
                default:
                    if (!commented) {
                        name = name + ch;
                        escaped = false;
                    }
                    break;
            }
        }
        return name;
    }
    /**
     * Returns the range that covers the name of the image used by
     * this instruction.
     *
     * @return the range of the name of this instruction's argument,
     *         or null if no image has been specified
     */
    getImageNameRange() {
        let range = this.getImageRange();
        if (range) {
            let registryRange = this.getRegistryRange();
            if (registryRange) {
                range.start = this.document.positionAt(this.document.offsetAt(registryRange.end) + 1);
            }
            let tagRange = this.getImageTagRange();
            let digestRange = this.getImageDigestRange();
            if (tagRange === null) {
                if (digestRange !== null) {
                    range.end = this.document.positionAt(this.document.offsetAt(digestRange.start) - 1);
                }
            }
            else {
                range.end = this.document.positionAt(this.document.offsetAt(tagRange.start) - 1);
            }
            return range;
        }
        return null;
    }
    /**
     * Returns the range that covers the image argument of this
     * instruction. This includes the tag or digest of the image if
     * it has been specified by the instruction.
     *
     * @return the range of the image argument, or null if no image
     *         has been specified
     */
    getImageRange() {
        let args = this.getArguments();
        return args.length !== 0 ? args[0].getRange() : null;
    }
    getImageTag() {
        return this.getRangeContent(this.getImageTagRange());
    }
    /**
     * Returns the range in the document that the tag of the base
     * image encompasses.
     *
     * @return the base image's tag's range in the document, or null
     *         if no tag has been specified
     */
    getImageTagRange() {
        const range = this.getImageRange();
        if (range) {
            const rangeStartOffset = this.document.offsetAt(range.start);
            const content = this.getRangeContent(range);
            const atIndex = this.indexOf(rangeStartOffset, content, '@');
            const slashIndex = content.indexOf('/');
            if (atIndex === -1) {
                const colonIndex = this.lastIndexOf(rangeStartOffset, content, ':');
                if (colonIndex > slashIndex) {
                    return vscode_languageserver_types_1.Range.create(this.document.positionAt(rangeStartOffset + colonIndex + 1), range.end);
                }
            }
            const subcontent = content.substring(0, atIndex);
            const subcolonIndex = subcontent.indexOf(':');
            if (subcolonIndex === -1) {
                return null;
            }
            if (slashIndex === -1) {
                // slash not found suggests no registry and no namespace defined
                return vscode_languageserver_types_1.Range.create(this.document.positionAt(rangeStartOffset + subcolonIndex + 1), this.document.positionAt(rangeStartOffset + atIndex));
            }
            // both colon and slash found, check if it is a port
            if (subcolonIndex < slashIndex) {
                return null;
            }
            return vscode_languageserver_types_1.Range.create(this.document.positionAt(rangeStartOffset + subcolonIndex + 1), this.document.positionAt(rangeStartOffset + subcontent.length));
        }
        return null;
    }
    getImageDigest() {
        return this.getRangeContent(this.getImageDigestRange());
    }
    /**
     * Returns the range in the document that the digest of the base
     * image encompasses.
     *
     * @return the base image's digest's range in the document, or null
     *         if no digest has been specified
     */
    getImageDigestRange() {
        let range = this.getImageRange();
        if (range) {
            let content = this.getRangeContent(range);
            let index = this.lastIndexOf(this.document.offsetAt(range.start), content, '@');
            if (index !== -1) {
                return vscode_languageserver_types_1.Range.create(range.start.line, range.start.character + index + 1, range.end.line, range.end.character);
            }
        }
        return null;
    }
    indexOf(documentOffset, content, searchString) {
        let index = content.indexOf(searchString);
        const variables = this.getVariables();
        for (let i = 0; i < variables.length; i++) {
            const position = documentOffset + index;
            const variableRange = variables[i].getRange();
            if (this.document.offsetAt(variableRange.start) < position && position < this.document.offsetAt(variableRange.end)) {
                const offset = this.document.offsetAt(variableRange.end) - documentOffset;
                const substring = content.substring(offset);
                const subIndex = substring.indexOf(searchString);
                if (subIndex === -1) {
                    return -1;
                }
                index = subIndex + offset;
                i = -1;
                continue;
            }
        }
        return index;
    }
    lastIndexOf(documentOffset, content, searchString) {
        let index = content.lastIndexOf(searchString);
        const variables = this.getVariables();
        for (let i = 0; i < variables.length; i++) {
            const position = documentOffset + index;
            const variableRange = variables[i].getRange();
            if (this.document.offsetAt(variableRange.start) < position && position < this.document.offsetAt(variableRange.end)) {
                index = content.substring(0, index).lastIndexOf(searchString);
                if (index === -1) {
                    return -1;
                }
                i = -1;
                continue;
            }
        }
        return index;
    }
    getRegistry() {
        return this.getRangeContent(this.getRegistryRange());
    }
    getRegistryRange() {
        const range = this.getImageRange();
        if (range) {
            const tagRange = this.getImageTagRange();
            const digestRange = this.getImageDigestRange();
            if (tagRange === null) {
                if (digestRange !== null) {
                    range.end = this.document.positionAt(this.document.offsetAt(digestRange.start) - 1);
                }
            }
            else {
                range.end = this.document.positionAt(this.document.offsetAt(tagRange.start) - 1);
            }
            const content = this.getRangeContent(range);
            const rangeStart = this.document.offsetAt(range.start);
            const startingSlashIndex = this.indexOf(rangeStart, content, '/');
            if (startingSlashIndex === -1) {
                return null;
            }
            const portIndex = this.indexOf(rangeStart, content, ':');
            const dotIndex = this.indexOf(rangeStart, content, '.');
            // hostname detected
            if (portIndex !== -1 || dotIndex !== -1) {
                return vscode_languageserver_types_1.Range.create(range.start, this.document.positionAt(rangeStart + startingSlashIndex));
            }
            const registry = content.substring(0, startingSlashIndex);
            // localhost registry detected
            if (registry === 'localhost') {
                return vscode_languageserver_types_1.Range.create(range.start, this.document.positionAt(rangeStart + startingSlashIndex));
            }
        }
        return null;
    }
    getBuildStage() {
        let range = this.getBuildStageRange();
        return range === null ? null : this.getRangeContent(range);
    }
    getBuildStageRange() {
        let args = this.getArguments();
        if (args.length > 2 && args[1].getValue().toUpperCase() === "AS") {
            return args[2].getRange();
        }
        return null;
    }
    getPlatformFlag() {
        let flags = super.getFlags();
        return flags.length === 1 && flags[0].getName() === "platform" ? flags[0] : null;
    }
}
exports.From = From;


/***/ }),

/***/ 1167:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Healthcheck = void 0;
const modifiableInstruction_1 = __nccwpck_require__(2393);
class Healthcheck extends modifiableInstruction_1.ModifiableInstruction {
    constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
    }
    stopSearchingForFlags(argument) {
        argument = argument.toUpperCase();
        return argument === "CMD" || argument === "NONE";
    }
    getSubcommand() {
        let args = this.getArguments();
        return args.length !== 0 ? args[0] : null;
    }
}
exports.Healthcheck = Healthcheck;


/***/ }),

/***/ 3871:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Label = void 0;
const propertyInstruction_1 = __nccwpck_require__(4984);
const util_1 = __nccwpck_require__(7459);
class Label extends propertyInstruction_1.PropertyInstruction {
    constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
    }
    getVariables() {
        const variables = super.getVariables();
        const properties = this.getProperties();
        // iterate over all of this LABEL's properties
        for (const property of properties) {
            const value = property.getUnescapedValue();
            // check if the value is contained in single quotes,
            // single quotes would indicate a literal value
            if (value !== null && value.length > 2 && value.charAt(0) === '\'' && value.charAt(value.length - 1) === '\'') {
                const range = property.getValueRange();
                for (let i = 0; i < variables.length; i++) {
                    // if a variable is in a single quote, remove it from the list
                    if (util_1.Util.isInsideRange(variables[i].getRange().start, range)) {
                        variables.splice(i, 1);
                        i--;
                    }
                }
            }
        }
        return variables;
    }
    getProperties() {
        return super.getProperties();
    }
}
exports.Label = Label;


/***/ }),

/***/ 5554:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Onbuild = void 0;
const vscode_languageserver_types_1 = __nccwpck_require__(4612);
const parser_1 = __nccwpck_require__(7988);
const instruction_1 = __nccwpck_require__(5279);
class Onbuild extends instruction_1.Instruction {
    constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
    }
    getTrigger() {
        let trigger = this.getTriggerWord();
        return trigger === null ? null : trigger.toUpperCase();
    }
    getTriggerWord() {
        return this.getRangeContent(this.getTriggerRange());
    }
    getTriggerRange() {
        let args = this.getArguments();
        return args.length > 0 ? args[0].getRange() : null;
    }
    getTriggerInstruction() {
        let triggerRange = this.getTriggerRange();
        if (triggerRange === null) {
            return null;
        }
        let args = this.getArguments();
        return parser_1.Parser.createInstruction(this.document, this.dockerfile, this.escapeChar, vscode_languageserver_types_1.Range.create(args[0].getRange().start, this.getRange().end), this.getTriggerWord(), triggerRange);
    }
}
exports.Onbuild = Onbuild;


/***/ }),

/***/ 7224:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Run = void 0;
const jsonInstruction_1 = __nccwpck_require__(5305);
class Run extends jsonInstruction_1.JSONInstruction {
    constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
    }
    stopSearchingForFlags(argument) {
        return argument.indexOf("--") === -1;
    }
    /**
     * Returns there here-documents that are defined in this RUN
     * instruction.
     *
     * This API is experimental and subject to change.
     */
    getHeredocs() {
        return super.getHeredocs();
    }
}
exports.Run = Run;


/***/ }),

/***/ 7523:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Shell = void 0;
const jsonInstruction_1 = __nccwpck_require__(5305);
class Shell extends jsonInstruction_1.JSONInstruction {
    constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
    }
}
exports.Shell = Shell;


/***/ }),

/***/ 4301:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Stopsignal = void 0;
const instruction_1 = __nccwpck_require__(5279);
class Stopsignal extends instruction_1.Instruction {
    constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
    }
}
exports.Stopsignal = Stopsignal;


/***/ }),

/***/ 3998:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.User = void 0;
const instruction_1 = __nccwpck_require__(5279);
class User extends instruction_1.Instruction {
    constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
    }
}
exports.User = User;


/***/ }),

/***/ 1347:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Volume = void 0;
const jsonInstruction_1 = __nccwpck_require__(5305);
class Volume extends jsonInstruction_1.JSONInstruction {
    constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
    }
}
exports.Volume = Volume;


/***/ }),

/***/ 7529:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Workdir = void 0;
const instruction_1 = __nccwpck_require__(5279);
class Workdir extends instruction_1.Instruction {
    constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
    }
    /**
     * Returns the path that has been defined. Note that this path may
     * be absolute or relative depending on what was written in the
     * instruction.
     *
     * @return the working directory's path, or null if this
     *         instruction has no arguments
     */
    getPath() {
        return this.getArgumentsContent();
    }
    /**
     * Returns the absolute path that this instruction resolves to. The
     * function will inspect prior WORKDIR instructions in the current
     * image or another build stage in the Dockerfile to try to
     * determine this.
     *
     * @return the absolute path of the working directory, or null if
     *         this instruction has no arguments, or undefined if it
     *         cannot be determined because only relative paths could be
     *         found
     */
    getAbsolutePath() {
        const path = this.getPath();
        if (path === null || path.startsWith("/")) {
            return path;
        }
        const startLine = this.getRange().start.line;
        const hierarchy = this.dockerfile.getStageHierarchy(startLine);
        for (let i = hierarchy.length - 1; i >= 0; i--) {
            const workdirs = hierarchy[i].getWORKDIRs();
            for (let j = workdirs.length - 1; j >= 0; j--) {
                if (workdirs[j].getRange().start.line < startLine) {
                    const parent = workdirs[j].getAbsolutePath();
                    if (parent === undefined || parent === null) {
                        return undefined;
                    }
                    return parent.endsWith("/") ? parent + path : parent + "/" + path;
                }
            }
        }
        return undefined;
    }
}
exports.Workdir = Workdir;


/***/ }),

/***/ 3702:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.JSONArgument = void 0;
const argument_1 = __nccwpck_require__(5940);
class JSONArgument extends argument_1.Argument {
    constructor(value, range, jsonRange) {
        super(value, range);
        this.jsonRange = jsonRange;
    }
    getJSONRange() {
        return this.jsonRange;
    }
    getJSONValue() {
        let value = super.getValue();
        value = value.substring(1, value.length - 1);
        return value;
    }
}
exports.JSONArgument = JSONArgument;


/***/ }),

/***/ 5305:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.JSONInstruction = void 0;
const vscode_languageserver_types_1 = __nccwpck_require__(4612);
const argument_1 = __nccwpck_require__(5940);
const jsonArgument_1 = __nccwpck_require__(3702);
const modifiableInstruction_1 = __nccwpck_require__(2393);
class JSONInstruction extends modifiableInstruction_1.ModifiableInstruction {
    constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
        this.openingBracket = null;
        this.closingBracket = null;
        this.jsonStrings = [];
        const argsContent = this.getRawArgumentsContent();
        if (argsContent === null) {
            return;
        }
        const args = this.getArguments();
        if (args.length === 1 && args[0].getValue() === "[]") {
            let argRange = args[0].getRange();
            this.openingBracket = new argument_1.Argument("[", vscode_languageserver_types_1.Range.create(argRange.start.line, argRange.start.character, argRange.start.line, argRange.start.character + 1));
            this.closingBracket = new argument_1.Argument("]", vscode_languageserver_types_1.Range.create(argRange.start.line, argRange.start.character + 1, argRange.end.line, argRange.end.character));
            return;
        }
        else if (args.length === 2 && args[0].getValue() === '[' && args[1].getValue() === ']') {
            this.openingBracket = args[0];
            this.closingBracket = args[1];
            return;
        }
        const argsOffset = document.offsetAt(this.getArgumentsRange().start);
        let start = -1;
        let last = "";
        let quoted = false;
        let escapedArg = "";
        argsCheck: for (let i = 0; i < argsContent.length; i++) {
            let char = argsContent.charAt(i);
            switch (char) {
                case '[':
                    if (last === "") {
                        this.openingBracket = new argument_1.Argument("[", vscode_languageserver_types_1.Range.create(document.positionAt(argsOffset + i), document.positionAt(argsOffset + i + 1)));
                        last = '[';
                    }
                    else if (quoted) {
                        escapedArg = escapedArg + char;
                    }
                    else {
                        break argsCheck;
                    }
                    break;
                case '"':
                    if (last === '[' || last === ',') {
                        start = i;
                        quoted = true;
                        last = '"';
                        escapedArg = escapedArg + char;
                        continue;
                    }
                    else if (last === '"') {
                        if (quoted) {
                            escapedArg = escapedArg + char;
                            // quoted string done
                            quoted = false;
                            this.jsonStrings.push(new jsonArgument_1.JSONArgument(escapedArg, vscode_languageserver_types_1.Range.create(document.positionAt(argsOffset + start), document.positionAt(argsOffset + i + 1)), vscode_languageserver_types_1.Range.create(document.positionAt(argsOffset + start + 1), document.positionAt(argsOffset + i))));
                            escapedArg = "";
                        }
                        else {
                            // should be a , or a ]
                            break argsCheck;
                        }
                    }
                    else {
                        break argsCheck;
                    }
                    break;
                case ',':
                    if (quoted) {
                        escapedArg = escapedArg + char;
                    }
                    else {
                        if (last === '"') {
                            last = ',';
                        }
                        else {
                            break argsCheck;
                        }
                    }
                    break;
                case ']':
                    if (quoted) {
                        escapedArg = escapedArg + char;
                    }
                    else if (last !== "") {
                        this.closingBracket = new argument_1.Argument("]", vscode_languageserver_types_1.Range.create(document.positionAt(argsOffset + i), document.positionAt(argsOffset + i + 1)));
                        break argsCheck;
                    }
                    break;
                case ' ':
                case '\t':
                    break;
                case '\\':
                    if (quoted) {
                        switch (argsContent.charAt(i + 1)) {
                            case '"':
                            case '\\':
                                escapedArg = escapedArg + argsContent.charAt(i + 1);
                                i++;
                                continue;
                            case ' ':
                            case '\t':
                                escapeCheck: for (let j = i + 2; j < argsContent.length; j++) {
                                    switch (argsContent.charAt(j)) {
                                        case '\r':
                                            // offset one more for \r\n
                                            j++;
                                        case '\n':
                                            i = j;
                                            continue argsCheck;
                                        case ' ':
                                        case '\t':
                                            break;
                                        default:
                                            break escapeCheck;
                                    }
                                }
                                break;
                            case '\r':
                                // offset one more for \r\n
                                i++;
                            default:
                                i++;
                                continue;
                        }
                    }
                    else {
                        escapeCheck: for (let j = i + 1; j < argsContent.length; j++) {
                            switch (argsContent.charAt(j)) {
                                case '\r':
                                    // offset one more for \r\n
                                    j++;
                                case '\n':
                                    i = j;
                                    continue argsCheck;
                                case ' ':
                                case '\t':
                                    break;
                                default:
                                    break escapeCheck;
                            }
                        }
                    }
                    break argsCheck;
                default:
                    if (!quoted) {
                        break argsCheck;
                    }
                    escapedArg = escapedArg + char;
                    break;
            }
        }
    }
    stopSearchingForFlags(_value) {
        return true;
    }
    getOpeningBracket() {
        return this.openingBracket;
    }
    getJSONStrings() {
        return this.jsonStrings;
    }
    getClosingBracket() {
        return this.closingBracket;
    }
}
exports.JSONInstruction = JSONInstruction;


/***/ }),

/***/ 7005:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Line = void 0;
class Line {
    constructor(document, range) {
        this.document = document;
        this.range = range;
    }
    getRange() {
        return this.range;
    }
    getTextContent() {
        return this.document.getText().substring(this.document.offsetAt(this.range.start), this.document.offsetAt(this.range.end));
    }
    isAfter(line) {
        return this.range.start.line > line.range.start.line;
    }
    isBefore(line) {
        return this.range.start.line < line;
    }
}
exports.Line = Line;


/***/ }),

/***/ 8390:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.DockerfileParser = exports.DefaultVariables = exports.Directive = exports.Keyword = exports.Workdir = exports.Volume = exports.User = exports.Stopsignal = exports.Shell = exports.Run = exports.PropertyInstruction = exports.Onbuild = exports.ModifiableInstruction = exports.Label = exports.JSONInstruction = exports.Heredoc = exports.Healthcheck = exports.From = exports.Env = exports.Entrypoint = exports.Copy = exports.Cmd = exports.Arg = exports.Add = exports.Variable = exports.Property = exports.ParserDirective = exports.Line = exports.Instruction = exports.Flag = exports.Comment = exports.JSONArgument = exports.Argument = void 0;
var argument_1 = __nccwpck_require__(5940);
Object.defineProperty(exports, "Argument", ({ enumerable: true, get: function () { return argument_1.Argument; } }));
var jsonArgument_1 = __nccwpck_require__(3702);
Object.defineProperty(exports, "JSONArgument", ({ enumerable: true, get: function () { return jsonArgument_1.JSONArgument; } }));
const comment_1 = __nccwpck_require__(4022);
Object.defineProperty(exports, "Comment", ({ enumerable: true, get: function () { return comment_1.Comment; } }));
const parser_1 = __nccwpck_require__(7988);
var flag_1 = __nccwpck_require__(1077);
Object.defineProperty(exports, "Flag", ({ enumerable: true, get: function () { return flag_1.Flag; } }));
const instruction_1 = __nccwpck_require__(5279);
Object.defineProperty(exports, "Instruction", ({ enumerable: true, get: function () { return instruction_1.Instruction; } }));
var line_1 = __nccwpck_require__(7005);
Object.defineProperty(exports, "Line", ({ enumerable: true, get: function () { return line_1.Line; } }));
const parserDirective_1 = __nccwpck_require__(7499);
Object.defineProperty(exports, "ParserDirective", ({ enumerable: true, get: function () { return parserDirective_1.ParserDirective; } }));
var property_1 = __nccwpck_require__(9602);
Object.defineProperty(exports, "Property", ({ enumerable: true, get: function () { return property_1.Property; } }));
var variable_1 = __nccwpck_require__(3743);
Object.defineProperty(exports, "Variable", ({ enumerable: true, get: function () { return variable_1.Variable; } }));
var add_1 = __nccwpck_require__(9618);
Object.defineProperty(exports, "Add", ({ enumerable: true, get: function () { return add_1.Add; } }));
const arg_1 = __nccwpck_require__(4381);
Object.defineProperty(exports, "Arg", ({ enumerable: true, get: function () { return arg_1.Arg; } }));
const cmd_1 = __nccwpck_require__(5517);
Object.defineProperty(exports, "Cmd", ({ enumerable: true, get: function () { return cmd_1.Cmd; } }));
const copy_1 = __nccwpck_require__(444);
Object.defineProperty(exports, "Copy", ({ enumerable: true, get: function () { return copy_1.Copy; } }));
const entrypoint_1 = __nccwpck_require__(1835);
Object.defineProperty(exports, "Entrypoint", ({ enumerable: true, get: function () { return entrypoint_1.Entrypoint; } }));
const env_1 = __nccwpck_require__(1822);
Object.defineProperty(exports, "Env", ({ enumerable: true, get: function () { return env_1.Env; } }));
const from_1 = __nccwpck_require__(5377);
Object.defineProperty(exports, "From", ({ enumerable: true, get: function () { return from_1.From; } }));
const healthcheck_1 = __nccwpck_require__(1167);
Object.defineProperty(exports, "Healthcheck", ({ enumerable: true, get: function () { return healthcheck_1.Healthcheck; } }));
var heredoc_1 = __nccwpck_require__(7599);
Object.defineProperty(exports, "Heredoc", ({ enumerable: true, get: function () { return heredoc_1.Heredoc; } }));
var jsonInstruction_1 = __nccwpck_require__(5305);
Object.defineProperty(exports, "JSONInstruction", ({ enumerable: true, get: function () { return jsonInstruction_1.JSONInstruction; } }));
var label_1 = __nccwpck_require__(3871);
Object.defineProperty(exports, "Label", ({ enumerable: true, get: function () { return label_1.Label; } }));
var modifiableInstruction_1 = __nccwpck_require__(2393);
Object.defineProperty(exports, "ModifiableInstruction", ({ enumerable: true, get: function () { return modifiableInstruction_1.ModifiableInstruction; } }));
var onbuild_1 = __nccwpck_require__(5554);
Object.defineProperty(exports, "Onbuild", ({ enumerable: true, get: function () { return onbuild_1.Onbuild; } }));
var propertyInstruction_1 = __nccwpck_require__(4984);
Object.defineProperty(exports, "PropertyInstruction", ({ enumerable: true, get: function () { return propertyInstruction_1.PropertyInstruction; } }));
var run_1 = __nccwpck_require__(7224);
Object.defineProperty(exports, "Run", ({ enumerable: true, get: function () { return run_1.Run; } }));
var shell_1 = __nccwpck_require__(7523);
Object.defineProperty(exports, "Shell", ({ enumerable: true, get: function () { return shell_1.Shell; } }));
var stopsignal_1 = __nccwpck_require__(4301);
Object.defineProperty(exports, "Stopsignal", ({ enumerable: true, get: function () { return stopsignal_1.Stopsignal; } }));
var user_1 = __nccwpck_require__(3998);
Object.defineProperty(exports, "User", ({ enumerable: true, get: function () { return user_1.User; } }));
var volume_1 = __nccwpck_require__(1347);
Object.defineProperty(exports, "Volume", ({ enumerable: true, get: function () { return volume_1.Volume; } }));
const workdir_1 = __nccwpck_require__(7529);
Object.defineProperty(exports, "Workdir", ({ enumerable: true, get: function () { return workdir_1.Workdir; } }));
var Keyword;
(function (Keyword) {
    Keyword["ADD"] = "ADD";
    Keyword["ARG"] = "ARG";
    Keyword["CMD"] = "CMD";
    Keyword["COPY"] = "COPY";
    Keyword["ENTRYPOINT"] = "ENTRYPOINT";
    Keyword["ENV"] = "ENV";
    Keyword["EXPOSE"] = "EXPOSE";
    Keyword["FROM"] = "FROM";
    Keyword["HEALTHCHECK"] = "HEALTHCHECK";
    Keyword["LABEL"] = "LABEL";
    Keyword["MAINTAINER"] = "MAINTAINER";
    Keyword["ONBUILD"] = "ONBUILD";
    Keyword["RUN"] = "RUN";
    Keyword["SHELL"] = "SHELL";
    Keyword["STOPSIGNAL"] = "STOPSIGNAL";
    Keyword["USER"] = "USER";
    Keyword["VOLUME"] = "VOLUME";
    Keyword["WORKDIR"] = "WORKDIR";
})(Keyword || (exports.Keyword = Keyword = {}));
var Directive;
(function (Directive) {
    Directive["escape"] = "escape";
    Directive["syntax"] = "syntax";
})(Directive || (exports.Directive = Directive = {}));
exports.DefaultVariables = [
    "ALL_PROXY", "all_proxy",
    "FTP_PROXY", "ftp_proxy",
    "HTTP_PROXY", "http_proxy",
    "HTTPS_PROXY", "https_proxy",
    "NO_PROXY", "no_proxy"
];
var DockerfileParser;
(function (DockerfileParser) {
    function parse(content) {
        let parser = new parser_1.Parser();
        return parser.parse(content);
    }
    DockerfileParser.parse = parse;
})(DockerfileParser || (exports.DockerfileParser = DockerfileParser = {}));


/***/ }),

/***/ 2393:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.ModifiableInstruction = void 0;
const vscode_languageserver_types_1 = __nccwpck_require__(4612);
const flag_1 = __nccwpck_require__(1077);
const instruction_1 = __nccwpck_require__(5279);
class ModifiableInstruction extends instruction_1.Instruction {
    constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
    }
    getFlags() {
        if (!this.flags) {
            this.flags = [];
            for (let arg of this.getArguments()) {
                let value = arg.getValue();
                if (this.stopSearchingForFlags(value)) {
                    return this.flags;
                }
                else if (value.indexOf("--") === 0) {
                    let range = arg.getRange();
                    let rawValue = this.document.getText().substring(this.document.offsetAt(range.start), this.document.offsetAt(range.end));
                    let nameIndex = value.indexOf('=');
                    let index = rawValue.indexOf('=');
                    let firstMatch = false;
                    let secondMatch = false;
                    let startIndex = -1;
                    nameSearchLoop: for (let i = 0; i < rawValue.length; i++) {
                        switch (rawValue.charAt(i)) {
                            case '\\':
                            case ' ':
                            case '\t':
                            case '\r':
                            case '\n':
                                break;
                            case '-':
                                if (secondMatch) {
                                    startIndex = i;
                                    break nameSearchLoop;
                                }
                                else if (firstMatch) {
                                    secondMatch = true;
                                }
                                else {
                                    firstMatch = true;
                                }
                                break;
                            default:
                                startIndex = i;
                                break nameSearchLoop;
                        }
                    }
                    let nameStart = this.document.positionAt(this.document.offsetAt(range.start) + startIndex);
                    if (index === -1) {
                        this.flags.push(new flag_1.Flag(this.document, range, value.substring(2), vscode_languageserver_types_1.Range.create(nameStart, range.end), null, null));
                    }
                    else if (index === value.length - 1) {
                        let nameEnd = this.document.positionAt(this.document.offsetAt(range.start) + index);
                        this.flags.push(new flag_1.Flag(this.document, range, value.substring(2, index), vscode_languageserver_types_1.Range.create(nameStart, nameEnd), "", vscode_languageserver_types_1.Range.create(range.end, range.end)));
                    }
                    else {
                        let nameEnd = this.document.positionAt(this.document.offsetAt(range.start) + index);
                        this.flags.push(new flag_1.Flag(this.document, range, value.substring(2, nameIndex), vscode_languageserver_types_1.Range.create(nameStart, nameEnd), value.substring(nameIndex + 1), vscode_languageserver_types_1.Range.create(this.document.positionAt(this.document.offsetAt(range.start) + index + 1), range.end)));
                    }
                }
            }
        }
        return this.flags;
    }
    getArguments() {
        const args = super.getArguments();
        const flags = this.getFlags();
        if (flags.length === 0) {
            return args;
        }
        for (let i = 0; i < flags.length; i++) {
            args.shift();
        }
        return args;
    }
}
exports.ModifiableInstruction = ModifiableInstruction;


/***/ }),

/***/ 7988:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

/* --------------------------------------------------------------------------------------------
 * Copyright (c) Remy Suen. All rights reserved.
 * Licensed under the MIT License. See License.txt in the project root for license information.
 * ------------------------------------------------------------------------------------------ */

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Parser = void 0;
const vscode_languageserver_textdocument_1 = __nccwpck_require__(3383);
const vscode_languageserver_types_1 = __nccwpck_require__(4612);
const comment_1 = __nccwpck_require__(4022);
const parserDirective_1 = __nccwpck_require__(7499);
const instruction_1 = __nccwpck_require__(5279);
const add_1 = __nccwpck_require__(9618);
const arg_1 = __nccwpck_require__(4381);
const cmd_1 = __nccwpck_require__(5517);
const copy_1 = __nccwpck_require__(444);
const env_1 = __nccwpck_require__(1822);
const entrypoint_1 = __nccwpck_require__(1835);
const from_1 = __nccwpck_require__(5377);
const healthcheck_1 = __nccwpck_require__(1167);
const label_1 = __nccwpck_require__(3871);
const onbuild_1 = __nccwpck_require__(5554);
const run_1 = __nccwpck_require__(7224);
const shell_1 = __nccwpck_require__(7523);
const stopsignal_1 = __nccwpck_require__(4301);
const workdir_1 = __nccwpck_require__(7529);
const user_1 = __nccwpck_require__(3998);
const volume_1 = __nccwpck_require__(1347);
const dockerfile_1 = __nccwpck_require__(9933);
const util_1 = __nccwpck_require__(7459);
const main_1 = __nccwpck_require__(8390);
class Parser {
    constructor() {
        this.escapeChar = null;
    }
    static createInstruction(document, dockerfile, escapeChar, lineRange, instruction, instructionRange) {
        switch (instruction.toUpperCase()) {
            case "ADD":
                return new add_1.Add(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
            case "ARG":
                return new arg_1.Arg(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
            case "CMD":
                return new cmd_1.Cmd(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
            case "COPY":
                return new copy_1.Copy(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
            case "ENTRYPOINT":
                return new entrypoint_1.Entrypoint(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
            case "ENV":
                return new env_1.Env(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
            case "FROM":
                return new from_1.From(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
            case "HEALTHCHECK":
                return new healthcheck_1.Healthcheck(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
            case "LABEL":
                return new label_1.Label(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
            case "ONBUILD":
                return new onbuild_1.Onbuild(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
            case "RUN":
                return new run_1.Run(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
            case "SHELL":
                return new shell_1.Shell(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
            case "STOPSIGNAL":
                return new stopsignal_1.Stopsignal(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
            case "WORKDIR":
                return new workdir_1.Workdir(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
            case "USER":
                return new user_1.User(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
            case "VOLUME":
                return new volume_1.Volume(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
        }
        return new instruction_1.Instruction(document, lineRange, dockerfile, escapeChar, instruction, instructionRange);
    }
    getParserDirectives(document, buffer) {
        // reset the escape directive in between runs
        const directives = [];
        this.escapeChar = '';
        const offset = util_1.Util.isUTF8BOM(buffer.substring(0, 1)) ? 1 : 0;
        directiveCheck: for (let i = offset; i < buffer.length; i++) {
            switch (buffer.charAt(i)) {
                case ' ':
                case '\t':
                    break;
                case '\r':
                case '\n':
                    // blank lines stop the parsing of directives immediately
                    break directiveCheck;
                case '#':
                    let directiveStart = -1;
                    let directiveEnd = -1;
                    for (let j = i + 1; j < buffer.length; j++) {
                        let char = buffer.charAt(j);
                        switch (char) {
                            case ' ':
                            case '\t':
                                if (directiveStart !== -1 && directiveEnd === -1) {
                                    directiveEnd = j;
                                }
                                break;
                            case '\r':
                            case '\n':
                                break directiveCheck;
                            case '=':
                                let valueStart = -1;
                                let valueEnd = -1;
                                if (directiveEnd === -1) {
                                    directiveEnd = j;
                                }
                                // assume the line ends with the file
                                let lineEnd = buffer.length;
                                directiveValue: for (let k = j + 1; k < buffer.length; k++) {
                                    char = buffer.charAt(k);
                                    switch (char) {
                                        case '\r':
                                        case '\n':
                                            if (valueStart !== -1 && valueEnd === -1) {
                                                valueEnd = k;
                                            }
                                            // line break found, reset
                                            lineEnd = k;
                                            break directiveValue;
                                        case '\t':
                                        case ' ':
                                            if (valueStart !== -1 && valueEnd === -1) {
                                                valueEnd = k;
                                            }
                                            continue;
                                        default:
                                            if (valueStart === -1) {
                                                valueStart = k;
                                            }
                                            break;
                                    }
                                }
                                if (directiveStart === -1) {
                                    // no directive, it's a regular comment
                                    break directiveCheck;
                                }
                                if (valueStart === -1) {
                                    // no non-whitespace characters found, highlight all the characters then
                                    valueStart = j + 1;
                                    valueEnd = lineEnd;
                                }
                                else if (valueEnd === -1) {
                                    // reached EOF
                                    valueEnd = buffer.length;
                                }
                                const lineRange = vscode_languageserver_types_1.Range.create(document.positionAt(i), document.positionAt(lineEnd));
                                const nameRange = vscode_languageserver_types_1.Range.create(document.positionAt(directiveStart), document.positionAt(directiveEnd));
                                const valueRange = vscode_languageserver_types_1.Range.create(document.positionAt(valueStart), document.positionAt(valueEnd));
                                directives.push(new parserDirective_1.ParserDirective(document, lineRange, nameRange, valueRange));
                                directiveStart = -1;
                                if (buffer.charAt(valueEnd) === '\r') {
                                    // skip over the \r
                                    i = valueEnd + 1;
                                }
                                else {
                                    i = valueEnd;
                                }
                                continue directiveCheck;
                            default:
                                if (directiveStart === -1) {
                                    directiveStart = j;
                                }
                                break;
                        }
                    }
                    break;
                default:
                    break directiveCheck;
            }
        }
        return directives;
    }
    parse(buffer) {
        this.document = vscode_languageserver_textdocument_1.TextDocument.create("", "", 0, buffer);
        this.buffer = buffer;
        let dockerfile = new dockerfile_1.Dockerfile(this.document);
        let directives = this.getParserDirectives(this.document, this.buffer);
        let offset = 0;
        this.escapeChar = '\\';
        if (directives.length > 0) {
            dockerfile.setDirectives(directives);
            this.escapeChar = dockerfile.getEscapeCharacter();
            // start parsing after the directives
            offset = this.document.offsetAt(vscode_languageserver_types_1.Position.create(directives.length, 0));
        }
        else if (util_1.Util.isUTF8BOM(buffer.substring(0, 1))) {
            offset = 1;
        }
        for (let i = offset; i < this.buffer.length; i++) {
            const char = this.buffer.charAt(i);
            switch (char) {
                case ' ':
                case '\t':
                case '\r':
                case '\n':
                    break;
                case '#':
                    i = this.processComment(dockerfile, i);
                    break;
                default:
                    i = this.processInstruction(dockerfile, char, i);
                    break;
            }
        }
        dockerfile.organizeComments();
        return dockerfile;
    }
    processInstruction(dockerfile, char, start) {
        let instruction = char;
        let instructionEnd = -1;
        let escapedInstruction = false;
        instructionCheck: for (let i = start + 1; i < this.buffer.length; i++) {
            char = this.buffer.charAt(i);
            switch (char) {
                case this.escapeChar:
                    escapedInstruction = true;
                    char = this.buffer.charAt(i + 1);
                    if (char === '\r' || char === '\n') {
                        if (instructionEnd === -1) {
                            instructionEnd = i;
                        }
                        i++;
                    }
                    else if (char === ' ' || char === '\t') {
                        for (let j = i + 2; j < this.buffer.length; j++) {
                            switch (this.buffer.charAt(j)) {
                                case ' ':
                                case '\t':
                                    break;
                                case '\r':
                                case '\n':
                                    i = j;
                                    continue instructionCheck;
                                default:
                                    // found an argument, mark end of instruction
                                    instructionEnd = i + 1;
                                    instruction = instruction + this.escapeChar;
                                    i = j - 2;
                                    continue instructionCheck;
                            }
                        }
                        // reached EOF
                        instructionEnd = i + 1;
                        instruction = instruction + this.escapeChar;
                        break instructionCheck;
                    }
                    else {
                        instructionEnd = i + 1;
                        instruction = instruction + this.escapeChar;
                        // reset and consider it as one contiguous word
                        escapedInstruction = false;
                    }
                    break;
                case ' ':
                case '\t':
                    if (escapedInstruction) {
                        // on an escaped newline, need to search for non-whitespace
                        escapeCheck: for (let j = i + 1; j < this.buffer.length; j++) {
                            switch (this.buffer.charAt(j)) {
                                case ' ':
                                case '\t':
                                    break;
                                case '\r':
                                case '\n':
                                    i = j;
                                    continue instructionCheck;
                                default:
                                    break escapeCheck;
                            }
                        }
                        escapedInstruction = false;
                    }
                    if (instructionEnd === -1) {
                        instructionEnd = i;
                    }
                    i = this.processArguments(dockerfile, instruction, instructionEnd, start, i);
                    dockerfile.addInstruction(this.createInstruction(dockerfile, instruction, start, instructionEnd, i));
                    return i;
                case '\r':
                case '\n':
                    if (escapedInstruction) {
                        continue;
                    }
                    if (instructionEnd === -1) {
                        instructionEnd = i;
                    }
                    dockerfile.addInstruction(this.createInstruction(dockerfile, instruction, start, i, i));
                    return i;
                case '#':
                    if (escapedInstruction) {
                        continue;
                    }
                default:
                    instructionEnd = i + 1;
                    instruction = instruction + char;
                    escapedInstruction = false;
                    break;
            }
        }
        // reached EOF
        if (instructionEnd === -1) {
            instructionEnd = this.buffer.length;
        }
        dockerfile.addInstruction(this.createInstruction(dockerfile, instruction, start, instructionEnd, this.buffer.length));
        return this.buffer.length;
    }
    processHeredocs(instruction, offset) {
        let keyword = instruction.getKeyword();
        if (keyword === main_1.Keyword.ONBUILD) {
            instruction = instruction.getTriggerInstruction();
            if (instruction === null) {
                return offset;
            }
            keyword = instruction.getKeyword();
        }
        if (keyword !== main_1.Keyword.ADD && keyword !== main_1.Keyword.COPY && keyword !== main_1.Keyword.RUN) {
            return offset;
        }
        const heredocs = [];
        let tabbed = false;
        for (const arg of instruction.getArguments()) {
            const value = arg.getValue();
            if (value.startsWith("<<") && value.length > 2) {
                if (value.startsWith("<<-")) {
                    tabbed = true;
                }
                const name = util_1.Util.parseHeredocName(value);
                if (name !== null) {
                    heredocs.push(name);
                }
            }
        }
        if (heredocs.length > 0) {
            for (const heredoc of heredocs) {
                offset = this.parseHeredoc(heredoc, offset, tabbed);
            }
        }
        return offset;
    }
    processArguments(dockerfile, instruction, instructionEnd, start, offset) {
        let escaped = false;
        argumentsCheck: for (let i = offset + 1; i < this.buffer.length; i++) {
            switch (this.buffer.charAt(i)) {
                case '\r':
                case '\n':
                    if (escaped) {
                        continue;
                    }
                    return this.processHeredocs(this.createInstruction(dockerfile, instruction, start, instructionEnd, i), i);
                case this.escapeChar:
                    const next = this.buffer.charAt(i + 1);
                    if (next === '\n' || next === '\r') {
                        escaped = true;
                        i++;
                    }
                    else if (next === ' ' || next === '\t') {
                        for (let j = i + 2; j < this.buffer.length; j++) {
                            switch (this.buffer.charAt(j)) {
                                case ' ':
                                case '\t':
                                    break;
                                case '\r':
                                case '\n':
                                    escaped = true;
                                default:
                                    i = j;
                                    continue argumentsCheck;
                            }
                        }
                        // reached EOF
                        return this.buffer.length;
                    }
                    continue;
                case '#':
                    if (escaped) {
                        i = this.processComment(dockerfile, i);
                        continue argumentsCheck;
                    }
                    break;
                case ' ':
                case '\t':
                    break;
                default:
                    if (escaped) {
                        escaped = false;
                    }
                    break;
            }
        }
        return this.buffer.length;
    }
    processComment(dockerfile, start) {
        let end = this.buffer.length;
        commentLoop: for (let i = start + 1; i < this.buffer.length; i++) {
            switch (this.buffer.charAt(i)) {
                case '\r':
                case '\n':
                    end = i;
                    break commentLoop;
            }
        }
        const range = vscode_languageserver_types_1.Range.create(this.document.positionAt(start), this.document.positionAt(end));
        dockerfile.addComment(new comment_1.Comment(this.document, range));
        return end;
    }
    parseHeredoc(heredocName, offset, tabbed) {
        let startWord = -1;
        let lineStart = true;
        for (let i = offset; i < this.buffer.length; i++) {
            switch (this.buffer.charAt(i)) {
                case ' ':
                    lineStart = false;
                    break;
                case '\t':
                    if (!tabbed) {
                        lineStart = false;
                    }
                    break;
                case '\r':
                case '\n':
                    if (startWord !== -1 && heredocName === this.buffer.substring(startWord, i)) {
                        return i;
                    }
                    startWord = -1;
                    lineStart = true;
                    break;
                default:
                    if (lineStart) {
                        startWord = i;
                        lineStart = false;
                    }
                    break;
            }
        }
        return this.buffer.length;
    }
    createInstruction(dockerfile, instruction, start, instructionEnd, end) {
        const startPosition = this.document.positionAt(start);
        const instructionRange = vscode_languageserver_types_1.Range.create(startPosition, this.document.positionAt(instructionEnd));
        const lineRange = vscode_languageserver_types_1.Range.create(startPosition, this.document.positionAt(end));
        return Parser.createInstruction(this.document, dockerfile, this.escapeChar, lineRange, instruction, instructionRange);
    }
}
exports.Parser = Parser;


/***/ }),

/***/ 7499:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.ParserDirective = void 0;
const main_1 = __nccwpck_require__(8390);
const line_1 = __nccwpck_require__(7005);
class ParserDirective extends line_1.Line {
    constructor(document, range, nameRange, valueRange) {
        super(document, range);
        this.nameRange = nameRange;
        this.valueRange = valueRange;
    }
    toString() {
        return "# " + this.getName() + '=' + this.getValue();
    }
    getNameRange() {
        return this.nameRange;
    }
    getValueRange() {
        return this.valueRange;
    }
    getName() {
        return this.document.getText().substring(this.document.offsetAt(this.nameRange.start), this.document.offsetAt(this.nameRange.end));
    }
    getValue() {
        return this.document.getText().substring(this.document.offsetAt(this.valueRange.start), this.document.offsetAt(this.valueRange.end));
    }
    getDirective() {
        const directive = main_1.Directive[this.getName().toLowerCase()];
        return directive === undefined ? null : directive;
    }
}
exports.ParserDirective = ParserDirective;


/***/ }),

/***/ 9602:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Property = void 0;
const vscode_languageserver_types_1 = __nccwpck_require__(4612);
const util_1 = __nccwpck_require__(7459);
class Property {
    constructor(document, escapeChar, arg, arg2) {
        this.assignmentOperatorRange = null;
        this.assignmentOperator = null;
        this.valueRange = null;
        this.value = null;
        this.document = document;
        this.escapeChar = escapeChar;
        this.nameRange = Property.getNameRange(document, arg);
        let value = document.getText().substring(document.offsetAt(this.nameRange.start), document.offsetAt(this.nameRange.end));
        this.name = Property.getValue(value, escapeChar);
        if (arg2) {
            this.valueRange = arg2.getRange();
            value = document.getText().substring(document.offsetAt(this.valueRange.start), document.offsetAt(this.valueRange.end));
            this.value = Property.getValue(value, escapeChar);
            this.range = vscode_languageserver_types_1.Range.create(this.nameRange.start, this.valueRange.end);
        }
        else {
            let argRange = arg.getRange();
            if (this.nameRange.start.line === argRange.start.line
                && this.nameRange.start.character === argRange.start.character
                && this.nameRange.end.line === argRange.end.line
                && this.nameRange.end.character === argRange.end.character) {
            }
            else {
                this.valueRange = Property.getValueRange(document, arg);
                value = document.getText().substring(document.offsetAt(this.valueRange.start), document.offsetAt(this.valueRange.end));
                this.value = Property.getValue(value, escapeChar);
                this.assignmentOperatorRange = vscode_languageserver_types_1.Range.create(this.nameRange.end, this.valueRange.start);
                this.assignmentOperator = "=";
            }
            this.range = argRange;
        }
    }
    getRange() {
        return this.range;
    }
    getName() {
        return this.name;
    }
    getNameRange() {
        return this.nameRange;
    }
    getValue() {
        return this.value;
    }
    getValueRange() {
        return this.valueRange;
    }
    /**
     * Retrieves the operator used for delimiting between the name and
     * value of this property. This will either be the "=" character
     * or null if a character was not used or if this property has no
     * value defined.
     */
    getAssignmentOperator() {
        return this.assignmentOperator;
    }
    getAssignmentOperatorRange() {
        return this.assignmentOperatorRange;
    }
    /**
     * Returns the value of this property including any enclosing
     * single or double quotes and relevant escape characters.
     * Escaped newlines and its associated contiguous whitespace
     * characters however will not be returned as they are deemed to
     * be uninteresting to clients trying to return a Dockerfile.
     *
     * @return the unescaped value of this property or null if this
     *         property has no associated value
     */
    getUnescapedValue() {
        if (this.valueRange === null) {
            return null;
        }
        let escaped = false;
        let rawValue = "";
        let value = this.document.getText().substring(this.document.offsetAt(this.valueRange.start), this.document.offsetAt(this.valueRange.end));
        rawLoop: for (let i = 0; i < value.length; i++) {
            let char = value.charAt(i);
            switch (char) {
                case this.escapeChar:
                    for (let j = i + 1; j < value.length; j++) {
                        switch (value.charAt(j)) {
                            case '\r':
                                j++;
                            case '\n':
                                escaped = true;
                                i = j;
                                continue rawLoop;
                            case ' ':
                            case '\t':
                                break;
                            default:
                                rawValue = rawValue + char;
                                continue rawLoop;
                        }
                    }
                    // this happens if there's only whitespace after the escape character
                    rawValue = rawValue + char;
                    break;
                case '\r':
                case '\n':
                    break;
                case ' ':
                case '\t':
                    if (!escaped) {
                        rawValue = rawValue + char;
                    }
                    break;
                case '#':
                    if (escaped) {
                        for (let j = i + 1; j < value.length; j++) {
                            switch (value.charAt(j)) {
                                case '\r':
                                    j++;
                                case '\n':
                                    i = j;
                                    continue rawLoop;
                            }
                        }
                    }
                    else {
                        rawValue = rawValue + char;
                    }
                    break;
                default:
                    rawValue = rawValue + char;
                    escaped = false;
                    break;
            }
        }
        return rawValue;
    }
    static getNameRange(document, arg) {
        let value = arg.getValue();
        let index = value.indexOf('=');
        if (index !== -1) {
            let initial = value.charAt(0);
            let before = value.charAt(index - 1);
            // check if content before the equals sign are in quotes
            // "var"=value
            // 'var'=value
            // otherwise, just assume it's a standard definition
            // var=value
            if ((initial === '"' && before === '"') || (initial === '\'' && before === '\'') || (initial !== '"' && initial !== '\'')) {
                return vscode_languageserver_types_1.Range.create(arg.getRange().start, document.positionAt(document.offsetAt(arg.getRange().start) + index));
            }
        }
        // no '=' found, just defined the property's name
        return arg.getRange();
    }
    static getValueRange(document, arg) {
        return vscode_languageserver_types_1.Range.create(document.positionAt(document.offsetAt(arg.getRange().start) + arg.getValue().indexOf('=') + 1), document.positionAt(document.offsetAt(arg.getRange().end)));
    }
    /**
     * Returns the actual value of this key-value pair. The value will
     * have its escape characters removed if applicable. If the value
     * spans multiple lines and there are comments nested within the
     * lines, they too will be removed.
     *
     * @return the value that this key-value pair will actually be, may
     *         be null if no value is defined, may be the empty string
     *         if the value only consists of whitespace
     */
    static getValue(value, escapeChar) {
        let escaped = false;
        const skip = util_1.Util.findLeadingNonWhitespace(value, escapeChar);
        if (skip !== 0 && value.charAt(skip) === '#') {
            // need to skip over comments
            escaped = true;
        }
        value = value.substring(skip);
        let first = value.charAt(0);
        let last = value.charAt(value.length - 1);
        let literal = first === '\'' || first === '"';
        let inSingle = (first === '\'' && last === '\'');
        let inDouble = false;
        if (first === '"') {
            for (let i = 1; i < value.length; i++) {
                if (value.charAt(i) === escapeChar) {
                    i++;
                }
                else if (value.charAt(i) === '"' && i === value.length - 1) {
                    inDouble = true;
                }
            }
        }
        if (inSingle || inDouble) {
            value = value.substring(1, value.length - 1);
        }
        let commentCheck = -1;
        let escapedValue = "";
        let start = 0;
        parseValue: for (let i = 0; i < value.length; i++) {
            let char = value.charAt(i);
            switch (char) {
                case escapeChar:
                    if (i + 1 === value.length) {
                        escapedValue = escapedValue + escapeChar;
                        break parseValue;
                    }
                    char = value.charAt(i + 1);
                    if (char === ' ' || char === '\t') {
                        whitespaceCheck: for (let j = i + 2; j < value.length; j++) {
                            let char2 = value.charAt(j);
                            switch (char2) {
                                case ' ':
                                case '\t':
                                    break;
                                case '\r':
                                    j++;
                                case '\n':
                                    escaped = true;
                                    i = j;
                                    continue parseValue;
                                default:
                                    if (!inDouble && !inSingle && !literal) {
                                        if (char2 === escapeChar) {
                                            // add the escaped character
                                            escapedValue = escapedValue + char;
                                            // now start parsing from the next escape character
                                            i = i + 1;
                                        }
                                        else {
                                            // the expectation is that this j = i + 2 here
                                            escapedValue = escapedValue + char + char2;
                                            i = j;
                                        }
                                        continue parseValue;
                                    }
                                    break whitespaceCheck;
                            }
                        }
                    }
                    if (inDouble) {
                        if (char === '\r') {
                            escaped = true;
                            i = i + 2;
                        }
                        else if (char === '\n') {
                            escaped = true;
                            i++;
                        }
                        else if (char !== '"') {
                            if (char === escapeChar) {
                                i++;
                            }
                            escapedValue = escapedValue + escapeChar;
                        }
                        continue parseValue;
                    }
                    else if (inSingle || literal) {
                        if (char === '\r') {
                            escaped = true;
                            i = i + 2;
                        }
                        else if (char === '\n') {
                            escaped = true;
                            i++;
                        }
                        else {
                            escapedValue = escapedValue + escapeChar;
                        }
                        continue parseValue;
                    }
                    else if (char === escapeChar) {
                        // double escape, append one and move on
                        escapedValue = escapedValue + escapeChar;
                        i++;
                    }
                    else if (char === '\r') {
                        escaped = true;
                        // offset one more for \r\n
                        i = i + 2;
                    }
                    else if (char === '\n') {
                        escaped = true;
                        i++;
                        start = i;
                    }
                    else {
                        // any other escapes are simply ignored
                        escapedValue = escapedValue + char;
                        i++;
                    }
                    break;
                case ' ':
                case '\t':
                    if (escaped && commentCheck === -1) {
                        commentCheck = i;
                    }
                    escapedValue = escapedValue + char;
                    break;
                case '\r':
                    i++;
                case '\n':
                    if (escaped && commentCheck !== -1) {
                        // rollback and remove the whitespace that was previously appended
                        escapedValue = escapedValue.substring(0, escapedValue.length - (i - commentCheck - 1));
                        commentCheck = -1;
                    }
                    break;
                case '#':
                    // a newline was escaped and now there's a comment
                    if (escaped) {
                        if (commentCheck !== -1) {
                            // rollback and remove the whitespace that was previously appended
                            escapedValue = escapedValue.substring(0, escapedValue.length - (i - commentCheck));
                            commentCheck = -1;
                        }
                        newlineCheck: for (let j = i + 1; j < value.length; j++) {
                            switch (value.charAt(j)) {
                                case '\r':
                                    j++;
                                case '\n':
                                    i = j;
                                    break newlineCheck;
                            }
                        }
                        continue parseValue;
                    }
                default:
                    if (escaped) {
                        escaped = false;
                        commentCheck = -1;
                    }
                    escapedValue = escapedValue + char;
                    break;
            }
        }
        return escapedValue;
    }
}
exports.Property = Property;


/***/ }),

/***/ 4984:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.PropertyInstruction = void 0;
const vscode_languageserver_types_1 = __nccwpck_require__(4612);
const instruction_1 = __nccwpck_require__(5279);
const property_1 = __nccwpck_require__(9602);
const argument_1 = __nccwpck_require__(5940);
const util_1 = __nccwpck_require__(7459);
class PropertyInstruction extends instruction_1.Instruction {
    constructor(document, range, dockerfile, escapeChar, instruction, instructionRange) {
        super(document, range, dockerfile, escapeChar, instruction, instructionRange);
        this.properties = undefined;
    }
    getProperties() {
        if (this.properties === undefined) {
            let args = this.getPropertyArguments();
            if (args.length === 0) {
                this.properties = [];
            }
            else if (args.length === 1) {
                this.properties = [new property_1.Property(this.document, this.escapeChar, args[0])];
            }
            else if (args.length === 2) {
                if (args[0].getValue().indexOf('=') === -1) {
                    this.properties = [new property_1.Property(this.document, this.escapeChar, args[0], args[1])];
                }
                else {
                    this.properties = [
                        new property_1.Property(this.document, this.escapeChar, args[0]),
                        new property_1.Property(this.document, this.escapeChar, args[1])
                    ];
                }
            }
            else if (args[0].getValue().indexOf('=') === -1) {
                let text = this.document.getText();
                let start = args[1].getRange().start;
                let end = args[args.length - 1].getRange().end;
                text = text.substring(this.document.offsetAt(start), this.document.offsetAt(end));
                this.properties = [new property_1.Property(this.document, this.escapeChar, args[0], new argument_1.Argument(text, vscode_languageserver_types_1.Range.create(args[1].getRange().start, args[args.length - 1].getRange().end)))];
            }
            else {
                this.properties = [];
                for (let i = 0; i < args.length; i++) {
                    this.properties.push(new property_1.Property(this.document, this.escapeChar, args[i]));
                }
            }
        }
        return this.properties;
    }
    /**
     * Goes from the back of the string and returns the first
     * non-whitespace character that is found. If an escape character
     * is found with newline characters, the escape character will
     * not be considered a non-whitespace character and its index in
     * the string will not be returned.
     *
     * @param content the string to search through
     * @return the index in the string for the first non-whitespace
     *         character when searching from the end of the string
     */
    findTrailingNonWhitespace(content) {
        // loop back to find the first non-whitespace character
        let index = content.length;
        whitespaceCheck: for (let i = content.length - 1; i >= 0; i--) {
            switch (content.charAt(i)) {
                case ' ':
                case '\t':
                    continue;
                case '\n':
                    if (content.charAt(i - 1) === '\r') {
                        i = i - 1;
                    }
                case '\r':
                    newlineCheck: for (let j = i - 1; j >= 0; j--) {
                        switch (content.charAt(j)) {
                            case ' ':
                            case '\t':
                            case '\r':
                            case '\n':
                            case this.escapeChar:
                                continue;
                            default:
                                index = j;
                                break newlineCheck;
                        }
                    }
                    break whitespaceCheck;
                default:
                    index = i;
                    break whitespaceCheck;
            }
        }
        return index;
    }
    getPropertyArguments() {
        const args = [];
        let range = this.getInstructionRange();
        let instructionNameEndOffset = this.document.offsetAt(range.end);
        let extra = instructionNameEndOffset - this.document.offsetAt(range.start);
        let content = this.getTextContent();
        let fullArgs = content.substring(extra);
        let start = util_1.Util.findLeadingNonWhitespace(fullArgs, this.escapeChar);
        if (start === -1) {
            // only whitespace found, no arguments
            return [];
        }
        const startPosition = this.document.positionAt(instructionNameEndOffset + start);
        // records whether the parser has just processed an escaped newline or not,
        // if our starting position is not on the same line as the instruction then
        // the start of the content is already on an escaped line
        let escaped = range.start.line !== startPosition.line;
        // flag to track if the last character was an escape character
        let endingEscape = false;
        // position before the first escape character was hit
        let mark = -1;
        let end = this.findTrailingNonWhitespace(fullArgs);
        content = fullArgs.substring(start, end + 1);
        let argStart = escaped ? -1 : 0;
        let spaced = false;
        argumentLoop: for (let i = 0; i < content.length; i++) {
            let char = content.charAt(i);
            switch (char) {
                case this.escapeChar:
                    if (i + 1 === content.length) {
                        endingEscape = true;
                        break argumentLoop;
                    }
                    if (!escaped) {
                        mark = i;
                    }
                    switch (content.charAt(i + 1)) {
                        case ' ':
                        case '\t':
                            if (!util_1.Util.isWhitespace(content.charAt(i + 2))) {
                                // space was escaped, continue as normal
                                i = i + 1;
                                continue argumentLoop;
                            }
                            // whitespace encountered, need to figure out if it extends to EOL
                            whitespaceCheck: for (let j = i + 2; j < content.length; j++) {
                                switch (content.charAt(j)) {
                                    case '\r':
                                        // offset one more for \r\n
                                        j++;
                                    case '\n':
                                        // whitespace only, safe to skip
                                        escaped = true;
                                        i = j;
                                        continue argumentLoop;
                                    case ' ':
                                    case '\t':
                                        // ignore whitespace
                                        break;
                                    default:
                                        // whitespace doesn't extend to EOL, create an argument
                                        args.push(new argument_1.Argument(content.substring(argStart, i), vscode_languageserver_types_1.Range.create(this.document.positionAt(instructionNameEndOffset + start + argStart), this.document.positionAt(instructionNameEndOffset + start + i + 2))));
                                        argStart = j;
                                        break whitespaceCheck;
                                }
                            }
                            // go back and start processing the encountered non-whitespace character
                            i = argStart - 1;
                            continue argumentLoop;
                        case '\r':
                            // offset one more for \r\n
                            i++;
                        case '\n':
                            // immediately followed by a newline, skip the newline
                            escaped = true;
                            i = i + 1;
                            continue argumentLoop;
                        case this.escapeChar:
                            // double escape found, skip it and move on
                            if (argStart === -1) {
                                argStart = i;
                            }
                            i = i + 1;
                            continue argumentLoop;
                        default:
                            if (argStart === -1) {
                                argStart = i;
                            }
                            // non-whitespace encountered, skip the escape and process the
                            // character normally
                            continue argumentLoop;
                    }
                case '\'':
                case '"':
                    if (spaced) {
                        this.createSpacedArgument(argStart, args, content, mark, instructionNameEndOffset, start);
                        // reset to start a new argument
                        argStart = i;
                        spaced = false;
                    }
                    if (argStart === -1) {
                        argStart = i;
                    }
                    for (let j = i + 1; j < content.length; j++) {
                        switch (content.charAt(j)) {
                            case char:
                                if (content.charAt(j + 1) !== ' ' && content.charAt(j + 1) !== '') {
                                    // there is more content after this quote,
                                    // continue so that it is all processed as
                                    // one single argument
                                    i = j;
                                    continue argumentLoop;
                                }
                                args.push(new argument_1.Argument(content.substring(argStart, j + 1), vscode_languageserver_types_1.Range.create(this.document.positionAt(instructionNameEndOffset + start + argStart), this.document.positionAt(instructionNameEndOffset + start + j + 1))));
                                i = j;
                                argStart = -1;
                                continue argumentLoop;
                            case this.escapeChar:
                                j++;
                                break;
                        }
                    }
                    break argumentLoop;
                case ' ':
                case '\t':
                    if (escaped) {
                        // consider there to be a space only if an argument
                        // is not spanning multiple lines
                        if (argStart !== -1) {
                            spaced = true;
                        }
                    }
                    else if (argStart !== -1) {
                        args.push(new argument_1.Argument(content.substring(argStart, i), vscode_languageserver_types_1.Range.create(this.document.positionAt(instructionNameEndOffset + start + argStart), this.document.positionAt(instructionNameEndOffset + start + i))));
                        argStart = -1;
                    }
                    break;
                case '\r':
                    // offset one more for \r\n
                    i++;
                case '\n':
                    spaced = false;
                    break;
                case '#':
                    if (escaped) {
                        // a newline was escaped and now there's a comment
                        for (let j = i + 1; j < content.length; j++) {
                            switch (content.charAt(j)) {
                                case '\r':
                                    j++;
                                case '\n':
                                    i = j;
                                    spaced = false;
                                    continue argumentLoop;
                            }
                        }
                        // went to the end without finding a newline,
                        // the comment was the last line in the instruction,
                        // just stop parsing, create an argument if needed
                        if (argStart !== -1) {
                            let value = content.substring(argStart, mark);
                            args.push(new argument_1.Argument(value, vscode_languageserver_types_1.Range.create(this.document.positionAt(instructionNameEndOffset + start + argStart), this.document.positionAt(instructionNameEndOffset + start + mark))));
                            argStart = -1;
                        }
                        break argumentLoop;
                    }
                    else if (argStart === -1) {
                        argStart = i;
                    }
                    break;
                default:
                    if (spaced) {
                        this.createSpacedArgument(argStart, args, content, mark, instructionNameEndOffset, start);
                        // reset to start a new argument
                        argStart = i;
                        spaced = false;
                    }
                    escaped = false;
                    if (argStart === -1) {
                        argStart = i;
                    }
                    // variable detected
                    if (char === '$' && content.charAt(i + 1) === '{') {
                        let singleQuotes = false;
                        let doubleQuotes = false;
                        let escaped = false;
                        for (let j = i + 1; j < content.length; j++) {
                            switch (content.charAt(j)) {
                                case this.escapeChar:
                                    escaped = true;
                                    break;
                                case '\r':
                                case '\n':
                                    break;
                                case '\'':
                                    singleQuotes = !singleQuotes;
                                    escaped = false;
                                    break;
                                case '"':
                                    doubleQuotes = !doubleQuotes;
                                    escaped = false;
                                    break;
                                case ' ':
                                case '\t':
                                    if (escaped || singleQuotes || doubleQuotes) {
                                        break;
                                    }
                                    i = j - 1;
                                    continue argumentLoop;
                                case '}':
                                    i = j;
                                    continue argumentLoop;
                                default:
                                    escaped = false;
                                    break;
                            }
                        }
                        break argumentLoop;
                    }
                    break;
            }
        }
        if (argStart !== -1 && argStart !== content.length) {
            let end = endingEscape ? content.length - 1 : content.length;
            let value = content.substring(argStart, end);
            args.push(new argument_1.Argument(value, vscode_languageserver_types_1.Range.create(this.document.positionAt(instructionNameEndOffset + start + argStart), this.document.positionAt(instructionNameEndOffset + start + end))));
        }
        return args;
    }
    createSpacedArgument(argStart, args, content, mark, instructionNameEndOffset, start) {
        if (argStart !== -1) {
            args.push(new argument_1.Argument(content.substring(argStart, mark), vscode_languageserver_types_1.Range.create(this.document.positionAt(instructionNameEndOffset + start + argStart), this.document.positionAt(instructionNameEndOffset + start + mark))));
        }
    }
}
exports.PropertyInstruction = PropertyInstruction;


/***/ }),

/***/ 7459:
/***/ ((__unused_webpack_module, exports) => {

/* --------------------------------------------------------------------------------------------
 * Copyright (c) Remy Suen. All rights reserved.
 * Licensed under the MIT License. See License.txt in the project root for license information.
 * ------------------------------------------------------------------------------------------ */

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Util = void 0;
class Util {
    static isUTF8BOM(char) {
        const uintArray = Uint8Array.from(Buffer.from(char, "UTF-8"));
        return uintArray[0] === 0xEF && uintArray[1] == 0xBB && uintArray[2] == 0xBF;
    }
    static isWhitespace(char) {
        return char === ' ' || char === '\t' || Util.isNewline(char);
    }
    static isNewline(char) {
        return char === '\r' || char === '\n';
    }
    static findLeadingNonWhitespace(content, escapeChar) {
        whitespaceCheck: for (let i = 0; i < content.length; i++) {
            switch (content.charAt(i)) {
                case ' ':
                case '\t':
                    continue;
                case escapeChar:
                    escapeCheck: for (let j = i + 1; j < content.length; j++) {
                        switch (content.charAt(j)) {
                            case ' ':
                            case '\t':
                                continue;
                            case '\r':
                                // offset one more for \r\n
                                i = j + 1;
                                continue whitespaceCheck;
                            case '\n':
                                i = j;
                                continue whitespaceCheck;
                            default:
                                break escapeCheck;
                        }
                    }
                    // found an escape character and then reached EOF
                    return -1;
                default:
                    return i;
            }
        }
        // only possible if the content is the empty string
        return -1;
    }
    /**
     * Determines if the given position is contained within the given range.
     *
     * @param position the position to check
     * @param range the range to see if the position is inside of
     */
    static isInsideRange(position, range) {
        if (range.start.line === range.end.line) {
            return range.start.line === position.line
                && range.start.character <= position.character
                && position.character <= range.end.character;
        }
        else if (range.start.line === position.line) {
            return range.start.character <= position.character;
        }
        else if (range.end.line === position.line) {
            return position.character <= range.end.character;
        }
        return range.start.line < position.line && position.line < range.end.line;
    }
    static parseHeredocName(value) {
        value = value.substring(2);
        if (value.charAt(0) === '-') {
            value = value.substring(1);
        }
        if (value.charAt(0) === '"') {
            if (value.charAt(value.length - 1) !== '"') {
                return null;
            }
            value = value.substring(1, value.length - 1);
        }
        if (value.charAt(0) === '\'') {
            if (value.charAt(value.length - 1) !== '\'') {
                return null;
            }
            value = value.substring(1, value.length - 1);
        }
        if (value.charAt(0) === "<") {
            return null;
        }
        return value;
    }
}
exports.Util = Util;


/***/ }),

/***/ 3743:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Variable = void 0;
class Variable {
    constructor(name, nameRange, range, modifier, modifierRange, substitutionParameter, substitutionRange, defined, buildVariable, stringValue) {
        this.name = name;
        this.nameRange = nameRange;
        this.range = range;
        this.modifier = modifier;
        this.modifierRange = modifierRange;
        this.substitutionParameter = substitutionParameter;
        this.substitutionRange = substitutionRange;
        this.defined = defined;
        this.buildVariable = buildVariable;
        this.stringValue = stringValue;
    }
    toString() {
        return this.stringValue;
    }
    getName() {
        return this.name;
    }
    getNameRange() {
        return this.nameRange;
    }
    /**
     * Returns the range of the entire variable. This includes the symbols for
     * the declaration of the variable such as the $, {, and } symbols.
     *
     * @return the range in the document that this variable encompasses in its
     *         entirety
     */
    getRange() {
        return this.range;
    }
    /**
     * Returns the modifier character that has been set for
     * specifying how this variable should be expanded and resolved.
     * If this variable is ${variable:+value} then the modifier
     * character is '+'. Will be the empty string if the variable is
     * declared as ${variable:}. Otherwise, will be null if this
     * variable will not use variable substitution at all (such as
     * ${variable} or $variable).
     *
     * @return this variable's modifier character, or the empty
     *         string if it does not have one, or null if this
     *         variable will not use variable substitution
     */
    getModifier() {
        return this.modifier;
    }
    getModifierRange() {
        return this.modifierRange;
    }
    /**
     * Returns the parameter that will be used for substitution if
     * this variable uses modifiers to define how its value should be
     * resolved. If this variable is ${variable:+value} then the
     * substitution value will be 'value'. Will be the empty string
     * if the variable is declared as ${variable:+} or some other
     * variant where the only thing that follows the modifier
     * character (excluding considerations of escape characters and
     * so on) is the variable's closing bracket. May be null if this
     * variable does not have a modifier character defined (such as
     * ${variable} or $variable).
     *
     * @return this variable's substitution parameter, or the empty
     *         string if it does not have one, or null if there is
     *         not one defined
     */
    getSubstitutionParameter() {
        return this.substitutionParameter;
    }
    getSubstitutionRange() {
        return this.substitutionRange;
    }
    /**
     * Returns whether this variable has been defined or not.
     *
     * @return true if this variable has been defined, false otherwise
     */
    isDefined() {
        return this.defined;
    }
    isBuildVariable() {
        return this.buildVariable === true;
    }
    isEnvironmentVariable() {
        return this.buildVariable === false;
    }
}
exports.Variable = Variable;


/***/ }),

/***/ 9379:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const ANY = Symbol('SemVer ANY')
// hoisted class for cyclic dependency
class Comparator {
  static get ANY () {
    return ANY
  }

  constructor (comp, options) {
    options = parseOptions(options)

    if (comp instanceof Comparator) {
      if (comp.loose === !!options.loose) {
        return comp
      } else {
        comp = comp.value
      }
    }

    comp = comp.trim().split(/\s+/).join(' ')
    debug('comparator', comp, options)
    this.options = options
    this.loose = !!options.loose
    this.parse(comp)

    if (this.semver === ANY) {
      this.value = ''
    } else {
      this.value = this.operator + this.semver.version
    }

    debug('comp', this)
  }

  parse (comp) {
    const r = this.options.loose ? re[t.COMPARATORLOOSE] : re[t.COMPARATOR]
    const m = comp.match(r)

    if (!m) {
      throw new TypeError(`Invalid comparator: ${comp}`)
    }

    this.operator = m[1] !== undefined ? m[1] : ''
    if (this.operator === '=') {
      this.operator = ''
    }

    // if it literally is just '>' or '' then allow anything.
    if (!m[2]) {
      this.semver = ANY
    } else {
      this.semver = new SemVer(m[2], this.options.loose)
    }
  }

  toString () {
    return this.value
  }

  test (version) {
    debug('Comparator.test', version, this.options.loose)

    if (this.semver === ANY || version === ANY) {
      return true
    }

    if (typeof version === 'string') {
      try {
        version = new SemVer(version, this.options)
      } catch (er) {
        return false
      }
    }

    return cmp(version, this.operator, this.semver, this.options)
  }

  intersects (comp, options) {
    if (!(comp instanceof Comparator)) {
      throw new TypeError('a Comparator is required')
    }

    if (this.operator === '') {
      if (this.value === '') {
        return true
      }
      return new Range(comp.value, options).test(this.value)
    } else if (comp.operator === '') {
      if (comp.value === '') {
        return true
      }
      return new Range(this.value, options).test(comp.semver)
    }

    options = parseOptions(options)

    // Special cases where nothing can possibly be lower
    if (options.includePrerelease &&
      (this.value === '<0.0.0-0' || comp.value === '<0.0.0-0')) {
      return false
    }
    if (!options.includePrerelease &&
      (this.value.startsWith('<0.0.0') || comp.value.startsWith('<0.0.0'))) {
      return false
    }

    // Same direction increasing (> or >=)
    if (this.operator.startsWith('>') && comp.operator.startsWith('>')) {
      return true
    }
    // Same direction decreasing (< or <=)
    if (this.operator.startsWith('<') && comp.operator.startsWith('<')) {
      return true
    }
    // same SemVer and both sides are inclusive (<= or >=)
    if (
      (this.semver.version === comp.semver.version) &&
      this.operator.includes('=') && comp.operator.includes('=')) {
      return true
    }
    // opposite directions less than
    if (cmp(this.semver, '<', comp.semver, options) &&
      this.operator.startsWith('>') && comp.operator.startsWith('<')) {
      return true
    }
    // opposite directions greater than
    if (cmp(this.semver, '>', comp.semver, options) &&
      this.operator.startsWith('<') && comp.operator.startsWith('>')) {
      return true
    }
    return false
  }
}

module.exports = Comparator

const parseOptions = __nccwpck_require__(356)
const { safeRe: re, t } = __nccwpck_require__(5471)
const cmp = __nccwpck_require__(8646)
const debug = __nccwpck_require__(1159)
const SemVer = __nccwpck_require__(7163)
const Range = __nccwpck_require__(6782)


/***/ }),

/***/ 6782:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const SPACE_CHARACTERS = /\s+/g

// hoisted class for cyclic dependency
class Range {
  constructor (range, options) {
    options = parseOptions(options)

    if (range instanceof Range) {
      if (
        range.loose === !!options.loose &&
        range.includePrerelease === !!options.includePrerelease
      ) {
        return range
      } else {
        return new Range(range.raw, options)
      }
    }

    if (range instanceof Comparator) {
      // just put it in the set and return
      this.raw = range.value
      this.set = [[range]]
      this.formatted = undefined
      return this
    }

    this.options = options
    this.loose = !!options.loose
    this.includePrerelease = !!options.includePrerelease

    // First reduce all whitespace as much as possible so we do not have to rely
    // on potentially slow regexes like \s*. This is then stored and used for
    // future error messages as well.
    this.raw = range.trim().replace(SPACE_CHARACTERS, ' ')

    // First, split on ||
    this.set = this.raw
      .split('||')
      // map the range to a 2d array of comparators
      .map(r => this.parseRange(r.trim()))
      // throw out any comparator lists that are empty
      // this generally means that it was not a valid range, which is allowed
      // in loose mode, but will still throw if the WHOLE range is invalid.
      .filter(c => c.length)

    if (!this.set.length) {
      throw new TypeError(`Invalid SemVer Range: ${this.raw}`)
    }

    // if we have any that are not the null set, throw out null sets.
    if (this.set.length > 1) {
      // keep the first one, in case they're all null sets
      const first = this.set[0]
      this.set = this.set.filter(c => !isNullSet(c[0]))
      if (this.set.length === 0) {
        this.set = [first]
      } else if (this.set.length > 1) {
        // if we have any that are *, then the range is just *
        for (const c of this.set) {
          if (c.length === 1 && isAny(c[0])) {
            this.set = [c]
            break
          }
        }
      }
    }

    this.formatted = undefined
  }

  get range () {
    if (this.formatted === undefined) {
      this.formatted = ''
      for (let i = 0; i < this.set.length; i++) {
        if (i > 0) {
          this.formatted += '||'
        }
        const comps = this.set[i]
        for (let k = 0; k < comps.length; k++) {
          if (k > 0) {
            this.formatted += ' '
          }
          this.formatted += comps[k].toString().trim()
        }
      }
    }
    return this.formatted
  }

  format () {
    return this.range
  }

  toString () {
    return this.range
  }

  parseRange (range) {
    // strip build metadata so it can't bleed into the version
    range = range.replace(BUILDSTRIPRE, '')

    // memoize range parsing for performance.
    // this is a very hot path, and fully deterministic.
    const memoOpts =
      (this.options.includePrerelease && FLAG_INCLUDE_PRERELEASE) |
      (this.options.loose && FLAG_LOOSE)
    const memoKey = memoOpts + ':' + range
    const cached = cache.get(memoKey)
    if (cached) {
      return cached
    }

    const loose = this.options.loose
    // `1.2.3 - 1.2.4` => `>=1.2.3 <=1.2.4`
    const hr = loose ? re[t.HYPHENRANGELOOSE] : re[t.HYPHENRANGE]
    range = range.replace(hr, hyphenReplace(this.options.includePrerelease))
    debug('hyphen replace', range)

    // `> 1.2.3 < 1.2.5` => `>1.2.3 <1.2.5`
    range = trimComparatorWhitespace(range)
    debug('comparator trim', range)

    // `~ 1.2.3` => `~1.2.3`
    range = range.replace(re[t.TILDETRIM], tildeTrimReplace)
    debug('tilde trim', range)

    // `^ 1.2.3` => `^1.2.3`
    range = range.replace(re[t.CARETTRIM], caretTrimReplace)
    debug('caret trim', range)

    // At this point, the range is completely trimmed and
    // ready to be split into comparators.

    let rangeList = range
      .split(' ')
      .map(comp => parseComparator(comp, this.options))
      .join(' ')
      .split(/\s+/)
      // >=0.0.0 is equivalent to *
      .map(comp => replaceGTE0(comp, this.options))

    if (loose) {
      // in loose mode, throw out any that are not valid comparators
      rangeList = rangeList.filter(comp => {
        debug('loose invalid filter', comp, this.options)
        return !!comp.match(re[t.COMPARATORLOOSE])
      })
    }
    debug('range list', rangeList)

    // if any comparators are the null set, then replace with JUST null set
    // if more than one comparator, remove any * comparators
    // also, don't include the same comparator more than once
    const rangeMap = new Map()
    const comparators = rangeList.map(comp => new Comparator(comp, this.options))
    for (const comp of comparators) {
      if (isNullSet(comp)) {
        return [comp]
      }
      rangeMap.set(comp.value, comp)
    }
    if (rangeMap.size > 1 && rangeMap.has('')) {
      rangeMap.delete('')
    }

    const result = [...rangeMap.values()]
    cache.set(memoKey, result)
    return result
  }

  intersects (range, options) {
    if (!(range instanceof Range)) {
      throw new TypeError('a Range is required')
    }

    return this.set.some((thisComparators) => {
      return (
        isSatisfiable(thisComparators, options) &&
        range.set.some((rangeComparators) => {
          return (
            isSatisfiable(rangeComparators, options) &&
            thisComparators.every((thisComparator) => {
              return rangeComparators.every((rangeComparator) => {
                return thisComparator.intersects(rangeComparator, options)
              })
            })
          )
        })
      )
    })
  }

  // if ANY of the sets match ALL of its comparators, then pass
  test (version) {
    if (!version) {
      return false
    }

    if (typeof version === 'string') {
      try {
        version = new SemVer(version, this.options)
      } catch (er) {
        return false
      }
    }

    for (let i = 0; i < this.set.length; i++) {
      if (testSet(this.set[i], version, this.options)) {
        return true
      }
    }
    return false
  }
}

module.exports = Range

const LRU = __nccwpck_require__(1383)
const cache = new LRU()

const parseOptions = __nccwpck_require__(356)
const Comparator = __nccwpck_require__(9379)
const debug = __nccwpck_require__(1159)
const SemVer = __nccwpck_require__(7163)
const trimComparatorWhitespace = __nccwpck_require__(9737)
const {
  safeRe: re,
  src,
  t,
  tildeTrimReplace,
  caretTrimReplace,
} = __nccwpck_require__(5471)
const { FLAG_INCLUDE_PRERELEASE, FLAG_LOOSE } = __nccwpck_require__(5101)

// unbounded global build-metadata stripper used by parseRange
const BUILDSTRIPRE = new RegExp(src[t.BUILD], 'g')

const isNullSet = c => c.value === '<0.0.0-0'
const isAny = c => c.value === ''

// take a set of comparators and determine whether there
// exists a version which can satisfy it
const isSatisfiable = (comparators, options) => {
  let result = true
  const remainingComparators = comparators.slice()
  let testComparator = remainingComparators.pop()

  while (result && remainingComparators.length) {
    result = remainingComparators.every((otherComparator) => {
      return testComparator.intersects(otherComparator, options)
    })

    testComparator = remainingComparators.pop()
  }

  return result
}

// comprised of xranges, tildes, stars, and gtlt's at this point.
// already replaced the hyphen ranges
// turn into a set of JUST comparators.
const parseComparator = (comp, options) => {
  comp = comp.replace(re[t.BUILD], '')
  debug('comp', comp, options)
  comp = replaceCarets(comp, options)
  debug('caret', comp)
  comp = replaceTildes(comp, options)
  debug('tildes', comp)
  comp = replaceXRanges(comp, options)
  debug('xrange', comp)
  comp = replaceStars(comp, options)
  debug('stars', comp)
  return comp
}

const isX = id => !id || id.toLowerCase() === 'x' || id === '*'

const invalidXRangeOrder = (M, m, p) => (
  (isX(M) && !isX(m)) ||
  (isX(m) && p && !isX(p))
)

// ~, ~> --> * (any, kinda silly)
// ~2, ~2.x, ~2.x.x, ~>2, ~>2.x ~>2.x.x --> >=2.0.0 <3.0.0-0
// ~2.0, ~2.0.x, ~>2.0, ~>2.0.x --> >=2.0.0 <2.1.0-0
// ~1.2, ~1.2.x, ~>1.2, ~>1.2.x --> >=1.2.0 <1.3.0-0
// ~1.2.3, ~>1.2.3 --> >=1.2.3 <1.3.0-0
// ~1.2.0, ~>1.2.0 --> >=1.2.0 <1.3.0-0
// ~0.0.1 --> >=0.0.1 <0.1.0-0
const replaceTildes = (comp, options) => {
  return comp
    .trim()
    .split(/\s+/)
    .map((c) => replaceTilde(c, options))
    .join(' ')
}

const replaceTilde = (comp, options) => {
  const r = options.loose ? re[t.TILDELOOSE] : re[t.TILDE]
  // if we're including prereleases in the match, then the lower bound is
  // -0, the lowest possible prerelease value, just like x-ranges and carets.
  // this keeps `~1.2` equivalent to the `1.2.x` x-range it's documented as.
  const z = options.includePrerelease ? '-0' : ''
  return comp.replace(r, (_, M, m, p, pr) => {
    debug('tilde', comp, _, M, m, p, pr)
    let ret

    if (isX(M)) {
      ret = ''
    } else if (isX(m)) {
      ret = `>=${M}.0.0${z} <${+M + 1}.0.0-0`
    } else if (isX(p)) {
      // ~1.2 == >=1.2.0 <1.3.0-0
      ret = `>=${M}.${m}.0${z} <${M}.${+m + 1}.0-0`
    } else if (pr) {
      debug('replaceTilde pr', pr)
      ret = `>=${M}.${m}.${p}-${pr
      } <${M}.${+m + 1}.0-0`
    } else {
      // ~1.2.3 == >=1.2.3 <1.3.0-0
      ret = `>=${M}.${m}.${p
      } <${M}.${+m + 1}.0-0`
    }

    debug('tilde return', ret)
    return ret
  })
}

// ^ --> * (any, kinda silly)
// ^2, ^2.x, ^2.x.x --> >=2.0.0 <3.0.0-0
// ^2.0, ^2.0.x --> >=2.0.0 <3.0.0-0
// ^1.2, ^1.2.x --> >=1.2.0 <2.0.0-0
// ^1.2.3 --> >=1.2.3 <2.0.0-0
// ^1.2.0 --> >=1.2.0 <2.0.0-0
// ^0.0.1 --> >=0.0.1 <0.0.2-0
// ^0.1.0 --> >=0.1.0 <0.2.0-0
const replaceCarets = (comp, options) => {
  return comp
    .trim()
    .split(/\s+/)
    .map((c) => replaceCaret(c, options))
    .join(' ')
}

const replaceCaret = (comp, options) => {
  debug('caret', comp, options)
  const r = options.loose ? re[t.CARETLOOSE] : re[t.CARET]
  const z = options.includePrerelease ? '-0' : ''
  return comp.replace(r, (_, M, m, p, pr) => {
    debug('caret', comp, _, M, m, p, pr)
    let ret

    if (isX(M)) {
      ret = ''
    } else if (isX(m)) {
      ret = `>=${M}.0.0${z} <${+M + 1}.0.0-0`
    } else if (isX(p)) {
      if (M === '0') {
        ret = `>=${M}.${m}.0${z} <${M}.${+m + 1}.0-0`
      } else {
        ret = `>=${M}.${m}.0${z} <${+M + 1}.0.0-0`
      }
    } else if (pr) {
      debug('replaceCaret pr', pr)
      if (M === '0') {
        if (m === '0') {
          ret = `>=${M}.${m}.${p}-${pr
          } <${M}.${m}.${+p + 1}-0`
        } else {
          ret = `>=${M}.${m}.${p}-${pr
          } <${M}.${+m + 1}.0-0`
        }
      } else {
        ret = `>=${M}.${m}.${p}-${pr
        } <${+M + 1}.0.0-0`
      }
    } else {
      debug('no pr')
      if (M === '0') {
        if (m === '0') {
          ret = `>=${M}.${m}.${p
          } <${M}.${m}.${+p + 1}-0`
        } else {
          ret = `>=${M}.${m}.${p
          } <${M}.${+m + 1}.0-0`
        }
      } else {
        ret = `>=${M}.${m}.${p
        } <${+M + 1}.0.0-0`
      }
    }

    debug('caret return', ret)
    return ret
  })
}

const replaceXRanges = (comp, options) => {
  debug('replaceXRanges', comp, options)
  return comp
    .split(/\s+/)
    .map((c) => replaceXRange(c, options))
    .join(' ')
}

const replaceXRange = (comp, options) => {
  comp = comp.trim()
  const r = options.loose ? re[t.XRANGELOOSE] : re[t.XRANGE]
  return comp.replace(r, (ret, gtlt, M, m, p, pr) => {
    debug('xRange', comp, ret, gtlt, M, m, p, pr)
    if (invalidXRangeOrder(M, m, p)) {
      return comp
    }

    const xM = isX(M)
    const xm = xM || isX(m)
    const xp = xm || isX(p)
    const anyX = xp

    if (gtlt === '=' && anyX) {
      gtlt = ''
    }

    // if we're including prereleases in the match, then we need
    // to fix this to -0, the lowest possible prerelease value
    pr = options.includePrerelease ? '-0' : ''

    if (xM) {
      if (gtlt === '>' || gtlt === '<') {
        // nothing is allowed
        ret = '<0.0.0-0'
      } else {
        // nothing is forbidden
        ret = '*'
      }
    } else if (gtlt && anyX) {
      // we know patch is an x, because we have any x at all.
      // replace X with 0
      if (xm) {
        m = 0
      }
      p = 0

      if (gtlt === '>') {
        // >1 => >=2.0.0
        // >1.2 => >=1.3.0
        gtlt = '>='
        if (xm) {
          M = +M + 1
          m = 0
          p = 0
        } else {
          m = +m + 1
          p = 0
        }
      } else if (gtlt === '<=') {
        // <=0.7.x is actually <0.8.0, since any 0.7.x should
        // pass.  Similarly, <=7.x is actually <8.0.0, etc.
        gtlt = '<'
        if (xm) {
          M = +M + 1
        } else {
          m = +m + 1
        }
      }

      if (gtlt === '<') {
        pr = '-0'
      }

      ret = `${gtlt + M}.${m}.${p}${pr}`
    } else if (xm) {
      ret = `>=${M}.0.0${pr} <${+M + 1}.0.0-0`
    } else if (xp) {
      ret = `>=${M}.${m}.0${pr
      } <${M}.${+m + 1}.0-0`
    }

    debug('xRange return', ret)

    return ret
  })
}

// Because * is AND-ed with everything else in the comparator,
// and '' means "any version", just remove the *s entirely.
const replaceStars = (comp, options) => {
  debug('replaceStars', comp, options)
  // Looseness is ignored here.  star is always as loose as it gets!
  return comp
    .trim()
    .replace(re[t.STAR], '')
}

const replaceGTE0 = (comp, options) => {
  debug('replaceGTE0', comp, options)
  return comp
    .trim()
    .replace(re[options.includePrerelease ? t.GTE0PRE : t.GTE0], '')
}

// This function is passed to string.replace(re[t.HYPHENRANGE])
// M, m, patch, prerelease, build
// 1.2 - 3.4.5 => >=1.2.0 <=3.4.5
// 1.2.3 - 3.4 => >=1.2.0 <3.5.0-0 Any 3.4.x will do
// 1.2 - 3.4 => >=1.2.0 <3.5.0-0
// TODO build?
const hyphenReplace = incPr => ($0,
  from, fM, fm, fp, fpr, fb,
  to, tM, tm, tp, tpr) => {
  if (isX(fM)) {
    from = ''
  } else if (isX(fm)) {
    from = `>=${fM}.0.0${incPr ? '-0' : ''}`
  } else if (isX(fp)) {
    from = `>=${fM}.${fm}.0${incPr ? '-0' : ''}`
  } else if (fpr) {
    from = `>=${from}`
  } else {
    from = `>=${from}${incPr ? '-0' : ''}`
  }

  if (isX(tM)) {
    to = ''
  } else if (isX(tm)) {
    to = `<${+tM + 1}.0.0-0`
  } else if (isX(tp)) {
    to = `<${tM}.${+tm + 1}.0-0`
  } else if (tpr) {
    to = `<=${tM}.${tm}.${tp}-${tpr}`
  } else if (incPr) {
    to = `<${tM}.${tm}.${+tp + 1}-0`
  } else {
    to = `<=${to}`
  }

  return `${from} ${to}`.trim()
}

const testSet = (set, version, options) => {
  for (let i = 0; i < set.length; i++) {
    if (!set[i].test(version)) {
      return false
    }
  }

  if (version.prerelease.length && !options.includePrerelease) {
    // Find the set of versions that are allowed to have prereleases
    // For example, ^1.2.3-pr.1 desugars to >=1.2.3-pr.1 <2.0.0
    // That should allow `1.2.3-pr.2` to pass.
    // However, `1.2.4-alpha.notready` should NOT be allowed,
    // even though it's within the range set by the comparators.
    for (let i = 0; i < set.length; i++) {
      debug(set[i].semver)
      if (set[i].semver === Comparator.ANY) {
        continue
      }

      if (set[i].semver.prerelease.length > 0) {
        const allowed = set[i].semver
        if (allowed.major === version.major &&
            allowed.minor === version.minor &&
            allowed.patch === version.patch) {
          return true
        }
      }
    }

    // Version has a -pre, but it's not one of the ones we like.
    return false
  }

  return true
}


/***/ }),

/***/ 7163:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const debug = __nccwpck_require__(1159)
const { MAX_LENGTH, MAX_SAFE_INTEGER } = __nccwpck_require__(5101)
const { safeRe: re, t } = __nccwpck_require__(5471)

const parseOptions = __nccwpck_require__(356)
const { compareIdentifiers } = __nccwpck_require__(3348)

const isPrereleaseIdentifier = (prerelease, identifier) => {
  const identifiers = identifier.split('.')
  if (identifiers.length > prerelease.length) {
    return false
  }

  for (let i = 0; i < identifiers.length; i++) {
    if (compareIdentifiers(prerelease[i], identifiers[i]) !== 0) {
      return false
    }
  }

  return true
}

class SemVer {
  constructor (version, options) {
    options = parseOptions(options)

    if (version instanceof SemVer) {
      if (version.loose === !!options.loose &&
        version.includePrerelease === !!options.includePrerelease) {
        return version
      } else {
        version = version.version
      }
    } else if (typeof version !== 'string') {
      throw new TypeError(`Invalid version. Must be a string. Got type "${typeof version}".`)
    }

    if (version.length > MAX_LENGTH) {
      throw new TypeError(
        `version is longer than ${MAX_LENGTH} characters`
      )
    }

    debug('SemVer', version, options)
    this.options = options
    this.loose = !!options.loose
    // this isn't actually relevant for versions, but keep it so that we
    // don't run into trouble passing this.options around.
    this.includePrerelease = !!options.includePrerelease

    const m = version.trim().match(options.loose ? re[t.LOOSE] : re[t.FULL])

    if (!m) {
      throw new TypeError(`Invalid Version: ${version}`)
    }

    this.raw = version

    // these are actually numbers
    this.major = +m[1]
    this.minor = +m[2]
    this.patch = +m[3]

    if (this.major > MAX_SAFE_INTEGER || this.major < 0) {
      throw new TypeError('Invalid major version')
    }

    if (this.minor > MAX_SAFE_INTEGER || this.minor < 0) {
      throw new TypeError('Invalid minor version')
    }

    if (this.patch > MAX_SAFE_INTEGER || this.patch < 0) {
      throw new TypeError('Invalid patch version')
    }

    // numberify any prerelease numeric ids
    if (!m[4]) {
      this.prerelease = []
    } else {
      this.prerelease = m[4].split('.').map((id) => {
        if (/^[0-9]+$/.test(id)) {
          const num = +id
          if (num >= 0 && num < MAX_SAFE_INTEGER) {
            return num
          }
        }
        return id
      })
    }

    this.build = m[5] ? m[5].split('.') : []
    this.format()
  }

  format () {
    this.version = `${this.major}.${this.minor}.${this.patch}`
    if (this.prerelease.length) {
      this.version += `-${this.prerelease.join('.')}`
    }
    return this.version
  }

  toString () {
    return this.version
  }

  compare (other) {
    debug('SemVer.compare', this.version, this.options, other)
    if (!(other instanceof SemVer)) {
      if (typeof other === 'string' && other === this.version) {
        return 0
      }
      other = new SemVer(other, this.options)
    }

    if (other.version === this.version) {
      return 0
    }

    return this.compareMain(other) || this.comparePre(other)
  }

  compareMain (other) {
    if (!(other instanceof SemVer)) {
      other = new SemVer(other, this.options)
    }

    if (this.major < other.major) {
      return -1
    }
    if (this.major > other.major) {
      return 1
    }
    if (this.minor < other.minor) {
      return -1
    }
    if (this.minor > other.minor) {
      return 1
    }
    if (this.patch < other.patch) {
      return -1
    }
    if (this.patch > other.patch) {
      return 1
    }
    return 0
  }

  comparePre (other) {
    if (!(other instanceof SemVer)) {
      other = new SemVer(other, this.options)
    }

    // NOT having a prerelease is > having one
    if (this.prerelease.length && !other.prerelease.length) {
      return -1
    } else if (!this.prerelease.length && other.prerelease.length) {
      return 1
    } else if (!this.prerelease.length && !other.prerelease.length) {
      return 0
    }

    let i = 0
    do {
      const a = this.prerelease[i]
      const b = other.prerelease[i]
      debug('prerelease compare', i, a, b)
      if (a === undefined && b === undefined) {
        return 0
      } else if (b === undefined) {
        return 1
      } else if (a === undefined) {
        return -1
      } else if (a === b) {
        continue
      } else {
        return compareIdentifiers(a, b)
      }
    } while (++i)
  }

  compareBuild (other) {
    if (!(other instanceof SemVer)) {
      other = new SemVer(other, this.options)
    }

    let i = 0
    do {
      const a = this.build[i]
      const b = other.build[i]
      debug('build compare', i, a, b)
      if (a === undefined && b === undefined) {
        return 0
      } else if (b === undefined) {
        return 1
      } else if (a === undefined) {
        return -1
      } else if (a === b) {
        continue
      } else {
        return compareIdentifiers(a, b)
      }
    } while (++i)
  }

  // preminor will bump the version up to the next minor release, and immediately
  // down to pre-release. premajor and prepatch work the same way.
  inc (release, identifier, identifierBase) {
    if (release.startsWith('pre')) {
      if (!identifier && identifierBase === false) {
        throw new Error('invalid increment argument: identifier is empty')
      }
      // Avoid an invalid semver results
      if (identifier) {
        const match = `-${identifier}`.match(this.options.loose ? re[t.PRERELEASELOOSE] : re[t.PRERELEASE])
        if (!match || match[1] !== identifier) {
          throw new Error(`invalid identifier: ${identifier}`)
        }
      }
    }

    switch (release) {
      case 'premajor':
        this.prerelease.length = 0
        this.patch = 0
        this.minor = 0
        this.major++
        this.inc('pre', identifier, identifierBase)
        break
      case 'preminor':
        this.prerelease.length = 0
        this.patch = 0
        this.minor++
        this.inc('pre', identifier, identifierBase)
        break
      case 'prepatch':
        // If this is already a prerelease, it will bump to the next version
        // drop any prereleases that might already exist, since they are not
        // relevant at this point.
        this.prerelease.length = 0
        this.inc('patch', identifier, identifierBase)
        this.inc('pre', identifier, identifierBase)
        break
      // If the input is a non-prerelease version, this acts the same as
      // prepatch.
      case 'prerelease':
        if (this.prerelease.length === 0) {
          this.inc('patch', identifier, identifierBase)
        }
        this.inc('pre', identifier, identifierBase)
        break
      case 'release':
        if (this.prerelease.length === 0) {
          throw new Error(`version ${this.raw} is not a prerelease`)
        }
        this.prerelease.length = 0
        break

      case 'major':
        // If this is a pre-major version, bump up to the same major version.
        // Otherwise increment major.
        // 1.0.0-5 bumps to 1.0.0
        // 1.1.0 bumps to 2.0.0
        if (
          this.minor !== 0 ||
          this.patch !== 0 ||
          this.prerelease.length === 0
        ) {
          this.major++
        }
        this.minor = 0
        this.patch = 0
        this.prerelease = []
        break
      case 'minor':
        // If this is a pre-minor version, bump up to the same minor version.
        // Otherwise increment minor.
        // 1.2.0-5 bumps to 1.2.0
        // 1.2.1 bumps to 1.3.0
        if (this.patch !== 0 || this.prerelease.length === 0) {
          this.minor++
        }
        this.patch = 0
        this.prerelease = []
        break
      case 'patch':
        // If this is not a pre-release version, it will increment the patch.
        // If it is a pre-release it will bump up to the same patch version.
        // 1.2.0-5 patches to 1.2.0
        // 1.2.0 patches to 1.2.1
        if (this.prerelease.length === 0) {
          this.patch++
        }
        this.prerelease = []
        break
      // This probably shouldn't be used publicly.
      // 1.0.0 'pre' would become 1.0.0-0 which is the wrong direction.
      case 'pre': {
        const base = Number(identifierBase) ? 1 : 0

        if (this.prerelease.length === 0) {
          this.prerelease = [base]
        } else {
          let i = this.prerelease.length
          while (--i >= 0) {
            if (typeof this.prerelease[i] === 'number') {
              this.prerelease[i]++
              i = -2
            }
          }
          if (i === -1) {
            // didn't increment anything
            if (identifier === this.prerelease.join('.') && identifierBase === false) {
              throw new Error('invalid increment argument: identifier already exists')
            }
            this.prerelease.push(base)
          }
        }
        if (identifier) {
          // 1.2.0-beta.1 bumps to 1.2.0-beta.2,
          // 1.2.0-beta.fooblz or 1.2.0-beta bumps to 1.2.0-beta.0
          let prerelease = [identifier, base]
          if (identifierBase === false) {
            prerelease = [identifier]
          }
          if (isPrereleaseIdentifier(this.prerelease, identifier)) {
            const prereleaseBase = this.prerelease[identifier.split('.').length]
            if (isNaN(prereleaseBase)) {
              this.prerelease = prerelease
            }
          } else {
            this.prerelease = prerelease
          }
        }
        break
      }
      default:
        throw new Error(`invalid increment argument: ${release}`)
    }
    this.raw = this.format()
    if (this.build.length) {
      this.raw += `+${this.build.join('.')}`
    }
    return this
  }
}

module.exports = SemVer


/***/ }),

/***/ 1799:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const parse = __nccwpck_require__(6353)
const clean = (version, options) => {
  const s = parse(version.trim().replace(/^[=v]+/, ''), options)
  return s ? s.version : null
}
module.exports = clean


/***/ }),

/***/ 8646:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const eq = __nccwpck_require__(5082)
const neq = __nccwpck_require__(4974)
const gt = __nccwpck_require__(6599)
const gte = __nccwpck_require__(1236)
const lt = __nccwpck_require__(3872)
const lte = __nccwpck_require__(6717)

const cmp = (a, op, b, loose) => {
  switch (op) {
    case '===':
      if (typeof a === 'object') {
        a = a.version
      }
      if (typeof b === 'object') {
        b = b.version
      }
      return a === b

    case '!==':
      if (typeof a === 'object') {
        a = a.version
      }
      if (typeof b === 'object') {
        b = b.version
      }
      return a !== b

    case '':
    case '=':
    case '==':
      return eq(a, b, loose)

    case '!=':
      return neq(a, b, loose)

    case '>':
      return gt(a, b, loose)

    case '>=':
      return gte(a, b, loose)

    case '<':
      return lt(a, b, loose)

    case '<=':
      return lte(a, b, loose)

    default:
      throw new TypeError(`Invalid operator: ${op}`)
  }
}
module.exports = cmp


/***/ }),

/***/ 5385:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const SemVer = __nccwpck_require__(7163)
const parse = __nccwpck_require__(6353)
const { safeRe: re, t } = __nccwpck_require__(5471)

const coerce = (version, options) => {
  if (version instanceof SemVer) {
    return version
  }

  if (typeof version === 'number') {
    version = String(version)
  }

  if (typeof version !== 'string') {
    return null
  }

  options = options || {}

  let match = null
  if (!options.rtl) {
    match = version.match(options.includePrerelease ? re[t.COERCEFULL] : re[t.COERCE])
  } else {
    // Find the right-most coercible string that does not share
    // a terminus with a more left-ward coercible string.
    // Eg, '1.2.3.4' wants to coerce '2.3.4', not '3.4' or '4'
    // With includePrerelease option set, '1.2.3.4-rc' wants to coerce '2.3.4-rc', not '2.3.4'
    //
    // Walk through the string checking with a /g regexp
    // Manually set the index so as to pick up overlapping matches.
    // Stop when we get a match that ends at the string end, since no
    // coercible string can be more right-ward without the same terminus.
    const coerceRtlRegex = options.includePrerelease ? re[t.COERCERTLFULL] : re[t.COERCERTL]
    let next
    while ((next = coerceRtlRegex.exec(version)) &&
        (!match || match.index + match[0].length !== version.length)
    ) {
      if (!match ||
            next.index + next[0].length !== match.index + match[0].length) {
        match = next
      }
      coerceRtlRegex.lastIndex = next.index + next[1].length + next[2].length
    }
    // leave it in a clean state
    coerceRtlRegex.lastIndex = -1
  }

  if (match === null) {
    return null
  }

  const major = match[2]
  const minor = match[3] || '0'
  const patch = match[4] || '0'
  const prerelease = options.includePrerelease && match[5] ? `-${match[5]}` : ''
  const build = options.includePrerelease && match[6] ? `+${match[6]}` : ''

  return parse(`${major}.${minor}.${patch}${prerelease}${build}`, options)
}
module.exports = coerce


/***/ }),

/***/ 7648:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const SemVer = __nccwpck_require__(7163)
const compareBuild = (a, b, loose) => {
  const versionA = new SemVer(a, loose)
  const versionB = new SemVer(b, loose)
  return versionA.compare(versionB) || versionA.compareBuild(versionB)
}
module.exports = compareBuild


/***/ }),

/***/ 6874:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const compare = __nccwpck_require__(8469)
const compareLoose = (a, b) => compare(a, b, true)
module.exports = compareLoose


/***/ }),

/***/ 8469:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const SemVer = __nccwpck_require__(7163)
const compare = (a, b, loose) =>
  new SemVer(a, loose).compare(new SemVer(b, loose))

module.exports = compare


/***/ }),

/***/ 711:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const parse = __nccwpck_require__(6353)

const diff = (version1, version2) => {
  const v1 = parse(version1, null, true)
  const v2 = parse(version2, null, true)
  const comparison = v1.compare(v2)

  if (comparison === 0) {
    return null
  }

  const v1Higher = comparison > 0
  const highVersion = v1Higher ? v1 : v2
  const lowVersion = v1Higher ? v2 : v1
  const highHasPre = !!highVersion.prerelease.length
  const lowHasPre = !!lowVersion.prerelease.length

  if (lowHasPre && !highHasPre) {
    // Going from prerelease -> no prerelease requires some special casing

    // If the low version has only a major, then it will always be a major
    // Some examples:
    // 1.0.0-1 -> 1.0.0
    // 1.0.0-1 -> 1.1.1
    // 1.0.0-1 -> 2.0.0
    if (!lowVersion.patch && !lowVersion.minor) {
      return 'major'
    }

    // If the main part has no difference
    if (lowVersion.compareMain(highVersion) === 0) {
      if (lowVersion.minor && !lowVersion.patch) {
        return 'minor'
      }
      return 'patch'
    }
  }

  // add the `pre` prefix if we are going to a prerelease version
  const prefix = highHasPre ? 'pre' : ''

  if (v1.major !== v2.major) {
    return prefix + 'major'
  }

  if (v1.minor !== v2.minor) {
    return prefix + 'minor'
  }

  if (v1.patch !== v2.patch) {
    return prefix + 'patch'
  }

  // high and low are prereleases
  return 'prerelease'
}

module.exports = diff


/***/ }),

/***/ 5082:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const compare = __nccwpck_require__(8469)
const eq = (a, b, loose) => compare(a, b, loose) === 0
module.exports = eq


/***/ }),

/***/ 6599:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const compare = __nccwpck_require__(8469)
const gt = (a, b, loose) => compare(a, b, loose) > 0
module.exports = gt


/***/ }),

/***/ 1236:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const compare = __nccwpck_require__(8469)
const gte = (a, b, loose) => compare(a, b, loose) >= 0
module.exports = gte


/***/ }),

/***/ 2338:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const SemVer = __nccwpck_require__(7163)

const inc = (version, release, options, identifier, identifierBase) => {
  if (typeof (options) === 'string') {
    identifierBase = identifier
    identifier = options
    options = undefined
  }

  try {
    return new SemVer(
      version instanceof SemVer ? version.version : version,
      options
    ).inc(release, identifier, identifierBase).version
  } catch (er) {
    return null
  }
}
module.exports = inc


/***/ }),

/***/ 3872:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const compare = __nccwpck_require__(8469)
const lt = (a, b, loose) => compare(a, b, loose) < 0
module.exports = lt


/***/ }),

/***/ 6717:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const compare = __nccwpck_require__(8469)
const lte = (a, b, loose) => compare(a, b, loose) <= 0
module.exports = lte


/***/ }),

/***/ 8511:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const SemVer = __nccwpck_require__(7163)
const major = (a, loose) => new SemVer(a, loose).major
module.exports = major


/***/ }),

/***/ 2603:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const SemVer = __nccwpck_require__(7163)
const minor = (a, loose) => new SemVer(a, loose).minor
module.exports = minor


/***/ }),

/***/ 4974:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const compare = __nccwpck_require__(8469)
const neq = (a, b, loose) => compare(a, b, loose) !== 0
module.exports = neq


/***/ }),

/***/ 6353:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const SemVer = __nccwpck_require__(7163)
const parse = (version, options, throwErrors = false) => {
  if (version instanceof SemVer) {
    return version
  }
  try {
    return new SemVer(version, options)
  } catch (er) {
    if (!throwErrors) {
      return null
    }
    throw er
  }
}

module.exports = parse


/***/ }),

/***/ 8756:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const SemVer = __nccwpck_require__(7163)
const patch = (a, loose) => new SemVer(a, loose).patch
module.exports = patch


/***/ }),

/***/ 5714:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const parse = __nccwpck_require__(6353)
const prerelease = (version, options) => {
  const parsed = parse(version, options)
  return (parsed && parsed.prerelease.length) ? parsed.prerelease : null
}
module.exports = prerelease


/***/ }),

/***/ 2173:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const compare = __nccwpck_require__(8469)
const rcompare = (a, b, loose) => compare(b, a, loose)
module.exports = rcompare


/***/ }),

/***/ 7192:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const compareBuild = __nccwpck_require__(7648)
const rsort = (list, loose) => list.sort((a, b) => compareBuild(b, a, loose))
module.exports = rsort


/***/ }),

/***/ 8011:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const Range = __nccwpck_require__(6782)
const satisfies = (version, range, options) => {
  try {
    range = new Range(range, options)
  } catch (er) {
    return false
  }
  return range.test(version)
}
module.exports = satisfies


/***/ }),

/***/ 9872:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const compareBuild = __nccwpck_require__(7648)
const sort = (list, loose) => list.sort((a, b) => compareBuild(a, b, loose))
module.exports = sort


/***/ }),

/***/ 6114:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const parse = __nccwpck_require__(6353)
const constants = __nccwpck_require__(5101)
const SemVer = __nccwpck_require__(7163)

const truncate = (version, truncation, options) => {
  if (!constants.RELEASE_TYPES.includes(truncation)) {
    return null
  }

  const clonedVersion = cloneInputVersion(version, options)
  return clonedVersion && doTruncation(clonedVersion, truncation)
}

const cloneInputVersion = (version, options) => {
  const versionStringToParse = (
    version instanceof SemVer ? version.version : version
  )

  return parse(versionStringToParse, options)
}

const doTruncation = (version, truncation) => {
  if (isPrerelease(truncation)) {
    return version.version
  }

  version.prerelease = []

  switch (truncation) {
    case 'major':
      version.minor = 0
      version.patch = 0
      break
    case 'minor':
      version.patch = 0
      break
  }

  return version.format()
}

const isPrerelease = (type) => {
  return type.startsWith('pre')
}

module.exports = truncate


/***/ }),

/***/ 8780:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const parse = __nccwpck_require__(6353)
const valid = (version, options) => {
  const v = parse(version, options)
  return v ? v.version : null
}
module.exports = valid


/***/ }),

/***/ 2088:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



// just pre-load all the stuff that index.js lazily exports
const internalRe = __nccwpck_require__(5471)
const constants = __nccwpck_require__(5101)
const SemVer = __nccwpck_require__(7163)
const identifiers = __nccwpck_require__(3348)
const parse = __nccwpck_require__(6353)
const valid = __nccwpck_require__(8780)
const clean = __nccwpck_require__(1799)
const inc = __nccwpck_require__(2338)
const diff = __nccwpck_require__(711)
const major = __nccwpck_require__(8511)
const minor = __nccwpck_require__(2603)
const patch = __nccwpck_require__(8756)
const prerelease = __nccwpck_require__(5714)
const compare = __nccwpck_require__(8469)
const rcompare = __nccwpck_require__(2173)
const compareLoose = __nccwpck_require__(6874)
const compareBuild = __nccwpck_require__(7648)
const sort = __nccwpck_require__(9872)
const rsort = __nccwpck_require__(7192)
const gt = __nccwpck_require__(6599)
const lt = __nccwpck_require__(3872)
const eq = __nccwpck_require__(5082)
const neq = __nccwpck_require__(4974)
const gte = __nccwpck_require__(1236)
const lte = __nccwpck_require__(6717)
const cmp = __nccwpck_require__(8646)
const coerce = __nccwpck_require__(5385)
const truncate = __nccwpck_require__(6114)
const Comparator = __nccwpck_require__(9379)
const Range = __nccwpck_require__(6782)
const satisfies = __nccwpck_require__(8011)
const toComparators = __nccwpck_require__(4750)
const maxSatisfying = __nccwpck_require__(3193)
const minSatisfying = __nccwpck_require__(8595)
const minVersion = __nccwpck_require__(1866)
const validRange = __nccwpck_require__(4737)
const outside = __nccwpck_require__(280)
const gtr = __nccwpck_require__(2276)
const ltr = __nccwpck_require__(5213)
const intersects = __nccwpck_require__(3465)
const simplifyRange = __nccwpck_require__(2028)
const subset = __nccwpck_require__(1489)
module.exports = {
  parse,
  valid,
  clean,
  inc,
  diff,
  major,
  minor,
  patch,
  prerelease,
  compare,
  rcompare,
  compareLoose,
  compareBuild,
  sort,
  rsort,
  gt,
  lt,
  eq,
  neq,
  gte,
  lte,
  cmp,
  coerce,
  truncate,
  Comparator,
  Range,
  satisfies,
  toComparators,
  maxSatisfying,
  minSatisfying,
  minVersion,
  validRange,
  outside,
  gtr,
  ltr,
  intersects,
  simplifyRange,
  subset,
  SemVer,
  re: internalRe.re,
  src: internalRe.src,
  tokens: internalRe.t,
  SEMVER_SPEC_VERSION: constants.SEMVER_SPEC_VERSION,
  RELEASE_TYPES: constants.RELEASE_TYPES,
  compareIdentifiers: identifiers.compareIdentifiers,
  rcompareIdentifiers: identifiers.rcompareIdentifiers,
}


/***/ }),

/***/ 5101:
/***/ ((module) => {



// Note: this is the semver.org version of the spec that it implements
// Not necessarily the package version of this code.
const SEMVER_SPEC_VERSION = '2.0.0'

const MAX_LENGTH = 256
const MAX_SAFE_INTEGER = Number.MAX_SAFE_INTEGER ||
/* istanbul ignore next */ 9007199254740991

// Max safe segment length for coercion.
const MAX_SAFE_COMPONENT_LENGTH = 16

// Max safe length for a build identifier. The max length minus 6 characters for
// the shortest version with a build 0.0.0+BUILD.
const MAX_SAFE_BUILD_LENGTH = MAX_LENGTH - 6

// ECMAScript whitespace and line terminators matched by \s.
const WHITESPACE_CHARACTERS = [
  '\t',
  '\n',
  '\v',
  '\f',
  '\r',
  ' ',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u2001',
  '\u2002',
  '\u2003',
  '\u2004',
  '\u2005',
  '\u2006',
  '\u2007',
  '\u2008',
  '\u2009',
  '\u200a',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
]

const RELEASE_TYPES = [
  'major',
  'premajor',
  'minor',
  'preminor',
  'patch',
  'prepatch',
  'prerelease',
]

module.exports = {
  MAX_LENGTH,
  MAX_SAFE_COMPONENT_LENGTH,
  MAX_SAFE_BUILD_LENGTH,
  MAX_SAFE_INTEGER,
  WHITESPACE_CHARACTERS,
  RELEASE_TYPES,
  SEMVER_SPEC_VERSION,
  FLAG_INCLUDE_PRERELEASE: 0b001,
  FLAG_LOOSE: 0b010,
}


/***/ }),

/***/ 1159:
/***/ ((module) => {



const debug = (
  typeof process === 'object' &&
  process.env &&
  process.env.NODE_DEBUG &&
  /\bsemver\b/i.test(process.env.NODE_DEBUG)
) ? (...args) => console.error('SEMVER', ...args)
  : () => {}

module.exports = debug


/***/ }),

/***/ 3348:
/***/ ((module) => {



const numeric = /^[0-9]+$/
const compareIdentifiers = (a, b) => {
  if (typeof a === 'number' && typeof b === 'number') {
    return a === b ? 0 : a < b ? -1 : 1
  }

  const anum = numeric.test(a)
  const bnum = numeric.test(b)

  if (anum && bnum) {
    a = +a
    b = +b
  }

  return a === b ? 0
    : (anum && !bnum) ? -1
    : (bnum && !anum) ? 1
    : a < b ? -1
    : 1
}

const rcompareIdentifiers = (a, b) => compareIdentifiers(b, a)

module.exports = {
  compareIdentifiers,
  rcompareIdentifiers,
}


/***/ }),

/***/ 1383:
/***/ ((module) => {



class LRUCache {
  constructor () {
    this.max = 1000
    this.map = new Map()
  }

  get (key) {
    const value = this.map.get(key)
    if (value === undefined) {
      return undefined
    } else {
      // Remove the key from the map and add it to the end
      this.map.delete(key)
      this.map.set(key, value)
      return value
    }
  }

  delete (key) {
    return this.map.delete(key)
  }

  set (key, value) {
    const deleted = this.delete(key)

    if (!deleted && value !== undefined) {
      // If cache is full, delete the least recently used item
      if (this.map.size >= this.max) {
        const firstKey = this.map.keys().next().value
        this.delete(firstKey)
      }

      this.map.set(key, value)
    }

    return this
  }
}

module.exports = LRUCache


/***/ }),

/***/ 356:
/***/ ((module) => {



// parse out just the options we care about
const looseOption = Object.freeze({ loose: true })
const emptyOpts = Object.freeze({ })
const parseOptions = options => {
  if (!options) {
    return emptyOpts
  }

  if (typeof options !== 'object') {
    return looseOption
  }

  return options
}
module.exports = parseOptions


/***/ }),

/***/ 5471:
/***/ ((module, exports, __nccwpck_require__) => {



const {
  MAX_SAFE_COMPONENT_LENGTH,
  MAX_SAFE_BUILD_LENGTH,
  MAX_LENGTH,
} = __nccwpck_require__(5101)
const debug = __nccwpck_require__(1159)
exports = module.exports = {}

// The actual regexps go on exports.re
const re = exports.re = []
const safeRe = exports.safeRe = []
const src = exports.src = []
const safeSrc = exports.safeSrc = []
const t = exports.t = {}
let R = 0

const LETTERDASHNUMBER = '[a-zA-Z0-9-]'

// Replace some greedy regex tokens to prevent regex dos issues. These regex are
// used internally via the safeRe object since all inputs in this library get
// normalized first to trim and collapse all extra whitespace. The original
// regexes are exported for userland consumption and lower level usage. A
// future breaking change could export the safer regex only with a note that
// all input should have extra whitespace removed.
const safeRegexReplacements = [
  ['\\s', 1],
  ['\\d', MAX_LENGTH],
  [LETTERDASHNUMBER, MAX_SAFE_BUILD_LENGTH],
]

const makeSafeRegex = (value) => {
  for (const [token, max] of safeRegexReplacements) {
    value = value
      .split(`${token}*`).join(`${token}{0,${max}}`)
      .split(`${token}+`).join(`${token}{1,${max}}`)
  }
  return value
}

const createToken = (name, value, isGlobal) => {
  const safe = makeSafeRegex(value)
  const index = R++
  debug(name, index, value)
  t[name] = index
  src[index] = value
  safeSrc[index] = safe
  re[index] = new RegExp(value, isGlobal ? 'g' : undefined)
  safeRe[index] = new RegExp(safe, isGlobal ? 'g' : undefined)
}

// The following Regular Expressions can be used for tokenizing,
// validating, and parsing SemVer version strings.

// ## Numeric Identifier
// A single `0`, or a non-zero digit followed by zero or more digits.

createToken('NUMERICIDENTIFIER', '0|[1-9]\\d*')
createToken('NUMERICIDENTIFIERLOOSE', '\\d+')

// ## Non-numeric Identifier
// Zero or more digits, followed by a letter or hyphen, and then zero or
// more letters, digits, or hyphens.

createToken('NONNUMERICIDENTIFIER', `\\d*[a-zA-Z-]${LETTERDASHNUMBER}*`)

// ## Main Version
// Three dot-separated numeric identifiers.

createToken('MAINVERSION', `(${src[t.NUMERICIDENTIFIER]})\\.` +
                   `(${src[t.NUMERICIDENTIFIER]})\\.` +
                   `(${src[t.NUMERICIDENTIFIER]})`)

createToken('MAINVERSIONLOOSE', `(${src[t.NUMERICIDENTIFIERLOOSE]})\\.` +
                        `(${src[t.NUMERICIDENTIFIERLOOSE]})\\.` +
                        `(${src[t.NUMERICIDENTIFIERLOOSE]})`)

// ## Pre-release Version Identifier
// A numeric identifier, or a non-numeric identifier.
// Non-numeric identifiers include numeric identifiers but can be longer.
// Therefore non-numeric identifiers must go first.

createToken('PRERELEASEIDENTIFIER', `(?:${src[t.NONNUMERICIDENTIFIER]
}|${src[t.NUMERICIDENTIFIER]})`)

createToken('PRERELEASEIDENTIFIERLOOSE', `(?:${src[t.NONNUMERICIDENTIFIER]
}|${src[t.NUMERICIDENTIFIERLOOSE]})`)

// ## Pre-release Version
// Hyphen, followed by one or more dot-separated pre-release version
// identifiers.

createToken('PRERELEASE', `(?:-(${src[t.PRERELEASEIDENTIFIER]
}(?:\\.${src[t.PRERELEASEIDENTIFIER]})*))`)

createToken('PRERELEASELOOSE', `(?:-?(${src[t.PRERELEASEIDENTIFIERLOOSE]
}(?:\\.${src[t.PRERELEASEIDENTIFIERLOOSE]})*))`)

// ## Build Metadata Identifier
// Any combination of digits, letters, or hyphens.

createToken('BUILDIDENTIFIER', `${LETTERDASHNUMBER}+`)

// ## Build Metadata
// Plus sign, followed by one or more period-separated build metadata
// identifiers.

createToken('BUILD', `(?:\\+(${src[t.BUILDIDENTIFIER]
}(?:\\.${src[t.BUILDIDENTIFIER]})*))`)

// ## Full Version String
// A main version, followed optionally by a pre-release version and
// build metadata.

// Note that the only major, minor, patch, and pre-release sections of
// the version string are capturing groups.  The build metadata is not a
// capturing group, because it should not ever be used in version
// comparison.

createToken('FULLPLAIN', `v?${src[t.MAINVERSION]
}${src[t.PRERELEASE]}?${
  src[t.BUILD]}?`)

createToken('FULL', `^${src[t.FULLPLAIN]}$`)

// like full, but allows v1.2.3 and =1.2.3, which people do sometimes.
// also, 1.0.0alpha1 (prerelease without the hyphen) which is pretty
// common in the npm registry.
createToken('LOOSEPLAIN', `[v=\\s]*${src[t.MAINVERSIONLOOSE]
}${src[t.PRERELEASELOOSE]}?${
  src[t.BUILD]}?`)

createToken('LOOSE', `^${src[t.LOOSEPLAIN]}$`)

createToken('GTLT', '((?:<|>)?=?)')

// Something like "2.*" or "1.2.x".
// Note that "x.x" is a valid xRange identifier, meaning "any version"
// Only the first item is strictly required.
createToken('XRANGEIDENTIFIERLOOSE', `${src[t.NUMERICIDENTIFIERLOOSE]}|x|X|\\*`)
createToken('XRANGEIDENTIFIER', `${src[t.NUMERICIDENTIFIER]}|x|X|\\*`)

createToken('XRANGEPLAIN', `[v=\\s]*(${src[t.XRANGEIDENTIFIER]})` +
                   `(?:\\.(${src[t.XRANGEIDENTIFIER]})` +
                   `(?:\\.(${src[t.XRANGEIDENTIFIER]})` +
                   `(?:${src[t.PRERELEASE]})?${
                     src[t.BUILD]}?` +
                   `)?)?`)

createToken('XRANGEPLAINLOOSE', `[v=\\s]*(${src[t.XRANGEIDENTIFIERLOOSE]})` +
                        `(?:\\.(${src[t.XRANGEIDENTIFIERLOOSE]})` +
                        `(?:\\.(${src[t.XRANGEIDENTIFIERLOOSE]})` +
                        `(?:${src[t.PRERELEASELOOSE]})?${
                          src[t.BUILD]}?` +
                        `)?)?`)

createToken('XRANGE', `^${src[t.GTLT]}\\s*${src[t.XRANGEPLAIN]}$`)
createToken('XRANGELOOSE', `^${src[t.GTLT]}\\s*${src[t.XRANGEPLAINLOOSE]}$`)

// Coercion.
// Extract anything that could conceivably be a part of a valid semver
createToken('COERCEPLAIN', `${'(^|[^\\d])' +
              '(\\d{1,'}${MAX_SAFE_COMPONENT_LENGTH}})` +
              `(?:\\.(\\d{1,${MAX_SAFE_COMPONENT_LENGTH}}))?` +
              `(?:\\.(\\d{1,${MAX_SAFE_COMPONENT_LENGTH}}))?`)
createToken('COERCE', `${src[t.COERCEPLAIN]}(?:$|[^\\d])`)
createToken('COERCEFULL', src[t.COERCEPLAIN] +
              `(?:${src[t.PRERELEASE]})?` +
              `(?:${src[t.BUILD]})?` +
              `(?:$|[^\\d])`)
createToken('COERCERTL', src[t.COERCE], true)
createToken('COERCERTLFULL', src[t.COERCEFULL], true)

// Tilde ranges.
// Meaning is "reasonably at or greater than"
createToken('LONETILDE', '(?:~>?)')

createToken('TILDETRIM', `(\\s*)${src[t.LONETILDE]}\\s+`, true)
exports.tildeTrimReplace = '$1~'

createToken('TILDE', `^${src[t.LONETILDE]}${src[t.XRANGEPLAIN]}$`)
createToken('TILDELOOSE', `^${src[t.LONETILDE]}${src[t.XRANGEPLAINLOOSE]}$`)

// Caret ranges.
// Meaning is "at least and backwards compatible with"
createToken('LONECARET', '(?:\\^)')

createToken('CARETTRIM', `(\\s*)${src[t.LONECARET]}\\s+`, true)
exports.caretTrimReplace = '$1^'

createToken('CARET', `^${src[t.LONECARET]}${src[t.XRANGEPLAIN]}$`)
createToken('CARETLOOSE', `^${src[t.LONECARET]}${src[t.XRANGEPLAINLOOSE]}$`)

// A simple gt/lt/eq thing, or just "" to indicate "any version"
createToken('COMPARATORLOOSE', `^${src[t.GTLT]}\\s*(${src[t.LOOSEPLAIN]})$|^$`)
createToken('COMPARATOR', `^${src[t.GTLT]}\\s*(${src[t.FULLPLAIN]})$|^$`)

// An expression to strip any whitespace between the gtlt and the thing
// it modifies, so that `> 1.2.3` ==> `>1.2.3`
createToken('COMPARATORTRIM', `(\\s*)${src[t.GTLT]
}\\s*(${src[t.LOOSEPLAIN]}|${src[t.XRANGEPLAIN]})`, true)
exports.comparatorTrimReplace = '$1$2$3'

// Something like `1.2.3 - 1.2.4`
// Note that these all use the loose form, because they'll be
// checked against either the strict or loose comparator form
// later.
createToken('HYPHENRANGE', `^\\s*(${src[t.XRANGEPLAIN]})` +
                   `\\s+-\\s+` +
                   `(${src[t.XRANGEPLAIN]})` +
                   `\\s*$`)

createToken('HYPHENRANGELOOSE', `^\\s*(${src[t.XRANGEPLAINLOOSE]})` +
                        `\\s+-\\s+` +
                        `(${src[t.XRANGEPLAINLOOSE]})` +
                        `\\s*$`)

// Star ranges basically just allow anything at all.
createToken('STAR', '(<|>)?=?\\s*\\*')
// >=0.0.0 is like a star
createToken('GTE0', '^\\s*>=\\s*0\\.0\\.0\\s*$')
createToken('GTE0PRE', '^\\s*>=\\s*0\\.0\\.0-0\\s*$')


/***/ }),

/***/ 9737:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

// @ts-check


// Reproduce safeRe[COMPARATORTRIM] replacement boundaries, not version
// validation. Each end-index finder returns an exclusive end, or its start
// on no match.
// Positions count from zero. An end of 3 means characters 0, 1, and 2 were read;
// range.slice(start, end) gives the matched text, not a converted number.
const {
  MAX_LENGTH,
  MAX_SAFE_BUILD_LENGTH,
  WHITESPACE_CHARACTERS,
} = __nccwpck_require__(5101)

/**
 * Remembers the last two rows of digits so their characters need not be reread.
 * Positions start at -1 until a row has been found.
 *
 * @typedef {object} DigitRunCache
 * @property {number} start The first character of the most recently found row.
 * @property {number} end The position after that row's last character.
 * @property {number} previousStart The first character of the previous row.
 * @property {number} previousEnd The position after the previous row.
 */

// One entry per UTF-16 code unit keeps membership checks constant-time.
const whitespace = new Uint8Array(0x10000)
for (const char of WHITESPACE_CHARACTERS) {
  whitespace[char.charCodeAt(0)] = 1
}

/**
 * Checks whether a character is whitespace, like a space, tab, or newline.
 * Looking past the end of the string returns false.
 *
 * @param {string|undefined} char One character, or undefined past the string's end.
 * @returns {boolean} Whether the character is whitespace.
 * @example isWhitespace(' ') // true
 * @example isWhitespace('1') // false
 */
const isWhitespace = char =>
  char !== undefined && whitespace[char.charCodeAt(0)] === 1

/**
 * Checks for v, =, or whitespace before the version number.
 * These are historical version prefixes, not range operators:
 * < and > are handled separately, as are tilde and caret ranges.
 *
 * @param {string|undefined} char One character to check.
 * @returns {boolean} Whether the character can belong to a version prefix.
 * @example isVersionPrefix('=') // true
 * @example isVersionPrefix('>') // false
 */
const isVersionPrefix = char =>
  char === 'v' ||
  char === '=' ||
  isWhitespace(char)

/**
 * Checks whether a character is one of the digits 0 through 9.
 *
 * @param {string|undefined} char One character to check.
 * @returns {boolean} Whether the character is an ASCII digit.
 * @example isDigit('7') // true
 * @example isDigit('.') // false
 */
const isDigit = char => char !== undefined && char >= '0' && char <= '9'

/**
 * Checks whether a character is an English letter, uppercase or lowercase.
 *
 * @param {string|undefined} char One character to check.
 * @returns {boolean} Whether the character is an ASCII letter.
 * @example isLetter('b') // true
 * @example isLetter('7') // false
 */
const isLetter = char =>
  char !== undefined && (
    (char >= 'a' && char <= 'z') ||
    (char >= 'A' && char <= 'Z')
  )

/**
 * Checks for a letter, digit, or hyphen: the characters allowed inside
 * prerelease and build names such as beta-1.
 *
 * @param {string|undefined} char One character to check.
 * @returns {boolean} Whether the character can be part of an identifier.
 * @example isIdentifierCharacter('-') // true
 * @example isIdentifierCharacter('.') // false; dots separate identifiers
 */
const isIdentifierCharacter = char => isDigit(char) || isLetter(char) || char === '-'

/**
 * Checks whether a version component can begin here: with a digit or
 * a wildcard such as x, X, or *.
 *
 * @param {string|undefined} char One character to check.
 * @returns {boolean} Whether a number or wildcard can start with this character.
 * @example isVersionStart('x') // true
 * @example isVersionStart('v') // false; v belongs to the prefix
 */
const isVersionStart = char =>
  isDigit(char) ||
  char === 'x' ||
  char === 'X' ||
  char === '*'

/**
 * Finds the end of a row of digits, but returns no more than limit digits.
 * Remembers the last two rows so looking at them again does not reread them.
 *
 * @param {string} range The text to read; it is not changed.
 * @param {number} start The position of the first character to check.
 * @param {number} limit The most digit characters the returned match can include.
 * @param {DigitRunCache} digitRuns Shared cache of digit-run positions, updated in place.
 * @returns {number} The position after the matched digits, or start if none match.
 * @example findDigitsEndIndex('123abc', 0, 10, digitRuns) // 3, pointing at a
 * @example findDigitsEndIndex('123abc', 0, 2, digitRuns) // 2, pointing at the unread 3
 */
const findDigitsEndIndex = (range, start, limit, digitRuns) => {
  if (!isDigit(range[start])) {
    return start
  }
  if (start >= digitRuns.start && start < digitRuns.end) {
    return Math.min(start + limit, digitRuns.end)
  }
  if (start >= digitRuns.previousStart && start < digitRuns.previousEnd) {
    return Math.min(start + limit, digitRuns.previousEnd)
  }
  let end = start + 1
  while (isDigit(range[end])) {
    end++
  }
  // A failed full version can rewind from its second run to its first.
  digitRuns.previousStart = digitRuns.start
  digitRuns.previousEnd = digitRuns.end
  digitRuns.start = start
  digitRuns.end = end
  return Math.min(start + limit, end)
}

/**
 * Reads a number using the old regex's length and leading-zero rules.
 * Strict mode reads just the first zero in 012; loose mode can read all three.
 *
 * @param {string} range The text to read; it is not changed.
 * @param {number} start The position where the number should begin.
 * @param {boolean} loose Whether to allow leading zeros.
 * @param {DigitRunCache} digitRuns Shared digit-run cache, updated as needed.
 * @returns {number} The position after the matched digits, not their numeric value.
 * @example findVersionNumberEndIndex('012', 0, false, digitRuns) // 1
 * @example findVersionNumberEndIndex('012', 0, true, digitRuns) // 3
 */
const findVersionNumberEndIndex = (range, start, loose, digitRuns) => {
  if (!loose && range[start] === '0') {
    return start + 1
  }
  // Strict syntax allows an initial nonzero digit plus MAX_LENGTH digits.
  return findDigitsEndIndex(range, start, loose ? MAX_LENGTH : MAX_LENGTH + 1, digitRuns)
}

/**
 * Reads one piece of a prerelease name, such as beta or 1 in beta.1.
 * Tries the letter-or-hyphen form first, then the number-only form.
 *
 * @param {string} range The text to read; it is not changed.
 * @param {number} start The position where the identifier should begin.
 * @param {boolean} loose Whether numeric identifiers may have leading zeros.
 * @param {DigitRunCache} digitRuns Shared digit-run cache, updated as needed.
 * @returns {number} The position after the identifier, or start if none matches.
 * @example findPrereleaseIdentifierEndIndex('beta.1', 0, false, digitRuns) // 4, at the dot
 * @example findPrereleaseIdentifierEndIndex('001beta', 0, false, digitRuns) // 7
 */
const findPrereleaseIdentifierEndIndex = (range, start, loose, digitRuns) => {
  const digitsEnd = findDigitsEndIndex(range, start, MAX_LENGTH, digitRuns)
  // The legacy regex tries a nonnumeric identifier before a numeric one.
  if (isLetter(range[digitsEnd]) || range[digitsEnd] === '-') {
    let end = digitsEnd + 1
    const limit = end + MAX_SAFE_BUILD_LENGTH
    while (end < limit && isIdentifierCharacter(range[end])) {
      end++
    }
    return end
  }
  return findVersionNumberEndIndex(range, start, loose, digitRuns)
}

/**
 * Reads a prerelease suffix such as -beta.1, one dot-separated piece at a time.
 * Loose mode also allows the name without its opening hyphen.
 *
 * @param {string} range The text to read; it is not changed.
 * @param {number} start The position where the suffix should begin, including -.
 * @param {boolean} loose Whether the opening hyphen is optional and zeros allowed.
 * @param {DigitRunCache} digitRuns Shared digit-run cache, updated as needed.
 * @returns {number} The position after the matched suffix, or start if absent.
 * @example findPrereleaseEndIndex('-beta.1+sha', 0, false, digitRuns) // 7, at the plus
 * @example findPrereleaseEndIndex('beta', 0, false, digitRuns) // 0; no opening hyphen
 */
const findPrereleaseEndIndex = (range, start, loose, digitRuns) => {
  const hyphen = range[start] === '-'
  if (!loose && !hyphen) {
    return start
  }
  const identifierStart = start + (hyphen ? 1 : 0)
  let end = findPrereleaseIdentifierEndIndex(range, identifierStart, loose, digitRuns)
  if (end === identifierStart) {
    if (!loose || !hyphen) {
      return start
    }
    // In loose syntax, a lone hyphen can itself be the identifier.
    end = findPrereleaseIdentifierEndIndex(range, start, loose, digitRuns)
  }
  while (range[end] === '.') {
    const next = findPrereleaseIdentifierEndIndex(range, end + 1, loose, digitRuns)
    if (next === end + 1) {
      break
    }
    end = next
  }
  return end
}

/**
 * Reads one build-name piece, such as sha or 123 in +sha.123.
 * Stops at a disallowed character or the old regex's length limit.
 *
 * @param {string} range The text to read; it is not changed.
 * @param {number} start The position where the identifier should begin.
 * @returns {number} The position after the identifier, or start if none matches.
 * @example findBuildIdentifierEndIndex('sha.123', 0) // 3, at the dot
 * @example findBuildIdentifierEndIndex('001', 0) // 3; leading zeros are allowed
 */
const findBuildIdentifierEndIndex = (range, start) => {
  let end = start
  while (end - start < MAX_SAFE_BUILD_LENGTH && isIdentifierCharacter(range[end])) {
    end++
  }
  return end
}

/**
 * Reads optional build metadata such as +sha.123.
 * Leaves the position unchanged if there is no plus sign followed by a name.
 *
 * @param {string} range The text to read; it is not changed.
 * @param {number} start The position where the opening + should be.
 * @returns {number} The position after the matched metadata, or start if absent.
 * @example findBuildEndIndex('+sha.123 <2', 0) // 8, at the space
 * @example findBuildEndIndex('+', 0) // 0; a plus sign alone is not a match
 */
const findBuildEndIndex = (range, start) => {
  if (range[start] !== '+') {
    return start
  }
  let end = findBuildIdentifierEndIndex(range, start + 1)
  if (end === start + 1) {
    return start
  }
  while (range[end] === '.') {
    const next = findBuildIdentifierEndIndex(range, end + 1)
    if (next === end + 1) {
      break
    }
    end = next
  }
  return end
}

/**
 * Reads three numbers separated by dots, then any prerelease and build suffixes.
 * Uses loose rules, so forms such as 01.02.03beta can match here.
 *
 * @param {string} range The text to read; it is not changed.
 * @param {number} start The position of the first number, after any prefix.
 * @param {DigitRunCache} digitRuns Shared digit-run cache, updated as needed.
 * @returns {number} The position after the version match, or start if none matches.
 * @example findLooseFullVersionEndIndex('1.2.3-beta+sha <2', 0, digitRuns) // 14
 * @example findLooseFullVersionEndIndex('1.2', 0, digitRuns) // 0; needs three numbers
 */
const findLooseFullVersionEndIndex = (range, start, digitRuns) => {
  let end = start
  for (let component = 0; component < 3; component++) {
    const next = findVersionNumberEndIndex(range, end, true, digitRuns)
    if (next === end) {
      return start
    }
    end = next
    if (component < 2) {
      if (range[end] !== '.') {
        return start
      }
      end++
    }
  }
  const prereleaseEnd = findPrereleaseEndIndex(range, end, true, digitRuns)
  return findBuildEndIndex(range, prereleaseEnd)
}

/**
 * Reads one component of a partial or wildcard version, such as 2 or x in 2.x.
 * Numbers use strict leading-zero rules; wildcards take up one character.
 *
 * @param {string} range The text to read; it is not changed.
 * @param {number} start The position where the component should begin.
 * @param {DigitRunCache} digitRuns Shared digit-run cache, updated as needed.
 * @returns {number} The position after the component, or start if none matches.
 * @example findPartialVersionComponentEndIndex('2.x', 0, digitRuns) // 1, at the dot
 * @example findPartialVersionComponentEndIndex('2.x', 2, digitRuns) // 3, after x
 */
const findPartialVersionComponentEndIndex = (range, start, digitRuns) => {
  if (isDigit(range[start])) {
    return findVersionNumberEndIndex(range, start, false, digitRuns)
  }
  return isVersionStart(range[start]) ? start + 1 : start
}

/**
 * Reads up to three components, allowing forms such as 1, 1.2, or 1.x.
 * After the third component, also reads any strict prerelease and build suffixes.
 *
 * @param {string} range The text to read; it is not changed.
 * @param {number} start The position of a number or wildcard, after any prefix.
 * @param {DigitRunCache} digitRuns Shared digit-run cache, updated as needed.
 * @returns {number} The position after the matched version text.
 * @example findPartialVersionEndIndex('1.x <2', 0, digitRuns) // 3, at the space
 * @example findPartialVersionEndIndex('1.', 0, digitRuns) // 1; the trailing dot is unread
 */
const findPartialVersionEndIndex = (range, start, digitRuns) => {
  let end = findPartialVersionComponentEndIndex(range, start, digitRuns)
  for (let component = 0; component < 2; component++) {
    if (range[end] !== '.') {
      return end
    }
    const next = findPartialVersionComponentEndIndex(range, end + 1, digitRuns)
    if (next === end + 1) {
      return end
    }
    end = next
  }
  const prereleaseEnd = findPrereleaseEndIndex(range, end, false, digitRuns)
  return findBuildEndIndex(range, prereleaseEnd)
}

/**
 * Finds where a version match ends, without deciding whether the range is valid.
 * Tries a loose full version first, then a partial or wildcard version, just
 * like the old regex's LOOSEPLAIN and XRANGEPLAIN alternatives.
 *
 * @param {string} range The text to read; it is not changed.
 * @param {number} start The position of a number or wildcard, after any prefix.
 * @param {DigitRunCache} digitRuns Shared digit-run cache, updated as needed.
 * @returns {number} The position where scanning the next candidate can resume.
 * @example findVersionEndIndex('1.2.3 <2', 0, digitRuns) // 5, at the space
 * @example findVersionEndIndex('1.x <2', 0, digitRuns) // 3, at the space
 */
const findVersionEndIndex = (range, start, digitRuns) => {
  const fullVersionEnd = findLooseFullVersionEndIndex(range, start, digitRuns)
  return fullVersionEnd !== start
    ? fullVersionEnd
    : findPartialVersionEndIndex(range, start, digitRuns)
}

/**
 * Finds the one whitespace character the old replacement would remove.
 * Keeps leading whitespace, skips an optional operator, and checks immediately
 * after it. Returns -1 if there is nothing to remove.
 *
 * @param {string} range The text containing a candidate already found by the caller.
 * @param {number} matchStart The candidate's position, including leading whitespace.
 * @returns {number} The position of the removable whitespace, or -1 if absent.
 * @example findRemovableWhitespaceIndex(' > 1', 0) // 2; keep the space at position 0
 * @example findRemovableWhitespaceIndex('>1', 0) // -1
 */
const findRemovableWhitespaceIndex = (range, matchStart) => {
  let position = matchStart
  if (isWhitespace(range[position])) {
    position++
  }
  if (range[position] === '<' || range[position] === '>') {
    position++
  }
  if (range[position] === '=') {
    position++
  }
  return isWhitespace(range[position]) ? position : -1
}

/**
 * Joins an operator to its version, turning > 1.2.3 into >1.2.3.
 * Copies everything else according to the old regex's matching rules.
 * Moves forward through prefixes and whole versions to avoid repeatedly
 * searching the same characters on long inputs.
 *
 * @param {string} range The range text to process; the original string is unchanged.
 * @returns {string} The range with matched operator whitespace removed.
 * @example trimComparatorWhitespace('> 1.2.3 < 2') // '>1.2.3 <2'
 * @example trimComparatorWhitespace('> invalid') // '> invalid'
 */
const trimComparatorWhitespace = range => {
  let result = ''
  let copyFrom = 0
  let cursor = 0
  const digitRuns = { start: -1, end: -1, previousStart: -1, previousEnd: -1 }

  while (cursor < range.length) {
    const matchStart = cursor
    if (range[cursor] === '<' || range[cursor] === '>') {
      cursor++
    } else if (!isVersionPrefix(range[cursor]) && !isVersionStart(range[cursor])) {
      cursor++
      continue
    }

    // Consume a v/=/whitespace run once, even when no version follows it.
    while (cursor < range.length && isVersionPrefix(range[cursor])) {
      cursor++
    }
    if (!isVersionStart(range[cursor])) {
      continue
    }

    const whitespacePosition = findRemovableWhitespaceIndex(range, matchStart)
    if (whitespacePosition !== -1) {
      result += range.slice(copyFrom, whitespacePosition)
      copyFrom = whitespacePosition + 1
    }

    // Skip the entire match, so a prerelease's trailing v cannot be
    // reconsidered as the prefix of another version.
    cursor = findVersionEndIndex(range, cursor, digitRuns)
  }

  return result + range.slice(copyFrom)
}

module.exports = trimComparatorWhitespace


/***/ }),

/***/ 2276:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



// Determine if version is greater than all the versions possible in the range.
const outside = __nccwpck_require__(280)
const gtr = (version, range, options) => outside(version, range, '>', options)
module.exports = gtr


/***/ }),

/***/ 3465:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const Range = __nccwpck_require__(6782)
const intersects = (r1, r2, options) => {
  r1 = new Range(r1, options)
  r2 = new Range(r2, options)
  return r1.intersects(r2, options)
}
module.exports = intersects


/***/ }),

/***/ 5213:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const outside = __nccwpck_require__(280)
// Determine if version is less than all the versions possible in the range
const ltr = (version, range, options) => outside(version, range, '<', options)
module.exports = ltr


/***/ }),

/***/ 3193:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const SemVer = __nccwpck_require__(7163)
const Range = __nccwpck_require__(6782)

const maxSatisfying = (versions, range, options) => {
  let max = null
  let maxSV = null
  let rangeObj = null
  try {
    rangeObj = new Range(range, options)
  } catch (er) {
    return null
  }
  versions.forEach((v) => {
    if (rangeObj.test(v)) {
      // satisfies(v, range, options)
      if (!max || maxSV.compare(v) === -1) {
        // compare(max, v, true)
        max = v
        maxSV = new SemVer(max, options)
      }
    }
  })
  return max
}
module.exports = maxSatisfying


/***/ }),

/***/ 8595:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const SemVer = __nccwpck_require__(7163)
const Range = __nccwpck_require__(6782)
const minSatisfying = (versions, range, options) => {
  let min = null
  let minSV = null
  let rangeObj = null
  try {
    rangeObj = new Range(range, options)
  } catch (er) {
    return null
  }
  versions.forEach((v) => {
    if (rangeObj.test(v)) {
      // satisfies(v, range, options)
      if (!min || minSV.compare(v) === 1) {
        // compare(min, v, true)
        min = v
        minSV = new SemVer(min, options)
      }
    }
  })
  return min
}
module.exports = minSatisfying


/***/ }),

/***/ 1866:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const SemVer = __nccwpck_require__(7163)
const Range = __nccwpck_require__(6782)
const gt = __nccwpck_require__(6599)

const minVersion = (range, loose) => {
  range = new Range(range, loose)

  let minver = new SemVer('0.0.0')
  if (range.test(minver)) {
    return minver
  }

  minver = new SemVer('0.0.0-0')
  if (range.test(minver)) {
    return minver
  }

  minver = null
  for (let i = 0; i < range.set.length; ++i) {
    const comparators = range.set[i]

    let setMin = null
    comparators.forEach((comparator) => {
      // Clone to avoid manipulating the comparator's semver object.
      const compver = new SemVer(comparator.semver.version)
      switch (comparator.operator) {
        case '>':
          if (compver.prerelease.length === 0) {
            compver.patch++
          } else {
            compver.prerelease.push(0)
          }
          compver.raw = compver.format()
          /* fallthrough */
        case '':
        case '>=':
          if (!setMin || gt(compver, setMin)) {
            setMin = compver
          }
          break
        case '<':
        case '<=':
          /* Ignore maximum versions */
          break
        /* istanbul ignore next */
        default:
          throw new Error(`Unexpected operation: ${comparator.operator}`)
      }
    })
    if (setMin && (!minver || gt(minver, setMin))) {
      minver = setMin
    }
  }

  if (minver && range.test(minver)) {
    return minver
  }

  return null
}
module.exports = minVersion


/***/ }),

/***/ 280:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const SemVer = __nccwpck_require__(7163)
const Comparator = __nccwpck_require__(9379)
const { ANY } = Comparator
const Range = __nccwpck_require__(6782)
const satisfies = __nccwpck_require__(8011)
const gt = __nccwpck_require__(6599)
const lt = __nccwpck_require__(3872)
const lte = __nccwpck_require__(6717)
const gte = __nccwpck_require__(1236)

const outside = (version, range, hilo, options) => {
  version = new SemVer(version, options)
  range = new Range(range, options)

  let gtfn, ltefn, ltfn, comp, ecomp
  switch (hilo) {
    case '>':
      gtfn = gt
      ltefn = lte
      ltfn = lt
      comp = '>'
      ecomp = '>='
      break
    case '<':
      gtfn = lt
      ltefn = gte
      ltfn = gt
      comp = '<'
      ecomp = '<='
      break
    default:
      throw new TypeError('Must provide a hilo val of "<" or ">"')
  }

  // If it satisfies the range it is not outside
  if (satisfies(version, range, options)) {
    return false
  }

  // From now on, variable terms are as if we're in "gtr" mode.
  // but note that everything is flipped for the "ltr" function.

  for (let i = 0; i < range.set.length; ++i) {
    const comparators = range.set[i]

    let high = null
    let low = null

    comparators.forEach((comparator) => {
      if (comparator.semver === ANY) {
        comparator = new Comparator('>=0.0.0')
      }
      high = high || comparator
      low = low || comparator
      if (gtfn(comparator.semver, high.semver, options)) {
        high = comparator
      } else if (ltfn(comparator.semver, low.semver, options)) {
        low = comparator
      }
    })

    // If the edge version comparator has a operator then our version
    // isn't outside it
    if (high.operator === comp || high.operator === ecomp) {
      return false
    }

    // If the lowest version comparator has an operator and our version
    // is less than it then it isn't higher than the range
    if ((!low.operator || low.operator === comp) &&
        ltefn(version, low.semver)) {
      return false
    } else if (low.operator === ecomp && ltfn(version, low.semver)) {
      return false
    }
  }
  return true
}

module.exports = outside


/***/ }),

/***/ 2028:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



// given a set of versions and a range, create a "simplified" range
// that includes the same versions that the original range does
// If the original range is shorter than the simplified one, return that.
const satisfies = __nccwpck_require__(8011)
const compare = __nccwpck_require__(8469)
module.exports = (versions, range, options) => {
  const set = []
  let first = null
  let prev = null
  const v = versions.sort((a, b) => compare(a, b, options))
  for (const version of v) {
    const included = satisfies(version, range, options)
    if (included) {
      prev = version
      if (!first) {
        first = version
      }
    } else {
      if (prev) {
        set.push([first, prev])
      }
      prev = null
      first = null
    }
  }
  if (first) {
    set.push([first, null])
  }

  const ranges = []
  for (const [min, max] of set) {
    if (min === max) {
      ranges.push(min)
    } else if (!max && min === v[0]) {
      ranges.push('*')
    } else if (!max) {
      ranges.push(`>=${min}`)
    } else if (min === v[0]) {
      ranges.push(`<=${max}`)
    } else {
      ranges.push(`${min} - ${max}`)
    }
  }
  const simplified = ranges.join(' || ')
  const original = typeof range.raw === 'string' ? range.raw : String(range)
  return simplified.length < original.length ? simplified : range
}


/***/ }),

/***/ 1489:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const Range = __nccwpck_require__(6782)
const Comparator = __nccwpck_require__(9379)
const { ANY } = Comparator
const satisfies = __nccwpck_require__(8011)
const compare = __nccwpck_require__(8469)

// Complex range `r1 || r2 || ...` is a subset of `R1 || R2 || ...` iff:
// - Every simple range `r1, r2, ...` is a null set, OR
// - Every simple range `r1, r2, ...` which is not a null set is a subset of
//   some `R1, R2, ...`
//
// Simple range `c1 c2 ...` is a subset of simple range `C1 C2 ...` iff:
// - If c is only the ANY comparator
//   - If C is only the ANY comparator, return true
//   - Else if in prerelease mode, return false
//   - else replace c with `[>=0.0.0]`
// - If C is only the ANY comparator
//   - if in prerelease mode, return true
//   - else replace C with `[>=0.0.0]`
// - Let EQ be the set of = comparators in c
// - If EQ is more than one, return true (null set)
// - Let GT be the highest > or >= comparator in c
// - Let LT be the lowest < or <= comparator in c
// - If GT and LT, and GT.semver > LT.semver, return true (null set)
// - If any C is a = range, and GT or LT are set, return false
// - If EQ
//   - If GT, and EQ does not satisfy GT, return true (null set)
//   - If LT, and EQ does not satisfy LT, return true (null set)
//   - If EQ satisfies every C, return true
//   - Else return false
// - If GT
//   - If GT.semver is lower than any > or >= comp in C, return false
//   - If GT is >=, and GT.semver does not satisfy every C, return false
//   - If GT.semver has a prerelease, and not in prerelease mode
//     - If no C has a prerelease and the GT.semver tuple, return false
// - If LT
//   - If LT.semver is greater than any < or <= comp in C, return false
//   - If LT is <=, and LT.semver does not satisfy every C, return false
//   - If LT.semver has a prerelease, and not in prerelease mode
//     - If no C has a prerelease and the LT.semver tuple, return false
// - Else return true

const subset = (sub, dom, options = {}) => {
  if (sub === dom) {
    return true
  }

  sub = new Range(sub, options)
  dom = new Range(dom, options)
  let sawNonNull = false

  OUTER: for (const simpleSub of sub.set) {
    for (const simpleDom of dom.set) {
      const isSub = simpleSubset(simpleSub, simpleDom, options)
      sawNonNull = sawNonNull || isSub !== null
      if (isSub) {
        continue OUTER
      }
    }
    // the null set is a subset of everything, but null simple ranges in
    // a complex range should be ignored.  so if we saw a non-null range,
    // then we know this isn't a subset, but if EVERY simple range was null,
    // then it is a subset.
    if (sawNonNull) {
      return false
    }
  }
  return true
}

const minimumVersionWithPreRelease = [new Comparator('>=0.0.0-0')]
const minimumVersion = [new Comparator('>=0.0.0')]

const simpleSubset = (sub, dom, options) => {
  if (sub === dom) {
    return true
  }

  if (sub.length === 1 && sub[0].semver === ANY) {
    if (dom.length === 1 && dom[0].semver === ANY) {
      return true
    } else if (options.includePrerelease) {
      sub = minimumVersionWithPreRelease
    } else {
      sub = minimumVersion
    }
  }

  if (dom.length === 1 && dom[0].semver === ANY) {
    if (options.includePrerelease) {
      return true
    } else {
      dom = minimumVersion
    }
  }

  const eqSet = new Set()
  let gt, lt
  for (const c of sub) {
    if (c.operator === '>' || c.operator === '>=') {
      gt = higherGT(gt, c, options)
    } else if (c.operator === '<' || c.operator === '<=') {
      lt = lowerLT(lt, c, options)
    } else {
      eqSet.add(c.semver)
    }
  }

  if (eqSet.size > 1) {
    return null
  }

  let gtltComp
  if (gt && lt) {
    gtltComp = compare(gt.semver, lt.semver, options)
    if (gtltComp > 0) {
      return null
    } else if (gtltComp === 0 && (gt.operator !== '>=' || lt.operator !== '<=')) {
      return null
    }
  }

  // will iterate one or zero times
  for (const eq of eqSet) {
    if (gt && !satisfies(eq, String(gt), options)) {
      return null
    }

    if (lt && !satisfies(eq, String(lt), options)) {
      return null
    }

    for (const c of dom) {
      if (!satisfies(eq, String(c), options)) {
        return false
      }
    }

    return true
  }

  let higher, lower
  let hasDomLT, hasDomGT
  // if the subset has a prerelease, we need a comparator in the superset
  // with the same tuple and a prerelease, or it's not a subset
  let needDomLTPre = lt &&
    !options.includePrerelease &&
    lt.semver.prerelease.length ? lt.semver : false
  let needDomGTPre = gt &&
    !options.includePrerelease &&
    gt.semver.prerelease.length ? gt.semver : false
  // exception: <1.2.3-0 is the same as <1.2.3
  if (needDomLTPre && needDomLTPre.prerelease.length === 1 &&
      lt.operator === '<' && needDomLTPre.prerelease[0] === 0) {
    needDomLTPre = false
  }

  for (const c of dom) {
    hasDomGT = hasDomGT || c.operator === '>' || c.operator === '>='
    hasDomLT = hasDomLT || c.operator === '<' || c.operator === '<='
    if (gt) {
      if (needDomGTPre) {
        if (c.semver.prerelease && c.semver.prerelease.length &&
            c.semver.major === needDomGTPre.major &&
            c.semver.minor === needDomGTPre.minor &&
            c.semver.patch === needDomGTPre.patch) {
          needDomGTPre = false
        }
      }
      if (c.operator === '>' || c.operator === '>=') {
        higher = higherGT(gt, c, options)
        if (higher === c && higher !== gt) {
          return false
        }
      } else if (gt.operator === '>=' && !c.test(gt.semver)) {
        return false
      }
    }
    if (lt) {
      if (needDomLTPre) {
        if (c.semver.prerelease && c.semver.prerelease.length &&
            c.semver.major === needDomLTPre.major &&
            c.semver.minor === needDomLTPre.minor &&
            c.semver.patch === needDomLTPre.patch) {
          needDomLTPre = false
        }
      }
      if (c.operator === '<' || c.operator === '<=') {
        lower = lowerLT(lt, c, options)
        if (lower === c && lower !== lt) {
          return false
        }
      } else if (lt.operator === '<=' && !c.test(lt.semver)) {
        return false
      }
    }
    if (!c.operator && (lt || gt) && gtltComp !== 0) {
      return false
    }
  }

  // if there was a < or >, and nothing in the dom, then must be false
  // UNLESS it was limited by another range in the other direction.
  // Eg, >1.0.0 <1.0.1 is still a subset of <2.0.0
  if (gt && hasDomLT && !lt && gtltComp !== 0) {
    return false
  }

  if (lt && hasDomGT && !gt && gtltComp !== 0) {
    return false
  }

  // we needed a prerelease range in a specific tuple, but didn't get one
  // then this isn't a subset.  eg >=1.2.3-pre is not a subset of >=1.0.0,
  // because it includes prereleases in the 1.2.3 tuple
  if (needDomGTPre || needDomLTPre) {
    return false
  }

  return true
}

// >=1.2.3 is lower than >1.2.3
const higherGT = (a, b, options) => {
  if (!a) {
    return b
  }
  const comp = compare(a.semver, b.semver, options)
  return comp > 0 ? a
    : comp < 0 ? b
    : b.operator === '>' && a.operator === '>=' ? b
    : a
}

// <=1.2.3 is higher than <1.2.3
const lowerLT = (a, b, options) => {
  if (!a) {
    return b
  }
  const comp = compare(a.semver, b.semver, options)
  return comp < 0 ? a
    : comp > 0 ? b
    : b.operator === '<' && a.operator === '<=' ? b
    : a
}

module.exports = subset


/***/ }),

/***/ 4750:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const Range = __nccwpck_require__(6782)

// Mostly just for testing and legacy API reasons
const toComparators = (range, options) =>
  new Range(range, options).set
    .map(comp => comp.map(c => c.value).join(' ').trim().split(' '))

module.exports = toComparators


/***/ }),

/***/ 4737:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const Range = __nccwpck_require__(6782)
const validRange = (range, options) => {
  try {
    // Return '*' instead of '' so that truthiness works.
    // This will throw if it's invalid anyway
    return new Range(range, options).range || '*'
  } catch (er) {
    return null
  }
}
module.exports = validRange


/***/ }),

/***/ 3383:
/***/ (function(module, exports) {

var __spreadArray = (this && this.__spreadArray) || function (to, from, pack) {
    if (pack || arguments.length === 2) for (var i = 0, l = from.length, ar; i < l; i++) {
        if (ar || !(i in from)) {
            if (!ar) ar = Array.prototype.slice.call(from, 0, i);
            ar[i] = from[i];
        }
    }
    return to.concat(ar || Array.prototype.slice.call(from));
};
(function (factory) {
    if ( true && typeof module.exports === "object") {
        var v = factory(__WEBPACK_EXTERNAL_createRequire(import.meta.url), exports);
        if (v !== undefined) module.exports = v;
    }
    else if (typeof define === "function" && define.amd) {
        define(["require", "exports"], factory);
    }
})(function (require, exports) {
    /* --------------------------------------------------------------------------------------------
     * Copyright (c) Microsoft Corporation. All rights reserved.
     * Licensed under the MIT License. See License.txt in the project root for license information.
     * ------------------------------------------------------------------------------------------ */
    'use strict';
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.TextDocument = void 0;
    var FullTextDocument = /** @class */ (function () {
        function FullTextDocument(uri, languageId, version, content) {
            this._uri = uri;
            this._languageId = languageId;
            this._version = version;
            this._content = content;
            this._lineOffsets = undefined;
        }
        Object.defineProperty(FullTextDocument.prototype, "uri", {
            get: function () {
                return this._uri;
            },
            enumerable: false,
            configurable: true
        });
        Object.defineProperty(FullTextDocument.prototype, "languageId", {
            get: function () {
                return this._languageId;
            },
            enumerable: false,
            configurable: true
        });
        Object.defineProperty(FullTextDocument.prototype, "version", {
            get: function () {
                return this._version;
            },
            enumerable: false,
            configurable: true
        });
        FullTextDocument.prototype.getText = function (range) {
            if (range) {
                var start = this.offsetAt(range.start);
                var end = this.offsetAt(range.end);
                return this._content.substring(start, end);
            }
            return this._content;
        };
        FullTextDocument.prototype.update = function (changes, version) {
            for (var _i = 0, changes_1 = changes; _i < changes_1.length; _i++) {
                var change = changes_1[_i];
                if (FullTextDocument.isIncremental(change)) {
                    // makes sure start is before end
                    var range = getWellformedRange(change.range);
                    // update content
                    var startOffset = this.offsetAt(range.start);
                    var endOffset = this.offsetAt(range.end);
                    this._content = this._content.substring(0, startOffset) + change.text + this._content.substring(endOffset, this._content.length);
                    var insertedEndOffset = startOffset + change.text.length;
                    var crlfAtStart = this._content.charCodeAt(startOffset - 1) === 13 /* CharCode.CarriageReturn */ && this._content.charCodeAt(startOffset) === 10 /* CharCode.LineFeed */;
                    var crlfAtEnd = this._content.charCodeAt(insertedEndOffset - 1) === 13 /* CharCode.CarriageReturn */ && this._content.charCodeAt(insertedEndOffset) === 10 /* CharCode.LineFeed */;
                    if (crlfAtStart || crlfAtEnd) {
                        // A CRLF pair across an edit boundary is not included in the inserted text's line offsets.
                        this._lineOffsets = undefined;
                        continue;
                    }
                    // update the offsets
                    var startLine = Math.max(range.start.line, 0);
                    var endLine = Math.max(range.end.line, 0);
                    var lineOffsets = this._lineOffsets;
                    var addedLineOffsets = computeLineOffsets(change.text, false, startOffset);
                    if (endLine - startLine === addedLineOffsets.length) {
                        for (var i = 0, len = addedLineOffsets.length; i < len; i++) {
                            lineOffsets[i + startLine + 1] = addedLineOffsets[i];
                        }
                    }
                    else {
                        if (addedLineOffsets.length < 10000) {
                            lineOffsets.splice.apply(lineOffsets, __spreadArray([startLine + 1, endLine - startLine], addedLineOffsets, false));
                        }
                        else { // avoid too many arguments for splice
                            this._lineOffsets = lineOffsets = lineOffsets.slice(0, startLine + 1).concat(addedLineOffsets, lineOffsets.slice(endLine + 1));
                        }
                    }
                    var diff = change.text.length - (endOffset - startOffset);
                    if (diff !== 0) {
                        for (var i = startLine + 1 + addedLineOffsets.length, len = lineOffsets.length; i < len; i++) {
                            lineOffsets[i] = lineOffsets[i] + diff;
                        }
                    }
                }
                else if (FullTextDocument.isFull(change)) {
                    this._content = change.text;
                    this._lineOffsets = undefined;
                }
                else {
                    throw new Error('Unknown change event received');
                }
            }
            this._version = version;
        };
        FullTextDocument.prototype.getLineOffsets = function () {
            if (this._lineOffsets === undefined) {
                this._lineOffsets = computeLineOffsets(this._content, true);
            }
            return this._lineOffsets;
        };
        FullTextDocument.prototype.positionAt = function (offset) {
            offset = Math.max(Math.min(offset, this._content.length), 0);
            var lineOffsets = this.getLineOffsets();
            var low = 0, high = lineOffsets.length;
            if (high === 0) {
                return { line: 0, character: offset };
            }
            while (low < high) {
                var mid = Math.floor((low + high) / 2);
                if (lineOffsets[mid] > offset) {
                    high = mid;
                }
                else {
                    low = mid + 1;
                }
            }
            // low is the least x for which the line offset is larger than the current offset
            // or array.length if no line offset is larger than the current offset
            var line = low - 1;
            offset = this.ensureBeforeEOL(offset, lineOffsets[line]);
            return { line: line, character: offset - lineOffsets[line] };
        };
        FullTextDocument.prototype.offsetAt = function (position) {
            var lineOffsets = this.getLineOffsets();
            if (position.line >= lineOffsets.length) {
                return this._content.length;
            }
            else if (position.line < 0) {
                return 0;
            }
            var lineOffset = lineOffsets[position.line];
            if (position.character <= 0) {
                return lineOffset;
            }
            var nextLineOffset = (position.line + 1 < lineOffsets.length) ? lineOffsets[position.line + 1] : this._content.length;
            var offset = Math.min(lineOffset + position.character, nextLineOffset);
            return this.ensureBeforeEOL(offset, lineOffset);
        };
        FullTextDocument.prototype.getLineRange = function (line) {
            var lineOffsets = this.getLineOffsets();
            if (line >= lineOffsets.length) {
                var lastLine = lineOffsets.length - 1;
                return { start: { line: lastLine, character: 0 }, end: { line: lastLine, character: this._content.length - lineOffsets[lastLine] } };
            }
            else if (line < 0) {
                return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
            }
            var startOffset = lineOffsets[line];
            var nextLineOffset = (line + 1 < lineOffsets.length) ? lineOffsets[line + 1] : this._content.length;
            var endOffset = this.ensureBeforeEOL(nextLineOffset, startOffset);
            return { start: { line: line, character: 0 }, end: { line: line, character: endOffset - startOffset } };
        };
        FullTextDocument.prototype.getEOLCharacters = function (line) {
            var lineOffsets = this.getLineOffsets();
            if (line >= lineOffsets.length) {
                return '';
            }
            else if (line < 0) {
                return '';
            }
            var nextLineOffset = (line + 1 < lineOffsets.length) ? lineOffsets[line + 1] : this._content.length;
            var eolOffset = this.ensureBeforeEOL(nextLineOffset, lineOffsets[line]);
            return this._content.substring(eolOffset, nextLineOffset);
        };
        FullTextDocument.prototype.ensureBeforeEOL = function (offset, lineOffset) {
            while (offset > lineOffset && isEOL(this._content.charCodeAt(offset - 1))) {
                offset--;
            }
            return offset;
        };
        Object.defineProperty(FullTextDocument.prototype, "lineCount", {
            get: function () {
                return this.getLineOffsets().length;
            },
            enumerable: false,
            configurable: true
        });
        FullTextDocument.isIncremental = function (event) {
            var candidate = event;
            return candidate !== undefined && candidate !== null &&
                typeof candidate.text === 'string' && candidate.range !== undefined &&
                (candidate.rangeLength === undefined || typeof candidate.rangeLength === 'number');
        };
        FullTextDocument.isFull = function (event) {
            var candidate = event;
            return candidate !== undefined && candidate !== null &&
                typeof candidate.text === 'string' && candidate.range === undefined && candidate.rangeLength === undefined;
        };
        return FullTextDocument;
    }());
    var TextDocument;
    (function (TextDocument) {
        /**
         * Creates a new text document.
         *
         * @param uri The document's uri.
         * @param languageId  The document's language Id.
         * @param version The document's initial version number.
         * @param content The document's content.
         */
        function create(uri, languageId, version, content) {
            return new FullTextDocument(uri, languageId, version, content);
        }
        TextDocument.create = create;
        /**
         * Updates a TextDocument by modifying its content.
         *
         * @param document the document to update. Only documents created by TextDocument.create are valid inputs.
         * @param changes the changes to apply to the document.
         * @param version the changes version for the document.
         * @returns The updated TextDocument. Note: That's the same document instance passed in as first parameter.
         *
         */
        function update(document, changes, version) {
            if (document instanceof FullTextDocument) {
                document.update(changes, version);
                return document;
            }
            else {
                throw new Error('TextDocument.update: document must be created by TextDocument.create');
            }
        }
        TextDocument.update = update;
        function applyEdits(document, edits) {
            var text = document.getText();
            var sortedEdits = mergeSort(edits.map(getWellformedEdit), function (a, b) {
                var diff = a.range.start.line - b.range.start.line;
                if (diff === 0) {
                    return a.range.start.character - b.range.start.character;
                }
                return diff;
            });
            var lastModifiedOffset = 0;
            var spans = [];
            for (var _i = 0, sortedEdits_1 = sortedEdits; _i < sortedEdits_1.length; _i++) {
                var e = sortedEdits_1[_i];
                var startOffset = document.offsetAt(e.range.start);
                if (startOffset < lastModifiedOffset) {
                    throw new Error('Overlapping edit');
                }
                else if (startOffset > lastModifiedOffset) {
                    spans.push(text.substring(lastModifiedOffset, startOffset));
                }
                if (e.newText.length) {
                    spans.push(e.newText);
                }
                lastModifiedOffset = document.offsetAt(e.range.end);
            }
            spans.push(text.substr(lastModifiedOffset));
            return spans.join('');
        }
        TextDocument.applyEdits = applyEdits;
    })(TextDocument || (exports.TextDocument = TextDocument = {}));
    function mergeSort(data, compare) {
        if (data.length <= 1) {
            // sorted
            return data;
        }
        var p = (data.length / 2) | 0;
        var left = data.slice(0, p);
        var right = data.slice(p);
        mergeSort(left, compare);
        mergeSort(right, compare);
        var leftIdx = 0;
        var rightIdx = 0;
        var i = 0;
        while (leftIdx < left.length && rightIdx < right.length) {
            var ret = compare(left[leftIdx], right[rightIdx]);
            if (ret <= 0) {
                // smaller_equal -> take left to preserve order
                data[i++] = left[leftIdx++];
            }
            else {
                // greater -> take right
                data[i++] = right[rightIdx++];
            }
        }
        while (leftIdx < left.length) {
            data[i++] = left[leftIdx++];
        }
        while (rightIdx < right.length) {
            data[i++] = right[rightIdx++];
        }
        return data;
    }
    function computeLineOffsets(text, isAtLineStart, textOffset) {
        if (textOffset === void 0) { textOffset = 0; }
        var result = isAtLineStart ? [textOffset] : [];
        for (var i = 0; i < text.length; i++) {
            var ch = text.charCodeAt(i);
            if (isEOL(ch)) {
                if (ch === 13 /* CharCode.CarriageReturn */ && i + 1 < text.length && text.charCodeAt(i + 1) === 10 /* CharCode.LineFeed */) {
                    i++;
                }
                result.push(textOffset + i + 1);
            }
        }
        return result;
    }
    function isEOL(char) {
        return char === 13 /* CharCode.CarriageReturn */ || char === 10 /* CharCode.LineFeed */;
    }
    function getWellformedRange(range) {
        var start = range.start;
        var end = range.end;
        if (start.line > end.line || (start.line === end.line && start.character > end.character)) {
            return { start: end, end: start };
        }
        return range;
    }
    function getWellformedEdit(textEdit) {
        var range = getWellformedRange(textEdit.range);
        if (range !== textEdit.range) {
            return { newText: textEdit.newText, range: range };
        }
        return textEdit;
    }
});


/***/ }),

/***/ 4612:
/***/ ((module, exports) => {

(function (factory) {
    if ( true && typeof module.exports === "object") {
        var v = factory(__WEBPACK_EXTERNAL_createRequire(import.meta.url), exports);
        if (v !== undefined) module.exports = v;
    }
    else if (typeof define === "function" && define.amd) {
        define(["require", "exports"], factory);
    }
})(function () {
    /* --------------------------------------------------------------------------------------------
     * Copyright (c) Microsoft Corporation. All rights reserved.
     * Licensed under the MIT License. See License.txt in the project root for license information.
     * ------------------------------------------------------------------------------------------ */
    'use strict';
    Object.defineProperty(exports, "__esModule", ({ value: true }));
    exports.TextDocument = exports.EOL = exports.WorkspaceFolder = exports.InlineCompletionContext = exports.SelectedCompletionInfo = exports.InlineCompletionTriggerKind = exports.InlineCompletionList = exports.InlineCompletionItem = exports.StringValue = exports.InlayHint = exports.InlayHintLabelPart = exports.InlayHintKind = exports.InlineValueContext = exports.InlineValueEvaluatableExpression = exports.InlineValueVariableLookup = exports.InlineValueText = exports.SemanticTokens = exports.SemanticTokenModifiers = exports.SemanticTokenTypes = exports.SelectionRange = exports.DocumentLink = exports.FormattingOptions = exports.CodeLens = exports.CodeAction = exports.CodeActionTag = exports.CodeActionContext = exports.CodeActionTriggerKind = exports.CodeActionKind = exports.DocumentSymbol = exports.WorkspaceSymbol = exports.SymbolInformation = exports.SymbolTag = exports.SymbolKind = exports.DocumentHighlight = exports.DocumentHighlightKind = exports.SignatureInformation = exports.ParameterInformation = exports.Hover = exports.MarkedString = exports.CompletionList = exports.CompletionItem = exports.CompletionItemLabelDetails = exports.ApplyKind = exports.InsertTextMode = exports.InsertReplaceEdit = exports.CompletionItemTag = exports.InsertTextFormat = exports.CompletionItemKind = exports.MarkupContent = exports.MarkupKind = exports.TextDocumentItem = exports.LanguageKind = exports.OptionalVersionedTextDocumentIdentifier = exports.VersionedTextDocumentIdentifier = exports.TextDocumentIdentifier = exports.WorkspaceChange = exports.SnippetTextEdit = exports.WorkspaceEdit = exports.DeleteFile = exports.RenameFile = exports.CreateFile = exports.TextDocumentEdit = exports.AnnotatedTextEdit = exports.ChangeAnnotationIdentifier = exports.ChangeAnnotation = exports.TextEdit = exports.Command = exports.Diagnostic = exports.CodeDescription = exports.DiagnosticTag = exports.DiagnosticSeverity = exports.DiagnosticRelatedInformation = exports.FoldingRange = exports.FoldingRangeKind = exports.ColorPresentation = exports.ColorInformation = exports.Color = exports.LocationLink = exports.Location = exports.Range = exports.Position = exports.uinteger = exports.integer = exports.URI = exports.DocumentUri = void 0;
    var DocumentUri;
    (function (DocumentUri) {
        function is(value) {
            return typeof value === 'string';
        }
        DocumentUri.is = is;
    })(DocumentUri || (exports.DocumentUri = DocumentUri = {}));
    var URI;
    (function (URI) {
        function is(value) {
            return typeof value === 'string';
        }
        URI.is = is;
    })(URI || (exports.URI = URI = {}));
    var integer;
    (function (integer) {
        integer.MIN_VALUE = -2147483648;
        integer.MAX_VALUE = 2147483647;
        function is(value) {
            return typeof value === 'number' && integer.MIN_VALUE <= value && value <= integer.MAX_VALUE;
        }
        integer.is = is;
    })(integer || (exports.integer = integer = {}));
    var uinteger;
    (function (uinteger) {
        uinteger.MIN_VALUE = 0;
        uinteger.MAX_VALUE = 2147483647;
        function is(value) {
            return typeof value === 'number' && uinteger.MIN_VALUE <= value && value <= uinteger.MAX_VALUE;
        }
        uinteger.is = is;
    })(uinteger || (exports.uinteger = uinteger = {}));
    /**
     * The Position namespace provides helper functions to work with
     * {@link Position} literals.
     */
    var Position;
    (function (Position) {
        /**
         * Creates a new Position literal from the given line and character.
         * @param line The position's line.
         * @param character The position's character.
         */
        function create(line, character) {
            if (line === Number.MAX_VALUE) {
                line = uinteger.MAX_VALUE;
            }
            if (character === Number.MAX_VALUE) {
                character = uinteger.MAX_VALUE;
            }
            return { line: line, character: character };
        }
        Position.create = create;
        /**
         * Checks whether the given literal conforms to the {@link Position} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.objectLiteral(candidate) && Is.uinteger(candidate.line) && Is.uinteger(candidate.character);
        }
        Position.is = is;
    })(Position || (exports.Position = Position = {}));
    /**
     * The Range namespace provides helper functions to work with
     * {@link Range} literals.
     */
    var Range;
    (function (Range) {
        function create(one, two, three, four) {
            if (Is.uinteger(one) && Is.uinteger(two) && Is.uinteger(three) && Is.uinteger(four)) {
                return { start: Position.create(one, two), end: Position.create(three, four) };
            }
            else if (Position.is(one) && Position.is(two)) {
                return { start: one, end: two };
            }
            else {
                throw new Error("Range#create called with invalid arguments[".concat(one, ", ").concat(two, ", ").concat(three, ", ").concat(four, "]"));
            }
        }
        Range.create = create;
        /**
         * Checks whether the given literal conforms to the {@link Range} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.objectLiteral(candidate) && Position.is(candidate.start) && Position.is(candidate.end);
        }
        Range.is = is;
    })(Range || (exports.Range = Range = {}));
    /**
     * The Location namespace provides helper functions to work with
     * {@link Location} literals.
     */
    var Location;
    (function (Location) {
        /**
         * Creates a Location literal.
         * @param uri The location's uri.
         * @param range The location's range.
         */
        function create(uri, range) {
            return { uri: uri, range: range };
        }
        Location.create = create;
        /**
         * Checks whether the given literal conforms to the {@link Location} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.objectLiteral(candidate) && Range.is(candidate.range) && (Is.string(candidate.uri) || Is.undefined(candidate.uri));
        }
        Location.is = is;
    })(Location || (exports.Location = Location = {}));
    /**
     * The LocationLink namespace provides helper functions to work with
     * {@link LocationLink} literals.
     */
    var LocationLink;
    (function (LocationLink) {
        /**
         * Creates a LocationLink literal.
         * @param targetUri The definition's uri.
         * @param targetRange The full range of the definition.
         * @param targetSelectionRange The span of the symbol definition at the target.
         * @param originSelectionRange The span of the symbol being defined in the originating source file.
         */
        function create(targetUri, targetRange, targetSelectionRange, originSelectionRange) {
            return { targetUri: targetUri, targetRange: targetRange, targetSelectionRange: targetSelectionRange, originSelectionRange: originSelectionRange };
        }
        LocationLink.create = create;
        /**
         * Checks whether the given literal conforms to the {@link LocationLink} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.objectLiteral(candidate) && Range.is(candidate.targetRange) && Is.string(candidate.targetUri)
                && Range.is(candidate.targetSelectionRange)
                && (Range.is(candidate.originSelectionRange) || Is.undefined(candidate.originSelectionRange));
        }
        LocationLink.is = is;
    })(LocationLink || (exports.LocationLink = LocationLink = {}));
    /**
     * The Color namespace provides helper functions to work with
     * {@link Color} literals.
     */
    var Color;
    (function (Color) {
        /**
         * Creates a new Color literal.
         */
        function create(red, green, blue, alpha) {
            return {
                red: red,
                green: green,
                blue: blue,
                alpha: alpha,
            };
        }
        Color.create = create;
        /**
         * Checks whether the given literal conforms to the {@link Color} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.objectLiteral(candidate) && Is.numberRange(candidate.red, 0, 1)
                && Is.numberRange(candidate.green, 0, 1)
                && Is.numberRange(candidate.blue, 0, 1)
                && Is.numberRange(candidate.alpha, 0, 1);
        }
        Color.is = is;
    })(Color || (exports.Color = Color = {}));
    /**
     * The ColorInformation namespace provides helper functions to work with
     * {@link ColorInformation} literals.
     */
    var ColorInformation;
    (function (ColorInformation) {
        /**
         * Creates a new ColorInformation literal.
         */
        function create(range, color) {
            return {
                range: range,
                color: color,
            };
        }
        ColorInformation.create = create;
        /**
         * Checks whether the given literal conforms to the {@link ColorInformation} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.objectLiteral(candidate) && Range.is(candidate.range) && Color.is(candidate.color);
        }
        ColorInformation.is = is;
    })(ColorInformation || (exports.ColorInformation = ColorInformation = {}));
    /**
     * The Color namespace provides helper functions to work with
     * {@link ColorPresentation} literals.
     */
    var ColorPresentation;
    (function (ColorPresentation) {
        /**
         * Creates a new ColorInformation literal.
         */
        function create(label, textEdit, additionalTextEdits) {
            return {
                label: label,
                textEdit: textEdit,
                additionalTextEdits: additionalTextEdits,
            };
        }
        ColorPresentation.create = create;
        /**
         * Checks whether the given literal conforms to the {@link ColorInformation} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.objectLiteral(candidate) && Is.string(candidate.label)
                && (Is.undefined(candidate.textEdit) || TextEdit.is(candidate.textEdit))
                && (Is.undefined(candidate.additionalTextEdits) || Is.typedArray(candidate.additionalTextEdits, TextEdit.is));
        }
        ColorPresentation.is = is;
    })(ColorPresentation || (exports.ColorPresentation = ColorPresentation = {}));
    /**
     * A set of predefined range kinds.
     */
    var FoldingRangeKind;
    (function (FoldingRangeKind) {
        /**
         * Folding range for a comment
         */
        FoldingRangeKind.Comment = 'comment';
        /**
         * Folding range for an import or include
         */
        FoldingRangeKind.Imports = 'imports';
        /**
         * Folding range for a region (e.g. `#region`)
         */
        FoldingRangeKind.Region = 'region';
    })(FoldingRangeKind || (exports.FoldingRangeKind = FoldingRangeKind = {}));
    /**
     * The folding range namespace provides helper functions to work with
     * {@link FoldingRange} literals.
     */
    var FoldingRange;
    (function (FoldingRange) {
        /**
         * Creates a new FoldingRange literal.
         */
        function create(startLine, endLine, startCharacter, endCharacter, kind, collapsedText) {
            var result = {
                startLine: startLine,
                endLine: endLine
            };
            if (Is.defined(startCharacter)) {
                result.startCharacter = startCharacter;
            }
            if (Is.defined(endCharacter)) {
                result.endCharacter = endCharacter;
            }
            if (Is.defined(kind)) {
                result.kind = kind;
            }
            if (Is.defined(collapsedText)) {
                result.collapsedText = collapsedText;
            }
            return result;
        }
        FoldingRange.create = create;
        /**
         * Checks whether the given literal conforms to the {@link FoldingRange} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.objectLiteral(candidate) && Is.uinteger(candidate.startLine) && Is.uinteger(candidate.endLine)
                && (Is.undefined(candidate.startCharacter) || Is.uinteger(candidate.startCharacter))
                && (Is.undefined(candidate.endCharacter) || Is.uinteger(candidate.endCharacter))
                && (Is.undefined(candidate.kind) || Is.string(candidate.kind));
        }
        FoldingRange.is = is;
    })(FoldingRange || (exports.FoldingRange = FoldingRange = {}));
    /**
     * The DiagnosticRelatedInformation namespace provides helper functions to work with
     * {@link DiagnosticRelatedInformation} literals.
     */
    var DiagnosticRelatedInformation;
    (function (DiagnosticRelatedInformation) {
        /**
         * Creates a new DiagnosticRelatedInformation literal.
         */
        function create(location, message) {
            return {
                location: location,
                message: message
            };
        }
        DiagnosticRelatedInformation.create = create;
        /**
         * Checks whether the given literal conforms to the {@link DiagnosticRelatedInformation} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.defined(candidate) && Location.is(candidate.location) && Is.string(candidate.message);
        }
        DiagnosticRelatedInformation.is = is;
    })(DiagnosticRelatedInformation || (exports.DiagnosticRelatedInformation = DiagnosticRelatedInformation = {}));
    /**
     * The diagnostic's severity.
     */
    var DiagnosticSeverity;
    (function (DiagnosticSeverity) {
        /**
         * Reports an error.
         */
        DiagnosticSeverity.Error = 1;
        /**
         * Reports a warning.
         */
        DiagnosticSeverity.Warning = 2;
        /**
         * Reports an information.
         */
        DiagnosticSeverity.Information = 3;
        /**
         * Reports a hint.
         */
        DiagnosticSeverity.Hint = 4;
    })(DiagnosticSeverity || (exports.DiagnosticSeverity = DiagnosticSeverity = {}));
    /**
     * The diagnostic tags.
     *
     * @since 3.15.0
     */
    var DiagnosticTag;
    (function (DiagnosticTag) {
        /**
         * Unused or unnecessary code.
         *
         * Clients are allowed to render diagnostics with this tag faded out instead of having
         * an error squiggle.
         */
        DiagnosticTag.Unnecessary = 1;
        /**
         * Deprecated or obsolete code.
         *
         * Clients are allowed to rendered diagnostics with this tag strike through.
         */
        DiagnosticTag.Deprecated = 2;
    })(DiagnosticTag || (exports.DiagnosticTag = DiagnosticTag = {}));
    /**
     * The CodeDescription namespace provides functions to deal with descriptions for diagnostic codes.
     *
     * @since 3.16.0
     */
    var CodeDescription;
    (function (CodeDescription) {
        function is(value) {
            var candidate = value;
            return Is.objectLiteral(candidate) && Is.string(candidate.href);
        }
        CodeDescription.is = is;
    })(CodeDescription || (exports.CodeDescription = CodeDescription = {}));
    /**
     * The Diagnostic namespace provides helper functions to work with
     * {@link Diagnostic} literals.
     */
    var Diagnostic;
    (function (Diagnostic) {
        /**
         * Creates a new Diagnostic literal.
         */
        function create(range, message, severity, code, source, relatedInformation) {
            var result = { range: range, message: message };
            if (Is.defined(severity)) {
                result.severity = severity;
            }
            if (Is.defined(code)) {
                result.code = code;
            }
            if (Is.defined(source)) {
                result.source = source;
            }
            if (Is.defined(relatedInformation)) {
                result.relatedInformation = relatedInformation;
            }
            return result;
        }
        Diagnostic.create = create;
        /**
         * Checks whether the given literal conforms to the {@link Diagnostic} interface.
         */
        function is(value) {
            var _a;
            var candidate = value;
            return Is.defined(candidate)
                && Range.is(candidate.range)
                && (Is.string(candidate.message) || MarkupContent.is(candidate.message))
                && (Is.number(candidate.severity) || Is.undefined(candidate.severity))
                && (Is.integer(candidate.code) || Is.string(candidate.code) || Is.undefined(candidate.code))
                && (Is.undefined(candidate.codeDescription) || (Is.string((_a = candidate.codeDescription) === null || _a === void 0 ? void 0 : _a.href)))
                && (Is.string(candidate.source) || Is.undefined(candidate.source))
                && (Is.undefined(candidate.relatedInformation) || Is.typedArray(candidate.relatedInformation, DiagnosticRelatedInformation.is));
        }
        Diagnostic.is = is;
        /**
         * Checks whether the given diagnostic's message conforms to the 3.17.0
         * version of the protocol where the message is a string.
         *
         * @param value the diagnostic
         * @returns true if the diagnostic's message is a string, false otherwise.
         */
        function is3_17(value) {
            return Is.string(value.message);
        }
        Diagnostic.is3_17 = is3_17;
        /**
         * Gets the message string of a diagnostic. If the message is already a
         * string, it is returned as is. If the message is a MarkupContent,
         * the value of the MarkupContent is returned. Otherwise an error is thrown.
         *
         * @param diagnostic the diagnostic to get the message string from.
         * @returns the message string of the given diagnostic.
         */
        function getMessageString(diagnostic) {
            if (Is.string(diagnostic.message)) {
                return diagnostic.message;
            }
            else if (MarkupContent.is(diagnostic.message)) {
                return diagnostic.message.value;
            }
            else {
                throw new Error("Unknown message type ".concat(typeof diagnostic.message));
            }
        }
        Diagnostic.getMessageString = getMessageString;
    })(Diagnostic || (exports.Diagnostic = Diagnostic = {}));
    /**
     * The Command namespace provides helper functions to work with
     * {@link Command} literals.
     */
    var Command;
    (function (Command) {
        /**
         * Creates a new Command literal.
         */
        function create(title, command) {
            var args = [];
            for (var _i = 2; _i < arguments.length; _i++) {
                args[_i - 2] = arguments[_i];
            }
            var result = { title: title, command: command };
            if (Is.defined(args) && args.length > 0) {
                result.arguments = args;
            }
            return result;
        }
        Command.create = create;
        /**
         * Checks whether the given literal conforms to the {@link Command} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.defined(candidate) && Is.string(candidate.title) && (candidate.tooltip === undefined || Is.string(candidate.tooltip)) && Is.string(candidate.command);
        }
        Command.is = is;
    })(Command || (exports.Command = Command = {}));
    /**
     * The TextEdit namespace provides helper function to create replace,
     * insert and delete edits more easily.
     */
    var TextEdit;
    (function (TextEdit) {
        /**
         * Creates a replace text edit.
         * @param range The range of text to be replaced.
         * @param newText The new text.
         */
        function replace(range, newText) {
            return { range: range, newText: newText };
        }
        TextEdit.replace = replace;
        /**
         * Creates an insert text edit.
         * @param position The position to insert the text at.
         * @param newText The text to be inserted.
         */
        function insert(position, newText) {
            return { range: { start: position, end: position }, newText: newText };
        }
        TextEdit.insert = insert;
        /**
         * Creates a delete text edit.
         * @param range The range of text to be deleted.
         */
        function del(range) {
            return { range: range, newText: '' };
        }
        TextEdit.del = del;
        function is(value) {
            var candidate = value;
            return Is.objectLiteral(candidate)
                && Is.string(candidate.newText)
                && Range.is(candidate.range);
        }
        TextEdit.is = is;
    })(TextEdit || (exports.TextEdit = TextEdit = {}));
    var ChangeAnnotation;
    (function (ChangeAnnotation) {
        function create(label, needsConfirmation, description) {
            var result = { label: label };
            if (needsConfirmation !== undefined) {
                result.needsConfirmation = needsConfirmation;
            }
            if (description !== undefined) {
                result.description = description;
            }
            return result;
        }
        ChangeAnnotation.create = create;
        function is(value) {
            var candidate = value;
            return Is.objectLiteral(candidate) && Is.string(candidate.label) &&
                (Is.boolean(candidate.needsConfirmation) || candidate.needsConfirmation === undefined) &&
                (Is.string(candidate.description) || candidate.description === undefined);
        }
        ChangeAnnotation.is = is;
    })(ChangeAnnotation || (exports.ChangeAnnotation = ChangeAnnotation = {}));
    var ChangeAnnotationIdentifier;
    (function (ChangeAnnotationIdentifier) {
        function is(value) {
            var candidate = value;
            return Is.string(candidate);
        }
        ChangeAnnotationIdentifier.is = is;
    })(ChangeAnnotationIdentifier || (exports.ChangeAnnotationIdentifier = ChangeAnnotationIdentifier = {}));
    var AnnotatedTextEdit;
    (function (AnnotatedTextEdit) {
        /**
         * Creates an annotated replace text edit.
         *
         * @param range The range of text to be replaced.
         * @param newText The new text.
         * @param annotation The annotation.
         */
        function replace(range, newText, annotation) {
            return { range: range, newText: newText, annotationId: annotation };
        }
        AnnotatedTextEdit.replace = replace;
        /**
         * Creates an annotated insert text edit.
         *
         * @param position The position to insert the text at.
         * @param newText The text to be inserted.
         * @param annotation The annotation.
         */
        function insert(position, newText, annotation) {
            return { range: { start: position, end: position }, newText: newText, annotationId: annotation };
        }
        AnnotatedTextEdit.insert = insert;
        /**
         * Creates an annotated delete text edit.
         *
         * @param range The range of text to be deleted.
         * @param annotation The annotation.
         */
        function del(range, annotation) {
            return { range: range, newText: '', annotationId: annotation };
        }
        AnnotatedTextEdit.del = del;
        function is(value) {
            var candidate = value;
            return TextEdit.is(candidate) && (ChangeAnnotation.is(candidate.annotationId) || ChangeAnnotationIdentifier.is(candidate.annotationId));
        }
        AnnotatedTextEdit.is = is;
    })(AnnotatedTextEdit || (exports.AnnotatedTextEdit = AnnotatedTextEdit = {}));
    /**
     * The TextDocumentEdit namespace provides helper function to create
     * an edit that manipulates a text document.
     */
    var TextDocumentEdit;
    (function (TextDocumentEdit) {
        /**
         * Creates a new `TextDocumentEdit`
         */
        function create(textDocument, edits) {
            return { textDocument: textDocument, edits: edits };
        }
        TextDocumentEdit.create = create;
        function is(value) {
            var candidate = value;
            return Is.defined(candidate)
                && OptionalVersionedTextDocumentIdentifier.is(candidate.textDocument)
                && Array.isArray(candidate.edits);
        }
        TextDocumentEdit.is = is;
    })(TextDocumentEdit || (exports.TextDocumentEdit = TextDocumentEdit = {}));
    var CreateFile;
    (function (CreateFile) {
        function create(uri, options, annotation) {
            var result = {
                kind: 'create',
                uri: uri
            };
            if (options !== undefined && (options.overwrite !== undefined || options.ignoreIfExists !== undefined)) {
                result.options = options;
            }
            if (annotation !== undefined) {
                result.annotationId = annotation;
            }
            return result;
        }
        CreateFile.create = create;
        function is(value) {
            var candidate = value;
            return candidate && candidate.kind === 'create' && Is.string(candidate.uri) && (candidate.options === undefined ||
                ((candidate.options.overwrite === undefined || Is.boolean(candidate.options.overwrite)) && (candidate.options.ignoreIfExists === undefined || Is.boolean(candidate.options.ignoreIfExists)))) && (candidate.annotationId === undefined || ChangeAnnotationIdentifier.is(candidate.annotationId));
        }
        CreateFile.is = is;
    })(CreateFile || (exports.CreateFile = CreateFile = {}));
    var RenameFile;
    (function (RenameFile) {
        function create(oldUri, newUri, options, annotation) {
            var result = {
                kind: 'rename',
                oldUri: oldUri,
                newUri: newUri
            };
            if (options !== undefined && (options.overwrite !== undefined || options.ignoreIfExists !== undefined)) {
                result.options = options;
            }
            if (annotation !== undefined) {
                result.annotationId = annotation;
            }
            return result;
        }
        RenameFile.create = create;
        function is(value) {
            var candidate = value;
            return candidate && candidate.kind === 'rename' && Is.string(candidate.oldUri) && Is.string(candidate.newUri) && (candidate.options === undefined ||
                ((candidate.options.overwrite === undefined || Is.boolean(candidate.options.overwrite)) && (candidate.options.ignoreIfExists === undefined || Is.boolean(candidate.options.ignoreIfExists)))) && (candidate.annotationId === undefined || ChangeAnnotationIdentifier.is(candidate.annotationId));
        }
        RenameFile.is = is;
    })(RenameFile || (exports.RenameFile = RenameFile = {}));
    var DeleteFile;
    (function (DeleteFile) {
        function create(uri, options, annotation) {
            var result = {
                kind: 'delete',
                uri: uri
            };
            if (options !== undefined && (options.recursive !== undefined || options.ignoreIfNotExists !== undefined)) {
                result.options = options;
            }
            if (annotation !== undefined) {
                result.annotationId = annotation;
            }
            return result;
        }
        DeleteFile.create = create;
        function is(value) {
            var candidate = value;
            return candidate && candidate.kind === 'delete' && Is.string(candidate.uri) && (candidate.options === undefined ||
                ((candidate.options.recursive === undefined || Is.boolean(candidate.options.recursive)) && (candidate.options.ignoreIfNotExists === undefined || Is.boolean(candidate.options.ignoreIfNotExists)))) && (candidate.annotationId === undefined || ChangeAnnotationIdentifier.is(candidate.annotationId));
        }
        DeleteFile.is = is;
    })(DeleteFile || (exports.DeleteFile = DeleteFile = {}));
    var WorkspaceEdit;
    (function (WorkspaceEdit) {
        function is(value) {
            var candidate = value;
            return candidate &&
                (candidate.changes !== undefined || candidate.documentChanges !== undefined) &&
                (candidate.documentChanges === undefined || candidate.documentChanges.every(function (change) {
                    if (Is.string(change.kind)) {
                        return CreateFile.is(change) || RenameFile.is(change) || DeleteFile.is(change);
                    }
                    else {
                        return TextDocumentEdit.is(change);
                    }
                }));
        }
        WorkspaceEdit.is = is;
    })(WorkspaceEdit || (exports.WorkspaceEdit = WorkspaceEdit = {}));
    var TextEditChangeImpl = /** @class */ (function () {
        function TextEditChangeImpl(edits, changeAnnotations) {
            this.edits = edits;
            this.changeAnnotations = changeAnnotations;
        }
        TextEditChangeImpl.prototype.insert = function (position, newText, annotation) {
            var edit;
            var id;
            if (annotation === undefined) {
                edit = TextEdit.insert(position, newText);
            }
            else if (ChangeAnnotationIdentifier.is(annotation)) {
                id = annotation;
                edit = AnnotatedTextEdit.insert(position, newText, annotation);
            }
            else {
                this.assertChangeAnnotations(this.changeAnnotations);
                id = this.changeAnnotations.manage(annotation);
                edit = AnnotatedTextEdit.insert(position, newText, id);
            }
            this.edits.push(edit);
            if (id !== undefined) {
                return id;
            }
        };
        TextEditChangeImpl.prototype.replace = function (range, newText, annotation) {
            var edit;
            var id;
            if (annotation === undefined) {
                edit = TextEdit.replace(range, newText);
            }
            else if (ChangeAnnotationIdentifier.is(annotation)) {
                id = annotation;
                edit = AnnotatedTextEdit.replace(range, newText, annotation);
            }
            else {
                this.assertChangeAnnotations(this.changeAnnotations);
                id = this.changeAnnotations.manage(annotation);
                edit = AnnotatedTextEdit.replace(range, newText, id);
            }
            this.edits.push(edit);
            if (id !== undefined) {
                return id;
            }
        };
        TextEditChangeImpl.prototype.delete = function (range, annotation) {
            var edit;
            var id;
            if (annotation === undefined) {
                edit = TextEdit.del(range);
            }
            else if (ChangeAnnotationIdentifier.is(annotation)) {
                id = annotation;
                edit = AnnotatedTextEdit.del(range, annotation);
            }
            else {
                this.assertChangeAnnotations(this.changeAnnotations);
                id = this.changeAnnotations.manage(annotation);
                edit = AnnotatedTextEdit.del(range, id);
            }
            this.edits.push(edit);
            if (id !== undefined) {
                return id;
            }
        };
        TextEditChangeImpl.prototype.add = function (edit) {
            this.edits.push(edit);
        };
        TextEditChangeImpl.prototype.all = function () {
            return this.edits;
        };
        TextEditChangeImpl.prototype.clear = function () {
            this.edits.splice(0, this.edits.length);
        };
        TextEditChangeImpl.prototype.assertChangeAnnotations = function (value) {
            if (value === undefined) {
                throw new Error("Text edit change is not configured to manage change annotations.");
            }
        };
        return TextEditChangeImpl;
    }());
    var SnippetTextEdit;
    (function (SnippetTextEdit) {
        function is(value) {
            var candidate = value;
            return Is.objectLiteral(candidate)
                && Range.is(candidate.range)
                && StringValue.isSnippet(candidate.snippet)
                && (candidate.annotationId === undefined ||
                    (ChangeAnnotation.is(candidate.annotationId) || ChangeAnnotationIdentifier.is(candidate.annotationId)));
        }
        SnippetTextEdit.is = is;
    })(SnippetTextEdit || (exports.SnippetTextEdit = SnippetTextEdit = {}));
    /**
     * A helper class
     */
    var ChangeAnnotations = /** @class */ (function () {
        function ChangeAnnotations(annotations) {
            this._annotations = annotations === undefined ? Object.create(null) : annotations;
            this._counter = 0;
            this._size = 0;
        }
        ChangeAnnotations.prototype.all = function () {
            return this._annotations;
        };
        Object.defineProperty(ChangeAnnotations.prototype, "size", {
            get: function () {
                return this._size;
            },
            enumerable: false,
            configurable: true
        });
        ChangeAnnotations.prototype.manage = function (idOrAnnotation, annotation) {
            var id;
            if (ChangeAnnotationIdentifier.is(idOrAnnotation)) {
                id = idOrAnnotation;
            }
            else {
                id = this.nextId();
                annotation = idOrAnnotation;
            }
            if (this._annotations[id] !== undefined) {
                throw new Error("Id ".concat(id, " is already in use."));
            }
            if (annotation === undefined) {
                throw new Error("No annotation provided for id ".concat(id));
            }
            this._annotations[id] = annotation;
            this._size++;
            return id;
        };
        ChangeAnnotations.prototype.nextId = function () {
            this._counter++;
            return this._counter.toString();
        };
        return ChangeAnnotations;
    }());
    /**
     * A workspace change helps constructing changes to a workspace.
     */
    var WorkspaceChange = /** @class */ (function () {
        function WorkspaceChange(workspaceEdit) {
            var _this = this;
            this._textEditChanges = Object.create(null);
            if (workspaceEdit !== undefined) {
                this._workspaceEdit = workspaceEdit;
                if (workspaceEdit.documentChanges) {
                    this._changeAnnotations = new ChangeAnnotations(workspaceEdit.changeAnnotations);
                    workspaceEdit.changeAnnotations = this._changeAnnotations.all();
                    workspaceEdit.documentChanges.forEach(function (change) {
                        if (TextDocumentEdit.is(change)) {
                            var textEditChange = new TextEditChangeImpl(change.edits, _this._changeAnnotations);
                            _this._textEditChanges[change.textDocument.uri] = textEditChange;
                        }
                    });
                }
                else if (workspaceEdit.changes) {
                    Object.keys(workspaceEdit.changes).forEach(function (key) {
                        var textEditChange = new TextEditChangeImpl(workspaceEdit.changes[key]);
                        _this._textEditChanges[key] = textEditChange;
                    });
                }
            }
            else {
                this._workspaceEdit = {};
            }
        }
        Object.defineProperty(WorkspaceChange.prototype, "edit", {
            /**
             * Returns the underlying {@link WorkspaceEdit} literal
             * use to be returned from a workspace edit operation like rename.
             */
            get: function () {
                this.initDocumentChanges();
                if (this._changeAnnotations !== undefined) {
                    if (this._changeAnnotations.size === 0) {
                        this._workspaceEdit.changeAnnotations = undefined;
                    }
                    else {
                        this._workspaceEdit.changeAnnotations = this._changeAnnotations.all();
                    }
                }
                return this._workspaceEdit;
            },
            enumerable: false,
            configurable: true
        });
        WorkspaceChange.prototype.getTextEditChange = function (key) {
            if (OptionalVersionedTextDocumentIdentifier.is(key)) {
                this.initDocumentChanges();
                if (this._workspaceEdit.documentChanges === undefined) {
                    throw new Error('Workspace edit is not configured for document changes.');
                }
                var textDocument = { uri: key.uri, version: key.version };
                var result = this._textEditChanges[textDocument.uri];
                if (!result) {
                    var edits = [];
                    var textDocumentEdit = {
                        textDocument: textDocument,
                        edits: edits
                    };
                    this._workspaceEdit.documentChanges.push(textDocumentEdit);
                    result = new TextEditChangeImpl(edits, this._changeAnnotations);
                    this._textEditChanges[textDocument.uri] = result;
                }
                return result;
            }
            else {
                this.initChanges();
                if (this._workspaceEdit.changes === undefined) {
                    throw new Error('Workspace edit is not configured for normal text edit changes.');
                }
                var result = this._textEditChanges[key];
                if (!result) {
                    var edits = [];
                    this._workspaceEdit.changes[key] = edits;
                    result = new TextEditChangeImpl(edits);
                    this._textEditChanges[key] = result;
                }
                return result;
            }
        };
        WorkspaceChange.prototype.initDocumentChanges = function () {
            if (this._workspaceEdit.documentChanges === undefined && this._workspaceEdit.changes === undefined) {
                this._changeAnnotations = new ChangeAnnotations();
                this._workspaceEdit.documentChanges = [];
                this._workspaceEdit.changeAnnotations = this._changeAnnotations.all();
            }
        };
        WorkspaceChange.prototype.initChanges = function () {
            if (this._workspaceEdit.documentChanges === undefined && this._workspaceEdit.changes === undefined) {
                this._workspaceEdit.changes = Object.create(null);
            }
        };
        WorkspaceChange.prototype.createFile = function (uri, optionsOrAnnotation, options) {
            this.initDocumentChanges();
            if (this._workspaceEdit.documentChanges === undefined) {
                throw new Error('Workspace edit is not configured for document changes.');
            }
            var annotation;
            if (ChangeAnnotation.is(optionsOrAnnotation) || ChangeAnnotationIdentifier.is(optionsOrAnnotation)) {
                annotation = optionsOrAnnotation;
            }
            else {
                options = optionsOrAnnotation;
            }
            var operation;
            var id;
            if (annotation === undefined) {
                operation = CreateFile.create(uri, options);
            }
            else {
                id = ChangeAnnotationIdentifier.is(annotation) ? annotation : this._changeAnnotations.manage(annotation);
                operation = CreateFile.create(uri, options, id);
            }
            this._workspaceEdit.documentChanges.push(operation);
            if (id !== undefined) {
                return id;
            }
        };
        WorkspaceChange.prototype.renameFile = function (oldUri, newUri, optionsOrAnnotation, options) {
            this.initDocumentChanges();
            if (this._workspaceEdit.documentChanges === undefined) {
                throw new Error('Workspace edit is not configured for document changes.');
            }
            var annotation;
            if (ChangeAnnotation.is(optionsOrAnnotation) || ChangeAnnotationIdentifier.is(optionsOrAnnotation)) {
                annotation = optionsOrAnnotation;
            }
            else {
                options = optionsOrAnnotation;
            }
            var operation;
            var id;
            if (annotation === undefined) {
                operation = RenameFile.create(oldUri, newUri, options);
            }
            else {
                id = ChangeAnnotationIdentifier.is(annotation) ? annotation : this._changeAnnotations.manage(annotation);
                operation = RenameFile.create(oldUri, newUri, options, id);
            }
            this._workspaceEdit.documentChanges.push(operation);
            if (id !== undefined) {
                return id;
            }
        };
        WorkspaceChange.prototype.deleteFile = function (uri, optionsOrAnnotation, options) {
            this.initDocumentChanges();
            if (this._workspaceEdit.documentChanges === undefined) {
                throw new Error('Workspace edit is not configured for document changes.');
            }
            var annotation;
            if (ChangeAnnotation.is(optionsOrAnnotation) || ChangeAnnotationIdentifier.is(optionsOrAnnotation)) {
                annotation = optionsOrAnnotation;
            }
            else {
                options = optionsOrAnnotation;
            }
            var operation;
            var id;
            if (annotation === undefined) {
                operation = DeleteFile.create(uri, options);
            }
            else {
                id = ChangeAnnotationIdentifier.is(annotation) ? annotation : this._changeAnnotations.manage(annotation);
                operation = DeleteFile.create(uri, options, id);
            }
            this._workspaceEdit.documentChanges.push(operation);
            if (id !== undefined) {
                return id;
            }
        };
        return WorkspaceChange;
    }());
    exports.WorkspaceChange = WorkspaceChange;
    /**
     * The TextDocumentIdentifier namespace provides helper functions to work with
     * {@link TextDocumentIdentifier} literals.
     */
    var TextDocumentIdentifier;
    (function (TextDocumentIdentifier) {
        /**
         * Creates a new TextDocumentIdentifier literal.
         * @param uri The document's uri.
         */
        function create(uri) {
            return { uri: uri };
        }
        TextDocumentIdentifier.create = create;
        /**
         * Checks whether the given literal conforms to the {@link TextDocumentIdentifier} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.defined(candidate) && Is.string(candidate.uri);
        }
        TextDocumentIdentifier.is = is;
    })(TextDocumentIdentifier || (exports.TextDocumentIdentifier = TextDocumentIdentifier = {}));
    /**
     * The VersionedTextDocumentIdentifier namespace provides helper functions to work with
     * {@link VersionedTextDocumentIdentifier} literals.
     */
    var VersionedTextDocumentIdentifier;
    (function (VersionedTextDocumentIdentifier) {
        /**
         * Creates a new VersionedTextDocumentIdentifier literal.
         * @param uri The document's uri.
         * @param version The document's version.
         */
        function create(uri, version) {
            return { uri: uri, version: version };
        }
        VersionedTextDocumentIdentifier.create = create;
        /**
         * Checks whether the given literal conforms to the {@link VersionedTextDocumentIdentifier} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.defined(candidate) && Is.string(candidate.uri) && Is.integer(candidate.version);
        }
        VersionedTextDocumentIdentifier.is = is;
    })(VersionedTextDocumentIdentifier || (exports.VersionedTextDocumentIdentifier = VersionedTextDocumentIdentifier = {}));
    /**
     * The OptionalVersionedTextDocumentIdentifier namespace provides helper functions to work with
     * {@link OptionalVersionedTextDocumentIdentifier} literals.
     */
    var OptionalVersionedTextDocumentIdentifier;
    (function (OptionalVersionedTextDocumentIdentifier) {
        /**
         * Creates a new OptionalVersionedTextDocumentIdentifier literal.
         * @param uri The document's uri.
         * @param version The document's version.
         */
        function create(uri, version) {
            return { uri: uri, version: version };
        }
        OptionalVersionedTextDocumentIdentifier.create = create;
        /**
         * Checks whether the given literal conforms to the {@link OptionalVersionedTextDocumentIdentifier} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.defined(candidate) && Is.string(candidate.uri) && (candidate.version === null || Is.integer(candidate.version));
        }
        OptionalVersionedTextDocumentIdentifier.is = is;
    })(OptionalVersionedTextDocumentIdentifier || (exports.OptionalVersionedTextDocumentIdentifier = OptionalVersionedTextDocumentIdentifier = {}));
    /**
     * Predefined Language kinds
     * @since 3.18.0
     */
    var LanguageKind;
    (function (LanguageKind) {
        LanguageKind.ABAP = 'abap';
        LanguageKind.WindowsBat = 'bat';
        LanguageKind.BibTeX = 'bibtex';
        LanguageKind.Clojure = 'clojure';
        LanguageKind.Coffeescript = 'coffeescript';
        LanguageKind.C = 'c';
        LanguageKind.CPP = 'cpp';
        LanguageKind.CSharp = 'csharp';
        LanguageKind.CSS = 'css';
        /**
         * @since 3.18.0
         */
        LanguageKind.D = 'd';
        /**
         * @since 3.18.0
         */
        LanguageKind.Delphi = 'pascal';
        LanguageKind.Diff = 'diff';
        LanguageKind.Dart = 'dart';
        LanguageKind.Dockerfile = 'dockerfile';
        LanguageKind.Elixir = 'elixir';
        LanguageKind.Erlang = 'erlang';
        LanguageKind.FSharp = 'fsharp';
        LanguageKind.GitCommit = 'git-commit';
        LanguageKind.GitRebase = 'git-rebase';
        LanguageKind.Go = 'go';
        LanguageKind.Groovy = 'groovy';
        LanguageKind.Handlebars = 'handlebars';
        LanguageKind.Haskell = 'haskell';
        LanguageKind.HTML = 'html';
        LanguageKind.Ini = 'ini';
        LanguageKind.Java = 'java';
        LanguageKind.JavaScript = 'javascript';
        LanguageKind.JavaScriptReact = 'javascriptreact';
        LanguageKind.JSON = 'json';
        LanguageKind.LaTeX = 'latex';
        LanguageKind.Less = 'less';
        LanguageKind.Lua = 'lua';
        LanguageKind.Makefile = 'makefile';
        LanguageKind.Markdown = 'markdown';
        LanguageKind.ObjectiveC = 'objective-c';
        LanguageKind.ObjectiveCPP = 'objective-cpp';
        /**
         * @since 3.18.0
         */
        LanguageKind.Pascal = 'pascal';
        LanguageKind.Perl = 'perl';
        LanguageKind.Perl6 = 'perl6';
        LanguageKind.PHP = 'php';
        LanguageKind.Plaintext = 'plaintext';
        LanguageKind.Powershell = 'powershell';
        LanguageKind.Pug = 'jade';
        LanguageKind.Python = 'python';
        LanguageKind.R = 'r';
        LanguageKind.Razor = 'razor';
        LanguageKind.Ruby = 'ruby';
        LanguageKind.Rust = 'rust';
        LanguageKind.SCSS = 'scss';
        LanguageKind.SASS = 'sass';
        LanguageKind.Scala = 'scala';
        LanguageKind.ShaderLab = 'shaderlab';
        LanguageKind.ShellScript = 'shellscript';
        LanguageKind.SQL = 'sql';
        LanguageKind.Swift = 'swift';
        LanguageKind.TypeScript = 'typescript';
        LanguageKind.TypeScriptReact = 'typescriptreact';
        LanguageKind.TeX = 'tex';
        LanguageKind.VisualBasic = 'vb';
        LanguageKind.XML = 'xml';
        LanguageKind.XSL = 'xsl';
        LanguageKind.YAML = 'yaml';
    })(LanguageKind || (exports.LanguageKind = LanguageKind = {}));
    /**
     * The TextDocumentItem namespace provides helper functions to work with
     * {@link TextDocumentItem} literals.
     */
    var TextDocumentItem;
    (function (TextDocumentItem) {
        /**
         * Creates a new TextDocumentItem literal.
         * @param uri The document's uri.
         * @param languageId The document's language identifier.
         * @param version The document's version number.
         * @param text The document's text.
         */
        function create(uri, languageId, version, text) {
            return { uri: uri, languageId: languageId, version: version, text: text };
        }
        TextDocumentItem.create = create;
        /**
         * Checks whether the given literal conforms to the {@link TextDocumentItem} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.defined(candidate) && Is.string(candidate.uri) && Is.string(candidate.languageId) && Is.integer(candidate.version) && Is.string(candidate.text);
        }
        TextDocumentItem.is = is;
    })(TextDocumentItem || (exports.TextDocumentItem = TextDocumentItem = {}));
    /**
     * Describes the content type that a client supports in various
     * result literals like `Hover`, `ParameterInfo` or `CompletionItem`.
     *
     * Please note that `MarkupKinds` must not start with a `$`. This kinds
     * are reserved for internal usage.
     */
    var MarkupKind;
    (function (MarkupKind) {
        /**
         * Plain text is supported as a content format
         */
        MarkupKind.PlainText = 'plaintext';
        /**
         * Markdown is supported as a content format
         */
        MarkupKind.Markdown = 'markdown';
        /**
         * Checks whether the given value is a value of the {@link MarkupKind} type.
         */
        function is(value) {
            var candidate = value;
            return candidate === MarkupKind.PlainText || candidate === MarkupKind.Markdown;
        }
        MarkupKind.is = is;
    })(MarkupKind || (exports.MarkupKind = MarkupKind = {}));
    var MarkupContent;
    (function (MarkupContent) {
        /**
         * Checks whether the given value conforms to the {@link MarkupContent} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.objectLiteral(value) && MarkupKind.is(candidate.kind) && Is.string(candidate.value);
        }
        MarkupContent.is = is;
    })(MarkupContent || (exports.MarkupContent = MarkupContent = {}));
    /**
     * The kind of a completion entry.
     */
    var CompletionItemKind;
    (function (CompletionItemKind) {
        CompletionItemKind.Text = 1;
        CompletionItemKind.Method = 2;
        CompletionItemKind.Function = 3;
        CompletionItemKind.Constructor = 4;
        CompletionItemKind.Field = 5;
        CompletionItemKind.Variable = 6;
        CompletionItemKind.Class = 7;
        CompletionItemKind.Interface = 8;
        CompletionItemKind.Module = 9;
        CompletionItemKind.Property = 10;
        CompletionItemKind.Unit = 11;
        CompletionItemKind.Value = 12;
        CompletionItemKind.Enum = 13;
        CompletionItemKind.Keyword = 14;
        CompletionItemKind.Snippet = 15;
        CompletionItemKind.Color = 16;
        CompletionItemKind.File = 17;
        CompletionItemKind.Reference = 18;
        CompletionItemKind.Folder = 19;
        CompletionItemKind.EnumMember = 20;
        CompletionItemKind.Constant = 21;
        CompletionItemKind.Struct = 22;
        CompletionItemKind.Event = 23;
        CompletionItemKind.Operator = 24;
        CompletionItemKind.TypeParameter = 25;
    })(CompletionItemKind || (exports.CompletionItemKind = CompletionItemKind = {}));
    /**
     * Defines whether the insert text in a completion item should be interpreted as
     * plain text or a snippet.
     */
    var InsertTextFormat;
    (function (InsertTextFormat) {
        /**
         * The primary text to be inserted is treated as a plain string.
         */
        InsertTextFormat.PlainText = 1;
        /**
         * The primary text to be inserted is treated as a snippet.
         *
         * A snippet can define tab stops and placeholders with `$1`, `$2`
         * and `${3:foo}`. `$0` defines the final tab stop, it defaults to
         * the end of the snippet. Placeholders with equal identifiers are linked,
         * that is typing in one will update others too.
         *
         * See also: https://microsoft.github.io/language-server-protocol/specifications/specification-current/#snippet_syntax
         */
        InsertTextFormat.Snippet = 2;
    })(InsertTextFormat || (exports.InsertTextFormat = InsertTextFormat = {}));
    /**
     * Completion item tags are extra annotations that tweak the rendering of a completion
     * item.
     *
     * @since 3.15.0
     */
    var CompletionItemTag;
    (function (CompletionItemTag) {
        /**
         * Render a completion as obsolete, usually using a strike-out.
         */
        CompletionItemTag.Deprecated = 1;
    })(CompletionItemTag || (exports.CompletionItemTag = CompletionItemTag = {}));
    /**
     * The InsertReplaceEdit namespace provides functions to deal with insert / replace edits.
     *
     * @since 3.16.0
     */
    var InsertReplaceEdit;
    (function (InsertReplaceEdit) {
        /**
         * Creates a new insert / replace edit
         */
        function create(newText, insert, replace) {
            return { newText: newText, insert: insert, replace: replace };
        }
        InsertReplaceEdit.create = create;
        /**
         * Checks whether the given literal conforms to the {@link InsertReplaceEdit} interface.
         */
        function is(value) {
            var candidate = value;
            return candidate && Is.string(candidate.newText) && Range.is(candidate.insert) && Range.is(candidate.replace);
        }
        InsertReplaceEdit.is = is;
    })(InsertReplaceEdit || (exports.InsertReplaceEdit = InsertReplaceEdit = {}));
    /**
     * How whitespace and indentation is handled during completion
     * item insertion.
     *
     * @since 3.16.0
     */
    var InsertTextMode;
    (function (InsertTextMode) {
        /**
         * The insertion or replace strings is taken as it is. If the
         * value is multi line the lines below the cursor will be
         * inserted using the indentation defined in the string value.
         * The client will not apply any kind of adjustments to the
         * string.
         */
        InsertTextMode.asIs = 1;
        /**
         * The editor adjusts leading whitespace of new lines so that
         * they match the indentation up to the cursor of the line for
         * which the item is accepted.
         *
         * Consider a line like this: <2tabs><cursor><3tabs>foo. Accepting a
         * multi line completion item is indented using 2 tabs and all
         * following lines inserted will be indented using 2 tabs as well.
         */
        InsertTextMode.adjustIndentation = 2;
    })(InsertTextMode || (exports.InsertTextMode = InsertTextMode = {}));
    /**
     * Defines how values from a set of defaults and an individual item will be
     * merged.
     *
     * @since 3.18.0
     */
    var ApplyKind;
    (function (ApplyKind) {
        /**
         * The value from the individual item (if provided and not `null`) will be
         * used instead of the default.
         */
        ApplyKind.Replace = 1;
        /**
         * The value from the item will be merged with the default.
         *
         * The specific rules for mergeing values are defined against each field
         * that supports merging.
         */
        ApplyKind.Merge = 2;
    })(ApplyKind || (exports.ApplyKind = ApplyKind = {}));
    var CompletionItemLabelDetails;
    (function (CompletionItemLabelDetails) {
        function is(value) {
            var candidate = value;
            return candidate && (Is.string(candidate.detail) || candidate.detail === undefined) &&
                (Is.string(candidate.description) || candidate.description === undefined);
        }
        CompletionItemLabelDetails.is = is;
    })(CompletionItemLabelDetails || (exports.CompletionItemLabelDetails = CompletionItemLabelDetails = {}));
    /**
     * The CompletionItem namespace provides functions to deal with
     * completion items.
     */
    var CompletionItem;
    (function (CompletionItem) {
        /**
         * Create a completion item and seed it with a label.
         * @param label The completion item's label
         */
        function create(label) {
            return { label: label };
        }
        CompletionItem.create = create;
    })(CompletionItem || (exports.CompletionItem = CompletionItem = {}));
    /**
     * The CompletionList namespace provides functions to deal with
     * completion lists.
     */
    var CompletionList;
    (function (CompletionList) {
        /**
         * Creates a new completion list.
         *
         * @param items The completion items.
         * @param isIncomplete The list is not complete.
         */
        function create(items, isIncomplete) {
            return { items: items ? items : [], isIncomplete: !!isIncomplete };
        }
        CompletionList.create = create;
    })(CompletionList || (exports.CompletionList = CompletionList = {}));
    var MarkedString;
    (function (MarkedString) {
        /**
         * Creates a marked string from plain text.
         *
         * @param plainText The plain text.
         */
        function fromPlainText(plainText) {
            return plainText.replace(/[\\`*_{}[\]()#+\-.!]/g, '\\$&'); // escape markdown syntax tokens: http://daringfireball.net/projects/markdown/syntax#backslash
        }
        MarkedString.fromPlainText = fromPlainText;
        /**
         * Checks whether the given value conforms to the {@link MarkedString} type.
         */
        function is(value) {
            var candidate = value;
            return Is.string(candidate) || (Is.objectLiteral(candidate) && Is.string(candidate.language) && Is.string(candidate.value));
        }
        MarkedString.is = is;
    })(MarkedString || (exports.MarkedString = MarkedString = {}));
    var Hover;
    (function (Hover) {
        /**
         * Checks whether the given value conforms to the {@link Hover} interface.
         */
        function is(value) {
            var candidate = value;
            return !!candidate && Is.objectLiteral(candidate) && (MarkupContent.is(candidate.contents) ||
                MarkedString.is(candidate.contents) ||
                Is.typedArray(candidate.contents, MarkedString.is)) && (value.range === undefined || Range.is(value.range));
        }
        Hover.is = is;
    })(Hover || (exports.Hover = Hover = {}));
    /**
     * The ParameterInformation namespace provides helper functions to work with
     * {@link ParameterInformation} literals.
     */
    var ParameterInformation;
    (function (ParameterInformation) {
        /**
         * Creates a new parameter information literal.
         *
         * @param label A label string.
         * @param documentation A doc string.
         */
        function create(label, documentation) {
            return documentation ? { label: label, documentation: documentation } : { label: label };
        }
        ParameterInformation.create = create;
    })(ParameterInformation || (exports.ParameterInformation = ParameterInformation = {}));
    /**
     * The SignatureInformation namespace provides helper functions to work with
     * {@link SignatureInformation} literals.
     */
    var SignatureInformation;
    (function (SignatureInformation) {
        function create(label, documentation) {
            var parameters = [];
            for (var _i = 2; _i < arguments.length; _i++) {
                parameters[_i - 2] = arguments[_i];
            }
            var result = { label: label };
            if (Is.defined(documentation)) {
                result.documentation = documentation;
            }
            if (Is.defined(parameters)) {
                result.parameters = parameters;
            }
            else {
                result.parameters = [];
            }
            return result;
        }
        SignatureInformation.create = create;
    })(SignatureInformation || (exports.SignatureInformation = SignatureInformation = {}));
    /**
     * A document highlight kind.
     */
    var DocumentHighlightKind;
    (function (DocumentHighlightKind) {
        /**
         * A textual occurrence.
         */
        DocumentHighlightKind.Text = 1;
        /**
         * Read-access of a symbol, like reading a variable.
         */
        DocumentHighlightKind.Read = 2;
        /**
         * Write-access of a symbol, like writing to a variable.
         */
        DocumentHighlightKind.Write = 3;
    })(DocumentHighlightKind || (exports.DocumentHighlightKind = DocumentHighlightKind = {}));
    /**
     * DocumentHighlight namespace to provide helper functions to work with
     * {@link DocumentHighlight} literals.
     */
    var DocumentHighlight;
    (function (DocumentHighlight) {
        /**
         * Create a DocumentHighlight object.
         * @param range The range the highlight applies to.
         * @param kind The highlight kind
         */
        function create(range, kind) {
            var result = { range: range };
            if (Is.number(kind)) {
                result.kind = kind;
            }
            return result;
        }
        DocumentHighlight.create = create;
    })(DocumentHighlight || (exports.DocumentHighlight = DocumentHighlight = {}));
    /**
     * A symbol kind.
     */
    var SymbolKind;
    (function (SymbolKind) {
        SymbolKind.File = 1;
        SymbolKind.Module = 2;
        SymbolKind.Namespace = 3;
        SymbolKind.Package = 4;
        SymbolKind.Class = 5;
        SymbolKind.Method = 6;
        SymbolKind.Property = 7;
        SymbolKind.Field = 8;
        SymbolKind.Constructor = 9;
        SymbolKind.Enum = 10;
        SymbolKind.Interface = 11;
        SymbolKind.Function = 12;
        SymbolKind.Variable = 13;
        SymbolKind.Constant = 14;
        SymbolKind.String = 15;
        SymbolKind.Number = 16;
        SymbolKind.Boolean = 17;
        SymbolKind.Array = 18;
        SymbolKind.Object = 19;
        SymbolKind.Key = 20;
        SymbolKind.Null = 21;
        SymbolKind.EnumMember = 22;
        SymbolKind.Struct = 23;
        SymbolKind.Event = 24;
        SymbolKind.Operator = 25;
        SymbolKind.TypeParameter = 26;
    })(SymbolKind || (exports.SymbolKind = SymbolKind = {}));
    /**
     * Symbol tags are extra annotations that tweak the rendering of a symbol.
     *
     * @since 3.16
     */
    var SymbolTag;
    (function (SymbolTag) {
        /**
         * Render a symbol as obsolete, usually using a strike-out.
         */
        SymbolTag.Deprecated = 1;
    })(SymbolTag || (exports.SymbolTag = SymbolTag = {}));
    var SymbolInformation;
    (function (SymbolInformation) {
        /**
         * Creates a new symbol information literal.
         *
         * @param name The name of the symbol.
         * @param kind The kind of the symbol.
         * @param range The range of the location of the symbol.
         * @param uri The resource of the location of symbol.
         * @param containerName The name of the symbol containing the symbol.
         */
        function create(name, kind, range, uri, containerName) {
            var result = {
                name: name,
                kind: kind,
                location: { uri: uri, range: range }
            };
            if (containerName) {
                result.containerName = containerName;
            }
            return result;
        }
        SymbolInformation.create = create;
    })(SymbolInformation || (exports.SymbolInformation = SymbolInformation = {}));
    var WorkspaceSymbol;
    (function (WorkspaceSymbol) {
        /**
         * Create a new workspace symbol.
         *
         * @param name The name of the symbol.
         * @param kind The kind of the symbol.
         * @param uri The resource of the location of the symbol.
         * @param range An options range of the location.
         * @returns A WorkspaceSymbol.
         */
        function create(name, kind, uri, range) {
            return range !== undefined
                ? { name: name, kind: kind, location: { uri: uri, range: range } }
                : { name: name, kind: kind, location: { uri: uri } };
        }
        WorkspaceSymbol.create = create;
    })(WorkspaceSymbol || (exports.WorkspaceSymbol = WorkspaceSymbol = {}));
    var DocumentSymbol;
    (function (DocumentSymbol) {
        /**
         * Creates a new symbol information literal.
         *
         * @param name The name of the symbol.
         * @param detail The detail of the symbol.
         * @param kind The kind of the symbol.
         * @param range The range of the symbol.
         * @param selectionRange The selectionRange of the symbol.
         * @param children Children of the symbol.
         */
        function create(name, detail, kind, range, selectionRange, children) {
            var result = {
                name: name,
                detail: detail,
                kind: kind,
                range: range,
                selectionRange: selectionRange
            };
            if (children !== undefined) {
                result.children = children;
            }
            return result;
        }
        DocumentSymbol.create = create;
        /**
         * Checks whether the given literal conforms to the {@link DocumentSymbol} interface.
         */
        function is(value) {
            var candidate = value;
            return candidate &&
                Is.string(candidate.name) && Is.number(candidate.kind) &&
                Range.is(candidate.range) && Range.is(candidate.selectionRange) &&
                (candidate.detail === undefined || Is.string(candidate.detail)) &&
                (candidate.deprecated === undefined || Is.boolean(candidate.deprecated)) &&
                (candidate.children === undefined || Array.isArray(candidate.children)) &&
                (candidate.tags === undefined || Array.isArray(candidate.tags));
        }
        DocumentSymbol.is = is;
    })(DocumentSymbol || (exports.DocumentSymbol = DocumentSymbol = {}));
    /**
     * A set of predefined code action kinds
     */
    var CodeActionKind;
    (function (CodeActionKind) {
        /**
         * Empty kind.
         */
        CodeActionKind.Empty = '';
        /**
         * Base kind for quickfix actions: 'quickfix'
         */
        CodeActionKind.QuickFix = 'quickfix';
        /**
         * Base kind for refactoring actions: 'refactor'
         */
        CodeActionKind.Refactor = 'refactor';
        /**
         * Base kind for refactoring extraction actions: 'refactor.extract'
         *
         * Example extract actions:
         *
         * - Extract method
         * - Extract function
         * - Extract variable
         * - Extract interface from class
         * - ...
         */
        CodeActionKind.RefactorExtract = 'refactor.extract';
        /**
         * Base kind for refactoring inline actions: 'refactor.inline'
         *
         * Example inline actions:
         *
         * - Inline function
         * - Inline variable
         * - Inline constant
         * - ...
         */
        CodeActionKind.RefactorInline = 'refactor.inline';
        /**
         * Base kind for refactoring move actions: `refactor.move`
         *
         * Example move actions:
         *
         * - Move a function to a new file
         * - Move a property between classes
         * - Move method to base class
         * - ...
         *
         * @since 3.18.0
         */
        CodeActionKind.RefactorMove = 'refactor.move';
        /**
         * Base kind for refactoring rewrite actions: 'refactor.rewrite'
         *
         * Example rewrite actions:
         *
         * - Convert JavaScript function to class
         * - Add or remove parameter
         * - Encapsulate field
         * - Make method static
         * - Move method to base class
         * - ...
         */
        CodeActionKind.RefactorRewrite = 'refactor.rewrite';
        /**
         * Base kind for source actions: `source`
         *
         * Source code actions apply to the entire file.
         */
        CodeActionKind.Source = 'source';
        /**
         * Base kind for an organize imports source action: `source.organizeImports`
         */
        CodeActionKind.SourceOrganizeImports = 'source.organizeImports';
        /**
         * Base kind for auto-fix source actions: `source.fixAll`.
         *
         * Fix all actions automatically fix errors that have a clear fix that do not require user input.
         * They should not suppress errors or perform unsafe fixes such as generating new types or classes.
         *
         * @since 3.15.0
         */
        CodeActionKind.SourceFixAll = 'source.fixAll';
        /**
         * Base kind for all code actions applying to the entire notebook's scope. CodeActionKinds using
         * this should always begin with `notebook.`
         *
         * @since 3.18.0
         */
        CodeActionKind.Notebook = 'notebook';
    })(CodeActionKind || (exports.CodeActionKind = CodeActionKind = {}));
    /**
     * The reason why code actions were requested.
     *
     * @since 3.17.0
     */
    var CodeActionTriggerKind;
    (function (CodeActionTriggerKind) {
        /**
         * Code actions were explicitly requested by the user or by an extension.
         */
        CodeActionTriggerKind.Invoked = 1;
        /**
         * Code actions were requested automatically.
         *
         * This typically happens when current selection in a file changes, but can
         * also be triggered when file content changes.
         */
        CodeActionTriggerKind.Automatic = 2;
    })(CodeActionTriggerKind || (exports.CodeActionTriggerKind = CodeActionTriggerKind = {}));
    /**
     * The CodeActionContext namespace provides helper functions to work with
     * {@link CodeActionContext} literals.
     */
    var CodeActionContext;
    (function (CodeActionContext) {
        /**
         * Creates a new CodeActionContext literal.
         */
        function create(diagnostics, only, triggerKind) {
            var result = { diagnostics: diagnostics };
            if (only !== undefined && only !== null) {
                result.only = only;
            }
            if (triggerKind !== undefined && triggerKind !== null) {
                result.triggerKind = triggerKind;
            }
            return result;
        }
        CodeActionContext.create = create;
        /**
         * Checks whether the given literal conforms to the {@link CodeActionContext} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.defined(candidate) && Is.typedArray(candidate.diagnostics, Diagnostic.is)
                && (candidate.only === undefined || Is.typedArray(candidate.only, Is.string))
                && (candidate.triggerKind === undefined || candidate.triggerKind === CodeActionTriggerKind.Invoked || candidate.triggerKind === CodeActionTriggerKind.Automatic);
        }
        CodeActionContext.is = is;
    })(CodeActionContext || (exports.CodeActionContext = CodeActionContext = {}));
    /**
     * Code action tags are extra annotations that tweak the behavior of a code action.
     *
     * @since 3.18.0
     */
    var CodeActionTag;
    (function (CodeActionTag) {
        /**
         * Marks the code action as LLM-generated.
         */
        CodeActionTag.LLMGenerated = 1;
        /**
         * Checks whether the given literal conforms to the {@link CodeActionTag} interface.
         */
        function is(value) {
            return Is.defined(value) && value === CodeActionTag.LLMGenerated;
        }
        CodeActionTag.is = is;
    })(CodeActionTag || (exports.CodeActionTag = CodeActionTag = {}));
    var CodeAction;
    (function (CodeAction) {
        function create(title, kindOrCommandOrEdit, kind) {
            var result = { title: title };
            var checkKind = true;
            if (typeof kindOrCommandOrEdit === 'string') {
                checkKind = false;
                result.kind = kindOrCommandOrEdit;
            }
            else if (Command.is(kindOrCommandOrEdit)) {
                result.command = kindOrCommandOrEdit;
            }
            else {
                result.edit = kindOrCommandOrEdit;
            }
            if (checkKind && kind !== undefined) {
                result.kind = kind;
            }
            return result;
        }
        CodeAction.create = create;
        function is(value) {
            var candidate = value;
            return candidate && Is.string(candidate.title) &&
                (candidate.diagnostics === undefined || Is.typedArray(candidate.diagnostics, Diagnostic.is)) &&
                (candidate.kind === undefined || Is.string(candidate.kind)) &&
                (candidate.edit !== undefined || candidate.command !== undefined) &&
                (candidate.command === undefined || Command.is(candidate.command)) &&
                (candidate.isPreferred === undefined || Is.boolean(candidate.isPreferred)) &&
                (candidate.edit === undefined || WorkspaceEdit.is(candidate.edit)) &&
                (candidate.tags === undefined || Is.typedArray(candidate.tags, CodeActionTag.is));
        }
        CodeAction.is = is;
    })(CodeAction || (exports.CodeAction = CodeAction = {}));
    /**
     * The CodeLens namespace provides helper functions to work with
     * {@link CodeLens} literals.
     */
    var CodeLens;
    (function (CodeLens) {
        /**
         * Creates a new CodeLens literal.
         */
        function create(range, data) {
            var result = { range: range };
            if (Is.defined(data)) {
                result.data = data;
            }
            return result;
        }
        CodeLens.create = create;
        /**
         * Checks whether the given literal conforms to the {@link CodeLens} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.defined(candidate) && Range.is(candidate.range) && (Is.undefined(candidate.command) || Command.is(candidate.command));
        }
        CodeLens.is = is;
    })(CodeLens || (exports.CodeLens = CodeLens = {}));
    /**
     * The FormattingOptions namespace provides helper functions to work with
     * {@link FormattingOptions} literals.
     */
    var FormattingOptions;
    (function (FormattingOptions) {
        /**
         * Creates a new FormattingOptions literal.
         */
        function create(tabSize, insertSpaces) {
            return { tabSize: tabSize, insertSpaces: insertSpaces };
        }
        FormattingOptions.create = create;
        /**
         * Checks whether the given literal conforms to the {@link FormattingOptions} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.defined(candidate) && Is.uinteger(candidate.tabSize) && Is.boolean(candidate.insertSpaces);
        }
        FormattingOptions.is = is;
    })(FormattingOptions || (exports.FormattingOptions = FormattingOptions = {}));
    /**
     * The DocumentLink namespace provides helper functions to work with
     * {@link DocumentLink} literals.
     */
    var DocumentLink;
    (function (DocumentLink) {
        /**
         * Creates a new DocumentLink literal.
         */
        function create(range, target, data) {
            return { range: range, target: target, data: data };
        }
        DocumentLink.create = create;
        /**
         * Checks whether the given literal conforms to the {@link DocumentLink} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.defined(candidate) && Range.is(candidate.range) && (Is.undefined(candidate.target) || Is.string(candidate.target));
        }
        DocumentLink.is = is;
    })(DocumentLink || (exports.DocumentLink = DocumentLink = {}));
    /**
     * The SelectionRange namespace provides helper function to work with
     * SelectionRange literals.
     */
    var SelectionRange;
    (function (SelectionRange) {
        /**
         * Creates a new SelectionRange
         * @param range the range.
         * @param parent an optional parent.
         */
        function create(range, parent) {
            return { range: range, parent: parent };
        }
        SelectionRange.create = create;
        function is(value) {
            var candidate = value;
            return Is.objectLiteral(candidate) && Range.is(candidate.range) && (candidate.parent === undefined || SelectionRange.is(candidate.parent));
        }
        SelectionRange.is = is;
    })(SelectionRange || (exports.SelectionRange = SelectionRange = {}));
    /**
     * A set of predefined token types. This set is not fixed
     * an clients can specify additional token types via the
     * corresponding client capabilities.
     *
     * @since 3.16.0
     */
    var SemanticTokenTypes;
    (function (SemanticTokenTypes) {
        SemanticTokenTypes["namespace"] = "namespace";
        /**
         * Represents a generic type. Acts as a fallback for types which can't be mapped to
         * a specific type like class or enum.
         */
        SemanticTokenTypes["type"] = "type";
        SemanticTokenTypes["class"] = "class";
        SemanticTokenTypes["enum"] = "enum";
        SemanticTokenTypes["interface"] = "interface";
        SemanticTokenTypes["struct"] = "struct";
        SemanticTokenTypes["typeParameter"] = "typeParameter";
        SemanticTokenTypes["parameter"] = "parameter";
        SemanticTokenTypes["variable"] = "variable";
        SemanticTokenTypes["property"] = "property";
        SemanticTokenTypes["enumMember"] = "enumMember";
        SemanticTokenTypes["event"] = "event";
        SemanticTokenTypes["function"] = "function";
        SemanticTokenTypes["method"] = "method";
        SemanticTokenTypes["macro"] = "macro";
        SemanticTokenTypes["keyword"] = "keyword";
        SemanticTokenTypes["modifier"] = "modifier";
        SemanticTokenTypes["comment"] = "comment";
        SemanticTokenTypes["string"] = "string";
        SemanticTokenTypes["number"] = "number";
        SemanticTokenTypes["regexp"] = "regexp";
        SemanticTokenTypes["operator"] = "operator";
        /**
         * @since 3.17.0
         */
        SemanticTokenTypes["decorator"] = "decorator";
        /**
         * @since 3.18.0
         */
        SemanticTokenTypes["label"] = "label";
    })(SemanticTokenTypes || (exports.SemanticTokenTypes = SemanticTokenTypes = {}));
    /**
     * A set of predefined token modifiers. This set is not fixed
     * an clients can specify additional token types via the
     * corresponding client capabilities.
     *
     * @since 3.16.0
     */
    var SemanticTokenModifiers;
    (function (SemanticTokenModifiers) {
        SemanticTokenModifiers["declaration"] = "declaration";
        SemanticTokenModifiers["definition"] = "definition";
        SemanticTokenModifiers["readonly"] = "readonly";
        SemanticTokenModifiers["static"] = "static";
        SemanticTokenModifiers["deprecated"] = "deprecated";
        SemanticTokenModifiers["abstract"] = "abstract";
        SemanticTokenModifiers["async"] = "async";
        SemanticTokenModifiers["modification"] = "modification";
        SemanticTokenModifiers["documentation"] = "documentation";
        SemanticTokenModifiers["defaultLibrary"] = "defaultLibrary";
    })(SemanticTokenModifiers || (exports.SemanticTokenModifiers = SemanticTokenModifiers = {}));
    /**
     * @since 3.16.0
     */
    var SemanticTokens;
    (function (SemanticTokens) {
        function is(value) {
            var candidate = value;
            return Is.objectLiteral(candidate) && (candidate.resultId === undefined || typeof candidate.resultId === 'string') &&
                Array.isArray(candidate.data) && (candidate.data.length === 0 || typeof candidate.data[0] === 'number');
        }
        SemanticTokens.is = is;
    })(SemanticTokens || (exports.SemanticTokens = SemanticTokens = {}));
    /**
     * The InlineValueText namespace provides functions to deal with InlineValueTexts.
     *
     * @since 3.17.0
     */
    var InlineValueText;
    (function (InlineValueText) {
        /**
         * Creates a new InlineValueText literal.
         */
        function create(range, text) {
            return { range: range, text: text };
        }
        InlineValueText.create = create;
        function is(value) {
            var candidate = value;
            return candidate !== undefined && candidate !== null && Range.is(candidate.range) && Is.string(candidate.text);
        }
        InlineValueText.is = is;
    })(InlineValueText || (exports.InlineValueText = InlineValueText = {}));
    /**
     * The InlineValueVariableLookup namespace provides functions to
     * deal with InlineValueVariableLookups.
     *
     * @since 3.17.0
     */
    var InlineValueVariableLookup;
    (function (InlineValueVariableLookup) {
        /**
         * Creates a new InlineValueText literal.
         */
        function create(range, variableName, caseSensitiveLookup) {
            return { range: range, variableName: variableName, caseSensitiveLookup: caseSensitiveLookup };
        }
        InlineValueVariableLookup.create = create;
        function is(value) {
            var candidate = value;
            return candidate !== undefined && candidate !== null && Range.is(candidate.range) && Is.boolean(candidate.caseSensitiveLookup)
                && (Is.string(candidate.variableName) || candidate.variableName === undefined);
        }
        InlineValueVariableLookup.is = is;
    })(InlineValueVariableLookup || (exports.InlineValueVariableLookup = InlineValueVariableLookup = {}));
    /**
     * The InlineValueEvaluatableExpression namespace provides functions to deal with InlineValueEvaluatableExpression.
     *
     * @since 3.17.0
     */
    var InlineValueEvaluatableExpression;
    (function (InlineValueEvaluatableExpression) {
        /**
         * Creates a new InlineValueEvaluatableExpression literal.
         */
        function create(range, expression) {
            return { range: range, expression: expression };
        }
        InlineValueEvaluatableExpression.create = create;
        function is(value) {
            var candidate = value;
            return candidate !== undefined && candidate !== null && Range.is(candidate.range)
                && (Is.string(candidate.expression) || candidate.expression === undefined);
        }
        InlineValueEvaluatableExpression.is = is;
    })(InlineValueEvaluatableExpression || (exports.InlineValueEvaluatableExpression = InlineValueEvaluatableExpression = {}));
    /**
     * The InlineValueContext namespace provides helper functions to work with
     * {@link InlineValueContext} literals.
     *
     * @since 3.17.0
     */
    var InlineValueContext;
    (function (InlineValueContext) {
        /**
         * Creates a new InlineValueContext literal.
         */
        function create(frameId, stoppedLocation) {
            return { frameId: frameId, stoppedLocation: stoppedLocation };
        }
        InlineValueContext.create = create;
        /**
         * Checks whether the given literal conforms to the {@link InlineValueContext} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.defined(candidate) && Range.is(value.stoppedLocation);
        }
        InlineValueContext.is = is;
    })(InlineValueContext || (exports.InlineValueContext = InlineValueContext = {}));
    /**
     * Inlay hint kinds.
     *
     * @since 3.17.0
     */
    var InlayHintKind;
    (function (InlayHintKind) {
        /**
         * An inlay hint that for a type annotation.
         */
        InlayHintKind.Type = 1;
        /**
         * An inlay hint that is for a parameter.
         */
        InlayHintKind.Parameter = 2;
        function is(value) {
            return value === 1 || value === 2;
        }
        InlayHintKind.is = is;
    })(InlayHintKind || (exports.InlayHintKind = InlayHintKind = {}));
    var InlayHintLabelPart;
    (function (InlayHintLabelPart) {
        function create(value) {
            return { value: value };
        }
        InlayHintLabelPart.create = create;
        function is(value) {
            var candidate = value;
            return Is.objectLiteral(candidate)
                && (candidate.tooltip === undefined || Is.string(candidate.tooltip) || MarkupContent.is(candidate.tooltip))
                && (candidate.location === undefined || Location.is(candidate.location))
                && (candidate.command === undefined || Command.is(candidate.command));
        }
        InlayHintLabelPart.is = is;
    })(InlayHintLabelPart || (exports.InlayHintLabelPart = InlayHintLabelPart = {}));
    var InlayHint;
    (function (InlayHint) {
        function create(position, label, kind) {
            var result = { position: position, label: label };
            if (kind !== undefined) {
                result.kind = kind;
            }
            return result;
        }
        InlayHint.create = create;
        function is(value) {
            var candidate = value;
            return Is.objectLiteral(candidate) && Position.is(candidate.position)
                && (Is.string(candidate.label) || Is.typedArray(candidate.label, InlayHintLabelPart.is))
                && (candidate.kind === undefined || InlayHintKind.is(candidate.kind))
                && (candidate.textEdits === undefined) || Is.typedArray(candidate.textEdits, TextEdit.is)
                && (candidate.tooltip === undefined || Is.string(candidate.tooltip) || MarkupContent.is(candidate.tooltip))
                && (candidate.paddingLeft === undefined || Is.boolean(candidate.paddingLeft))
                && (candidate.paddingRight === undefined || Is.boolean(candidate.paddingRight));
        }
        InlayHint.is = is;
    })(InlayHint || (exports.InlayHint = InlayHint = {}));
    var StringValue;
    (function (StringValue) {
        function createSnippet(value) {
            return { kind: 'snippet', value: value };
        }
        StringValue.createSnippet = createSnippet;
        function isSnippet(value) {
            var candidate = value;
            return Is.objectLiteral(candidate)
                && candidate.kind === 'snippet'
                && Is.string(candidate.value);
        }
        StringValue.isSnippet = isSnippet;
    })(StringValue || (exports.StringValue = StringValue = {}));
    var InlineCompletionItem;
    (function (InlineCompletionItem) {
        function create(insertText, filterText, range, command) {
            return { insertText: insertText, filterText: filterText, range: range, command: command };
        }
        InlineCompletionItem.create = create;
    })(InlineCompletionItem || (exports.InlineCompletionItem = InlineCompletionItem = {}));
    var InlineCompletionList;
    (function (InlineCompletionList) {
        function create(items) {
            return { items: items };
        }
        InlineCompletionList.create = create;
    })(InlineCompletionList || (exports.InlineCompletionList = InlineCompletionList = {}));
    /**
     * Describes how an {@link InlineCompletionItemProvider inline completion provider} was triggered.
     *
     * @since 3.18.0
     */
    var InlineCompletionTriggerKind;
    (function (InlineCompletionTriggerKind) {
        /**
         * Completion was triggered explicitly by a user gesture.
         */
        InlineCompletionTriggerKind.Invoked = 1;
        /**
         * Completion was triggered automatically while editing.
         */
        InlineCompletionTriggerKind.Automatic = 2;
    })(InlineCompletionTriggerKind || (exports.InlineCompletionTriggerKind = InlineCompletionTriggerKind = {}));
    var SelectedCompletionInfo;
    (function (SelectedCompletionInfo) {
        function create(range, text) {
            return { range: range, text: text };
        }
        SelectedCompletionInfo.create = create;
    })(SelectedCompletionInfo || (exports.SelectedCompletionInfo = SelectedCompletionInfo = {}));
    var InlineCompletionContext;
    (function (InlineCompletionContext) {
        function create(triggerKind, selectedCompletionInfo) {
            return { triggerKind: triggerKind, selectedCompletionInfo: selectedCompletionInfo };
        }
        InlineCompletionContext.create = create;
    })(InlineCompletionContext || (exports.InlineCompletionContext = InlineCompletionContext = {}));
    var WorkspaceFolder;
    (function (WorkspaceFolder) {
        function is(value) {
            var candidate = value;
            return Is.objectLiteral(candidate) && URI.is(candidate.uri) && Is.string(candidate.name);
        }
        WorkspaceFolder.is = is;
    })(WorkspaceFolder || (exports.WorkspaceFolder = WorkspaceFolder = {}));
    exports.EOL = ['\n', '\r\n', '\r'];
    /**
     * @deprecated Use the text document from the new vscode-languageserver-textdocument package.
     */
    var TextDocument;
    (function (TextDocument) {
        /**
         * Creates a new ITextDocument literal from the given uri and content.
         * @param uri The document's uri.
         * @param languageId The document's language Id.
         * @param version The document's version.
         * @param content The document's content.
         */
        function create(uri, languageId, version, content) {
            return new FullTextDocument(uri, languageId, version, content);
        }
        TextDocument.create = create;
        /**
         * Checks whether the given literal conforms to the {@link ITextDocument} interface.
         */
        function is(value) {
            var candidate = value;
            return Is.defined(candidate) && Is.string(candidate.uri) && (Is.undefined(candidate.languageId) || Is.string(candidate.languageId)) && Is.uinteger(candidate.lineCount)
                && Is.func(candidate.getText) && Is.func(candidate.positionAt) && Is.func(candidate.offsetAt) ? true : false;
        }
        TextDocument.is = is;
        function applyEdits(document, edits) {
            var text = document.getText();
            var sortedEdits = mergeSort(edits, function (a, b) {
                var diff = a.range.start.line - b.range.start.line;
                if (diff === 0) {
                    return a.range.start.character - b.range.start.character;
                }
                return diff;
            });
            var lastModifiedOffset = text.length;
            for (var i = sortedEdits.length - 1; i >= 0; i--) {
                var e = sortedEdits[i];
                var startOffset = document.offsetAt(e.range.start);
                var endOffset = document.offsetAt(e.range.end);
                if (endOffset <= lastModifiedOffset) {
                    text = text.substring(0, startOffset) + e.newText + text.substring(endOffset, text.length);
                }
                else {
                    throw new Error('Overlapping edit');
                }
                lastModifiedOffset = startOffset;
            }
            return text;
        }
        TextDocument.applyEdits = applyEdits;
        function mergeSort(data, compare) {
            if (data.length <= 1) {
                // sorted
                return data;
            }
            var p = (data.length / 2) | 0;
            var left = data.slice(0, p);
            var right = data.slice(p);
            mergeSort(left, compare);
            mergeSort(right, compare);
            var leftIdx = 0;
            var rightIdx = 0;
            var i = 0;
            while (leftIdx < left.length && rightIdx < right.length) {
                var ret = compare(left[leftIdx], right[rightIdx]);
                if (ret <= 0) {
                    // smaller_equal -> take left to preserve order
                    data[i++] = left[leftIdx++];
                }
                else {
                    // greater -> take right
                    data[i++] = right[rightIdx++];
                }
            }
            while (leftIdx < left.length) {
                data[i++] = left[leftIdx++];
            }
            while (rightIdx < right.length) {
                data[i++] = right[rightIdx++];
            }
            return data;
        }
    })(TextDocument || (exports.TextDocument = TextDocument = {}));
    /**
     * @deprecated Use the text document from the new vscode-languageserver-textdocument package.
     */
    var FullTextDocument = /** @class */ (function () {
        function FullTextDocument(uri, languageId, version, content) {
            this._uri = uri;
            this._languageId = languageId;
            this._version = version;
            this._content = content;
            this._lineOffsets = undefined;
        }
        Object.defineProperty(FullTextDocument.prototype, "uri", {
            get: function () {
                return this._uri;
            },
            enumerable: false,
            configurable: true
        });
        Object.defineProperty(FullTextDocument.prototype, "languageId", {
            get: function () {
                return this._languageId;
            },
            enumerable: false,
            configurable: true
        });
        Object.defineProperty(FullTextDocument.prototype, "version", {
            get: function () {
                return this._version;
            },
            enumerable: false,
            configurable: true
        });
        FullTextDocument.prototype.getText = function (range) {
            if (range) {
                var start = this.offsetAt(range.start);
                var end = this.offsetAt(range.end);
                return this._content.substring(start, end);
            }
            return this._content;
        };
        FullTextDocument.prototype.update = function (event, version) {
            this._content = event.text;
            this._version = version;
            this._lineOffsets = undefined;
        };
        FullTextDocument.prototype.getLineOffsets = function () {
            if (this._lineOffsets === undefined) {
                var lineOffsets = [];
                var text = this._content;
                var isLineStart = true;
                for (var i = 0; i < text.length; i++) {
                    if (isLineStart) {
                        lineOffsets.push(i);
                        isLineStart = false;
                    }
                    var ch = text.charAt(i);
                    isLineStart = (ch === '\r' || ch === '\n');
                    if (ch === '\r' && i + 1 < text.length && text.charAt(i + 1) === '\n') {
                        i++;
                    }
                }
                if (isLineStart && text.length > 0) {
                    lineOffsets.push(text.length);
                }
                this._lineOffsets = lineOffsets;
            }
            return this._lineOffsets;
        };
        FullTextDocument.prototype.positionAt = function (offset) {
            offset = Math.max(Math.min(offset, this._content.length), 0);
            var lineOffsets = this.getLineOffsets();
            var low = 0, high = lineOffsets.length;
            if (high === 0) {
                return Position.create(0, offset);
            }
            while (low < high) {
                var mid = Math.floor((low + high) / 2);
                if (lineOffsets[mid] > offset) {
                    high = mid;
                }
                else {
                    low = mid + 1;
                }
            }
            // low is the least x for which the line offset is larger than the current offset
            // or array.length if no line offset is larger than the current offset
            var line = low - 1;
            return Position.create(line, offset - lineOffsets[line]);
        };
        FullTextDocument.prototype.offsetAt = function (position) {
            var lineOffsets = this.getLineOffsets();
            if (position.line >= lineOffsets.length) {
                return this._content.length;
            }
            else if (position.line < 0) {
                return 0;
            }
            var lineOffset = lineOffsets[position.line];
            var nextLineOffset = (position.line + 1 < lineOffsets.length) ? lineOffsets[position.line + 1] : this._content.length;
            return Math.max(Math.min(lineOffset + position.character, nextLineOffset), lineOffset);
        };
        Object.defineProperty(FullTextDocument.prototype, "lineCount", {
            get: function () {
                return this.getLineOffsets().length;
            },
            enumerable: false,
            configurable: true
        });
        return FullTextDocument;
    }());
    var Is;
    (function (Is) {
        var toString = Object.prototype.toString;
        function defined(value) {
            return typeof value !== 'undefined';
        }
        Is.defined = defined;
        function undefined(value) {
            return typeof value === 'undefined';
        }
        Is.undefined = undefined;
        function boolean(value) {
            return value === true || value === false;
        }
        Is.boolean = boolean;
        function string(value) {
            return toString.call(value) === '[object String]';
        }
        Is.string = string;
        function number(value) {
            return toString.call(value) === '[object Number]';
        }
        Is.number = number;
        function numberRange(value, min, max) {
            return toString.call(value) === '[object Number]' && min <= value && value <= max;
        }
        Is.numberRange = numberRange;
        function integer(value) {
            return toString.call(value) === '[object Number]' && -2147483648 <= value && value <= 2147483647;
        }
        Is.integer = integer;
        function uinteger(value) {
            return toString.call(value) === '[object Number]' && 0 <= value && value <= 2147483647;
        }
        Is.uinteger = uinteger;
        function func(value) {
            return toString.call(value) === '[object Function]';
        }
        Is.func = func;
        function objectLiteral(value) {
            // Strictly speaking class instances pass this check as well. Since the LSP
            // doesn't use classes we ignore this for now. If we do we need to add something
            // like this: `Object.getPrototypeOf(Object.getPrototypeOf(x)) === null`
            return value !== null && typeof value === 'object';
        }
        Is.objectLiteral = objectLiteral;
        function typedArray(value, check) {
            return Array.isArray(value) && value.every(check);
        }
        Is.typedArray = typedArray;
    })(Is || (Is = {}));
});


/***/ }),

/***/ 3916:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Dn: () => (/* binding */ isExpected),
/* harmony export */   Oj: () => (/* binding */ systemError),
/* harmony export */   Qd: () => (/* binding */ CommandError),
/* harmony export */   _7: () => (/* binding */ ServiceError),
/* harmony export */   j1: () => (/* binding */ ConfigurationError),
/* harmony export */   ue: () => (/* binding */ GateError)
/* harmony export */ });
/** A mistake the user can fix in their workflow: printed as one `::error::`, never with a stack trace. */
class ConfigurationError extends Error {
    constructor(message) {
        super(message);
        this.name = 'ConfigurationError';
    }
}
/** A command (docker, trivy, cosign) that exited non-zero; carries the useful tail of its stderr. */
class CommandError extends Error {
    display;
    exitCode;
    stderrTail;
    constructor(display, exitCode, stderrTail) {
        super(`${display} failed with exit code ${exitCode}${stderrTail ? `:\n${stderrTail}` : ''}`);
        this.display = display;
        this.exitCode = exitCode;
        this.stderrTail = stderrTail;
        this.name = 'CommandError';
    }
}
/** A policy gate (scan severity, size budget, Dockerfile checks) that refused the image. */
class GateError extends Error {
    constructor(message) {
        super(message);
        this.name = 'GateError';
    }
}
/** An AWS or GitHub API call that failed: the operation and the service's own words, no stack trace. */
class ServiceError extends Error {
    code;
    status;
    constructor(message, 
    /** The service's error name, e.g. `ImageTagAlreadyExistsException`, or the HTTP status as text. */
    code = '', status) {
        super(message);
        this.code = code;
        this.status = status;
        this.name = 'ServiceError';
    }
}
/**
 * A failed file system call (a full disk, a read-only or missing folder) as one message naming the path and
 * what the runner said; undefined for any other error.
 */
function systemError(error, path) {
    const failed = (error ?? {});
    // Duck-typed: errors from Node's own fs calls may come from another realm than this module's Error.
    if (typeof failed.code !== 'string' ||
        typeof failed.syscall !== 'string' ||
        typeof failed.message !== 'string')
        return undefined;
    const where = path ?? failed.path;
    const why = failed.code === 'ENOSPC' || failed.code === 'EDQUOT'
        ? `the runner's disk is full (${failed.code}): free space before this step (on a self-hosted runner, e.g. remove unused images), or use a larger runner`
        : failed.message;
    return new ServiceError(`Could not ${failed.syscall} ${where ?? 'a file'}: ${why}.`, failed.code);
}
/** Errors the user should see as a message alone, without a stack trace. */
function isExpected(error) {
    return (error instanceof ConfigurationError ||
        error instanceof CommandError ||
        error instanceof GateError ||
        error instanceof ServiceError);
}


/***/ }),

/***/ 9407:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3916);
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(8366);


/** The main step's entry; the post step has a bundle of its own (src/post.ts). */
async function run() {
    const io = (0,_main_js__WEBPACK_IMPORTED_MODULE_1__/* .runnerIo */ .N)();
    try {
        await (0,_main_js__WEBPACK_IMPORTED_MODULE_1__/* .runAction */ .C)(io);
    }
    catch (caught) {
        // A full disk or an unwritable folder is the runner's state, not a bug: its message alone, no stack.
        const error = (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .systemError */ .Oj)(caught) ?? caught;
        if (!(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .isExpected */ .Dn)(error))
            io.log.debug(error.stack ?? String(error));
        io.log.error(error.message ?? String(error));
        process.exitCode = 1;
    }
}
await run();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 8366:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  C: () => (/* binding */ runAction),
  N: () => (/* binding */ runnerIo)
});

// NAMESPACE OBJECT: ./src/run/workflow-commands.ts
var workflow_commands_namespaceObject = {};
__nccwpck_require__.r(workflow_commands_namespaceObject);
__nccwpck_require__.d(workflow_commands_namespaceObject, {
  appendSummary: () => (appendSummary),
  debug: () => (debug),
  endGroup: () => (endGroup),
  error: () => (error),
  getState: () => (getState),
  info: () => (info),
  notice: () => (notice),
  saveState: () => (saveState),
  setOutput: () => (setOutput),
  setSecret: () => (setSecret),
  startGroup: () => (startGroup),
  warning: () => (warning)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __nccwpck_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __nccwpck_require__(3916);
// EXTERNAL MODULE: ./node_modules/semver/index.js
var semver = __nccwpck_require__(2088);
var semver_default = /*#__PURE__*/__nccwpck_require__.n(semver);
;// CONCATENATED MODULE: ./src/config/values.ts

/** Longest value any input may have: far beyond real use, short enough that a typo'd paste is caught. */
const maxInputLength = 64 * 1024;
/**
 * The first control character other than tab and line breaks, the only ones a workflow legitimately writes.
 * A `\r` counts as one unless a `\n` follows: the runner starts a line at it, so text after it could be read as a command.
 */
function controlCharacterAt(value) {
    for (let index = 0; index < value.length; index++) {
        const code = value.charCodeAt(index);
        const lineBreak = code === 0x0a || (code === 0x0d && value.charCodeAt(index + 1) === 0x0a);
        if ((code < 0x20 && code !== 0x09 && !lineBreak) || code === 0x7f)
            return index;
    }
    return -1;
}
/** Inputs as the runner passes them: `INPUT_<NAME>` with the name upper-cased, hyphens kept. */
function readRawInputs(env) {
    return Object.fromEntries(Object.entries(env)
        .filter(([key]) => key.startsWith('INPUT_'))
        .map(([key, value]) => [key.slice('INPUT_'.length).toLowerCase(), value]));
}
/** Refuses control characters and absurd lengths in any input, before its own rules look at it. */
function checkRawInput(name, value) {
    if (value === undefined)
        return;
    if (value.length > maxInputLength) {
        throw new errors/* ConfigurationError */.j1(`Input '${name}' is ${value.length} characters long: at most ${maxInputLength} are accepted.`);
    }
    const at = controlCharacterAt(value);
    if (at >= 0) {
        throw new errors/* ConfigurationError */.j1(`Input '${name}' contains the control character U+${value.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')} at position ${at + 1}: only printable text, tabs and line breaks are accepted.`);
    }
}
/** A single-line input, trimmed; a line break inside it is an error (it would split a command or a log line). */
function values_text(raw, name) {
    const value = (raw[name] ?? '').trim();
    if (/[\r\n]/.test(value)) {
        throw new errors/* ConfigurationError */.j1(`Input '${name}' has more than one line: expected a single value.`);
    }
    return value;
}
/** A single value that reaches a command as an argument: it must not look like a flag. */
function argument(raw, name, what) {
    const value = values_text(raw, name);
    if (value.startsWith('-')) {
        throw new errors/* ConfigurationError */.j1(`Input '${name}' is '${value}': expected ${what}, not something starting with '-'.`);
    }
    return value;
}
function bool(raw, name, fallback) {
    const value = values_text(raw, name).toLowerCase();
    if (value === '')
        return fallback;
    if (value === 'true')
        return true;
    if (value === 'false')
        return false;
    throw new errors/* ConfigurationError */.j1(`Input '${name}' is '${values_text(raw, name)}': expected 'true' or 'false'.`);
}
/** One of `allowed`, matched case-insensitively; `fallback` when empty. */
function oneOf(raw, name, allowed, fallback) {
    const value = values_text(raw, name);
    if (value === '')
        return fallback;
    const found = allowed.find((option) => option.toLowerCase() === value.toLowerCase());
    if (!found) {
        throw new errors/* ConfigurationError */.j1(`Input '${name}' is '${value}': expected one of ${allowed.map((a) => `'${a}'`).join(', ')}.`);
    }
    return found;
}
/** Non-empty lines of a multi-line input, each trimmed, with their 1-based line numbers. */
function numberedLines(raw, name) {
    return (raw[name] ?? '')
        .split(/\r?\n/)
        .map((value, index) => ({ line: index + 1, text: value.trim() }))
        .filter((item) => item.text !== '');
}
/** Splits `key=value` at the first `=`; undefined when there is no key. */
function splitKeyValue(item) {
    const at = item.indexOf('=');
    if (at <= 0)
        return undefined;
    return [item.slice(0, at).trim(), item.slice(at + 1)];
}

;// CONCATENATED MODULE: ./src/cache/specs.ts

/** A `cache-ref` with a registry or repository part, rather than a bare tag. */
function isFullReference(ref) {
    return ref.includes('/') || ref.includes(':');
}
/** A buildx cache spec's `key=value` attributes, keys lower-cased. */
function attributesOf(spec) {
    return spec
        .split(',')
        .map((item) => splitKeyValue(item.trim()))
        .filter((pair) => pair !== undefined)
        .map(([key, value]) => [key.toLowerCase(), value]);
}
/** The exporter type of a raw spec; a bare reference means `registry`, as in buildx. */
function typeOf(spec) {
    const type = attributesOf(spec).find(([key]) => key === 'type')?.[1];
    return type ?? (spec.includes('=') ? '' : 'registry');
}
/** Cache exporters for which buildx accepts `ignore-error`. */
const ignorableExporters = ['registry', 'gha', 'local', 's3', 'azblob'];
/** Adds `ignore-error=true` to an export that accepts it: a cache must never fail a build. */
function withIgnoreError(spec) {
    const ignorable = ignorableExporters.includes(typeOf(spec));
    const explicit = attributesOf(spec).some(([key]) => key === 'ignore-error');
    return ignorable && !explicit ? `${spec},ignore-error=true` : spec;
}

;// CONCATENATED MODULE: ./src/cache/plan.ts



/** Characters safe in a tag, a gha scope, a cache key and a folder name. */
function sanitize(part) {
    return part
        .replace(/[^A-Za-z0-9_.-]+/g, '-')
        .replace(/^[-.]+|-+$/g, '')
        .replace(/\.{2,}/g, '-');
}
function platformSuffix(platforms) {
    return [...platforms].sort().map(sanitize).join('_');
}
/** `<repository>-<target>[-<platforms>]`: one cache per image, stage and platform set, shared by gha and local. */
function cacheScope(facts) {
    const parts = [facts.repository, facts.target || 'default'];
    if (facts.platforms.length > 0)
        parts.push(platformSuffix(facts.platforms));
    return parts.map(sanitize).join('-');
}
function localCacheKey(scope, dependencyHash) {
    return { key: `buildx-${scope}-${dependencyHash}`, restoreKeys: [`buildx-${scope}-`] };
}
function truthy(value) {
    return /^(1|true|yes)$/i.test((value ?? '').trim());
}
function hasCacheService(env) {
    return Boolean(env.ACTIONS_RUNTIME_TOKEN && (env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL));
}
/** The docker driver exports only inline cache, unless the daemon uses the containerd image store. */
function exportsOnlyInline(facts) {
    return facts.driver === 'docker' && facts.imageStore === 'classic';
}
function defaultBackends(facts) {
    const gha = !exportsOnlyInline(facts) && facts.hostedRunner && hasCacheService(facts.env);
    if (!facts.registry)
        return gha ? ['gha'] : [];
    if (exportsOnlyInline(facts))
        return ['inline'];
    return gha ? ['gha'] : ['registry'];
}
const needsRegistry = (backend) => backend === 'registry' || backend === 'inline';
/** Why gha can't be used here, with what to do about it; undefined when it can. */
function ghaProblem(facts) {
    if (!hasCacheService(facts.env)) {
        return `Cache: 'gha' needs the runner's cache service, but ACTIONS_RUNTIME_TOKEN and ACTIONS_CACHE_URL or ACTIONS_RESULTS_URL are not set in this step's environment (the runner gives them to every JavaScript action; is this running outside GitHub Actions?). Using the registry cache instead.`;
    }
    if (!truthy(facts.env.ACTIONS_CACHE_SERVICE_V2))
        return undefined;
    const buildx = semver_default().coerce(facts.buildxVersion)?.version ?? '0.0.0';
    if (semver_default().lt(buildx, '0.21.0')) {
        return `Cache: this runner uses the GitHub cache service v2 (ACTIONS_CACHE_SERVICE_V2 is set), which needs buildx 0.21.0 or later; this runner has buildx ${facts.buildxVersion}. Add docker/setup-buildx-action with 'version: latest' before this step, or set 'cache: registry'. Using the registry cache instead.`;
    }
    const buildkit = facts.buildkitVersion ? semver_default().coerce(facts.buildkitVersion)?.version : undefined;
    if (buildkit && semver_default().lt(buildkit, '0.20.0')) {
        return `Cache: this runner uses the GitHub cache service v2 (ACTIONS_CACHE_SERVICE_V2 is set), which needs BuildKit 0.20.0 or later; the builder runs BuildKit ${facts.buildkitVersion}. Create the builder with docker/setup-buildx-action and 'driver-opts: image=moby/buildkit:buildx-stable-1' (or at least moby/buildkit:v0.20.0) and pass its name as 'builder', or set 'cache: registry'. Using the registry cache instead.`;
    }
    return undefined;
}
/** The registry cache refs: what this build reads, in order, and the one it writes. */
function registryCacheRefs(config, facts) {
    if (config.ref && isFullReference(config.ref))
        return { read: [config.ref], write: config.ref };
    const suffix = facts.platforms.length > 0 ? `-${platformSuffix(facts.platforms)}` : '';
    const tag = (config.ref || `buildcache-${sanitize(facts.target) || 'default'}${suffix}`).slice(0, 120);
    const reference = (name) => `${facts.registry}/${config.repository || facts.repository}:${name}`;
    if (facts.pullRequest === undefined)
        return { read: [reference(tag)], write: reference(tag) };
    // A pull request never writes the tag the default branch reads: its own cache, read first, then the branch's.
    const own = reference(`${tag}-pr-${facts.pullRequest}`);
    return { read: [own, reference(tag)], write: own };
}
/** The registry cache tag would live in the image repository, whose tags can't be overwritten. */
function registryImmutable(config, facts) {
    if (!facts.tagImmutable || isFullReference(config.ref))
        return false;
    return !config.repository || config.repository === facts.repository;
}
function resolveBackends(requested, config, facts, warnings) {
    if (!facts.registry && requested.some(needsRegistry)) {
        const named = requested
            .filter(needsRegistry)
            .map((backend) => `'${backend}'`)
            .join(', ');
        warnings.push(`Cache: ${named} cache lives in the registry, which 'push: false' does not use; it is left out of this build. 'gha' and 'local' cache work without a push.`);
        return resolveBackends(requested.filter((backend) => !needsRegistry(backend)), config, facts, warnings);
    }
    const exporting = requested.filter((backend) => backend !== 'inline');
    if (exportsOnlyInline(facts) && exporting.length > 0) {
        const fallback = facts.registry
            ? 'so this build uses inline cache'
            : 'and without a push there is no inline cache either, so this build uses none';
        warnings.push(`Cache: the docker driver with the classic image store can't export ${exporting.map((b) => `'${b}'`).join(', ')} cache (it only embeds 'inline' cache in the image), ${fallback}. For gha, registry or local cache, use 'driver: docker-container' (the default) or Docker's containerd image store.`);
        return facts.registry ? ['inline'] : [];
    }
    const resolved = requested.map((backend) => {
        if (backend !== 'gha')
            return backend;
        const problem = ghaProblem(facts);
        if (!problem)
            return 'gha';
        warnings.push(problem);
        return 'registry';
    });
    const withRegistry = resolved.map((backend) => {
        if (backend !== 'registry' || !registryImmutable(config, facts))
            return backend;
        const tag = registryCacheRefs(config, facts).write.split(':').pop();
        warnings.push(`Cache: ECR repository '${facts.repository}' has immutable tags, so the registry cache tag '${tag}' could be written once and never updated (docker/build-push-action#1042). Set 'cache-repository' to a repository with mutable tags (e.g. '${facts.repository}-cache'), or 'cache: gha'. Using inline cache instead.`);
        return 'inline';
    });
    return [...new Set(withRegistry)];
}
/** gha scopes: a branch writes its own and reads the default branch's; a pull request writes `pr-<n>` only. */
function ghaScopes(facts) {
    const scope = cacheScope(facts);
    const branchScope = (branch) => `${scope}-${sanitize(branch)}`;
    const write = facts.pullRequest !== undefined
        ? `${scope}-pr-${facts.pullRequest}`
        : facts.branch
            ? branchScope(facts.branch)
            : scope;
    const read = [write, ...(facts.defaultBranch ? [branchScope(facts.defaultBranch)] : [])];
    return { write, read: [...new Set(read)] };
}
/**
 * Plans the build's cache reads and writes: backends resolved against what the driver, store, buildx and
 * the runner can do (falling back with a warning, never failing), and `ignore-error=true` on every export.
 */
function planCache(config, facts) {
    const warnings = [];
    const requested = config.backends === 'none' ? [] : config.backends.length > 0 ? config.backends : defaultBackends(facts);
    const backends = requested.length > 0 ? resolveBackends(requested, config, facts, warnings) : [];
    const from = [];
    const to = [];
    let local;
    const mode = `mode=${config.mode}`;
    for (const backend of backends) {
        switch (backend) {
            case 'gha': {
                const scopes = ghaScopes(facts);
                from.push(...scopes.read.map((scope) => `type=gha,scope=${scope}`));
                to.push(`type=gha,scope=${scopes.write},${mode},ignore-error=true`);
                break;
            }
            case 'registry': {
                const refs = registryCacheRefs(config, facts);
                from.push(...refs.read.map((ref) => `type=registry,ref=${ref}`));
                to.push(`type=registry,ref=${refs.write},${mode},image-manifest=true,oci-mediatypes=true,ignore-error=true`);
                break;
            }
            case 'inline':
                from.push(...facts.previousTags.map((tag) => `type=registry,ref=${facts.image}:${tag}`));
                to.push('type=inline');
                break;
            case 'local': {
                const restoreDir = external_node_path_.join(facts.localCacheRoot, sanitize(facts.repository), sanitize(facts.target) || 'default');
                const exportDir = `${restoreDir}-new`;
                local = { restoreDir, exportDir, ...localCacheKey(cacheScope(facts), facts.dependencyHash) };
                from.push(`type=local,src=${restoreDir}`);
                to.push(`type=local,dest=${exportDir},${mode},ignore-error=true`);
                break;
            }
        }
    }
    const rawTo = config.to.filter((spec) => {
        if (!exportsOnlyInline(facts) || typeOf(spec) === 'inline')
            return true;
        warnings.push(`Cache: input 'cache-to' has '${spec}', which the docker driver with the classic image store can't export; it is left out of this build. Use 'driver: docker-container' (the default), Docker's containerd image store, or 'cache-to: type=inline'.`);
        return false;
    });
    return {
        from: config.from.length > 0 ? config.from : from,
        to: config.to.length > 0 ? rawTo.map(withIgnoreError) : to,
        warnings,
        ...(local ? { local } : {})
    };
}
/** `--cache-from`/`--cache-to` flags for `docker buildx build`, in plan order. */
function cacheFlags(plan) {
    return [
        ...plan.from.flatMap((spec) => ['--cache-from', spec]),
        ...plan.to.flatMap((spec) => ['--cache-to', spec])
    ];
}

;// CONCATENATED MODULE: ./src/build/progress.ts
const stepPattern = /^\[(?:[^\]]+ )?\d+\/\d+\]\s+(\S+)/;
const cacheImportPrefix = 'importing cache manifest from ';
/** BuildKit's words for a cache-from with nothing behind it yet (`registry`, `gha`, ...): not a failure. */
const nothingToImport = /^failed to configure (\S+) cache importer: .*\bnot found$/;
/** Our own words for a cache-from that has nothing yet, said instead of BuildKit's ERROR line. */
function noEarlierImageLine(type, source) {
    const where = type === 'registry' ? source : `the ${type} cache`;
    return `No earlier image to reuse at ${where} (nothing there yet, as on a first run): every build step runs.`;
}
function seconds(from, to) {
    return Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
}
/** Time covered by a vertex's runs: a restart adds up, while overlapping reports of one run count once. */
function coveredSeconds(runs) {
    const spans = [...runs].map(([from, to]) => [Date.parse(from), Date.parse(to)]).sort((a, b) => a[0] - b[0]);
    let total = 0;
    let end = -Infinity;
    for (const [from, to] of spans) {
        if (to <= end)
            continue;
        total += to - Math.max(from, end);
        end = to;
    }
    return total / 1000;
}
function overlapsRun(runs, started, completed) {
    return [...runs].some(([from, to]) => Date.parse(started) < Date.parse(to) && Date.parse(from) < Date.parse(completed));
}
/** Sizes the way docker prints them (decimal units, four significant digits). */
function humanSize(bytes) {
    const units = ['B', 'kB', 'MB', 'GB', 'TB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
        value /= 1000;
        unit += 1;
    }
    return `${Number(value.toPrecision(4))}${units[unit]}`;
}
function decode(base64) {
    return base64 ? Buffer.from(base64, 'base64').toString('utf8') : '';
}
/**
 * Reads `docker buildx build --progress=rawjson` standard error as it arrives: writes `--progress=plain`
 * style lines for the log, and counts the build steps and how many came from cache.
 * Lines that aren't JSON (buildx's own errors and warnings) pass through unchanged.
 */
class BuildProgress {
    options;
    vertices = new Map();
    noticed = new Set();
    current;
    shown = 0;
    text = '';
    object = '';
    depth = 0;
    inString = false;
    escaped = false;
    constructor(options = {}) {
        this.options = options;
    }
    /** Feeds a chunk of standard error; returns the log lines it completes. */
    write(chunk) {
        const lines = [];
        for (const char of chunk) {
            if (this.depth > 0) {
                this.object += char;
                this.scan(char, lines);
            }
            else if (char === '{' && this.text.trim() === '') {
                this.text = '';
                this.object = '{';
                this.depth = 1;
            }
            else if (char === '\n') {
                if (this.text.trim() !== '')
                    lines.push(this.text.trimEnd());
                this.text = '';
            }
            else {
                this.text += char;
            }
        }
        return lines;
    }
    /** Feeds one line without its newline, as line-splitting stream listeners deliver them. */
    line(text) {
        return this.write(`${text}\n`);
    }
    /** Flushes what is left at the end of the stream. */
    end() {
        const rest = [this.text, this.object].map((part) => part.trimEnd()).filter((part) => part !== '');
        this.text = '';
        this.object = '';
        this.depth = 0;
        return rest.flatMap((part) => part.split('\n'));
    }
    stats(slowestCount = 5) {
        const steps = [...this.vertices.values()].filter((vertex) => {
            const instruction = stepPattern.exec(vertex.name)?.[1];
            return instruction !== undefined && instruction.toUpperCase() !== 'FROM' && vertex.runs.size > 0;
        });
        const slowest = steps
            .filter((step) => !step.cached)
            .map((step) => ({
            name: step.name,
            seconds: Math.round(coveredSeconds(step.runs) * 1000) / 1000
        }))
            .sort((a, b) => b.seconds - a.seconds)
            .slice(0, slowestCount);
        return { steps: steps.length, cached: steps.filter((step) => step.cached).length, slowest };
    }
    scan(char, lines) {
        if (this.inString) {
            if (this.escaped)
                this.escaped = false;
            else if (char === '\\')
                this.escaped = true;
            else if (char === '"')
                this.inString = false;
            return;
        }
        if (char === '"')
            this.inString = true;
        else if (char === '{')
            this.depth += 1;
        else if (char === '}' && --this.depth === 0) {
            const text = this.object;
            this.object = '';
            let status;
            try {
                status = JSON.parse(text);
            }
            catch {
                lines.push(...text.split('\n'));
                return;
            }
            lines.push(...this.apply(status));
        }
    }
    apply(status) {
        const lines = [];
        // BuildKit may send a vertex twice in one update (done, then restarted): only the last state counts.
        const latest = new Map((status.vertexes ?? []).map((vertex) => [vertex.digest, vertex]));
        for (const vertex of latest.values())
            lines.push(...this.applyVertex(vertex));
        for (const update of status.statuses ?? []) {
            const vertex = this.vertices.get(update.vertex);
            if (!vertex || !update.completed || vertex.reported.has(`status ${update.id}`))
                continue;
            vertex.reported.add(`status ${update.id}`);
            const size = update.total
                ? ` ${humanSize(update.current ?? 0)} / ${humanSize(update.total)}`
                : update.current
                    ? ` ${humanSize(update.current)}`
                    : '';
            lines.push(...this.say(update.vertex, `${update.id}${size} done`));
        }
        for (const log of status.logs ?? []) {
            const vertex = this.vertices.get(log.vertex);
            const at = vertex?.started && log.timestamp ? `${seconds(vertex.started, log.timestamp).toFixed(3)} ` : '';
            const text = decode(log.data).replace(/\r?\n$/, '');
            for (const line of text.split(/\r?\n/))
                lines.push(...this.say(log.vertex, `${at}${line}`));
        }
        for (const warning of status.warnings ?? [])
            lines.push(`WARNING: ${decode(warning.short)}`);
        return lines;
    }
    applyVertex(update) {
        let vertex = this.vertices.get(update.digest);
        if (!vertex) {
            vertex = {
                name: update.name ?? update.digest,
                cached: false,
                runs: new Map(),
                reported: new Set()
            };
            this.vertices.set(update.digest, vertex);
        }
        if (update.started)
            vertex.started = update.started;
        if (!update.started && !update.cached && !update.completed)
            return [];
        const lines = vertex.number === undefined ? this.say(update.digest, undefined) : [];
        if (!update.completed || vertex.reported.has(`completed ${update.completed}`))
            return lines;
        vertex.reported.add(`completed ${update.completed}`);
        vertex.cached = Boolean(update.cached);
        vertex.error = update.error;
        const missing = update.error ? nothingToImport.exec(update.error) : null;
        if (missing && vertex.name.startsWith(cacheImportPrefix)) {
            const source = vertex.name.slice(cacheImportPrefix.length);
            if (!this.noticed.has(source))
                this.options.notice?.(noEarlierImageLine(missing[1], source));
            this.noticed.add(source);
            return lines;
        }
        // In a bake, every build that shares a stage reports the one run of its steps: say it once.
        const alreadyShown = Boolean(update.started) && overlapsRun(vertex.runs, update.started, update.completed);
        if (update.started)
            vertex.runs.set(update.started, update.completed);
        if (alreadyShown && !update.error)
            return lines;
        const outcome = update.error
            ? `ERROR: ${update.error}`
            : update.cached
                ? 'CACHED'
                : `DONE ${update.started ? seconds(update.started, update.completed).toFixed(1) : '0.0'}s`;
        return [...lines, ...this.say(update.digest, outcome)];
    }
    /** A line for a vertex, preceded by its `#N name` header whenever the log switches to it. */
    say(digest, text) {
        const vertex = this.vertices.get(digest);
        if (!vertex)
            return text === undefined ? [] : [text];
        const lines = [];
        if (vertex.number === undefined)
            vertex.number = ++this.shown;
        if (this.current !== digest) {
            lines.push(`#${vertex.number} ${vertex.name}`);
            this.current = digest;
        }
        if (text !== undefined)
            lines.push(`#${vertex.number} ${text}`);
        return lines;
    }
}
/** Parses a whole captured stream: the log lines and the stats. */
function parseBuildProgress(text) {
    const progress = new BuildProgress();
    const lines = [...progress.write(text), ...progress.end()];
    return { lines, stats: progress.stats() };
}

;// CONCATENATED MODULE: ./src/build/build.ts




const secretEnvPrefix = 'ECR_BUILD_PUSH_SECRET_';
/** `--secret` specs for buildx: values by env var name (set on the command), files by path. */
function secretSpecs(request) {
    const env = Object.fromEntries(request.secrets.map((secret, index) => [`${secretEnvPrefix}${index}`, secret.value]));
    return {
        specs: [
            ...request.secrets.map((secret, index) => `id=${secret.id},env=${secretEnvPrefix}${index}`),
            ...request.secretFiles.map((file) => `id=${file.id},src=${file.path}`)
        ],
        env
    };
}
/** The one `docker buildx build` that builds the target with every tag, label and cache flag. */
function planBuild(request) {
    const { specs, env } = secretSpecs(request);
    const args = [
        'buildx',
        'build',
        '--builder',
        request.builder,
        '--file',
        request.file,
        ...(request.target ? ['--target', request.target] : []),
        ...(request.platforms.length > 0 ? ['--platform', request.platforms.join(',')] : []),
        ...request.buildArgs.flatMap((arg) => ['--build-arg', `${arg.key}=${arg.value}`]),
        ...specs.flatMap((spec) => ['--secret', spec]),
        ...Object.entries(request.labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
        ...request.annotations.flatMap((annotation) => ['--annotation', annotation]),
        ...request.output.names.flatMap((name) => ['--tag', name]),
        ...cacheFlags(request.cache),
        ...(request.noCache ? ['--no-cache'] : []),
        ...(request.pull ? ['--pull'] : []),
        ...(request.provenance ? [`--provenance=${request.provenance}`] : []),
        ...(request.sbom ? [`--sbom=${request.sbom}`] : []),
        ...request.output.exporters.flatMap((exporter) => ['--output', exporter]),
        '--metadata-file',
        request.metadataFile,
        '--iidfile',
        request.iidFile,
        '--progress',
        'rawjson',
        request.context
    ];
    return Object.keys(env).length > 0 ? { tool: 'docker', args, env } : { tool: 'docker', args };
}
/** The build result buildx recorded for one image: the manifest digest, never the config digest. */
function buildResultOf(metadata, imageId, stats) {
    const text = (key) => (typeof metadata[key] === 'string' ? metadata[key] : '');
    return {
        digest: text('containerimage.digest'),
        imageId: imageId || text('containerimage.config.digest') || text('containerimage.digest'),
        metadata,
        stats
    };
}
/** Reads what buildx wrote: the metadata file and the image id. */
async function readBuildResult(request, stats) {
    const metadata = JSON.parse(await (0,promises_.readFile)(request.metadataFile, 'utf8'));
    const imageId = (await (0,promises_.readFile)(request.iidFile, 'utf8').catch(() => '')).trim();
    return buildResultOf(metadata, imageId, stats);
}
const errorTailLines = 25;
/** Runs a build or bake, turning buildx's rawjson progress into plain log lines and cache statistics. */
async function runWithProgress(runner, log, command) {
    const progress = new BuildProgress({ notice: (message) => log.info(message) });
    const recent = [];
    const show = (lines) => {
        if (lines.length === 0)
            return;
        log.untrusted(lines.join('\n'));
        recent.push(...lines);
        recent.splice(0, Math.max(0, recent.length - errorTailLines));
    };
    try {
        await runner.run(command, { onStderrLine: (line) => show(progress.line(line)) });
    }
    catch (error) {
        show(progress.end());
        // The raw stderr is JSON; the readable lines say what failed.
        if (error instanceof errors/* CommandError */.Qd)
            throw new errors/* CommandError */.Qd(error.display, error.exitCode, recent.join('\n'));
        throw error;
    }
    show(progress.end());
    return progress.stats();
}

;// CONCATENATED MODULE: ./src/build/bake.ts


/** Bake target names allow `[A-Za-z0-9_-]`; stage names may also hold dots. */
function bakeTargetName(stage, index, taken) {
    const base = stage.replace(/[^A-Za-z0-9_-]/g, '_') || `target_${index}`;
    return taken.has(base) ? `${base}_${index}` : base;
}
/**
 * Several targets of one Dockerfile as one `docker buildx bake`: BuildKit solves them together, so a stage
 * they share is built once. Secrets keep travelling in the command's env, never in the file or argv.
 */
function planBake(requests, files) {
    // Every target of one step takes the same secrets.
    const { specs: secret, env } = secretSpecs(requests[0] ?? { secrets: [], secretFiles: [] });
    const taken = new Set();
    const names = requests.map((request, index) => {
        const name = bakeTargetName(request.target, index, taken);
        taken.add(name);
        return name;
    });
    const target = Object.fromEntries(requests.map((request, index) => [
        names[index],
        {
            context: request.context,
            dockerfile: request.file,
            target: request.target,
            tags: request.output.names,
            labels: request.labels,
            annotations: request.annotations,
            args: Object.fromEntries(request.buildArgs.map((arg) => [arg.key, arg.value])),
            secret,
            platforms: request.platforms,
            'cache-from': request.cache.from,
            'cache-to': request.cache.to,
            output: request.output.exporters,
            'no-cache': request.noCache,
            pull: request.pull
        }
    ]));
    const args = [
        'buildx',
        'bake',
        '--builder',
        files.builder,
        '--file',
        files.definitionFile,
        ...(files.provenance ? [`--provenance=${files.provenance}`] : []),
        ...(files.sbom ? [`--sbom=${files.sbom}`] : []),
        '--metadata-file',
        files.metadataFile,
        '--progress',
        'rawjson'
    ];
    const definition = { group: { default: { targets: names } }, target };
    return {
        definition: { path: files.definitionFile, text: JSON.stringify(definition, null, 2) },
        names,
        command: Object.keys(env).length > 0 ? { tool: 'docker', args, env } : { tool: 'docker', args },
        metadataFile: files.metadataFile
    };
}
/** Writes the definition, runs the bake and reads each target's result from the metadata file. */
async function runBake(runner, log, plan) {
    await runner.write(plan.definition);
    const stats = await runWithProgress(runner, log, plan.command);
    const metadata = JSON.parse(await (0,promises_.readFile)(plan.metadataFile, 'utf8'));
    return plan.names.map((name) => buildResultOf(metadata[name] ?? {}, '', stats));
}

;// CONCATENATED MODULE: ./src/build/buildx.ts


/**
 * Uses the named builder, or the daemon's own (`docker` driver), or creates a docker-container
 * builder the way docker/setup-buildx-action does, without `--use` so the user's default is untouched.
 */
function planBuilder(request) {
    if (request.builder)
        return { name: request.builder, created: false, commands: [] };
    if (request.driver === 'docker')
        return { name: 'default', created: false, commands: [] };
    const name = `ecr-build-push-${request.runId}`;
    return {
        name,
        created: true,
        commands: [
            { tool: 'docker', args: ['buildx', 'create', '--name', name, '--driver', 'docker-container'] },
            { tool: 'docker', args: ['buildx', 'inspect', '--bootstrap', '--builder', name] }
        ]
    };
}
function planBuilderRemoval(name) {
    return { tool: 'docker', args: ['buildx', 'rm', '--force', name] };
}
/** `BuildKit version: v0.20.1` (buildx ≥ 0.11) or `Buildkit: v0.12.5` in `docker buildx inspect` output. */
function parseBuildkitVersion(inspectOutput) {
    const match = /^\s*Build[Kk]it(?: version)?:\s*v?(\S+)/m.exec(inspectOutput);
    return match ? (semver_default().coerce(match[1])?.version ?? undefined) : undefined;
}
/** A named builder's driver and BuildKit version, from `docker buildx inspect` (a read; runs in a dry run too). */
async function inspectBuilder(probe, name) {
    const result = await probe.run({ tool: 'docker', args: ['buildx', 'inspect', '--builder', name] }, { allowFailure: true });
    if (result.exitCode !== 0)
        return {};
    const driver = /^Driver:\s*(\S+)/m.exec(result.stdout)?.[1];
    const buildkitVersion = parseBuildkitVersion(result.stdout);
    return { ...(driver ? { driver } : {}), ...(buildkitVersion ? { buildkitVersion } : {}) };
}
/** Creates the builder when the plan says so; returns the BuildKit version it reports, if any. */
async function runBuilder(runner, plan) {
    let buildkitVersion;
    for (const command of plan.commands) {
        const result = await runner.run(command);
        buildkitVersion = parseBuildkitVersion(result.stdout) ?? buildkitVersion;
    }
    return buildkitVersion;
}
/** binfmt_misc handler names, by the architecture part of a platform. */
const qemuNames = {
    amd64: 'x86_64',
    '386': 'i386',
    arm64: 'aarch64',
    arm: 'arm',
    ppc64le: 'ppc64le',
    s390x: 's390x',
    riscv64: 'riscv64',
    mips64le: 'mips64el',
    mips64: 'mips64',
    loong64: 'loongarch64'
};
/** Architectures the host runs without emulation, by Node's `process.arch`. */
const nativeArchitectures = {
    x64: ['amd64', '386'],
    arm64: ['arm64', 'arm'],
    arm: ['arm'],
    ppc64: ['ppc64le'],
    s390x: ['s390x'],
    riscv64: ['riscv64']
};
/**
 * The platforms' architectures this host can neither run natively nor through an installed binfmt
 * handler: only these need QEMU (as docker/setup-qemu-action installs it).
 */
function architecturesNeedingEmulation(platforms, hostArch, registeredHandlers) {
    const native = nativeArchitectures[hostArch] ?? [];
    const needed = platforms
        .map((platform) => platform.split('/')[1])
        .filter((arch) => !native.includes(arch) && !registeredHandlers.includes(`qemu-${qemuNames[arch] ?? arch}`));
    return [...new Set(needed)];
}
/**
 * The QEMU installer runs `--privileged`, so it is pinned by digest (the multi-platform index of the
 * `qemu-v10.2.3` tag; the tag is only there for readers). Source: docs/signing.md.
 */
const binfmtImage = 'tonistiigi/binfmt:qemu-v10.2.3@sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0';
function planQemu(architectures) {
    if (architectures.length === 0)
        return [];
    return [
        {
            tool: 'docker',
            args: ['run', '--privileged', '--rm', binfmtImage, '--install', architectures.join(',')]
        }
    ];
}
/** binfmt handlers the kernel has now (`qemu-aarch64`, ...); none where binfmt_misc is not mounted. */
async function registeredHandlers() {
    return (0,promises_.readdir)('/proc/sys/fs/binfmt_misc').catch(() => []);
}

;// CONCATENATED MODULE: ./src/build/output.ts

function deliveryFor(inputs) {
    if (!inputs.scan)
        return inputs.push ? 'tags' : inputs.load ? 'local' : 'cache-only';
    return inputs.push && inputs.driver === 'docker-container' ? 'registry-staging' : 'daemon-staging';
}
/** The exporters and names of one image's build. `load` with a straight push also loads the tags. */
function planOutput(delivery, names, load, options = {}) {
    const output = exportersOf(delivery, names, load);
    if (!options.rewriteTimestamp)
        return output;
    const rewriting = (exporter) => exporter === 'type=cacheonly' ? exporter : `${exporter},rewrite-timestamp=true`;
    return { ...output, exporters: output.exporters.map(rewriting) };
}
function exportersOf(delivery, names, load) {
    switch (delivery) {
        case 'tags':
            return {
                delivery,
                exporters: load ? ['type=image,push=true', 'type=docker'] : ['type=image,push=true'],
                names: names.tags
            };
        case 'registry-staging':
            return {
                delivery,
                exporters: [`type=image,name=${names.image},push-by-digest=true,name-canonical=true,push=true`],
                names: []
            };
        case 'daemon-staging':
            // With the layout, both exporters write OCI media types: without attestations the docker exporter would
            // write Docker ones, and the pushed manifests would not be the scanned ones (isScannedImage refuses them).
            return {
                delivery,
                exporters: names.layout
                    ? ['type=docker,oci-mediatypes=true', `type=oci,dest=${names.layout},tar=false`]
                    : ['type=docker'],
                names: [names.staging]
            };
        case 'local':
            return { delivery, exporters: ['type=docker'], names: names.tags };
        case 'cache-only':
            return { delivery, exporters: ['type=cacheonly'], names: [] };
    }
}
/**
 * Whether a daemon-staged image is also written as an OCI layout for the scan: possible wherever the builder
 * has BuildKit's OCI exporter (a builder container, or the daemon's own with the containerd image store).
 * Only then is each platform of an index scanned exactly; the classic store holds one platform anyway.
 */
function exportsLayout(driver, imageStore) {
    return driver === 'docker-container' || imageStore === 'containerd';
}
/**
 * Whether the builder clamps the file times in the layers it writes to SOURCE_DATE_EPOCH
 * (`rewrite-timestamp=true`, BuildKit 0.13): a BuildKit container does; the docker driver's exporter refuses it on
 * the containerd store ("conflicts with unpack") and ignores it on the classic one. Unknown versions are assumed
 * current: buildx creates builders from the latest BuildKit release.
 */
function rewritesTimestamps(builder) {
    if (builder.driver !== 'docker-container')
        return false;
    const version = builder.buildkitVersion ? semver_default().coerce(builder.buildkitVersion)?.version : undefined;
    return version === undefined || semver_default().gte(version, '0.13.0');
}

;// CONCATENATED MODULE: ./src/build/daemon.ts


const architectures = {
    x86_64: 'amd64',
    aarch64: 'arm64',
    armv7l: 'arm/v7',
    i686: '386'
};
/**
 * `docker info` in three lines: the platform, the storage driver's status (the containerd store names its
 * snapshotter) and the CLI's plugins (buildx's version). One docker process instead of two: each one starts
 * the CLI and asks every plugin for its metadata.
 */
const dockerInfoFormat = '{{.OSType}}/{{.Architecture}}\n{{json .DriverStatus}}\n{{json .ClientInfo.Plugins}}';
function parseJson(line) {
    try {
        return JSON.parse(line ?? '');
    }
    catch {
        return undefined;
    }
}
function daemonFacts(platformLine, statusLine) {
    const [os = '', architecture = ''] = platformLine.trim().split('/');
    if (os === '' || architecture === '')
        throw new errors/* ServiceError */._7(`docker info did not say the daemon's platform (it printed '${platformLine.trim().slice(0, 200)}'), so no build can be planned for it.`, 'DockerUnavailable');
    const status = parseJson(statusLine);
    // The containerd store's driver status: ["driver-type", "io.containerd.snapshotter.v1"].
    const containerd = Array.isArray(status) &&
        status.some((entry) => Array.isArray(entry) &&
            entry[0] === 'driver-type' &&
            String(entry[1]).startsWith('io.containerd.snapshotter'));
    return {
        imageStore: containerd ? 'containerd' : 'classic',
        platform: `${os}/${architectures[architecture] ?? architecture}`
    };
}
/** The buildx plugin's version as docker lists it (`v0.21.1`, `0.13.1+ds1`) → `0.21.1`. */
function parseBuildxVersion(version) {
    return semver_default().coerce(version.trim())?.version ?? '0.0.0';
}
function buildxVersionOf(pluginsLine) {
    const plugins = parseJson(pluginsLine);
    const buildx = Array.isArray(plugins)
        ? plugins.find((plugin) => plugin?.Name === 'buildx')
        : undefined;
    const problem = !buildx ? 'the docker CLI has no buildx plugin' : buildx.Err;
    if (problem || !buildx?.Version) {
        throw new errors/* ServiceError */._7(`docker buildx is not available: ${problem || 'its plugin names no version'}. Install the buildx plugin (on GitHub-hosted runners it is preinstalled).`, 'BuildxUnavailable');
    }
    return parseBuildxVersion(buildx.Version);
}
function parseDockerInfo(output) {
    const [platformLine = '', statusLine, pluginsLine] = output.trim().split('\n');
    return { daemon: daemonFacts(platformLine, statusLine), buildxVersion: buildxVersionOf(pluginsLine) };
}
/** Reads docker once; a daemon that does not answer is one clear error, not a failed build later. */
async function probeDocker(probe) {
    const result = await probe.run({ tool: 'docker', args: ['info', '--format', dockerInfoFormat] }, { allowFailure: true });
    if (result.exitCode !== 0) {
        throw new errors/* ServiceError */._7(`The Docker daemon does not answer (docker info: ${result.stderr.trim().split('\n').pop() || `exit code ${result.exitCode}`}). This action needs a running Docker engine: on self-hosted runners, start dockerd and give the runner's user access to its socket.`, 'DockerUnavailable');
    }
    return parseDockerInfo(result.stdout);
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
;// CONCATENATED MODULE: ./src/github/context.ts

function readRunContext(env = process.env) {
    const eventPath = env.GITHUB_EVENT_PATH;
    const payload = eventPath && (0,external_node_fs_.existsSync)(eventPath) ? JSON.parse((0,external_node_fs_.readFileSync)(eventPath, 'utf8')) : {};
    return {
        eventName: env.GITHUB_EVENT_NAME ?? '',
        sha: env.GITHUB_SHA ?? '',
        ref: env.GITHUB_REF ?? '',
        repository: env.GITHUB_REPOSITORY ?? '',
        serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
        apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
        runId: env.GITHUB_RUN_ID ?? '0',
        runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
        workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
        payload
    };
}
/** The repository's web URL, for the `org.opencontainers.image.source` label. */
function repositoryUrl(context) {
    return context.payload.repository?.html_url ?? `${context.serverUrl}/${context.repository}`;
}
/** The default branch from the event payload, when the event carries one. */
function defaultBranch(context) {
    return context.payload.repository?.default_branch;
}
/** The branch being built: the pushed branch, or a pull request's head branch; undefined for tags. */
function currentBranch(context) {
    const head = context.payload.pull_request?.head?.ref;
    if (typeof head === 'string' && head)
        return head;
    return context.ref.startsWith('refs/heads/') ? context.ref.slice('refs/heads/'.length) : undefined;
}

;// CONCATENATED MODULE: ./src/scan/findings.ts
/** Trivy's severities, most severe first. */
const severities = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];
function severityRank(severity) {
    return severities.indexOf(severity);
}
/**
 * The key that makes a finding "the same" in two images: the vulnerability, the package, its installed version
 * and where it is installed (Trivy's `PkgPath`, for language packages), never the layer (a rebuild moves it).
 * Secrets and misconfigurations have no version: their id and file.
 */
function findingKey(finding) {
    const where = finding.class === 'secret' || finding.class === 'config'
        ? []
        : [finding.installedVersion, finding.pkgPath ?? ''];
    return [finding.id, finding.pkgName, ...where].join('\u0000');
}

;// CONCATENATED MODULE: ./src/scan/size.ts

// kB/MB/GB/TB are powers of 1000 as Docker and registries print them; KiB/MiB/GiB/TiB are powers of 1024.
const units = {
    b: 1,
    k: 1e3,
    kb: 1e3,
    m: 1e6,
    mb: 1e6,
    g: 1e9,
    gb: 1e9,
    t: 1e12,
    tb: 1e12,
    kib: 2 ** 10,
    mib: 2 ** 20,
    gib: 2 ** 30,
    tib: 2 ** 40
};
/** Parses `200MB`, `1.5GiB`, `500kB` or a plain number of bytes; `input` names the action input in errors. */
function parseSize(text, input = 'max-image-size') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(text));
    const factor = match ? (match[2] === '' ? 1 : units[match[2].toLowerCase()]) : undefined;
    const bytes = match && factor !== undefined ? Math.round(Number(match[1]) * factor) : 0;
    // A number too big to count bytes exactly (e.g. 400 nines parses as Infinity) is a typo, not a budget.
    if (!bytes || !Number.isSafeInteger(bytes)) {
        throw new errors/* ConfigurationError */.j1(`Input '${input}' is '${text}': expected a size such as '200MB', '1.5GiB' or a number of bytes up to 9 PB (kB, MB, GB are powers of 1000; KiB, MiB, GiB powers of 1024).`);
    }
    return bytes;
}
/** The `max-image-size` input: undefined when it is empty (no budget). */
function parseSizeBudget(text, input = 'max-image-size') {
    return text.trim() === '' ? undefined : parseSize(text, input);
}
/** Decimal units with three significant digits, the way `docker images` prints sizes: `1.07 MB`, `512 kB`. */
function formatSize(bytes) {
    const magnitude = Math.abs(bytes);
    if (magnitude < 1000)
        return `${bytes} B`;
    const names = ['kB', 'MB', 'GB', 'TB'];
    let index = 0;
    let value = bytes / 1000;
    while (Math.abs(value) >= 999.5 && index < names.length - 1) {
        value /= 1000;
        index += 1;
    }
    return `${Number(value.toPrecision(3))} ${names[index]}`;
}
/** `2.5 MB from line 19 (RUN …)`, or `(base image)` for the layers a FROM brought in. */
function describeLayer(layer) {
    const size = formatSize(layer.size);
    if (layer.line === undefined)
        return `${size} (${layer.digest.slice(0, 19)}, instruction unknown)`;
    return `${size} from line ${layer.line}${layer.fromBase ? ' (base image)' : ''}: ${layer.instruction ?? ''}`;
}
function biggestLayers(layers, count = 3) {
    return [...layers].sort((a, b) => b.size - a.size).slice(0, count);
}
/**
 * Compares the image size with `max-image-size`; the caller fails the step before tagging when over. Sizes
 * are compressed when read from a registry, uncompressed (and so stricter) when read from the daemon.
 */
function checkSizeBudget(layers, budgetBytes, compressed = true) {
    const total = layers.reduce((sum, layer) => sum + layer.size, 0);
    const biggest = biggestLayers(layers);
    const over = total > budgetBytes;
    const kind = compressed ? 'compressed' : 'uncompressed';
    const verdict = over
        ? `The image is ${formatSize(total)} ${kind}, over the max-image-size budget of ${formatSize(budgetBytes)} by ${formatSize(total - budgetBytes)}.`
        : `The image is ${formatSize(total)} ${kind}, within the max-image-size budget of ${formatSize(budgetBytes)}.`;
    const message = over
        ? `${verdict} Biggest layers:\n${biggest.map((layer) => `- ${describeLayer(layer)}`).join('\n')}`
        : verdict;
    return { over, total, budget: budgetBytes, biggest, message };
}

;// CONCATENATED MODULE: ./src/words.ts
/** `1 tag`, `3 tags`: a count with its noun, for messages and reports. */
function plural(count, word) {
    return `${count} ${word}${count === 1 ? '' : 's'}`;
}
/**
 * Code-unit order for sorting names, ids and timestamps: the same on every runner whatever its locale, and it
 * does not load ICU's collator (`localeCompare`'s first call costs 5 to 20 ms of start-up).
 */
function byCodeUnit(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
/** A message as a sentence: one full stop at the end, never two. */
function sentence(message) {
    return /[.!?]$/.test(message.trim()) ? message.trim() : `${message.trim()}.`;
}

;// CONCATENATED MODULE: ./src/report/findings.ts


/** The first item for each key, in order. */
function uniqueBy(items, keyOf) {
    const seen = new Map();
    for (const item of items)
        if (!seen.has(keyOf(item)))
            seen.set(keyOf(item), item);
    return [...seen.values()];
}
/** One entry per vulnerable package version: a multi-platform scan reports the same one once per platform. */
function uniqueFindings(findings) {
    return uniqueBy(findings, (finding) => [finding.id, finding.pkgName, finding.installedVersion].join('\u0000'));
}
/** Most severe first, then by Dockerfile line and id, so plans and tables are stable. */
function bySeverity(findings) {
    return [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) ||
        a.origin.line - b.origin.line ||
        byCodeUnit(a.id, b.id) ||
        byCodeUnit(a.pkgName, b.pkgName));
}

;// CONCATENATED MODULE: ./src/report/markdown.ts
/** Text for a table cell: one line; pipes, HTML, links, emphasis and @-mentions not interpreted. */
function cell(text) {
    return text
        .replace(/\s+/g, ' ')
        .trim()
        .replace(/[\\`*_[\]()#!|~]/g, (char) => `\\${char}`)
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/@/g, '@\u200b');
}
/** Our own Markdown in a table cell (e.g. a fix with code spans): one line, pipes and HTML escaped, formatting kept. */
function markdownCell(text) {
    return text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
/** Inline code in a table cell: entities are not decoded inside code spans, so only pipes and backticks change. */
function code(text) {
    return `\`${text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|').replace(/`/g, "'")}\``;
}
/** A link only to an https URL, percent-encoded so it cannot end early; anything else is plain text. */
function markdown_link(text, url) {
    if (!url)
        return cell(text);
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        return cell(text);
    }
    if (parsed.protocol !== 'https:')
        return cell(text);
    const safe = parsed.href.replace(/[()<>[\]"' |]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
    return `[${cell(text)}](${safe})`;
}
function formatDuration(seconds) {
    const total = Math.round(seconds);
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const rest = total % 60;
    if (hours > 0)
        return `${hours}h ${minutes}m`;
    if (minutes > 0)
        return `${minutes}m ${rest}s`;
    return `${rest}s`;
}
/** Cuts Markdown at a line boundary so it fits `maxBytes` (UTF-8), saying that it did. */
function limitMarkdown(markdown, maxBytes) {
    if (Buffer.byteLength(markdown) <= maxBytes)
        return markdown;
    const note = '\n\n_Truncated to stay within GitHub’s size limit; the full list is in the Trivy report._\n';
    const room = maxBytes - Buffer.byteLength(note);
    const cut = Buffer.from(markdown)
        .subarray(0, Math.max(room, 0))
        .toString('utf8')
        .replace(/\uFFFD$/, '');
    const lastLine = cut.lastIndexOf('\n');
    return `${lastLine > 0 ? cut.slice(0, lastLine) : cut}${note}`;
}

;// CONCATENATED MODULE: ./src/dockerfile/finding.ts

/** Check severities, most severe first: the levels GitHub annotations have. */
const checkSeverities = ['error', 'warning', 'notice'];
function finding_severityRank(severity) {
    return checkSeverities.indexOf(severity);
}
function atOrAbove(severity, threshold) {
    return finding_severityRank(severity) <= finding_severityRank(threshold);
}
/** By line, then rule: the order the engine returns and the reports list. */
function sortFindings(findings) {
    return [...findings].sort((a, b) => a.line - b.line || byCodeUnit(a.rule, b.rule) || finding_severityRank(a.severity) - finding_severityRank(b.severity));
}
/** One finding per rule and line: the first one wins. */
function finding_uniqueFindings(findings) {
    const seen = new Set();
    return findings.filter((finding) => {
        const key = `${finding.rule}\u0000${finding.line}`;
        if (seen.has(key))
            return false;
        seen.add(key);
        return true;
    });
}

;// CONCATENATED MODULE: ./src/dockerfile/render.ts



const severityMark = {
    error: '⛔ error',
    warning: '⚠️ warning',
    notice: 'ℹ️ notice'
};
function counts(findings) {
    return checkSeverities
        .map((severity) => [severity, findings.filter((finding) => finding.severity === severity).length])
        .filter(([, count]) => count > 0)
        .map(([severity, count]) => `${count} ${severity}${count === 1 ? '' : 's'}`)
        .join(', ');
}
/**
 * The Dockerfile checks section of the job summary and the pull request comment. Cell text is escaped;
 * `blobUrl` (`https://github.com/<owner>/<repo>/blob/<sha>`) turns lines into links.
 */
function dockerfileChecksMarkdown(findings, options) {
    const heading = `${'#'.repeat(options.headingLevel ?? 3)} Dockerfile checks: ${code(options.file)}`;
    const note = options.note ? ['', cell(options.note)] : [];
    if (findings.length === 0)
        return [heading, '', 'No findings.', ...note, ''].join('\n');
    const maxRows = options.maxRows ?? 50;
    const rows = findings.slice(0, maxRows).map((finding) => {
        const rule = finding.url ? `[${code(finding.rule)}](${finding.url})` : code(finding.rule);
        const where = lineLink({ dockerfile: finding.file, blobUrl: options.blobUrl }, finding.line);
        return `| ${severityMark[finding.severity]} | ${rule} | ${where} | ${cell(finding.message)} | ${markdownCell(finding.fix)} |`;
    });
    const more = findings.length > maxRows
        ? ['', `_…and ${findings.length - maxRows} more in the run's annotations._`]
        : [];
    return [
        heading,
        '',
        `${counts(findings)}.`,
        ...note,
        '',
        '| Severity | Rule | Where | Finding | Fix |',
        '| --- | --- | --- | --- | --- |',
        ...rows,
        ...more,
        ''
    ].join('\n');
}
/** The `dockerfile-findings` output: a JSON list of `{rule, severity, file, line, message}`. */
function dockerfileFindingsOutput(findings) {
    return JSON.stringify(findings.map(({ rule, severity, file, line, message }) => ({ rule, severity, file, line, message })));
}

;// CONCATENATED MODULE: ./src/scan/policy.ts

/** The severities the scan records: what is reported plus everything the gate needs to see. */
function scanSeverities(scan) {
    return severities.filter((severity) => scan.severity.includes(severity) || severityRank(severity) <= blockingRank(scan.failOn));
}
/** The lowest rank that blocks (CRITICAL 0 … UNKNOWN 4): -1, nothing, for `fail-on: none` and for no policy. */
function blockingRank(failOn) {
    return severities.indexOf(failOn);
}
function describeFinding(finding) {
    const where = finding.platform ? `, ${finding.platform}` : '';
    if (finding.class === 'secret' || finding.class === 'config') {
        const at = finding.installedVersion ? ` ${finding.installedVersion}` : '';
        return `${finding.id} in ${finding.target}${at} (${finding.severity}${where})`;
    }
    const fix = finding.fixedVersion ?? 'no fixed version';
    return `${finding.id} in ${finding.pkgName} ${finding.installedVersion} → ${fix} (${finding.severity}${where})`;
}
function describePolicy(failOn) {
    if (failOn === 'none')
        return 'fail-on: none reports findings without blocking';
    return failOn === 'UNKNOWN'
        ? 'fail-on: UNKNOWN blocks every finding'
        : `fail-on: ${failOn} blocks ${failOn} and above`;
}
function describeNewOnly(newOnly) {
    return newOnly.image
        ? `fail-on-new: findings already in ${newOnly.image} do not block`
        : `fail-on-new: ${newOnly.note ?? 'there is no image to compare with'}, so every finding counts as new`;
}
/** The gate's rule for one finding: at or above `fail-on`, and with `fail-on-new` not in the comparison image. */
function blocks(finding, failOn, newOnly) {
    return severityRank(finding.severity) <= blockingRank(failOn) && !(newOnly && finding.alreadyPresent);
}
/**
 * The policy gate: findings at or above `fail-on` block the image from getting its tags; with `newOnly`
 * (`fail-on-new`) only those the comparison image does not have.
 */
function evaluateGate(findings, failOn, newOnly) {
    const blocked = findings.filter((finding) => blocks(finding, failOn, newOnly !== undefined));
    if (blocked.length === 0)
        return { blocked };
    const lines = blocked.map((finding) => `  ${describeFinding(finding)}`);
    const adjective = newOnly ? 'new ' : '';
    const count = blocked.length === 1 ? `1 ${adjective}finding blocks` : `${blocked.length} ${adjective}findings block`;
    const policy = [describePolicy(failOn), ...(newOnly ? [describeNewOnly(newOnly)] : [])].join('; ');
    return {
        blocked,
        message: [
            `The image was not tagged: ${count} it (${policy}):`,
            ...lines,
            `Upgrade or remove those packages, or change the policy with 'fail-on', 'ignore-unfixed' or 'trivyignores'.`
        ].join('\n')
    };
}

;// CONCATENATED MODULE: ./src/report/compared.ts

/** The line under the findings: what they were compared with, and how many this run brought in. */
function comparisonLine(comparedWith, findings, failOnNew) {
    if (!comparedWith)
        return [];
    if (!comparedWith.image) {
        const why = comparedWith.note ?? 'there is none';
        return failOnNew ? ['', `_No image to compare with (${cell(why)}): every finding counts as new._`] : [];
    }
    const present = findings.filter((finding) => finding.alreadyPresent).length;
    const note = comparedWith.note ? ` (${cell(comparedWith.note)}: its findings there count as new)` : '';
    return [
        '',
        `Compared with ${code(comparedWith.image)}${note}: ${findings.length - present} new, ${present} already present${failOnNew ? ' (fail-on-new: only new findings block)' : ''}.`
    ];
}
const statusText = {
    not_affected: 'not affected (VEX)',
    fixed: 'fixed (VEX)'
};
/** The findings VEX documents silenced, with their justification; ignore-file entries are left out as always. */
function suppressedTable(suppressed) {
    const stated = (suppressed ?? []).filter((entry) => entry.status !== 'ignored');
    if (stated.length === 0)
        return [];
    const seen = new Set();
    const rows = stated.flatMap((entry) => {
        const { finding } = entry;
        const key = [finding.id, finding.pkgName, finding.installedVersion].join('\u0000');
        if (seen.has(key))
            return [];
        seen.add(key);
        const status = statusText[entry.status] ?? `${cell(entry.status)} (VEX)`;
        return [
            `| ${finding.severity} | ${markdown_link(finding.id, finding.primaryUrl)} | ${cell(finding.pkgName)} ${cell(finding.installedVersion)} | ${status} | ${cell(entry.statement) || '—'} | ${cell(entry.source)} |`
        ];
    });
    return [
        '',
        '**Not blocking: stated in VEX**',
        '',
        '| Severity | ID | Package | Status | Justification | Source |',
        '| --- | --- | --- | --- | --- | --- |',
        ...rows.slice(0, 20),
        ...(rows.length > 20 ? ['', `_…and ${rows.length - 20} more in the Trivy report._`] : [])
    ];
}

;// CONCATENATED MODULE: ./src/report/summary.ts








const summaryLimitBytes = 128 * 1024;
/** `[line 19](…#L19)` when the blob URL is known, otherwise `line 19`. */
function lineLink(report, line) {
    return report.blobUrl ? `[line ${line}](${report.blobUrl}/${report.dockerfile}#L${line})` : `line ${line}`;
}
function blocksPush(report, finding) {
    return blocks(finding, report.failOn, report.failOnNew === true);
}
function originCell(report, origin) {
    const where = lineLink(report, origin.line);
    if (!origin.mapped)
        return `${where} (not mapped: built stage's FROM)`;
    return `${where} ${code(origin.instruction)}${origin.fromBase ? ' (base image)' : ''}`;
}
/** The first line: the verdict, the policy, and what decided it. */
function verdictLine(report) {
    const findings = uniqueFindings(report.findings ?? []);
    const blocking = findings.filter((finding) => blocksPush(report, finding));
    const policy = report.failOn === undefined
        ? ''
        : report.failOn === 'none'
            ? 'fail-on none (report only)'
            : `fail-on ${report.failOn}${report.failOnNew ? ' (new findings only)' : ''}`;
    switch (report.verdict.kind) {
        case 'passed':
            return `**Gate: passed** — ${policy}, ${plural(blocking.length, 'blocking finding')}${report.sizeCheck ? ', within the size budget' : ''}`;
        case 'blocked': {
            const bySeverityCount = severities
                .map((severity) => [severity, blocking.filter((finding) => finding.severity === severity).length])
                .filter(([, count]) => count > 0)
                .map(([severity, count]) => `${count} ${severity}`);
            const reasons = [
                ...(bySeverityCount.length > 0 ? [bySeverityCount.join(', ')] : []),
                ...(report.sizeCheck?.over ? ['the size budget'] : []),
                ...(bySeverityCount.length === 0 && !report.sizeCheck?.over ? ['an unverified scan'] : [])
            ];
            return `**Gate: blocked** by ${reasons.join(' and ')} — ${policy}`;
        }
        case 'held-back':
            return `**Gate: passed, held back** — ${report.verdict.by.map(code).join(', ')} ${report.verdict.by.length === 1 ? 'was' : 'were'} blocked and 'gate: atomic' releases all targets or none`;
        case 'not-scanned':
            return `**Gate: not scanned** — 'scan: false' pushes without a scan`;
        case 'dry-run':
            return `**Dry run** — nothing was built, scanned or pushed`;
    }
}
function sizeRow(report) {
    if (!report.layers)
        return [];
    const total = report.layers.reduce((sum, layer) => sum + layer.size, 0);
    const budget = report.sizeCheck
        ? report.sizeCheck.over
            ? ` — ⛔ over the ${formatSize(report.sizeCheck.budget)} budget`
            : ` (budget ${formatSize(report.sizeCheck.budget)})`
        : '';
    const kind = report.sizesCompressed === false ? 'uncompressed' : 'compressed';
    return [`| Size | ${formatSize(total)} ${kind}, ${plural(report.layers.length, 'layer')}${budget} |`];
}
function pushRow(report) {
    if (!report.pushed) {
        const kept = report.tags.length > 0 ? `: kept in the Docker daemon as ${report.tags.map(code).join(', ')}` : '';
        return [`| Push | not pushed ('push: false')${kept} |`];
    }
    const failed = report.failedTags;
    if (report.tags.length > 0 && failed.length === 0) {
        const there = report.alreadyThere ?? [];
        const written = there.length === 0
            ? `${plural(report.tags.length, 'tag')} written`
            : there.length === report.tags.length
                ? `${plural(there.length, 'tag')} already there (nothing moved)`
                : `${plural(report.tags.length - there.length, 'tag')} written, ${there.length} already there: ${there.map(code).join(', ')}`;
        return [
            `| Push | ✅ ${written}${report.loadError ? `; loading them into the daemon failed: ${cell(report.loadError)}` : ''} |`
        ];
    }
    if (failed.length > 0) {
        const written = report.tags.length > 0 ? `${report.tags.map(code).join(', ')} written; ` : 'no tag written; ';
        const failures = failed.map((failure) => `${code(failure.tag)}: ${cell(failure.error)}`).join('; ');
        return [`| Push | ⚠️ ${written}failed: ${failures} |`];
    }
    const why = report.verdict.kind === 'blocked' || report.verdict.kind === 'held-back' ? '⛔ not pushed' : 'not pushed';
    return [`| Push | ${why}${report.cleanup ? ` — ${markdownCell(report.cleanup)}` : ''} |`];
}
function layerTable(report) {
    if (!report.layers || report.layers.length === 0)
        return [];
    const rows = biggestLayers(report.layers, 5).map((layer) => {
        const origin = layer.line === undefined
            ? `${code(layer.digest.slice(0, 19))} (instruction unknown)`
            : `${lineLink(report, layer.line)} ${code(layer.instruction ?? '')}${layer.fromBase ? ' (base image)' : ''}`;
        return `| ${formatSize(layer.size)} | ${origin} |`;
    });
    return ['', '**Biggest layers**', '', '| Size | Made by |', '| ---: | --- |', ...rows];
}
function versions(finding) {
    return `${finding.installedVersion} → ${finding.fixedVersion ?? 'no fix yet'}`;
}
function findingsTables(report, findings, top) {
    if (!report.findings)
        return ['', '_Not scanned._'];
    const scanner = report.scanner ? ` (${cell(report.scanner)})` : '';
    if (findings.length === 0)
        return ['', `**Vulnerabilities**${scanner}: none found.`];
    const counts = severities.map((severity) => findings.filter((finding) => finding.severity === severity).length);
    const sorted = bySeverity(findings);
    const rows = sorted.slice(0, top).map((finding) => {
        const blocks = blocksPush(report, finding) ? '⛔' : '';
        const present = finding.alreadyPresent ? ' (already present)' : '';
        return `| ${finding.severity} | ${markdown_link(finding.id, finding.primaryUrl)}${present} | ${cell(finding.pkgName)} | ${cell(versions(finding))} | ${originCell(report, finding.origin)} | ${blocks} |`;
    });
    const more = sorted.length > top ? ['', `_…and ${sorted.length - top} more in the Trivy report._`] : [];
    return [
        '',
        `**Vulnerabilities**${scanner}`,
        '',
        '| Critical | High | Medium | Low | Unknown |',
        '| ---: | ---: | ---: | ---: | ---: |',
        `| ${counts.join(' | ')} |`,
        ...comparisonLine(report.comparedWith, findings, report.failOnNew ?? false),
        '',
        '**Top findings**',
        '',
        '| Severity | ID | Package | Installed → fixed | Introduced by | Blocks push |',
        '| --- | --- | --- | --- | --- | :---: |',
        ...rows,
        ...more
    ];
}
/** The job summary section for one target. */
function summaryMarkdown(report, options = {}) {
    const findings = uniqueFindings(report.findings ?? []);
    const heading = '#'.repeat(options.headingLevel ?? 3);
    const reference = report.digest ? `${report.image}@${report.digest}` : report.image;
    const lines = [
        `${heading} ${code(report.target)} → ${code(report.image)}`,
        '',
        verdictLine(report),
        '',
        '| | |',
        '| --- | --- |',
        `| Image | ${code(reference)} |`,
        `| Tags | ${report.tags.length > 0 ? report.tags.map(code).join(', ') : 'none'} |`,
        ...sizeRow(report),
        ...(report.buildSeconds !== undefined ? [`| Build time | ${formatDuration(report.buildSeconds)} |`] : []),
        ...(report.cachedSteps ? [`| Cache | ${cell(report.cachedSteps)} |`] : []),
        ...pushRow(report),
        ...layerTable(report),
        ...findingsTables(report, findings, options.topFindings ?? 10),
        ...suppressedTable(report.suppressed),
        ...(report.signing ? ['', report.signing.trimEnd()] : []),
        ...(report.dockerfileChecks
            ? [
                '',
                dockerfileChecksMarkdown(report.dockerfileChecks.findings, {
                    file: report.dockerfile,
                    ...(report.blobUrl ? { blobUrl: report.blobUrl } : {}),
                    headingLevel: (options.headingLevel ?? 3) + 1,
                    ...(report.dockerfileChecks.note ? { note: report.dockerfileChecks.note } : {})
                }).trimEnd()
            ]
            : [])
    ];
    return limitMarkdown(`${lines.join('\n')}\n`, options.maxBytes ?? summaryLimitBytes);
}

;// CONCATENATED MODULE: ./src/report/comment.ts





/** GitHub refuses comment bodies over 65,536 characters; bytes are never fewer than characters. */
const commentLimitBytes = 60_000;
/** The hidden first line that finds this target's comment again on the next run. */
function commentMarker(repository, target) {
    return `<!-- ecr-build-push:${repository}:${target} -->`;
}
/** The pull request number and base branch when the run is for a pull request. */
function pullRequestOf(context) {
    const pullRequest = context.payload.pull_request;
    if (typeof pullRequest?.number !== 'number')
        return undefined;
    return { number: pullRequest.number, baseRef: pullRequest.base?.ref ?? '' };
}
/**
 * Findings this pull request brings in, fixes and leaves alone, matched as the gate matches them for
 * `fail-on-new` (`findingKey`: id, package, installed version and path), so the comment never calls a finding
 * unchanged that the gate blocks as new.
 */
function diffFindings(current, base) {
    const baseKeys = new Set(base.map(findingKey));
    const currentKeys = new Set(current.map(findingKey));
    const unique = uniqueBy(current, findingKey);
    return {
        new: unique.filter((finding) => !baseKeys.has(findingKey(finding))),
        fixed: uniqueBy(base, findingKey).filter((finding) => !currentKeys.has(findingKey(finding))),
        unchanged: unique.filter((finding) => baseKeys.has(findingKey(finding)))
    };
}
/** `+12.3 kB (+0.8%)`, `-1.2 MB (-10%)` or `no change`. */
function sizeChange(current, base) {
    const difference = current - base;
    if (difference === 0)
        return 'no change';
    const sign = difference > 0 ? '+' : '';
    const percent = base > 0 ? ` (${sign}${Number(((difference / base) * 100).toPrecision(2))}%)` : '';
    return `${sign}${formatSize(difference)}${percent}`;
}
function comparisonSection(report, base) {
    const heading = `### Compared with ${code(base.ref)}`;
    if (!base.image)
        return ['', heading, '', `No image for ${code(base.ref)} in the registry yet: nothing to compare with.`];
    const current = uniqueFindings(report.findings ?? []);
    const total = report.layers?.reduce((sum, layer) => sum + layer.size, 0);
    const table = [
        '',
        heading,
        '',
        '| | |',
        '| --- | --- |',
        `| Base image | ${code(base.image)} |`,
        ...(total !== undefined && base.size !== undefined
            ? [`| Size | ${formatSize(total)}, ${sizeChange(total, base.size)} against ${formatSize(base.size)} |`]
            : [])
    ];
    if (!report.findings || !base.findings)
        return [...table, '| Findings | not compared: one side was not scanned |'];
    const diff = diffFindings(current, base.findings);
    const newRows = bySeverity(diff.new)
        .slice(0, 20)
        .map((finding) => {
        return `| ${finding.severity} | ${markdown_link(finding.id, finding.primaryUrl)} | ${cell(finding.pkgName)} | ${originCell(report, finding.origin)} | ${blocksPush(report, finding) ? '⛔' : ''} |`;
    });
    const fixed = diff.fixed.slice(0, 30).map((finding) => `${cell(finding.id)} (${cell(finding.pkgName)})`);
    return [
        ...table,
        `| Findings | ${diff.new.length} new, ${diff.fixed.length} fixed, ${diff.unchanged.length} already on ${code(base.ref)} |`,
        ...(newRows.length > 0
            ? [
                '',
                '**New in this pull request**',
                '',
                '| Severity | ID | Package | Introduced by | Blocks push |',
                '| --- | --- | --- | --- | :---: |',
                ...newRows,
                ...(diff.new.length > newRows.length
                    ? ['', `_…and ${diff.new.length - newRows.length} more._`]
                    : [])
            ]
            : []),
        ...(fixed.length > 0
            ? [
                '',
                `**Fixed by this pull request**: ${fixed.join(', ')}${diff.fixed.length > fixed.length ? `, and ${diff.fixed.length - fixed.length} more` : ''}`
            ]
            : [])
    ];
}
/** The sticky comment: the marker, the target's summary and, when known, the difference against the base branch. */
function commentBody(report, base) {
    const lines = [
        commentMarker(report.repository, report.target),
        summaryMarkdown(report, { headingLevel: 2, maxBytes: commentLimitBytes }).trimEnd(),
        ...(base ? comparisonSection(report, base) : [])
    ];
    return limitMarkdown(`${lines.join('\n')}\n`, commentLimitBytes);
}

;// CONCATENATED MODULE: ./src/build/plan.ts





/**
 * Inline cache writes per-build times into the image config, so no rebuild of a commit gets its digest again;
 * in an IMMUTABLE repository that makes a re-run fail on its own tags, which is worth a warning.
 */
function reproducibleCache(cache, image) {
    if (!image.reproducible || !image.immutable || !cache.to.some((spec) => spec.startsWith('type=inline')))
        return cache;
    return {
        ...cache,
        warnings: [
            ...cache.warnings,
            `Cache: inline cache records build times in the image config, so a rebuild of this commit gets another digest, and a re-run fails on the tags this IMMUTABLE repository already has. Set 'cache-repository' to a repository with mutable tags (registry cache), or use 'cache: gha', 'local' or 'none'. See docs/reproducible-builds.md.`
        ]
    };
}
/** Plans every image of the step; pure given the facts. */
function planImages(config, facts) {
    const { build } = config;
    const delivery = deliveryFor({
        scan: config.scan !== undefined,
        push: build.push,
        load: build.load,
        driver: build.driver
    });
    const epoch = facts.meta.sourceDateEpoch;
    // The commit's time, for BuildKit's created times; the exporters also clamp file times to it where they can.
    const buildArgs = epoch === undefined
        ? build.buildArgs
        : [...build.buildArgs, { key: 'SOURCE_DATE_EPOCH', value: String(epoch) }];
    const rewriteTimestamp = epoch !== undefined && facts.rewritesTimestamps === true;
    return config.images.map((spec, index) => {
        const image = facts.ecr ? `${facts.ecr.registry}/${spec.repository}` : spec.repository;
        const tags = facts.meta.tags.map((tag) => `${image}:${tag}`);
        const staging = `ecr-build-push-staging/${spec.repository}:${facts.runKey}-${index}`;
        const dir = external_node_path_.join(facts.temp, `${index}-${sanitize(spec.stage.name) || 'stage'}`);
        const layout = delivery === 'daemon-staging' && exportsLayout(build.driver, facts.daemon.imageStore)
            ? external_node_path_.join(dir, 'oci')
            : undefined;
        const cacheFacts = {
            driver: build.driver,
            imageStore: facts.daemon.imageStore,
            buildxVersion: facts.buildxVersion,
            ...(facts.buildkitVersion ? { buildkitVersion: facts.buildkitVersion } : {}),
            env: facts.env,
            registry: facts.ecr?.registry ?? '',
            repository: spec.repository,
            tagImmutable: facts.ecr?.repositories.get(spec.repository)?.tagMutability === 'IMMUTABLE',
            target: spec.stage.name,
            platforms: build.platforms,
            branch: currentBranch(facts.context),
            defaultBranch: defaultBranch(facts.context),
            ...(pullRequestOf(facts.context) ? { pullRequest: pullRequestOf(facts.context)?.number } : {}),
            image,
            previousTags: facts.meta.previousTags,
            localCacheRoot: external_node_path_.join(facts.env.RUNNER_TEMP || facts.temp, 'ecr-build-push-cache'),
            dependencyHash: facts.dependencyHash,
            hostedRunner: facts.env.RUNNER_ENVIRONMENT === 'github-hosted'
        };
        const cache = reproducibleCache(planCache(config.cache, cacheFacts), {
            reproducible: epoch !== undefined,
            immutable: cacheFacts.tagImmutable
        });
        const request = {
            builder: facts.builder,
            file: config.dockerfile.path,
            context: build.context,
            target: spec.stage.named ? spec.stage.name : '',
            platforms: build.platforms,
            buildArgs,
            secrets: build.secrets,
            secretFiles: build.secretFiles,
            labels: facts.meta.labels,
            annotations: facts.meta.annotations,
            output: planOutput(delivery, { image, tags, staging, ...(layout ? { layout } : {}) }, build.load, {
                rewriteTimestamp
            }),
            cache,
            noCache: build.noCache,
            pull: build.pull,
            provenance: build.provenance,
            sbom: build.sbom,
            metadataFile: external_node_path_.join(dir, 'metadata.json'),
            iidFile: external_node_path_.join(dir, 'iid.txt')
        };
        return { spec, image, tags, staging, dir, ...(layout ? { layout } : {}), delivery, cache, request };
    });
}

;// CONCATENATED MODULE: ./src/build/emulation.ts

/** QEMU only for the platforms' architectures the host can neither run nor emulate already. */
async function setUpEmulation(runner, platforms) {
    if (platforms.length === 0)
        return;
    const emulated = architecturesNeedingEmulation(platforms, process.arch, await registeredHandlers());
    for (const command of planQemu(emulated))
        await runner.run(command, { stream: true });
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
;// CONCATENATED MODULE: ./src/cache/local.ts




const lockfilePattern = /^(?:package-lock\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|requirements.*\.txt|Pipfile\.lock|go\.sum|Cargo\.lock|Gemfile\.lock|composer\.lock)$/;
/** sha256 over the Dockerfile and the lockfiles at the top of the build context: what the local cache key follows. */
async function hashCacheDependencies(dockerfile, context) {
    const entries = (0,external_node_fs_.existsSync)(context) ? await (0,promises_.readdir)(context, { withFileTypes: true }) : [];
    const lockfiles = entries
        .filter((entry) => entry.isFile() && lockfilePattern.test(entry.name))
        .map((entry) => entry.name)
        .sort();
    const hash = (0,external_node_crypto_.createHash)('sha256');
    hash.update(await (0,promises_.readFile)(dockerfile));
    for (const name of lockfiles) {
        hash.update(`\0${name}\0`);
        hash.update(await (0,promises_.readFile)(external_node_path_.join(context, name)));
    }
    return hash.digest('hex');
}
async function actionsCache() {
    return await Promise.all(/* import() */[__nccwpck_require__.e(119), __nccwpck_require__.e(838), __nccwpck_require__.e(691)]).then(__nccwpck_require__.bind(__nccwpck_require__, 1691));
}
function message(error) {
    return error instanceof Error ? error.message : String(error);
}
/** Restores the local cache directory before the build; returns the key that matched. Never throws. */
async function restoreLocalCache(plan, log, client) {
    if (!plan.local)
        return undefined;
    try {
        await (0,promises_.rm)(plan.local.exportDir, { recursive: true, force: true });
        const cache = client ?? (await actionsCache());
        if (!cache.isFeatureAvailable()) {
            log.info(`Cache: the runner's cache service is not available; using ${plan.local.restoreDir} as it is.`);
            return undefined;
        }
        const matched = await cache.restoreCache([plan.local.restoreDir], plan.local.key, plan.local.restoreKeys);
        log.info(matched ? `Cache: restored ${matched}.` : `Cache: no local cache for ${plan.local.key} yet.`);
        return matched;
    }
    catch (error) {
        log.warning(`Cache: could not restore the local build cache: ${message(error)}`);
        return undefined;
    }
}
/**
 * After the build: swaps the freshly exported directory in for the restored one (so old layers
 * don't pile up, docker/build-push-action#252) and saves it, unless that exact key was restored.
 */
async function saveLocalCache(plan, restoredKey, log, client) {
    if (!plan.local)
        return;
    const { restoreDir, exportDir, key } = plan.local;
    try {
        if (!(0,external_node_fs_.existsSync)(exportDir)) {
            log.warning(`Cache: the build exported no local cache to ${exportDir}; nothing to save.`);
            return;
        }
        await (0,promises_.rm)(restoreDir, { recursive: true, force: true });
        await (0,promises_.rename)(exportDir, restoreDir);
        if (restoredKey === key) {
            log.info(`Cache: ${key} was restored exactly, and a saved key cannot be overwritten; not saving it again.`);
            return;
        }
        const cache = client ?? (await actionsCache());
        if (!cache.isFeatureAvailable())
            return;
        await cache.saveCache([restoreDir], key);
        log.info(`Cache: saved ${key}.`);
    }
    catch (error) {
        log.warning(`Cache: could not save the local build cache: ${message(error)}`);
    }
}

;// CONCATENATED MODULE: ./src/meta/docker-tag.ts

/** What `docker tag` accepts: a word character first, then up to 127 of `[A-Za-z0-9_.-]`. */
const dockerTagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const maxLength = 128;
const keptLength = 120;
/** True when a character may appear anywhere in a tag. */
function isTagText(text) {
    return /^[A-Za-z0-9_.-]*$/.test(text);
}
/**
 * Turns a ref-derived value into a valid tag: runs of other characters become `-`, leading `.`/`-` go,
 * and a value over 128 characters keeps 120 plus a short hash so distinct refs stay distinct.
 * Returns '' when nothing usable is left.
 */
function sanitizeTag(value) {
    const tag = value.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[.-]+/, '');
    if (tag.length <= maxLength)
        return tag;
    const hash = (0,external_node_crypto_.createHash)('sha256').update(value).digest('hex').slice(0, 7);
    return `${tag.slice(0, keptLength)}-${hash}`;
}

;// CONCATENATED MODULE: ./src/meta/labels.ts


/**
 * The OCI labels of the image, from the repository metadata (else the payload), the named commit, the version
 * and the created time; `userLabels` override by key and an empty value removes one.
 */
function computeLabels(input, context, revision, version, created) {
    const metadata = input.repositoryMetadata;
    const repository = context.payload.repository ?? {};
    const url = metadata?.htmlUrl || repositoryUrl(context);
    const generated = {
        'org.opencontainers.image.title': metadata?.name || repository.name || context.repository.split('/')[1] || '',
        'org.opencontainers.image.description': metadata?.description || repository.description || '',
        'org.opencontainers.image.url': url,
        'org.opencontainers.image.source': url,
        'org.opencontainers.image.version': version,
        'org.opencontainers.image.created': created.toISOString(),
        'org.opencontainers.image.revision': revision,
        'org.opencontainers.image.licenses': metadata?.license || repository.license?.spdx_id || ''
    };
    for (const label of input.userLabels)
        generated[label.key] = label.value;
    return Object.fromEntries(Object.entries(generated)
        .filter(([, value]) => value !== '')
        .sort(([a], [b]) => byCodeUnit(a, b)));
}

;// CONCATENATED MODULE: ./src/meta/run-facts.ts
const pullRequestEvents = ['pull_request', 'pull_request_target'];
const nonBranchEvents = [...pullRequestEvents, 'merge_group', 'release'];
function stripHeads(ref) {
    return typeof ref === 'string' ? ref.replace(/^refs\/heads\//, '') : '';
}
/** The commit the image is named after: GITHUB_SHA, or a pull request's head with `sha-source: head`. */
function namedCommit(context, shaSource) {
    const headSha = context.payload.pull_request?.head?.sha;
    const useHead = pullRequestEvents.includes(context.eventName) && shaSource === 'head';
    return useHead && typeof headSha === 'string' ? headSha : context.sha;
}
function timestampOf(commit, sha) {
    const { id, timestamp } = (commit ?? {});
    if (id !== sha || typeof timestamp !== 'string')
        return undefined;
    const date = new Date(timestamp);
    return Number.isNaN(date.getTime()) ? undefined : date;
}
/** The commit time a push (or merge queue) payload carries for `sha`, as metadata-action reads it. */
function commitDateInPayload(payload, sha) {
    const commits = Array.isArray(payload.commits) ? payload.commits : [];
    const candidates = [...commits, payload.head_commit, payload.merge_group?.head_commit];
    return candidates.map((commit) => timestampOf(commit, sha)).find((date) => date !== undefined);
}
function runFacts(context, shaSource, metadata, commitDateFromGit) {
    const { eventName, ref, payload } = context;
    const isPullRequest = pullRequestEvents.includes(eventName);
    // pull_request_target runs on the base branch's ref, a merge queue on a throw-away branch: neither names the image.
    const branch = !nonBranchEvents.includes(eventName) && ref.startsWith('refs/heads/') ? stripHeads(ref) : '';
    const tag = ref.startsWith('refs/tags/')
        ? ref.slice('refs/tags/'.length)
        : eventName === 'release'
            ? String(payload.release?.tag_name ?? '')
            : '';
    const pullRequest = isPullRequest
        ? String(/^refs\/pull\/(\d+)\//.exec(ref)?.[1] ?? payload.pull_request?.number ?? payload.number ?? '')
        : '';
    const baseRef = isPullRequest
        ? stripHeads(payload.pull_request?.base?.ref)
        : eventName === 'merge_group'
            ? stripHeads(payload.merge_group?.base_ref)
            : tag !== ''
                ? stripHeads(payload.base_ref)
                : '';
    const sha = namedCommit(context, shaSource);
    const defaultBranch = payload.repository?.default_branch ?? metadata?.defaultBranch;
    // A schedule always runs on the default branch's last commit (docker/metadata-action reads it the same way).
    const isDefaultBranch = branch !== '' && (branch === defaultBranch || eventName === 'schedule');
    const commitDate = commitDateInPayload(payload, sha) ?? commitDateFromGit;
    return { eventName, branch, tag, pullRequest, baseRef, sha, defaultBranch, isDefaultBranch, commitDate };
}

;// CONCATENATED MODULE: ./src/meta/branch-tags.ts

/** Put before a branch tag that would look like a tag of another meaning. */
const branchPrefix = 'branch-';
/** Tag shapes with a meaning of their own, and what they name; a branch of that name must not overwrite one. */
const reservedShapes = [
    { pattern: /^latest$/, meaning: "the default branch's newest image" },
    { pattern: /^edge$/, meaning: "the default branch's image (type=edge)" },
    { pattern: /^nightly$/, meaning: 'the scheduled build (type=schedule)' },
    { pattern: /^pr-\d+$/, meaning: "a pull request's image" },
    { pattern: /^(?:sha-)?[0-9a-f]{7,40}$/, meaning: "a commit's image (type=sha)" },
    // `1`, `v2`, `1.2`, `1.2.3`, `v1.2.3-rc.1`, `1.2.3rc1`; not `2024-cleanup` (no dot, words after the number).
    {
        pattern: /^v?\d+(?:(?:\.\d+)+(?:[-+._]?[0-9a-z][0-9a-z.+_-]*)?)?$/,
        meaning: 'a release (type=semver or pep440)'
    },
    { pattern: /^buildcache(?:-|$)/, meaning: 'the registry build cache' }
];
/** What a tag of this shape means, when a branch must not take it; undefined for an ordinary name. */
function reservedMeaning(tag) {
    const lower = tag.toLowerCase();
    return reservedShapes.find(({ pattern }) => pattern.test(lower))?.meaning;
}
/**
 * The tag value a branch gets: sanitized, and with `branch-` in front when it would look like a tag of
 * another meaning (`latest`, `pr-7`, `1.2.3`, `buildcache-production`), so that whoever can push a branch
 * cannot overwrite the tags deployments pull. `warning` says what happened.
 */
function branchTagValue(value) {
    const meaning = reservedMeaning(sanitizeTag(value));
    if (!meaning)
        return { value };
    const tagged = `${branchPrefix}${value}`;
    return {
        value: tagged,
        warning: `Branch '${value}' would be tagged '${sanitizeTag(value)}', the name of ${meaning}: it is tagged '${sanitizeTag(tagged)}' instead, so that a branch never overwrites that tag. Rename the branch, or give branch tags a prefix of their own ('type=ref,event=branch,prefix=br-').`
    };
}
/**
 * Other branches whose pushes get the same tag as this one (`feat/a` and `feat-a` both give `feat-a`): each
 * overwrites the other's image. `tagOf` gives the tags a push of a branch would get.
 */
function collidingBranches(branch, others, tagOf) {
    const own = new Set(tagOf(branch));
    const byTag = new Map();
    for (const other of others) {
        if (other === branch)
            continue;
        for (const tag of tagOf(other).filter((candidate) => own.has(candidate)))
            byTag.set(tag, [...(byTag.get(tag) ?? []), other]);
    }
    return [...byTag].map(([tag, branches]) => ({ tag, branches }));
}

;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/api/CsvError.js
class CsvError extends Error {
  constructor(code, message, options, ...contexts) {
    if (Array.isArray(message)) message = message.join(" ").trim();
    super(message);
    if (Error.captureStackTrace !== undefined) {
      Error.captureStackTrace(this, CsvError);
    }
    this.code = code;
    for (const context of contexts) {
      for (const key in context) {
        const value = context[key];
        this[key] = Buffer.isBuffer(value)
          ? value.toString(options.encoding)
          : value == null
            ? value
            : JSON.parse(JSON.stringify(value));
      }
    }
  }
}



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/utils/is_object.js
const is_object = function (obj) {
  return typeof obj === "object" && obj !== null && !Array.isArray(obj);
};



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/api/normalize_columns_array.js



const normalize_columns_array = function (columns) {
  const normalizedColumns = [];
  for (let i = 0, l = columns.length; i < l; i++) {
    const column = columns[i];
    if (column === undefined || column === null || column === false) {
      normalizedColumns[i] = { disabled: true };
    } else if (typeof column === "string" || typeof column === "number") {
      normalizedColumns[i] = { name: `${column}` };
    } else if (is_object(column)) {
      if (typeof column.name !== "string") {
        throw new CsvError("CSV_OPTION_COLUMNS_MISSING_NAME", [
          "Option columns missing name:",
          `property "name" is required at position ${i}`,
          "when column is an object literal",
        ]);
      }
      normalizedColumns[i] = column;
    } else {
      throw new CsvError("CSV_INVALID_COLUMN_DEFINITION", [
        "Invalid column definition:",
        "expect a string or a literal object,",
        `got ${JSON.stringify(column)} at position ${i}`,
      ]);
    }
  }
  return normalizedColumns;
};



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/utils/ResizeableBuffer.js
class ResizeableBuffer {
  constructor(size = 100) {
    this.size = size;
    this.length = 0;
    this.buf = Buffer.allocUnsafe(size);
  }
  prepend(val) {
    if (Buffer.isBuffer(val)) {
      const length = this.length + val.length;
      if (length >= this.size) {
        this.resize();
        if (length >= this.size) {
          throw Error("INVALID_BUFFER_STATE");
        }
      }
      const buf = this.buf;
      this.buf = Buffer.allocUnsafe(this.size);
      val.copy(this.buf, 0);
      buf.copy(this.buf, val.length);
      this.length += val.length;
    } else {
      const length = this.length++;
      if (length === this.size) {
        this.resize();
      }
      const buf = this.clone();
      this.buf[0] = val;
      buf.copy(this.buf, 1, 0, length);
    }
  }
  append(val) {
    const length = this.length++;
    if (length === this.size) {
      this.resize();
    }
    this.buf[length] = val;
  }
  clone() {
    return Buffer.from(this.buf.slice(0, this.length));
  }
  resize() {
    const length = this.length;
    this.size = this.size * 2;
    const buf = Buffer.allocUnsafe(this.size);
    this.buf.copy(buf, 0, 0, length);
    this.buf = buf;
  }
  toString(encoding) {
    if (encoding) {
      return this.buf.toString(encoding, 0, this.length);
    } else {
      return Uint8Array.prototype.slice.call(this.buf.slice(0, this.length));
    }
  }
  toJSON() {
    return this.toString("utf8");
  }
  reset() {
    this.length = 0;
  }
}

/* harmony default export */ const utils_ResizeableBuffer = (ResizeableBuffer);

;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/api/init_state.js


const init_state = function (options) {
  // ECMAScript WhiteSpace + LineTerminator codepoints, encoded under
  // `options.encoding`. Aligns trimming with `String.prototype.trim()`.
  // https://tc39.es/ecma262/#sec-white-space
  // https://tc39.es/ecma262/#sec-line-terminators
  //
  // Codepoints unrepresentable in the target encoding are dropped: Node's
  // Buffer substitutes them with `?` (0x3F), and including those would cause
  // literal `?` bytes in the input to be trimmed under `latin1`/`ascii`.
  const timchars = [
    // Basic Latin
    0x0020, // [Space](https://www.fileformat.info/info/unicode/char/0020/index.htm)
    0x0009, // [CHARACTER TABULATION (HT)](https://www.fileformat.info/info/unicode/char/0009/index.htm)
    0x000a, // [LINE FEED (LF)](https://www.fileformat.info/info/unicode/char/000a/index.htm)
    0x000d, // [CARRIAGE RETURN (CR)](https://www.fileformat.info/info/unicode/char/000d/index.htm)
    0x000c, // [FORM FEED (FF)](https://www.fileformat.info/info/unicode/char/000c/index.htm)
    0x000b, // [LINE TABULATION (VT)](https://www.fileformat.info/info/unicode/char/000b/index.htm)
    // Latin-1 Supplement
    0x00a0, // [NO-BREAK SPACE (NBSP)](https://www.fileformat.info/info/unicode/char/00a0/index.htm)
    // Ogham
    0x1680, // [OGHAM SPACE MARK](https://www.fileformat.info/info/unicode/char/1680/index.htm)
    // General Punctuation
    0x2000, // [EN QUAD](https://www.fileformat.info/info/unicode/char/2000/index.htm)
    0x2001, // [EM QUAD](https://www.fileformat.info/info/unicode/char/2001/index.htm)
    0x2002, // [EN SPACE](https://www.fileformat.info/info/unicode/char/2002/index.htm)
    0x2003, // [EM SPACE](https://www.fileformat.info/info/unicode/char/2003/index.htm)
    0x2004, // [THREE-PER-EM SPACE](https://www.fileformat.info/info/unicode/char/2004/index.htm)
    0x2005, // [FOUR-PER-EM SPACE](https://www.fileformat.info/info/unicode/char/2005/index.htm)
    0x2006, // [SIX-PER-EM SPACE](https://www.fileformat.info/info/unicode/char/2006/index.htm)
    0x2007, // [FIGURE SPACE](https://www.fileformat.info/info/unicode/char/2007/index.htm)
    0x2008, // [PUNCTUATION SPACE](https://www.fileformat.info/info/unicode/char/2008/index.htm)
    0x2009, // [THIN SPACE](https://www.fileformat.info/info/unicode/char/2009/index.htm)
    0x200a, // [HAIR SPACE](https://www.fileformat.info/info/unicode/char/200a/index.htm)
    0x2028, // [LINE SEPARATOR](https://www.fileformat.info/info/unicode/char/2028/index.htm)
    0x2029, // [PARAGRAPH SEPARATOR](https://www.fileformat.info/info/unicode/char/2029/index.htm)
    0x202f, // [NARROW NO-BREAK SPACE (NNBSP)](https://www.fileformat.info/info/unicode/char/202f/index.htm)
    0x205f, // [MEDIUM MATHEMATICAL SPACE (MMSP)](https://www.fileformat.info/info/unicode/char/205f/index.htm)
    0x3000, // [IDEOGRAPHIC SPACE](https://www.fileformat.info/info/unicode/char/3000/index.htm)
    0xfeff, // [ZERO WIDTH NO-BREAK SPACE (BOM)](https://www.fileformat.info/info/unicode/char/feff/index.htm)
  ].reduce((acc, codepoint) => {
    const encoded = Buffer.from(
      String.fromCharCode(codepoint),
      options.encoding,
    );
    if (codepoint !== 0x3f && encoded.length === 1 && encoded[0] === 0x3f) {
      return acc;
    }
    acc.push(encoded);
    return acc;
  }, []);
  // First-byte lookup table for `__isCharTrimable`. Non-whitespace bytes
  // (the common case) bail out in O(1) without scanning every timchar.
  const timcharFirstBytes = new Uint8Array(256);
  for (const t of timchars) timcharFirstBytes[t[0]] = 1;
  return {
    bomSkipped: false,
    bufBytesStart: 0,
    castField: options.cast_function,
    commenting: false,
    delimiterBufPrevious: undefined,
    delimiterDiscovered: false,
    // Current error encountered by a record
    error: undefined,
    enabled: options.from_line === 1,
    escaping: false,
    escapeIsQuote:
      Buffer.isBuffer(options.escape) &&
      Buffer.isBuffer(options.quote) &&
      Buffer.compare(options.escape, options.quote) === 0,
    // columns can be `false`, `true`, `Array`
    expectedRecordLength: Array.isArray(options.columns)
      ? options.columns.length
      : undefined,
    field: new utils_ResizeableBuffer(20),
    firstLineToHeaders: options.cast_first_line_to_header,
    needMoreDataSize: Math.max(
      // Skip if the remaining buffer smaller than comment
      options.comment !== null ? options.comment.length : 0,
      // Skip if the remaining buffer can be delimiter
      ...(options.delimiter
        ? options.delimiter.map((delimiter) => delimiter.length)
        : []),
      // Auto discovery of delimiter is limited to 1 character
      options.delimiter_auto ? 1 : 0,
      // Skip if the remaining buffer can be escape sequence
      options.quote !== null ? options.quote.length : 0,
      // Skip if the remaining buffer can be a multi-byte trim character
      ...timchars.map((t) => t.length),
    ),
    previousBuf: undefined,
    quoting: false,
    stop: false,
    rawBuffer: new utils_ResizeableBuffer(100),
    record: [],
    recordHasError: false,
    record_length: 0,
    recordDelimiterMaxLength:
      options.record_delimiter.length === 0
        ? 0
        : Math.max(...options.record_delimiter.map((v) => v.length)),
    trimChars: [
      Buffer.from(" ", options.encoding)[0],
      Buffer.from("\t", options.encoding)[0],
    ],
    wasQuoting: false,
    wasRowDelimiter: false,
    timchars: timchars,
    timcharFirstBytes: timcharFirstBytes,
  };
};



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/utils/underscore.js
const underscore = function (str) {
  return str.replace(/([A-Z])/g, function (_, match) {
    return "_" + match.toLowerCase();
  });
};



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/api/normalize_options.js





const normalize_options = function (opts) {
  const options = {};
  // Merge with user options
  for (const opt in opts) {
    options[underscore(opt)] = opts[opt];
  }
  // Normalize option `encoding`
  // Note: defined first because other options depends on it
  // to convert chars/strings into buffers.
  if (options.encoding === undefined || options.encoding === true) {
    options.encoding = "utf8";
  } else if (options.encoding === null || options.encoding === false) {
    options.encoding = null;
  } else if (
    typeof options.encoding !== "string" &&
    options.encoding !== null
  ) {
    throw new CsvError(
      "CSV_INVALID_OPTION_ENCODING",
      [
        "Invalid option encoding:",
        "encoding must be a string or null to return a buffer,",
        `got ${JSON.stringify(options.encoding)}`,
      ],
      options,
    );
  }
  // Normalize option `bom`
  if (
    options.bom === undefined ||
    options.bom === null ||
    options.bom === false
  ) {
    options.bom = false;
  } else if (options.bom !== true) {
    throw new CsvError(
      "CSV_INVALID_OPTION_BOM",
      [
        "Invalid option bom:",
        "bom must be true,",
        `got ${JSON.stringify(options.bom)}`,
      ],
      options,
    );
  }
  // Normalize option `cast`
  options.cast_function = null;
  if (
    options.cast === undefined ||
    options.cast === null ||
    options.cast === false ||
    options.cast === ""
  ) {
    options.cast = undefined;
  } else if (typeof options.cast === "function") {
    options.cast_function = options.cast;
    options.cast = true;
  } else if (options.cast !== true) {
    throw new CsvError(
      "CSV_INVALID_OPTION_CAST",
      [
        "Invalid option cast:",
        "cast must be true or a function,",
        `got ${JSON.stringify(options.cast)}`,
      ],
      options,
    );
  }
  // Normalize option `cast_date`
  if (
    options.cast_date === undefined ||
    options.cast_date === null ||
    options.cast_date === false ||
    options.cast_date === ""
  ) {
    options.cast_date = false;
  } else if (options.cast_date === true) {
    options.cast_date = function (value) {
      const date = Date.parse(value);
      return !isNaN(date) ? new Date(date) : value;
    };
  } else if (typeof options.cast_date !== "function") {
    throw new CsvError(
      "CSV_INVALID_OPTION_CAST_DATE",
      [
        "Invalid option cast_date:",
        "cast_date must be true or a function,",
        `got ${JSON.stringify(options.cast_date)}`,
      ],
      options,
    );
  }
  // Normalize option `columns`
  options.cast_first_line_to_header = undefined;
  if (options.columns === true) {
    // Fields in the first line are converted as-is to columns
    options.cast_first_line_to_header = undefined;
  } else if (typeof options.columns === "function") {
    options.cast_first_line_to_header = options.columns;
    options.columns = true;
  } else if (Array.isArray(options.columns)) {
    options.columns = normalize_columns_array(options.columns);
  } else if (
    options.columns === undefined ||
    options.columns === null ||
    options.columns === false
  ) {
    options.columns = false;
  } else {
    throw new CsvError(
      "CSV_INVALID_OPTION_COLUMNS",
      [
        "Invalid option columns:",
        "expect an array, a function or true,",
        `got ${JSON.stringify(options.columns)}`,
      ],
      options,
    );
  }
  // Normalize option `group_columns_by_name`
  if (
    options.group_columns_by_name === undefined ||
    options.group_columns_by_name === null ||
    options.group_columns_by_name === false
  ) {
    options.group_columns_by_name = false;
  } else if (options.group_columns_by_name !== true) {
    throw new CsvError(
      "CSV_INVALID_OPTION_GROUP_COLUMNS_BY_NAME",
      [
        "Invalid option group_columns_by_name:",
        "expect an boolean,",
        `got ${JSON.stringify(options.group_columns_by_name)}`,
      ],
      options,
    );
  } else if (options.columns === false) {
    throw new CsvError(
      "CSV_INVALID_OPTION_GROUP_COLUMNS_BY_NAME",
      [
        "Invalid option group_columns_by_name:",
        "the `columns` mode must be activated.",
      ],
      options,
    );
  }
  // Normalize option `comment`
  if (
    options.comment === undefined ||
    options.comment === null ||
    options.comment === false ||
    options.comment === ""
  ) {
    options.comment = null;
  } else {
    if (typeof options.comment === "string") {
      options.comment = Buffer.from(options.comment, options.encoding);
    }
    if (!Buffer.isBuffer(options.comment)) {
      throw new CsvError(
        "CSV_INVALID_OPTION_COMMENT",
        [
          "Invalid option comment:",
          "comment must be a buffer or a string,",
          `got ${JSON.stringify(options.comment)}`,
        ],
        options,
      );
    }
  }
  // Normalize option `comment_no_infix`
  if (
    options.comment_no_infix === undefined ||
    options.comment_no_infix === null ||
    options.comment_no_infix === false
  ) {
    options.comment_no_infix = false;
  } else if (options.comment_no_infix !== true) {
    throw new CsvError(
      "CSV_INVALID_OPTION_COMMENT",
      [
        "Invalid option comment_no_infix:",
        "value must be a boolean,",
        `got ${JSON.stringify(options.comment_no_infix)}`,
      ],
      options,
    );
  }
  // Normalize option `delimiter_auto`
  if (
    options.delimiter_auto === undefined ||
    options.delimiter_auto === null ||
    options.delimiter_auto === false
  ) {
    options.delimiter_auto = false;
  } else if (options.delimiter_auto === true) {
    options.delimiter_auto = {};
  } else if (!is_object(options.delimiter_auto)) {
    throw new CsvError(
      "CSV_INVALID_OPTION_DELIMITER_AUTO",
      [
        "Invalid option delimiter_auto:",
        "delimiter_auto must be a boolean or a configuration object,",
        `got ${JSON.stringify(options.delimiter_auto)}`,
      ],
      options,
    );
  }
  if (options.delimiter_auto) {
    if (options.delimiter_auto.preferred === undefined)
      options.delimiter_auto.preferred = {
        [",".charCodeAt(0)]: 1.8,
        ["\t".charCodeAt(0)]: 1.8,
        [";".charCodeAt(0)]: 1.6,
        [" ".charCodeAt(0)]: 1.6,
        [":".charCodeAt(0)]: 1.5,
        [".".charCodeAt(0)]: 1.4,
        ["/".charCodeAt(0)]: 1.4,
      };
    else if (!is_object(options.delimiter_auto.preferred)) {
      throw new CsvError(
        "CSV_INVALID_OPTION_DELIMITER_AUTO",
        [
          "Invalid option delimiter_auto:",
          "preferred must be an object,",
          `got ${JSON.stringify(options.delimiter_auto.preferred)}`,
        ],
        options,
      );
    }
    if (options.delimiter_auto.score === undefined)
      options.delimiter_auto.score = (info, options) => {
        return (
          (info.total - info.std) * (options.preferred[info.char_code] || 1)
        );
      };
    else if (typeof options.delimiter_auto.score !== "function") {
      throw new CsvError(
        "CSV_INVALID_OPTION_DELIMITER_AUTO",
        [
          "Invalid option delimiter_auto:",
          "score must be a function,",
          `got ${JSON.stringify(options.delimiter_auto.score)}`,
        ],
        options,
      );
    }
    if (options.delimiter_auto.size === undefined)
      options.delimiter_auto.size = 2048;
    else if (typeof options.delimiter_auto.size !== "number") {
      throw new CsvError(
        "CSV_INVALID_OPTION_DELIMITER_AUTO",
        [
          "Invalid option delimiter_auto:",
          "size must be a number,",
          `got ${JSON.stringify(options.delimiter_auto.size)}`,
        ],
        options,
      );
    }
  }
  // Normalize option `delimiter`
  const delimiter_json = JSON.stringify(options.delimiter);
  if (options.delimiter_auto !== false) {
    options.delimiter = [];
  }
  if (!Array.isArray(options.delimiter)) {
    if (
      options.delimiter === undefined ||
      options.delimiter === null ||
      options.delimiter === false
    ) {
      options.delimiter = Buffer.from(",", options.encoding);
    }
    options.delimiter = [options.delimiter];
  }
  options.delimiter = options.delimiter.map(function (delimiter) {
    if (typeof delimiter === "string") {
      delimiter = Buffer.from(delimiter, options.encoding);
    }
    if (!Buffer.isBuffer(delimiter) || delimiter.length === 0) {
      throw new CsvError(
        "CSV_INVALID_OPTION_DELIMITER",
        [
          "Invalid option delimiter:",
          "delimiter must be a non empty string or buffer or array of string|buffer,",
          `got ${delimiter_json}`,
        ],
        options,
      );
    }
    return delimiter;
  });
  // Normalize option `escape`
  if (options.escape === undefined || options.escape === true) {
    options.escape = Buffer.from('"', options.encoding);
  } else if (typeof options.escape === "string") {
    options.escape = Buffer.from(options.escape, options.encoding);
  } else if (options.escape === null || options.escape === false) {
    options.escape = null;
  }
  if (options.escape !== null) {
    if (!Buffer.isBuffer(options.escape)) {
      throw new Error(
        `Invalid Option: escape must be a buffer, a string or a boolean, got ${JSON.stringify(options.escape)}`,
      );
    }
  }
  // Normalize option `from`
  if (options.from === undefined || options.from === null) {
    options.from = 1;
  } else {
    if (typeof options.from === "string" && /\d+/.test(options.from)) {
      options.from = parseInt(options.from);
    }
    if (Number.isInteger(options.from)) {
      if (options.from < 0) {
        throw new Error(
          `Invalid Option: from must be a positive integer, got ${JSON.stringify(opts.from)}`,
        );
      }
    } else {
      throw new Error(
        `Invalid Option: from must be an integer, got ${JSON.stringify(options.from)}`,
      );
    }
  }
  // Normalize option `from_line`
  if (options.from_line === undefined || options.from_line === null) {
    options.from_line = 1;
  } else {
    if (
      typeof options.from_line === "string" &&
      /\d+/.test(options.from_line)
    ) {
      options.from_line = parseInt(options.from_line);
    }
    if (Number.isInteger(options.from_line)) {
      if (options.from_line <= 0) {
        throw new Error(
          `Invalid Option: from_line must be a positive integer greater than 0, got ${JSON.stringify(opts.from_line)}`,
        );
      }
    } else {
      throw new Error(
        `Invalid Option: from_line must be an integer, got ${JSON.stringify(opts.from_line)}`,
      );
    }
  }
  // Normalize options `ignore_last_delimiters`
  if (
    options.ignore_last_delimiters === undefined ||
    options.ignore_last_delimiters === null
  ) {
    options.ignore_last_delimiters = false;
  } else if (typeof options.ignore_last_delimiters === "number") {
    options.ignore_last_delimiters = Math.floor(options.ignore_last_delimiters);
    if (options.ignore_last_delimiters === 0) {
      options.ignore_last_delimiters = false;
    }
  } else if (typeof options.ignore_last_delimiters !== "boolean") {
    throw new CsvError(
      "CSV_INVALID_OPTION_IGNORE_LAST_DELIMITERS",
      [
        "Invalid option `ignore_last_delimiters`:",
        "the value must be a boolean value or an integer,",
        `got ${JSON.stringify(options.ignore_last_delimiters)}`,
      ],
      options,
    );
  }
  if (options.ignore_last_delimiters === true && options.columns === false) {
    throw new CsvError(
      "CSV_IGNORE_LAST_DELIMITERS_REQUIRES_COLUMNS",
      [
        "The option `ignore_last_delimiters`",
        "requires the activation of the `columns` option",
      ],
      options,
    );
  }
  // Normalize option `info`
  if (
    options.info === undefined ||
    options.info === null ||
    options.info === false
  ) {
    options.info = false;
  } else if (options.info !== true) {
    throw new Error(
      `Invalid Option: info must be true, got ${JSON.stringify(options.info)}`,
    );
  }
  // Normalize option `max_record_size`
  if (
    options.max_record_size === undefined ||
    options.max_record_size === null ||
    options.max_record_size === false
  ) {
    options.max_record_size = 0;
  } else if (
    Number.isInteger(options.max_record_size) &&
    options.max_record_size >= 0
  ) {
    // Great, nothing to do
  } else if (
    typeof options.max_record_size === "string" &&
    /\d+/.test(options.max_record_size)
  ) {
    options.max_record_size = parseInt(options.max_record_size);
  } else {
    throw new Error(
      `Invalid Option: max_record_size must be a positive integer, got ${JSON.stringify(options.max_record_size)}`,
    );
  }
  // Normalize option `objname`
  if (
    options.objname === undefined ||
    options.objname === null ||
    options.objname === false
  ) {
    options.objname = undefined;
  } else if (Buffer.isBuffer(options.objname)) {
    if (options.objname.length === 0) {
      throw new Error(`Invalid Option: objname must be a non empty buffer`);
    }
    if (options.encoding === null) {
      // Don't call `toString`, leave objname as a buffer
    } else {
      options.objname = options.objname.toString(options.encoding);
    }
  } else if (typeof options.objname === "string") {
    if (options.objname.length === 0) {
      throw new Error(`Invalid Option: objname must be a non empty string`);
    }
    // Great, nothing to do
  } else if (typeof options.objname === "number") {
    // if(options.objname.length === 0){
    //   throw new Error(`Invalid Option: objname must be a non empty string`);
    // }
    // Great, nothing to do
  } else {
    throw new Error(
      `Invalid Option: objname must be a string or a buffer, got ${options.objname}`,
    );
  }
  if (options.objname !== undefined) {
    if (typeof options.objname === "number") {
      if (options.columns !== false) {
        throw Error(
          "Invalid Option: objname index cannot be combined with columns or be defined as a field",
        );
      }
    } else {
      // A string or a buffer
      if (options.columns === false) {
        throw Error(
          "Invalid Option: objname field must be combined with columns or be defined as an index",
        );
      }
    }
  }
  // Normalize option `on_record`
  if (options.on_record === undefined || options.on_record === null) {
    options.on_record = undefined;
  } else if (typeof options.on_record !== "function") {
    throw new CsvError(
      "CSV_INVALID_OPTION_ON_RECORD",
      [
        "Invalid option `on_record`:",
        "expect a function,",
        `got ${JSON.stringify(options.on_record)}`,
      ],
      options,
    );
  }
  // Normalize option `on_skip`
  // options.on_skip ??= (err, chunk) => {
  //   this.emit('skip', err, chunk);
  // };
  if (
    options.on_skip !== undefined &&
    options.on_skip !== null &&
    typeof options.on_skip !== "function"
  ) {
    throw new Error(
      `Invalid Option: on_skip must be a function, got ${JSON.stringify(options.on_skip)}`,
    );
  }
  // Normalize option `quote`
  if (
    options.quote === null ||
    options.quote === false ||
    options.quote === ""
  ) {
    options.quote = null;
  } else {
    if (options.quote === undefined || options.quote === true) {
      options.quote = Buffer.from('"', options.encoding);
    } else if (typeof options.quote === "string") {
      options.quote = Buffer.from(options.quote, options.encoding);
    }
    if (!Buffer.isBuffer(options.quote)) {
      throw new Error(
        `Invalid Option: quote must be a buffer or a string, got ${JSON.stringify(options.quote)}`,
      );
    }
  }
  // Normalize option `raw`
  if (
    options.raw === undefined ||
    options.raw === null ||
    options.raw === false
  ) {
    options.raw = false;
  } else if (options.raw !== true) {
    throw new Error(
      `Invalid Option: raw must be true, got ${JSON.stringify(options.raw)}`,
    );
  }
  // Normalize option `record_delimiter`
  if (options.record_delimiter === undefined) {
    options.record_delimiter = [];
  } else if (
    typeof options.record_delimiter === "string" ||
    Buffer.isBuffer(options.record_delimiter)
  ) {
    if (options.record_delimiter.length === 0) {
      throw new CsvError(
        "CSV_INVALID_OPTION_RECORD_DELIMITER",
        [
          "Invalid option `record_delimiter`:",
          "value must be a non empty string or buffer,",
          `got ${JSON.stringify(options.record_delimiter)}`,
        ],
        options,
      );
    }
    options.record_delimiter = [options.record_delimiter];
  } else if (!Array.isArray(options.record_delimiter)) {
    throw new CsvError(
      "CSV_INVALID_OPTION_RECORD_DELIMITER",
      [
        "Invalid option `record_delimiter`:",
        "value must be a string, a buffer or array of string|buffer,",
        `got ${JSON.stringify(options.record_delimiter)}`,
      ],
      options,
    );
  }
  options.record_delimiter = options.record_delimiter.map(function (rd, i) {
    if (typeof rd !== "string" && !Buffer.isBuffer(rd)) {
      throw new CsvError(
        "CSV_INVALID_OPTION_RECORD_DELIMITER",
        [
          "Invalid option `record_delimiter`:",
          "value must be a string, a buffer or array of string|buffer",
          `at index ${i},`,
          `got ${JSON.stringify(rd)}`,
        ],
        options,
      );
    } else if (rd.length === 0) {
      throw new CsvError(
        "CSV_INVALID_OPTION_RECORD_DELIMITER",
        [
          "Invalid option `record_delimiter`:",
          "value must be a non empty string or buffer",
          `at index ${i},`,
          `got ${JSON.stringify(rd)}`,
        ],
        options,
      );
    }
    if (typeof rd === "string") {
      rd = Buffer.from(rd, options.encoding);
    }
    return rd;
  });
  // Normalize option `relax_column_count`
  if (typeof options.relax_column_count === "boolean") {
    // Great, nothing to do
  } else if (
    options.relax_column_count === undefined ||
    options.relax_column_count === null
  ) {
    options.relax_column_count = false;
  } else {
    throw new Error(
      `Invalid Option: relax_column_count must be a boolean, got ${JSON.stringify(options.relax_column_count)}`,
    );
  }
  if (typeof options.relax_column_count_less === "boolean") {
    // Great, nothing to do
  } else if (
    options.relax_column_count_less === undefined ||
    options.relax_column_count_less === null
  ) {
    options.relax_column_count_less = false;
  } else {
    throw new Error(
      `Invalid Option: relax_column_count_less must be a boolean, got ${JSON.stringify(options.relax_column_count_less)}`,
    );
  }
  if (typeof options.relax_column_count_more === "boolean") {
    // Great, nothing to do
  } else if (
    options.relax_column_count_more === undefined ||
    options.relax_column_count_more === null
  ) {
    options.relax_column_count_more = false;
  } else {
    throw new Error(
      `Invalid Option: relax_column_count_more must be a boolean, got ${JSON.stringify(options.relax_column_count_more)}`,
    );
  }
  // Normalize option `relax_quotes`
  if (typeof options.relax_quotes === "boolean") {
    // Great, nothing to do
  } else if (
    options.relax_quotes === undefined ||
    options.relax_quotes === null
  ) {
    options.relax_quotes = false;
  } else {
    throw new Error(
      `Invalid Option: relax_quotes must be a boolean, got ${JSON.stringify(options.relax_quotes)}`,
    );
  }
  // Normalize option `skip_empty_lines`
  if (typeof options.skip_empty_lines === "boolean") {
    // Great, nothing to do
  } else if (
    options.skip_empty_lines === undefined ||
    options.skip_empty_lines === null
  ) {
    options.skip_empty_lines = false;
  } else {
    throw new Error(
      `Invalid Option: skip_empty_lines must be a boolean, got ${JSON.stringify(options.skip_empty_lines)}`,
    );
  }
  // Normalize option `skip_records_with_empty_values`
  if (typeof options.skip_records_with_empty_values === "boolean") {
    // Great, nothing to do
  } else if (
    options.skip_records_with_empty_values === undefined ||
    options.skip_records_with_empty_values === null
  ) {
    options.skip_records_with_empty_values = false;
  } else {
    throw new Error(
      `Invalid Option: skip_records_with_empty_values must be a boolean, got ${JSON.stringify(options.skip_records_with_empty_values)}`,
    );
  }
  // Normalize option `skip_records_with_error`
  if (typeof options.skip_records_with_error === "boolean") {
    // Great, nothing to do
  } else if (
    options.skip_records_with_error === undefined ||
    options.skip_records_with_error === null
  ) {
    options.skip_records_with_error = false;
  } else {
    throw new Error(
      `Invalid Option: skip_records_with_error must be a boolean, got ${JSON.stringify(options.skip_records_with_error)}`,
    );
  }
  // Normalize option `rtrim`
  if (
    options.rtrim === undefined ||
    options.rtrim === null ||
    options.rtrim === false
  ) {
    options.rtrim = false;
  } else if (options.rtrim !== true) {
    throw new Error(
      `Invalid Option: rtrim must be a boolean, got ${JSON.stringify(options.rtrim)}`,
    );
  }
  // Normalize option `ltrim`
  if (
    options.ltrim === undefined ||
    options.ltrim === null ||
    options.ltrim === false
  ) {
    options.ltrim = false;
  } else if (options.ltrim !== true) {
    throw new Error(
      `Invalid Option: ltrim must be a boolean, got ${JSON.stringify(options.ltrim)}`,
    );
  }
  // Normalize option `trim`
  if (
    options.trim === undefined ||
    options.trim === null ||
    options.trim === false
  ) {
    options.trim = false;
  } else if (options.trim !== true) {
    throw new Error(
      `Invalid Option: trim must be a boolean, got ${JSON.stringify(options.trim)}`,
    );
  }
  // Normalize options `trim`, `ltrim` and `rtrim`
  if (options.trim === true && opts.ltrim !== false) {
    options.ltrim = true;
  } else if (options.ltrim !== true) {
    options.ltrim = false;
  }
  if (options.trim === true && opts.rtrim !== false) {
    options.rtrim = true;
  } else if (options.rtrim !== true) {
    options.rtrim = false;
  }
  // Normalize option `to`
  if (options.to === undefined || options.to === null) {
    options.to = -1;
  } else if (options.to !== -1) {
    if (typeof options.to === "string" && /\d+/.test(options.to)) {
      options.to = parseInt(options.to);
    }
    if (Number.isInteger(options.to)) {
      if (options.to <= 0) {
        throw new Error(
          `Invalid Option: to must be a positive integer greater than 0, got ${JSON.stringify(opts.to)}`,
        );
      }
    } else {
      throw new Error(
        `Invalid Option: to must be an integer, got ${JSON.stringify(opts.to)}`,
      );
    }
  }
  // Normalize option `to_line`
  if (options.to_line === undefined || options.to_line === null) {
    options.to_line = -1;
  } else if (options.to_line !== -1) {
    if (typeof options.to_line === "string" && /\d+/.test(options.to_line)) {
      options.to_line = parseInt(options.to_line);
    }
    if (Number.isInteger(options.to_line)) {
      if (options.to_line <= 0) {
        throw new Error(
          `Invalid Option: to_line must be a positive integer greater than 0, got ${JSON.stringify(opts.to_line)}`,
        );
      }
    } else {
      throw new Error(
        `Invalid Option: to_line must be an integer, got ${JSON.stringify(opts.to_line)}`,
      );
    }
  }
  return options;
};



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/utils/delimiter_discover.js



// Discussed in [issue #400](https://github.com/adaltas/node-csv/issues/400)
// See https://github.com/python/cpython/blob/ea1b1c579f600cc85d145c60862b2e6b98701b24/Lib/csv.py#L349
const delimiter_discover = function (records, options) {
  // Normalize the configuration
  if (!options) {
    ({ delimiter_auto: options } = normalize_options({ delimiter_auto: true }));
  }
  // Convert String to Buffer
  if (typeof records === "string") {
    records = Buffer.from(records);
  }
  // Convert Buffer to an array of records
  if (Buffer.isBuffer(records)) {
    records = ((data) => {
      const records = [];
      const parser = transform({ delimiter: [] });
      const push = (record) => records.push(record);
      const close = () => {};
      const error = parser.parse(data, true, push, close);
      if (error !== undefined) throw error;
      return records;
    })(records);
  }
  // Info array initialization, 127 entries, one per char code
  const info = Array(127)
    .fill()
    .map(() => ({ lines: [] }));
  // Traverse each records, count occurences per char code
  records.map(([record], line) => {
    for (let i = 0, l = record.length; i < l; i++) {
      // Count the character frequency
      const code = record.charCodeAt(i);
      if (info[code].lines[line] === undefined) info[code].lines[line] = 0;
      info[code].lines[line]++;
    }
  });
  // Traverse each char code, compute the score
  info.map((info, i) => {
    info.char_code = i;
    info.std = std(info.lines);
    info.total = info.lines.reduce((acc, val) => acc + val, 0);
    info.preferred = !!options.preferred[i];
    info.score = options.score(info, options);
  });
  // Extract the dominant character
  const result = info.reduce(
    (acc, info) => (acc.score > info.score ? acc : info),
    {},
  );
  return String.fromCharCode(result.char_code);
};

const std = function (array) {
  const n = array.length;
  if (n === 0) return 0;
  const mean = array.reduce((a, b) => a + b) / n;
  return Math.sqrt(
    array.map((x) => Math.pow(x - mean, 2)).reduce((a, b) => a + b) / n,
  );
};



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/api/index.js






const isRecordEmpty = function (record) {
  return record.every(
    (field) =>
      field == null || (field.toString && field.toString().trim() === ""),
  );
};

const cr = 13; // `\r`, carriage return, 0x0D in hexadécimal, 13 in decimal
const nl = 10; // `\n`, newline, 0x0A in hexadecimal, 10 in decimal

const boms = {
  // Note, the following are equals:
  // Buffer.from("\ufeff")
  // Buffer.from([239, 187, 191])
  // Buffer.from('EFBBBF', 'hex')
  utf8: Buffer.from([239, 187, 191]),
  // Note, the following are equals:
  // Buffer.from "\ufeff", 'utf16le
  // Buffer.from([255, 254])
  utf16le: Buffer.from([255, 254]),
};

const transform = function (original_options = {}) {
  const info = {
    bytes: 0,
    bytes_records: 0,
    comment_lines: 0,
    empty_lines: 0,
    invalid_field_length: 0,
    lines: 1,
    records: 0,
  };
  const options = normalize_options(original_options);
  return {
    info: info,
    original_options: original_options,
    options: options,
    state: init_state(options),
    __needMoreData: function (i, bufLen, end) {
      if (end) return false;
      const { encoding, escape, quote } = this.options;
      const { quoting, needMoreDataSize, recordDelimiterMaxLength } =
        this.state;
      const numOfCharLeft = bufLen - i - 1;
      const requiredLength = Math.max(
        needMoreDataSize,
        // Skip if the remaining buffer smaller than record delimiter
        // If "record_delimiter" is yet to be discovered:
        // 1. It is equals to `[]` and "recordDelimiterMaxLength" equals `0`
        // 2. We set the length to windows line ending in the current encoding
        // Note, that encoding is known from user or bom discovery at that point
        // recordDelimiterMaxLength,
        recordDelimiterMaxLength === 0
          ? Buffer.from("\r\n", encoding).length
          : recordDelimiterMaxLength,
        // Skip if remaining buffer can be an escaped quote
        quoting ? (escape === null ? 0 : escape.length) + quote.length : 0,
        // Skip if remaining buffer can be record delimiter following the closing quote
        quoting ? quote.length + recordDelimiterMaxLength : 0,
      );
      return numOfCharLeft < requiredLength;
    },
    // Central parser implementation
    parse: function (nextBuf, end, push, close) {
      const {
        bom,
        comment_no_infix,
        delimiter_auto,
        encoding,
        from_line,
        ltrim,
        max_record_size,
        raw,
        relax_quotes,
        rtrim,
        skip_empty_lines,
        to,
        to_line,
      } = this.options;
      let { comment, escape, quote, record_delimiter } = this.options;
      const {
        bomSkipped,
        delimiterDiscovered,
        delimiterBufPrevious,
        rawBuffer,
        escapeIsQuote,
      } = this.state;
      // Automatic delimiter discovery
      if (!delimiterDiscovered && delimiter_auto) {
        let delimiterBuf;
        if (delimiterBufPrevious === undefined) {
          delimiterBuf = nextBuf;
        } else if (
          delimiterBufPrevious !== undefined &&
          nextBuf === undefined
        ) {
          delimiterBuf = delimiterBufPrevious;
        } else {
          delimiterBuf = Buffer.concat([delimiterBufPrevious, nextBuf]);
        }
        // Ensure that nextBuf is not concatenated a second time during buffer reconciliation
        nextBuf = undefined;
        // this.delimiterBufPrevious = delimiterBuf;
        if (end || delimiterBuf.length > delimiter_auto.size) {
          this.options.delimiter = [
            Buffer.from(
              delimiter_discover(delimiterBuf, this.options.delimiter_auto),
            ),
          ];
          this.state.previousBuf = delimiterBuf;
          this.state.delimiterBufPrevious = undefined;
          this.state.delimiterDiscovered = true;
        } else {
          this.state.delimiterBufPrevious = delimiterBuf;
          return;
        }
      }
      // Previous buffers reconciliation
      const { previousBuf } = this.state;
      let buf;
      if (previousBuf === undefined) {
        if (nextBuf === undefined) {
          // Handle empty string
          close();
          return;
        } else {
          buf = nextBuf;
        }
      } else if (previousBuf !== undefined && nextBuf === undefined) {
        buf = previousBuf;
      } else {
        buf = Buffer.concat([previousBuf, nextBuf]);
      }
      // Handle UTF BOM
      if (bomSkipped === false) {
        if (bom === false) {
          this.state.bomSkipped = true;
        } else if (buf.length < 3) {
          // No enough data
          if (end === false) {
            // Wait for more data
            this.state.previousBuf = buf;
            return;
          }
        } else {
          for (const encoding in boms) {
            if (boms[encoding].compare(buf, 0, boms[encoding].length) === 0) {
              // Skip BOM
              const bomLength = boms[encoding].length;
              this.state.bufBytesStart += bomLength;
              buf = buf.slice(bomLength);
              // Renormalize original options with the new encoding
              const options = normalize_options({
                ...this.original_options,
                encoding: encoding,
              });
              // Properties are merged with the existing options instance
              for (const key in options) {
                this.options[key] = options[key];
              }
              // Options will re-evaluate the Buffer with the new encoding
              ({ comment, escape, quote } = this.options);
              break;
            }
          }
          this.state.bomSkipped = true;
        }
      }
      const bufLen = buf.length;
      let pos;
      for (pos = 0; pos < bufLen; pos++) {
        // Ensure we get enough space to look ahead
        // There should be a way to move this out of the loop
        if (this.__needMoreData(pos, bufLen, end)) {
          break;
        }
        if (this.state.wasRowDelimiter === true) {
          this.info.lines++;
          this.state.wasRowDelimiter = false;
        }
        if (to_line !== -1 && this.info.lines > to_line) {
          this.state.stop = true;
          close();
          return;
        }
        // Auto discovery of record_delimiter, unix, mac and windows supported
        if (this.state.quoting === false && record_delimiter.length === 0) {
          const record_delimiterCount = this.__autoDiscoverRecordDelimiter(
            buf,
            pos,
          );
          if (record_delimiterCount) {
            record_delimiter = this.options.record_delimiter;
          }
        }
        const chr = buf[pos];
        if (raw === true) {
          rawBuffer.append(chr);
        }
        if (
          (chr === cr || chr === nl) &&
          this.state.wasRowDelimiter === false
        ) {
          this.state.wasRowDelimiter = true;
        }
        // Previous char was a valid escape char
        // treat the current char as a regular char
        if (this.state.escaping === true) {
          this.state.escaping = false;
        } else {
          // Escape is only active inside quoted fields
          // We are quoting, the char is an escape chr and there is a chr to escape
          // if(escape !== null && this.state.quoting === true && chr === escape && pos + 1 < bufLen){
          if (
            escape !== null &&
            this.state.quoting === true &&
            this.__isEscape(buf, pos, chr) &&
            pos + escape.length < bufLen
          ) {
            if (escapeIsQuote) {
              if (this.__isQuote(buf, pos + escape.length)) {
                this.state.escaping = true;
                pos += escape.length - 1;
                continue;
              }
            } else {
              this.state.escaping = true;
              pos += escape.length - 1;
              continue;
            }
          }
          // Not currently escaping and chr is a quote
          // TODO: need to compare bytes instead of single char
          if (this.state.commenting === false && this.__isQuote(buf, pos)) {
            if (this.state.quoting === true) {
              const nextChr = buf[pos + quote.length];
              const isNextChrTrimable =
                rtrim && this.__isCharTrimable(buf, pos + quote.length);
              const isNextChrComment =
                comment !== null &&
                this.__compareBytes(comment, buf, pos + quote.length, nextChr);
              const isNextChrDelimiter = this.__isDelimiter(
                buf,
                pos + quote.length,
                nextChr,
              );
              const isNextChrRecordDelimiter =
                record_delimiter.length === 0
                  ? this.__autoDiscoverRecordDelimiter(buf, pos + quote.length)
                  : this.__isRecordDelimiter(nextChr, buf, pos + quote.length);
              // Escape a quote
              // Treat next char as a regular character
              if (
                escape !== null &&
                this.__isEscape(buf, pos, chr) &&
                this.__isQuote(buf, pos + escape.length)
              ) {
                pos += escape.length - 1;
              } else if (
                !nextChr ||
                isNextChrDelimiter ||
                isNextChrRecordDelimiter ||
                isNextChrComment ||
                isNextChrTrimable
              ) {
                this.state.quoting = false;
                this.state.wasQuoting = true;
                pos += quote.length - 1;
                continue;
              } else if (relax_quotes === false) {
                const err = this.__error(
                  new CsvError(
                    "CSV_INVALID_CLOSING_QUOTE",
                    [
                      "Invalid Closing Quote:",
                      `got "${String.fromCharCode(nextChr)}"`,
                      `at line ${this.info.lines}`,
                      "instead of delimiter, record delimiter, trimable character",
                      "(if activated) or comment",
                    ],
                    this.options,
                    this.__infoField(),
                  ),
                );
                if (err !== undefined) return err;
              } else {
                this.state.quoting = false;
                this.state.wasQuoting = true;
                this.state.field.prepend(quote);
                pos += quote.length - 1;
              }
            } else {
              if (this.state.field.length !== 0) {
                // In relax_quotes mode, treat opening quote preceded by chrs as regular
                if (relax_quotes === false) {
                  const info = this.__infoField();
                  const bom = Object.keys(boms)
                    .map((b) =>
                      boms[b].equals(this.state.field.toString()) ? b : false,
                    )
                    .filter(Boolean)[0];
                  const err = this.__error(
                    new CsvError(
                      "INVALID_OPENING_QUOTE",
                      [
                        "Invalid Opening Quote:",
                        `a quote is found on field ${JSON.stringify(info.column)} at line ${info.lines}, value is ${JSON.stringify(this.state.field.toString(encoding))}`,
                        bom ? `(${bom} bom)` : undefined,
                      ],
                      this.options,
                      info,
                      {
                        field: this.state.field,
                      },
                    ),
                  );
                  if (err !== undefined) return err;
                }
              } else {
                this.state.quoting = true;
                pos += quote.length - 1;
                continue;
              }
            }
          }
          if (this.state.quoting === false) {
            const recordDelimiterLength = this.__isRecordDelimiter(
              chr,
              buf,
              pos,
            );
            if (recordDelimiterLength !== 0) {
              // Do not emit comments which take a full line
              const skipCommentLine =
                this.state.commenting &&
                this.state.wasQuoting === false &&
                this.state.record.length === 0 &&
                this.state.field.length === 0;
              if (skipCommentLine) {
                this.info.comment_lines++;
                // Skip full comment line
              } else {
                // Activate records emission if above from_line
                if (
                  this.state.enabled === false &&
                  this.info.lines +
                    (this.state.wasRowDelimiter === true ? 1 : 0) >=
                    from_line
                ) {
                  this.state.enabled = true;
                  this.__resetField();
                  this.__resetRecord();
                  pos += recordDelimiterLength - 1;
                  continue;
                }
                // Skip if line is empty and skip_empty_lines activated
                if (
                  skip_empty_lines === true &&
                  this.state.wasQuoting === false &&
                  this.state.record.length === 0 &&
                  this.state.field.length === 0
                ) {
                  this.info.empty_lines++;
                  pos += recordDelimiterLength - 1;
                  continue;
                }
                this.info.bytes = this.state.bufBytesStart + pos;
                const errField = this.__onField();
                if (errField !== undefined) return errField;
                this.info.bytes =
                  this.state.bufBytesStart + pos + recordDelimiterLength;
                const errRecord = this.__onRecord(push);
                if (errRecord !== undefined) return errRecord;
                if (to !== -1 && this.info.records >= to) {
                  this.state.stop = true;
                  close();
                  return;
                }
              }
              this.state.commenting = false;
              pos += recordDelimiterLength - 1;
              continue;
            }
            if (this.state.commenting) {
              continue;
            }
            if (
              comment !== null &&
              (comment_no_infix === false ||
                (this.state.record.length === 0 &&
                  this.state.field.length === 0))
            ) {
              const commentCount = this.__compareBytes(comment, buf, pos, chr);
              if (commentCount !== 0) {
                this.state.commenting = true;
                continue;
              }
            }
            const delimiterLength = this.__isDelimiter(buf, pos, chr);
            if (delimiterLength !== 0) {
              this.info.bytes = this.state.bufBytesStart + pos;
              const errField = this.__onField();
              if (errField !== undefined) return errField;
              pos += delimiterLength - 1;
              continue;
            }
          }
        }
        if (this.state.commenting === false) {
          if (
            max_record_size !== 0 &&
            this.state.record_length + this.state.field.length > max_record_size
          ) {
            return this.__error(
              new CsvError(
                "CSV_MAX_RECORD_SIZE",
                [
                  "Max Record Size:",
                  "record exceed the maximum number of tolerated bytes",
                  `of ${max_record_size}`,
                  `at line ${this.info.lines}`,
                ],
                this.options,
                this.__infoField(),
              ),
            );
          }
        }
        const lappend =
          ltrim === false ||
          this.state.quoting === true ||
          this.state.field.length !== 0 ||
          !this.__isCharTrimable(buf, pos);
        // rtrim in non quoting is handle in __onField
        const rappend = rtrim === false || this.state.wasQuoting === false;
        if (lappend === true && rappend === true) {
          this.state.field.append(chr);
        } else if (rtrim === true && !this.__isCharTrimable(buf, pos)) {
          return this.__error(
            new CsvError(
              "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE",
              [
                "Invalid Closing Quote:",
                "found non trimable byte after quote",
                `at line ${this.info.lines}`,
              ],
              this.options,
              this.__infoField(),
            ),
          );
        } else {
          if (lappend === false) {
            pos += this.__isCharTrimable(buf, pos) - 1;
          }
          continue;
        }
      }
      if (end === true) {
        // Ensure we are not ending in a quoting state
        if (this.state.quoting === true) {
          const err = this.__error(
            new CsvError(
              "CSV_QUOTE_NOT_CLOSED",
              [
                "Quote Not Closed:",
                `the parsing is finished with an opening quote at line ${this.info.lines}`,
              ],
              this.options,
              this.__infoField(),
            ),
          );
          if (err !== undefined) return err;
        } else {
          // Skip last line if it has no characters
          if (
            this.state.wasQuoting === true ||
            this.state.record.length !== 0 ||
            this.state.field.length !== 0
          ) {
            this.info.bytes = this.state.bufBytesStart + pos;
            const errField = this.__onField();
            if (errField !== undefined) return errField;
            const errRecord = this.__onRecord(push);
            if (errRecord !== undefined) return errRecord;
          } else if (this.state.wasRowDelimiter === true) {
            this.info.empty_lines++;
          } else if (this.state.commenting === true) {
            this.info.comment_lines++;
          }
        }
      } else {
        this.state.bufBytesStart += pos;
        this.state.previousBuf = buf.slice(pos);
      }
      if (this.state.wasRowDelimiter === true) {
        this.info.lines++;
        this.state.wasRowDelimiter = false;
      }
    },
    __onRecord: function (push) {
      const {
        columns,
        group_columns_by_name,
        encoding,
        info,
        from,
        relax_column_count,
        relax_column_count_less,
        relax_column_count_more,
        raw,
        skip_records_with_empty_values,
      } = this.options;
      const { enabled, record } = this.state;
      if (enabled === false) {
        return this.__resetRecord();
      }
      // Convert the first line into column names
      const recordLength = record.length;
      if (columns === true) {
        if (skip_records_with_empty_values === true && isRecordEmpty(record)) {
          this.__resetRecord();
          return;
        }
        return this.__firstLineToColumns(record);
      }
      if (columns === false && this.info.records === 0) {
        this.state.expectedRecordLength = recordLength;
      }
      if (recordLength !== this.state.expectedRecordLength) {
        const err =
          columns === false
            ? new CsvError(
                "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH",
                [
                  "Invalid Record Length:",
                  `expect ${this.state.expectedRecordLength},`,
                  `got ${recordLength} on line ${this.info.lines}`,
                ],
                this.options,
                this.__infoField(),
                {
                  record: record,
                },
              )
            : new CsvError(
                "CSV_RECORD_INCONSISTENT_COLUMNS",
                [
                  "Invalid Record Length:",
                  `columns length is ${columns.length},`, // rename columns
                  `got ${recordLength} on line ${this.info.lines}`,
                ],
                this.options,
                this.__infoField(),
                {
                  record: record,
                },
              );
        if (
          relax_column_count === true ||
          (relax_column_count_less === true &&
            recordLength < this.state.expectedRecordLength) ||
          (relax_column_count_more === true &&
            recordLength > this.state.expectedRecordLength)
        ) {
          this.info.invalid_field_length++;
          this.state.error = err;
          // Error is undefined with skip_records_with_error
        } else {
          const finalErr = this.__error(err);
          if (finalErr) return finalErr;
        }
      }
      if (skip_records_with_empty_values === true && isRecordEmpty(record)) {
        this.__resetRecord();
        return;
      }
      if (this.state.recordHasError === true) {
        this.__resetRecord();
        this.state.recordHasError = false;
        return;
      }
      this.info.records++;
      if (from === 1 || this.info.records >= from) {
        const { objname } = this.options;
        // With columns, records are object
        if (columns !== false) {
          const obj = {};
          // Transform record array to an object
          for (let i = 0, l = record.length; i < l; i++) {
            if (columns[i] === undefined || columns[i].disabled) continue;
            // Turn duplicate columns into an array
            if (
              group_columns_by_name === true &&
              Object.hasOwn(obj, columns[i].name)
            ) {
              if (Array.isArray(obj[columns[i].name])) {
                obj[columns[i].name] = obj[columns[i].name].concat(record[i]);
              } else {
                obj[columns[i].name] = [obj[columns[i].name], record[i]];
              }
            } else {
              Object.defineProperty(obj, columns[i].name, {
                value: record[i],
                enumerable: true,
                writable: true,
                configurable: true,
              });
            }
          }
          // Without objname (default)
          if (raw === true || info === true) {
            const extRecord = Object.assign(
              { record: obj },
              raw === true
                ? { raw: this.state.rawBuffer.toString(encoding) }
                : {},
              info === true ? { info: this.__infoRecord() } : {},
            );
            const err = this.__push(
              objname === undefined ? extRecord : [obj[objname], extRecord],
              push,
            );
            if (err) {
              return err;
            }
          } else {
            const err = this.__push(
              objname === undefined ? obj : [obj[objname], obj],
              push,
            );
            if (err) {
              return err;
            }
          }
          // Without columns, records are array
        } else {
          if (raw === true || info === true) {
            const extRecord = Object.assign(
              { record: record },
              raw === true
                ? { raw: this.state.rawBuffer.toString(encoding) }
                : {},
              info === true ? { info: this.__infoRecord() } : {},
            );
            const err = this.__push(
              objname === undefined ? extRecord : [record[objname], extRecord],
              push,
            );
            if (err) {
              return err;
            }
          } else {
            const err = this.__push(
              objname === undefined ? record : [record[objname], record],
              push,
            );
            if (err) {
              return err;
            }
          }
        }
      }
      this.__resetRecord();
    },
    __firstLineToColumns: function (record) {
      const { firstLineToHeaders } = this.state;
      try {
        const headers =
          firstLineToHeaders === undefined
            ? record
            : firstLineToHeaders.call(null, record);
        if (!Array.isArray(headers)) {
          return this.__error(
            new CsvError(
              "CSV_INVALID_COLUMN_MAPPING",
              [
                "Invalid Column Mapping:",
                "expect an array from column function,",
                `got ${JSON.stringify(headers)}`,
              ],
              this.options,
              this.__infoField(),
              {
                headers: headers,
              },
            ),
          );
        }
        const normalizedHeaders = normalize_columns_array(headers);
        this.state.expectedRecordLength = normalizedHeaders.length;
        this.options.columns = normalizedHeaders;
        this.__resetRecord();
        return;
      } catch (err) {
        return err;
      }
    },
    __resetRecord: function () {
      if (this.options.raw === true) {
        this.state.rawBuffer.reset();
      }
      this.state.error = undefined;
      this.state.record = [];
      this.state.record_length = 0;
    },
    __onField: function () {
      const { cast, encoding, rtrim, max_record_size } = this.options;
      const { enabled, wasQuoting } = this.state;
      // Short circuit for the from_line options
      if (enabled === false) {
        return this.__resetField();
      }
      let field = this.state.field.toString(encoding);
      if (rtrim === true && wasQuoting === false) {
        field = field.trimRight();
      }
      if (cast === true) {
        const [err, f] = this.__cast(field);
        if (err !== undefined) return err;
        field = f;
      }
      this.state.record.push(field);
      // Increment record length if record size must not exceed a limit
      if (max_record_size !== 0 && typeof field === "string") {
        this.state.record_length += field.length;
      }
      this.__resetField();
    },
    __resetField: function () {
      this.state.field.reset();
      this.state.wasQuoting = false;
    },
    __push: function (record, push) {
      const { on_record } = this.options;
      if (on_record !== undefined) {
        const info = this.__infoRecord();
        try {
          record = on_record.call(null, record, info);
        } catch (err) {
          return err;
        }
        if (record === undefined || record === null) {
          return;
        }
      }
      this.info.bytes_records += this.info.bytes;
      push(record);
    },
    // Return a tuple with the error and the casted value
    __cast: function (field) {
      const { columns, relax_column_count } = this.options;
      const isColumns = Array.isArray(columns);
      // Dont loose time calling cast
      // because the final record is an object
      // and this field can't be associated to a key present in columns
      if (
        isColumns === true &&
        relax_column_count &&
        this.options.columns.length <= this.state.record.length
      ) {
        return [undefined, undefined];
      }
      if (this.state.castField !== null) {
        try {
          const info = this.__infoField();
          return [undefined, this.state.castField.call(null, field, info)];
        } catch (err) {
          return [err];
        }
      }
      if (this.__isFloat(field)) {
        return [undefined, parseFloat(field)];
      } else if (this.options.cast_date !== false) {
        const info = this.__infoField();
        return [undefined, this.options.cast_date.call(null, field, info)];
      }
      return [undefined, field];
    },
    __compareBytes: function (sourceBuf, targetBuf, targetPos, firstByte) {
      if (sourceBuf[0] !== firstByte) return 0;
      const sourceLength = sourceBuf.length;
      for (let i = 1; i < sourceLength; i++) {
        if (sourceBuf[i] !== targetBuf[targetPos + i]) return 0;
      }
      return sourceLength;
    },
    // Helper to test if a character is trimable
    __isCharTrimable: function (buf, pos) {
      const { timchars, timcharFirstBytes } = this.state;
      // Fast bail-out: non-whitespace bytes (the common case) are rejected
      // without scanning the full timchar list.
      const first = buf[pos];
      if (first === undefined || timcharFirstBytes[first] === 0) return 0;
      loop1: for (let i = 0; i < timchars.length; i++) {
        const timchar = timchars[i];
        for (let j = 0; j < timchar.length; j++) {
          if (timchar[j] !== buf[pos + j]) continue loop1;
        }
        return timchar.length;
      }
      return 0;
    },
    __isDelimiter: function (buf, pos, chr) {
      const { delimiter, ignore_last_delimiters } = this.options;
      if (
        ignore_last_delimiters === true &&
        this.state.record.length === this.options.columns.length - 1
      ) {
        return 0;
      } else if (
        ignore_last_delimiters !== false &&
        typeof ignore_last_delimiters === "number" &&
        this.state.record.length === ignore_last_delimiters - 1
      ) {
        return 0;
      }
      loop1: for (let i = 0; i < delimiter.length; i++) {
        const del = delimiter[i];
        if (del[0] === chr) {
          for (let j = 1; j < del.length; j++) {
            if (del[j] !== buf[pos + j]) continue loop1;
          }
          return del.length;
        }
      }
      return 0;
    },
    __isEscape: function (buf, pos, chr) {
      const { escape } = this.options;
      if (escape === null) return false;
      const l = escape.length;
      if (escape[0] === chr) {
        for (let i = 0; i < l; i++) {
          if (escape[i] !== buf[pos + i]) {
            return false;
          }
        }
        return true;
      }
      return false;
    },
    __isFloat: function (value) {
      return value - parseFloat(value) + 1 >= 0; // Borrowed from jquery
    },
    // Keep it in case we implement the `cast_int` option
    // __isInt(value){
    //   // return Number.isInteger(parseInt(value))
    //   // return !isNaN( parseInt( obj ) );
    //   return /^(\-|\+)?[1-9][0-9]*$/.test(value)
    // }
    __isQuote: function (buf, pos) {
      const { quote } = this.options;
      if (quote === null) return false;
      const l = quote.length;
      for (let i = 0; i < l; i++) {
        if (quote[i] !== buf[pos + i]) {
          return false;
        }
      }
      return true;
    },
    __isRecordDelimiter: function (chr, buf, pos) {
      const { record_delimiter } = this.options;
      const recordDelimiterLength = record_delimiter.length;
      loop1: for (let i = 0; i < recordDelimiterLength; i++) {
        const rd = record_delimiter[i];
        const rdLength = rd.length;
        if (rd[0] !== chr) {
          continue;
        }
        for (let j = 1; j < rdLength; j++) {
          if (rd[j] !== buf[pos + j]) {
            continue loop1;
          }
        }
        return rd.length;
      }
      return 0;
    },
    __autoDiscoverRecordDelimiter: function (buf, pos) {
      const { encoding } = this.options;
      // Note, we don't need to cache this information in state,
      // It is only called on the first line until we find out a suitable
      // record delimiter.
      const rds = [
        // Important, the windows line ending must be before mac os 9
        Buffer.from("\r\n", encoding),
        Buffer.from("\n", encoding),
        Buffer.from("\r", encoding),
      ];
      loop: for (let i = 0; i < rds.length; i++) {
        const l = rds[i].length;
        for (let j = 0; j < l; j++) {
          if (rds[i][j] !== buf[pos + j]) {
            continue loop;
          }
        }
        this.options.record_delimiter.push(rds[i]);
        this.state.recordDelimiterMaxLength = rds[i].length;
        return rds[i].length;
      }
      return 0;
    },
    __error: function (msg) {
      const { encoding, raw, skip_records_with_error } = this.options;
      const err = typeof msg === "string" ? new Error(msg) : msg;
      if (skip_records_with_error) {
        this.state.recordHasError = true;
        if (this.options.on_skip !== undefined) {
          try {
            this.options.on_skip(
              err,
              raw ? this.state.rawBuffer.toString(encoding) : undefined,
            );
          } catch (err) {
            return err;
          }
        }
        // this.emit('skip', err, raw ? this.state.rawBuffer.toString(encoding) : undefined);
        return undefined;
      } else {
        return err;
      }
    },
    __infoDataSet: function () {
      return {
        ...this.info,
        columns: this.options.columns,
      };
    },
    __infoRecord: function () {
      const { columns, raw, encoding } = this.options;
      return {
        ...this.__infoDataSet(),
        bytes_records: this.info.bytes,
        error: this.state.error,
        header: columns === true,
        index: this.state.record.length,
        raw: raw ? this.state.rawBuffer.toString(encoding) : undefined,
      };
    },
    __infoField: function () {
      const { columns } = this.options;
      const isColumns = Array.isArray(columns);
      // Bytes records are only incremented when all records'fields are parsed
      const bytes_records = this.info.bytes_records;
      return {
        ...this.__infoRecord(),
        bytes_records: bytes_records,
        column:
          isColumns === true
            ? columns.length > this.state.record.length
              ? columns[this.state.record.length].name
              : null
            : this.state.record.length,
        quoting: this.state.wasQuoting,
      };
    },
  };
};



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/sync.js



const parse = function (data, opts = {}) {
  if (typeof data === "string") {
    data = Buffer.from(data);
  }
  const records = opts && opts.objname ? Object.create(null) : [];
  const parser = transform(opts);
  const push = (record) => {
    if (parser.options.objname === undefined) records.push(record);
    else {
      records[record[0]] = record[1];
    }
  };
  const close = () => {};
  const error = parser.parse(data, true, push, close);
  if (error !== undefined) throw error;
  return records;
};



;// CONCATENATED MODULE: ./src/meta/tag-template.ts

/** A template the user wrote that cannot be read; the caller says which input and rule it came from. */
class TemplateError extends Error {
}
/** Expressions usable in values, prefixes, suffixes and `enable`, as docker/metadata-action names them. */
const globalExpressions = [
    'branch',
    'tag',
    'sha',
    'base_ref',
    'is_default_branch',
    'date',
    'commit_date'
];
/** Placeholders of `type=semver,pattern=` and `type=pep440,pattern=`. */
const versionPlaceholders = ['version', 'major', 'minor', 'patch', 'raw'];
/** Expressions of `type=schedule,pattern=`: metadata-action renders only the dates there. */
const scheduleExpressions = ['date', 'commit_date'];
const dateExpressions = new Set(['date', 'commit_date']);
function describeExpressions(names) {
    return names
        .map((name) => (dateExpressions.has(name) ? `{{${name} 'YYYYMMDD'}}` : `{{${name}}}`))
        .join(', ');
}
const tokenPattern = /\s*(?:([A-Za-z_]+)=)?(?:'([^']*)'|"([^"]*)"|([^\s'"]+))/y;
function checkDateExpression(source, name, args, options) {
    if (args.length !== 1)
        throw new TemplateError(`'${source}' needs one quoted format, e.g. {{${name} 'YYYYMMDD'}}`);
    const unknown = Object.keys(options).find((key) => key !== 'tz');
    if (unknown !== undefined)
        throw new TemplateError(`'${source}' has the unknown option '${unknown}' (only tz=)`);
    if (options.tz !== undefined && !isTimeZone(options.tz)) {
        throw new TemplateError(`'${source}' names the unknown time zone '${options.tz}'`);
    }
}
function parseExpression(source, allowed) {
    const inner = source.slice(2, -2);
    const tokens = [];
    tokenPattern.lastIndex = 0;
    while (tokenPattern.lastIndex < inner.length && inner.slice(tokenPattern.lastIndex).trim() !== '') {
        const match = tokenPattern.exec(inner);
        if (!match)
            throw new TemplateError(`cannot read the expression '${source}'`);
        tokens.push({ key: match[1], value: match[2] ?? match[3] ?? match[4], quoted: match[4] === undefined });
    }
    const [head, ...rest] = tokens;
    if (!head || head.key !== undefined || head.quoted || !allowed.includes(head.value)) {
        throw new TemplateError(`unknown expression '${source}'`);
    }
    if (rest.some((token) => token.key === undefined && !token.quoted)) {
        throw new TemplateError(`'${source}' takes only quoted arguments`);
    }
    const args = rest.filter((token) => token.key === undefined).map((token) => token.value);
    const options = Object.fromEntries(rest.filter((token) => token.key !== undefined).map((token) => [token.key, token.value]));
    if (dateExpressions.has(head.value))
        checkDateExpression(source, head.value, args, options);
    else if (rest.length > 0)
        throw new TemplateError(`'{{${head.value}}}' takes no arguments`);
    return { kind: 'expression', name: head.value, args, options };
}
/** Splits a template into text and the expressions it names; throws TemplateError for anything not in `allowed`. */
function parseTemplate(template, allowed) {
    const parts = [];
    let rest = template;
    while (rest.length > 0) {
        const open = rest.indexOf('{{');
        if (open < 0) {
            parts.push({ kind: 'text', text: rest });
            break;
        }
        if (open > 0)
            parts.push({ kind: 'text', text: rest.slice(0, open) });
        const close = rest.indexOf('}}', open + 2);
        if (close < 0)
            throw new TemplateError(`'{{' without a closing '}}'`);
        parts.push(parseExpression(rest.slice(open, close + 2), allowed));
        rest = rest.slice(close + 2);
    }
    return parts;
}
/** Fills a parsed template; `resolve` gives each expression's value. */
function renderTemplate(template, resolve) {
    return template.map((part) => (part.kind === 'text' ? part.text : resolve(part))).join('');
}
function isLiteral(template) {
    return template.every((part) => part.kind === 'text');
}
function mentions(template, name) {
    return template.some((part) => part.kind === 'expression' && part.name === name);
}

;// CONCATENATED MODULE: ./src/meta/rule-fields.ts




const tagText = 'letters, digits, _ . - and the expressions';
/** Non-blank lines that are not `#` comments, trimmed. */
function meaningfulLines(lines) {
    return lines.map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
}
/** A line's comma-separated fields; a field in double quotes may hold commas. */
function fieldsOf(input, line) {
    let records;
    try {
        records = parse(line, { relaxQuotes: true, relaxColumnCount: true, skipEmptyLines: true, trim: true });
    }
    catch (error) {
        if (!(error instanceof CsvError))
            throw error;
        throw problem(input, line, `a '"' does not close a quoted field`, 'a whole field in double quotes, e.g. "pattern=a,b"');
    }
    return (records[0] ?? []).filter((field) => field !== '');
}
/** `key=value` as [lowercased key, value]; a field without `=` is [undefined, field]. */
function splitField(field) {
    const at = field.indexOf('=');
    return at < 0 ? [undefined, field] : [field.slice(0, at).trim().toLowerCase(), field.slice(at + 1).trim()];
}
function problem(input, text, what, accepted) {
    return new errors/* ConfigurationError */.j1(`Input '${input}' has the ${input === 'tags' ? 'rule' : 'entry'} '${text}': ${what}. Accepted: ${accepted}.`);
}
function templateOf(input, text, key, value, allowed) {
    try {
        return parseTemplate(value, allowed);
    }
    catch (error) {
        if (!(error instanceof TemplateError))
            throw error;
        throw problem(input, text, `${key}=${value}: ${error.message}`, describeExpressions(allowed));
    }
}
/** Prefixes, suffixes, raw values and schedule patterns reach docker as written: their literal text must be tag text. */
function tagTemplate(input, text, key, value, allowed) {
    const template = templateOf(input, text, key, value, allowed);
    if (template.some((part) => part.kind === 'text' && !isTagText(part.text))) {
        throw problem(input, text, `${key}=${value} contains characters a Docker tag cannot hold`, `${tagText} ${describeExpressions(allowed)}`);
    }
    return template;
}
/** A tag made of literal text only is checked whole now, rather than failing at `docker tag`. */
function checkLiteralTag(text, template) {
    if (!isLiteral(template))
        return;
    const literal = renderTemplate(template, () => '');
    if (!dockerTagPattern.test(literal)) {
        throw problem('tags', text, `'${literal}' is not a valid Docker tag`, 'up to 128 of A-Z a-z 0-9 _ . -, not starting with . or -');
    }
}
/** A rule line split into its type and `key=value` attributes, with what every error needs. */
class RuleLine {
    text;
    attributes;
    constructor(text, attributes) {
        this.text = text;
        this.attributes = attributes;
    }
    fail(what, accepted) {
        throw problem('tags', this.text, what, accepted);
    }
    template(key, allowed) {
        const value = this.attributes.get(key);
        return value === undefined ? undefined : templateOf('tags', this.text, key, value, allowed);
    }
    tagTemplate(key, allowed) {
        const value = this.attributes.get(key);
        return value === undefined ? undefined : tagTemplate('tags', this.text, key, value, allowed);
    }
    choice(key, fallback, options) {
        const value = this.attributes.get(key) ?? fallback;
        const found = options.find((option) => option === value?.toLowerCase());
        if (found !== undefined)
            return found;
        const what = value === undefined ? `${key}= is missing` : `${key}=${value} is not known`;
        return this.fail(what, options.map((option) => `${key}=${option}`).join(', '));
    }
}

// EXTERNAL MODULE: ./node_modules/@renovatebot/pep440/index.js
var pep440 = __nccwpck_require__(8898);
;// CONCATENATED MODULE: ./src/meta/versions.ts



const fullVersion = [{ kind: 'expression', name: 'version', args: [], options: {} }];
/** A pattern as the user wrote it, near enough for a message (RegExp escapes `/`). */
function written(pattern) {
    return pattern.flags ? `/${pattern.source}/${pattern.flags}` : pattern.source;
}
function isRawOnly(pattern) {
    return pattern.length === 1 && pattern[0].kind === 'expression' && pattern[0].name === 'raw';
}
function render(pattern, fields) {
    return renderTemplate(pattern, (expression) => fields[expression.name] ?? '');
}
/** `type=semver`: a pre-release gets only its full version (or `{{raw}}`), so `1.2` and `latest` never move to it. */
function semverValue(rule, source) {
    let text = source;
    if (rule.match) {
        const found = rule.match.exec(source);
        if (!found)
            return { reason: `match=${written(rule.match)} does not match '${source}'` };
        text = found[1] ?? found[0];
    }
    text = text.replace(/\//g, '-');
    const version = semver.valid(text) ? semver.parse(text, { loose: true }) : null;
    if (!version)
        return { reason: `'${text}' is not a semantic version (https://semver.org)` };
    const isPrerelease = version.prerelease.length > 0;
    const fields = {
        version: version.version,
        major: String(version.major),
        minor: String(version.minor),
        patch: String(version.patch),
        raw: version.raw
    };
    const pattern = isPrerelease && !isRawOnly(rule.pattern) ? fullVersion : rule.pattern;
    return { value: render(pattern, fields), latestOnAuto: !isPrerelease };
}
/** `type=pep440`: pre, post and dev releases get only the normalized version (or `{{raw}}`), as metadata-action. */
function pep440Value(rule, source) {
    const text = source.replace(/\//g, '-');
    const version = pep440.valid(text) ? pep440.explain(text) : null;
    if (!version)
        return { reason: `'${text}' is not a PEP 440 version (https://peps.python.org/pep-0440/)` };
    const normalized = pep440.clean(text) ?? text;
    if (version.is_prerelease || version.is_postrelease || version.is_devrelease) {
        return { value: isRawOnly(rule.pattern) ? text : normalized, latestOnAuto: false };
    }
    const fields = {
        version: normalized,
        major: String(pep440.major(text)),
        minor: String(pep440.minor(text)),
        patch: String(pep440.patch(text)),
        raw: text
    };
    return { value: render(rule.pattern, fields), latestOnAuto: true };
}
/** `type=match`: the chosen group of the first match; metadata-action's `latest=auto` says yes to any match. */
function matchValue(rule, source) {
    const found = rule.pattern.exec(source);
    if (!found)
        return { reason: `pattern=${written(rule.pattern)} does not match '${source}'` };
    const value = found[rule.group];
    if (value === undefined)
        return { reason: `group=${rule.group} took no part in matching '${source}'` };
    return { value, latestOnAuto: true };
}

;// CONCATENATED MODULE: ./src/meta/tag-rules.ts




/** The templates a rule renders with the run's facts (a semver pattern has version placeholders only). */
function ruleTemplates(rule) {
    const own = rule.type === 'schedule' ? [rule.pattern] : 'value' in rule ? [rule.value] : [];
    return [rule.prefix, rule.suffix, ...own].filter((template) => template !== undefined);
}
/** docker/metadata-action's priorities: the highest-priority rule that yields a value gives `version`. */
const defaultPriorities = {
    schedule: 1000,
    semver: 900,
    pep440: 900,
    match: 800,
    edge: 700,
    ref: 600,
    raw: 200,
    sha: 100
};
const commonKeys = ['enable', 'priority', 'prefix', 'suffix'];
const keysOf = {
    schedule: ['pattern', ...commonKeys],
    semver: ['pattern', 'value', 'match', ...commonKeys],
    pep440: ['pattern', 'value', ...commonKeys],
    match: ['pattern', 'group', 'value', ...commonKeys],
    edge: ['branch', ...commonKeys],
    ref: ['event', ...commonKeys],
    raw: ['value', ...commonKeys],
    sha: ['format', ...commonKeys]
};
function parseEnable(line) {
    const value = line.attributes.get('enable') ?? 'true';
    if (/^true$/i.test(value))
        return true;
    if (/^false$/i.test(value))
        return false;
    if (/^\{\{\s*is_default_branch\s*\}\}$/.test(value))
        return 'default-branch';
    return line.fail(`enable=${value} is neither true nor false`, 'enable=true, enable=false, enable={{is_default_branch}}');
}
function parsePriority(line, type) {
    const value = line.attributes.get('priority');
    if (value === undefined)
        return defaultPriorities[type];
    if (!/^\d{1,9}$/.test(value)) {
        line.fail(`priority=${value} is not a whole number from 0 up`, 'priority=<0 or more>, e.g. priority=1000');
    }
    return Number(value);
}
function versionPattern(line) {
    const accepted = `pattern= built from ${describeExpressions(versionPlaceholders)} and letters, digits, _ . -`;
    const text = line.attributes.get('pattern') ?? '';
    if (text === '')
        line.fail('pattern= is missing', accepted);
    const pattern = line.template('pattern', versionPlaceholders) ?? [];
    if (isLiteral(pattern))
        line.fail(`pattern=${text} has no placeholder`, accepted);
    if (pattern.some((part) => part.kind === 'text' && !isTagText(part.text))) {
        line.fail(`pattern=${text} contains characters a Docker tag cannot hold`, accepted);
    }
    return pattern;
}
/** `value=` of the version rules; empty means the git tag, as in metadata-action. */
function versionSource(line) {
    const value = line.template('value', globalExpressions);
    return value === undefined || value.length === 0 ? undefined : value;
}
/** A literal `value=` is checked now: a value that can never give a tag is a mistake in the workflow. */
function checkLiteralVersion(line, value, accepted, read) {
    if (value === undefined || !isLiteral(value))
        return;
    const outcome = read(renderTemplate(value, () => ''));
    if ('reason' in outcome) {
        line.fail(`value=${line.attributes.get('value')}: ${outcome.reason}`, `${accepted}, or an expression such as {{tag}}`);
    }
}
/** `pattern=`/`match=` as metadata-action reads them: a regular expression, or `/expression/flags`. */
function regularExpression(line, key, accepted) {
    const value = line.attributes.get(key);
    if (value === undefined || value === '')
        return undefined;
    const literal = /^\/(.+)\/(.*)$/.exec(value);
    const [source, flags] = literal ? [literal[1], literal[2]] : [value, ''];
    if (!/^[imsu]*$/.test(flags)) {
        line.fail(`${key}=${value} has the flags '${flags}': one match is read, so only i, m, s and u apply`, accepted);
    }
    try {
        return new RegExp(source, flags);
    }
    catch {
        return line.fail(`${key}=${value} is not a regular expression`, accepted);
    }
}
function matchGroup(line, pattern) {
    const text = line.attributes.get('group') ?? '0';
    // Matching the empty alternative always succeeds and reports every capturing group, taking part or not.
    const groups = (new RegExp(`${pattern.source}|`, pattern.flags).exec('') ?? []).length - 1;
    const accepted = groups === 0 ? 'group=0 (the whole match)' : `group=0 (the whole match) up to group=${groups}`;
    if (!/^\d{1,3}$/.test(text))
        line.fail(`group=${text} is not a whole number`, accepted);
    const group = Number(text);
    if (group > groups) {
        const has = groups === 0 ? 'no capturing group' : `${groups} capturing group${groups === 1 ? '' : 's'}`;
        line.fail(`group=${group} but the pattern has ${has}`, accepted);
    }
    return group;
}
function parseTyped(line, type, common) {
    const wrapped = (value) => [...(common.prefix ?? []), ...value, ...(common.suffix ?? [])];
    switch (type) {
        case 'schedule': {
            const pattern = line.tagTemplate('pattern', scheduleExpressions) ?? [{ kind: 'text', text: 'nightly' }];
            if (pattern.length === 0) {
                line.fail('pattern= is empty', `pattern=nightly (the default), or ${tagText} ${describeExpressions(scheduleExpressions)}`);
            }
            checkLiteralTag(line.text, wrapped(pattern));
            return { type, pattern, ...common };
        }
        case 'semver': {
            const accepted = 'match=<JavaScript regular expression>, group 1 is the version, e.g. match=v(\\d.*)';
            const rule = {
                type,
                pattern: versionPattern(line),
                value: versionSource(line),
                match: regularExpression(line, 'match', accepted),
                ...common
            };
            checkLiteralVersion(line, rule.value, 'value=<a semantic version, e.g. v1.2.3>', (source) => semverValue(rule, source));
            return rule;
        }
        case 'pep440': {
            const rule = { type, pattern: versionPattern(line), value: versionSource(line), ...common };
            checkLiteralVersion(line, rule.value, 'value=<a PEP 440 version, e.g. 1.2.3rc1>', (source) => pep440Value(rule, source));
            return rule;
        }
        case 'match': {
            const accepted = 'pattern=<JavaScript regular expression> or pattern=/<expression>/<flags>, e.g. pattern=v(\\d+\\.\\d+\\.\\d+)';
            const pattern = regularExpression(line, 'pattern', accepted) ?? line.fail('pattern= is missing', accepted);
            const rule = { type, pattern, group: matchGroup(line, pattern), value: versionSource(line), ...common };
            checkLiteralVersion(line, rule.value, 'value=<text the pattern matches>', (source) => matchValue(rule, source));
            return rule;
        }
        case 'edge':
            return { type, branch: line.attributes.get('branch') || undefined, ...common };
        case 'ref': {
            const event = line.choice('event', undefined, ['branch', 'tag', 'pr']);
            const prefix = common.prefix ?? (event === 'pr' ? [{ kind: 'text', text: 'pr-' }] : undefined);
            return { type, event, ...common, prefix };
        }
        case 'raw': {
            const value = line.tagTemplate('value', globalExpressions) ?? [];
            if (value.length === 0) {
                line.fail('value= is missing', `type=raw,value=<tag> with ${tagText} ${describeExpressions(globalExpressions)}`);
            }
            checkLiteralTag(line.text, wrapped(value));
            return { type, value, ...common };
        }
        case 'sha':
            return {
                type,
                format: line.choice('format', 'short', ['short', 'long']),
                ...common,
                prefix: common.prefix ?? [{ kind: 'text', text: 'sha-' }]
            };
    }
}
function parseRule(text) {
    const attributes = new Map();
    let typeText;
    for (const field of fieldsOf('tags', text)) {
        const [key, value] = splitField(field);
        if (key === 'type')
            typeText = value;
        else
            attributes.set(key ?? 'value', value);
    }
    const line = new RuleLine(text, attributes);
    const type = (typeText ?? 'raw').toLowerCase();
    if (!(type in keysOf)) {
        const types = Object.keys(keysOf).map((name) => `type=${name}`);
        line.fail(`unknown type '${typeText}'`, types.join(', '));
    }
    const unknown = [...attributes.keys()].find((key) => !keysOf[type].includes(key));
    if (unknown !== undefined) {
        line.fail(`unknown key '${unknown}' for type=${type}`, keysOf[type].map((key) => `${key}=`).join(', '));
    }
    return parseTyped(line, type, {
        text,
        enable: parseEnable(line),
        priority: parsePriority(line, type),
        prefix: line.tagTemplate('prefix', globalExpressions),
        suffix: line.tagTemplate('suffix', globalExpressions)
    });
}
/**
 * Parses the `tags` input, one rule per line (blank and `#` lines skipped; a field in double quotes may hold
 * commas); throws ConfigurationError naming the rule and what is accepted.
 */
function parseTagRules(lines) {
    return meaningfulLines(lines).map(parseRule);
}

;// CONCATENATED MODULE: ./src/meta/dates.ts


/** moment-timezone carries 0.7 MB of zone data: loaded by `loadDates` only for rules that render a date. */
let moment;
/** True when a rule or the flavor renders `{{date}}` or `{{commit_date}}`. */
function rendersDates({ rules, flavor }) {
    const templates = [flavor.prefix, flavor.suffix, ...rules.flatMap(ruleTemplates)];
    return templates.some((template) => mentions(template, 'date') || mentions(template, 'commit_date'));
}
/** Loads the date formatter `formatDate` needs, once: when the tag rules render a date, or always without rules. */
async function loadDates(tags) {
    if (!tags || rendersDates(tags))
        moment ??= (await __nccwpck_require__.e(/* import() */ 856).then(__nccwpck_require__.t.bind(__nccwpck_require__, 9856, 23))).default;
}
/** `{{date 'format' tz='Area/City'}}` with moment's format tokens, in UTC unless `tz` says otherwise. */
function formatDate(date, format, timeZone = 'UTC') {
    if (!moment)
        throw new Error('formatDate before loadDates: the tag rules render a date');
    return moment(date).tz(timeZone).format(format);
}
/** An IANA zone name the runtime knows (`tz=` of a date expression), checked without loading moment. */
function isTimeZone(name) {
    try {
        new Intl.DateTimeFormat('en-US', { timeZone: name });
        return true;
    }
    catch {
        return false;
    }
}

;// CONCATENATED MODULE: ./src/meta/tags.ts





const shortShaLength = 7;
/** Applies rules to one run's facts and renders their templates; keeps what the user should be warned about. */
class Evaluation {
    facts;
    now;
    warnAboutRules;
    warnings = [];
    constructor(facts, now, 
    /** Our default rules try semver on every git tag; only the user's own rules are worth a warning. */
    warnAboutRules) {
        this.facts = facts;
        this.now = now;
        this.warnAboutRules = warnAboutRules;
    }
    warn(message) {
        if (!this.warnings.includes(message))
            this.warnings.push(message);
    }
    expression(expression) {
        const { facts } = this;
        switch (expression.name) {
            case 'branch':
                return facts.branch;
            case 'tag':
                return facts.tag;
            case 'sha':
                return facts.sha.slice(0, shortShaLength);
            case 'base_ref':
                return facts.baseRef;
            case 'is_default_branch':
                return String(facts.isDefaultBranch);
            case 'date':
                return formatDate(this.now, expression.args[0], expression.options.tz);
            case 'commit_date':
                if (!facts.commitDate) {
                    this.warn(`{{commit_date}}: the time of commit ${facts.sha.slice(0, shortShaLength)} is neither in the event payload nor in the workspace's git, so the build time is used instead (as docker/metadata-action does).`);
                }
                return formatDate(facts.commitDate ?? this.now, expression.args[0], expression.options.tz);
            default:
                return '';
        }
    }
    render(template) {
        return renderTemplate(template, (expression) => this.expression(expression));
    }
    enabled(rule) {
        return rule.enable === 'default-branch' ? this.facts.isDefaultBranch : rule.enable;
    }
    produce(rule) {
        const { facts } = this;
        switch (rule.type) {
            case 'schedule':
                return facts.eventName === 'schedule'
                    ? { value: this.render(rule.pattern), latestOnAuto: false }
                    : undefined;
            case 'semver':
                return this.version(rule, (source) => semverValue(rule, source));
            case 'pep440':
                return this.version(rule, (source) => pep440Value(rule, source));
            case 'match':
                return this.version(rule, (source) => matchValue(rule, source));
            case 'edge':
                return this.edge(rule);
            case 'ref': {
                const value = { branch: facts.branch, tag: facts.tag, pr: facts.pullRequest }[rule.event];
                return value === '' ? undefined : { value, latestOnAuto: rule.event === 'tag' };
            }
            case 'raw': {
                const value = this.render(rule.value);
                return value === '' ? undefined : { value, latestOnAuto: false };
            }
            case 'sha':
                if (facts.sha === '')
                    return undefined;
                return {
                    value: rule.format === 'long' ? facts.sha : facts.sha.slice(0, shortShaLength),
                    latestOnAuto: false
                };
        }
    }
    /** semver, pep440 and match read the git tag, or `value=` on any event. */
    version(rule, read) {
        const source = rule.value ? this.render(rule.value) : this.facts.tag;
        if (source === '')
            return undefined;
        const result = read(source);
        if (!('reason' in result))
            return result;
        if (this.warnAboutRules)
            this.warn(`${rule.text}: ${result.reason}, so the rule gives no tag.`);
        return undefined;
    }
    edge(rule) {
        const { branch, defaultBranch } = this.facts;
        if (branch === '')
            return undefined;
        const target = rule.branch ?? defaultBranch;
        if (target === undefined) {
            this.warn(`${rule.text}: the default branch is not known (the event payload names no repository and the GitHub API was not read), so the rule gives no tag; name the branch with branch=.`);
            return undefined;
        }
        return branch === target ? { value: 'edge', latestOnAuto: false } : undefined;
    }
    wrap(rule, value, flavor) {
        return `${this.render(rule.prefix ?? flavor.prefix)}${value}${this.render(rule.suffix ?? flavor.suffix)}`;
    }
}
/** Our tags when `tags` is empty: version tags of a semver git tag, the branch or `pr-N`, and the bare short sha. */
function defaultRules(flavor) {
    const common = { text: '(default tags)', enable: true, prefix: undefined, suffix: undefined };
    const pattern = (text) => parseTemplate(text, versionPlaceholders);
    return [
        { ...common, type: 'semver', pattern: pattern('{{version}}'), priority: 900 },
        { ...common, type: 'semver', pattern: pattern('{{major}}.{{minor}}'), priority: 900 },
        { ...common, type: 'ref', event: 'tag', priority: 600 },
        { ...common, type: 'ref', event: 'branch', priority: 600 },
        {
            ...common,
            type: 'ref',
            event: 'pr',
            priority: 600,
            prefix: [...flavor.prefix, { kind: 'text', text: 'pr-' }]
        },
        { ...common, type: 'sha', format: 'short', priority: 100 }
    ];
}
/** Tag names, highest priority first and `latest` last, plus the warnings for rules that applied but gave none. */
function computeTags(rules, flavor, facts, now) {
    const usesDefaults = rules.length === 0;
    const evaluation = new Evaluation(facts, now, !usesDefaults);
    const ordered = usesDefaults ? defaultRules(flavor) : [...rules].sort((a, b) => b.priority - a.priority);
    const tags = [];
    let latest;
    for (const rule of ordered) {
        if (!evaluation.enabled(rule))
            continue;
        const produced = evaluation.produce(rule);
        if (!produced)
            continue;
        const named = usesDefaults ? produced.value.toLowerCase() : produced.value;
        // A branch rule without a prefix of its own must not give a tag that means something else (`latest`, `1.2.3`).
        const ownPrefix = rule.prefix !== undefined && rule.prefix.length > 0;
        const branch = rule.type === 'ref' && rule.event === 'branch' && !ownPrefix ? branchTagValue(named) : undefined;
        if (branch?.warning)
            evaluation.warn(branch.warning);
        const value = branch?.value ?? named;
        const tag = sanitizeTag(evaluation.wrap(rule, value, flavor));
        if (tag === '')
            continue;
        latest ??= flavor.latest === 'auto' ? produced.latestOnAuto : flavor.latest === 'true';
        tags.push(tag);
    }
    if (usesDefaults && flavor.latest === 'auto')
        latest = facts.eventName === 'push' && facts.isDefaultBranch;
    if (latest && tags.length > 0) {
        const prefix = flavor.prefixOnLatest ? evaluation.render(flavor.prefix) : '';
        const suffix = flavor.suffixOnLatest ? evaluation.render(flavor.suffix) : '';
        tags.push(sanitizeTag(`${prefix}latest${suffix}`));
    }
    return { tags: [...new Set(tags)], warnings: evaluation.warnings };
}

;// CONCATENATED MODULE: ./src/meta/commit-date.ts



/** True when a rule or the flavor renders `{{commit_date}}`: only then is git asked. */
function needsCommitDate(rules, flavor) {
    const templates = [flavor.prefix, flavor.suffix, ...rules.flatMap(ruleTemplates)];
    return templates.some((template) => mentions(template, 'commit_date'));
}
/** The committer date of `sha`, strict ISO 8601, as metadata-action's git context reads it. */
function planCommitDateRead(workspace, sha) {
    return { tool: 'git', args: ['-C', workspace, 'log', '-1', '--format=%cI', sha] };
}
/**
 * The commit time `{{commit_date}}` or `created: commit` needs when the event payload does not carry it
 * (schedule, pull request, workflow_dispatch, release): read from the workspace's git, only when one of them
 * asks. undefined when git cannot tell (no checkout, shallow clone without the commit); never throws.
 */
async function readCommitDate(runner, context, input) {
    const sha = namedCommit(context, input.shaSource);
    // Only a commit id reaches git's argv: GITHUB_SHA and the payload are not ours to trust as options.
    if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(sha))
        return undefined;
    const wanted = input.created === 'commit' || needsCommitDate(input.rules, input.flavor);
    if (!wanted || commitDateInPayload(context.payload, sha))
        return undefined;
    try {
        const result = await runner.run(planCommitDateRead(context.workspace, sha), { allowFailure: true });
        const date = new Date(result.stdout.trim());
        return result.exitCode === 0 && !Number.isNaN(date.getTime()) ? date : undefined;
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/meta/flavor.ts


const accepted = 'latest=auto|true|false, prefix=<text>[,onlatest=true|false], suffix=<text>[,onlatest=true|false]';
/** Parses the `flavor` input (`latest=`, `prefix=`, `suffix=`, each with `,onlatest=`). */
function parseFlavor(lines) {
    const flavor = {
        latest: 'auto',
        prefix: [],
        prefixOnLatest: false,
        suffix: [],
        suffixOnLatest: false
    };
    for (const text of meaningfulLines(lines)) {
        let onLatestFor;
        for (const field of fieldsOf('flavor', text)) {
            const [key, value] = splitField(field);
            if (key === 'latest') {
                const latest = value.toLowerCase();
                if (latest !== 'auto' && latest !== 'true' && latest !== 'false') {
                    throw problem('flavor', text, `latest=${value} is not known`, accepted);
                }
                flavor.latest = latest;
            }
            else if (key === 'prefix' || key === 'suffix') {
                flavor[key] = tagTemplate('flavor', text, key, value, globalExpressions);
                onLatestFor = key;
            }
            else if (key === 'onlatest') {
                const onLatest = value.toLowerCase();
                if (onLatestFor === undefined || (onLatest !== 'true' && onLatest !== 'false')) {
                    throw problem('flavor', text, `onlatest=${value} must be true or false and follow prefix= or suffix=`, accepted);
                }
                flavor[onLatestFor === 'prefix' ? 'prefixOnLatest' : 'suffixOnLatest'] = onLatest === 'true';
            }
            else {
                throw problem('flavor', text, key === undefined ? `'${value}' is not key=value` : `unknown key '${key}'`, accepted);
            }
        }
    }
    return flavor;
}

;// CONCATENATED MODULE: ./src/meta/meta.ts








/** Tags, labels and annotations for this run: pure, from the parsed inputs, the run context and the time. */
function computeMeta(input, context, now) {
    const facts = runFacts(context, input.shaSource, input.repositoryMetadata, input.commitDate);
    const { tags, warnings } = computeTags(input.rules, input.flavor, facts, now);
    const version = tags[0] ?? '';
    const committed = input.created === 'commit' ? facts.commitDate : undefined;
    const labels = computeLabels(input, context, facts.sha, version, committed ?? now);
    const annotations = (input.annotationLevels ?? ['manifest']).flatMap((level) => Object.entries(labels).map(([key, value]) => `${level}:${key}=${value}`));
    return {
        version,
        tags,
        labels,
        annotations,
        warnings,
        json: { tags, labels, annotations, version },
        ...(committed ? { sourceDateEpoch: Math.floor(committed.getTime() / 1000) } : {})
    };
}
/** The tags a run gets whatever its commit: the ones an earlier run of the same ref left in the registry. */
function stableTags(input, context, now) {
    const pullRequest = context.payload.pull_request;
    const tagsAt = (sha, commitDate) => {
        // The head commit names pull request images too (sha-source: head), so it changes with GITHUB_SHA.
        const payload = pullRequest
            ? { ...context.payload, pull_request: { ...pullRequest, head: { ...pullRequest.head, sha } } }
            : context.payload;
        return computeMeta({ ...input, commitDate }, { ...context, sha, payload }, now).tags;
    };
    const other = tagsAt('f'.repeat(40), new Date(0));
    return tagsAt('0'.repeat(40), new Date(now.getTime() + 86_400_000)).filter((tag) => other.includes(tag));
}
/**
 * The tag the step's own rules give a push to `branch` (e.g. a pull request's base): of the tags that don't
 * depend on the commit, the one naming the branch, else the first; undefined when the rules give none.
 */
function baseBranchTag(input, context, branch, now) {
    const payload = { ...context.payload, pull_request: undefined };
    const stable = stableTags(input, { ...context, eventName: 'push', ref: `refs/heads/${branch}`, payload }, now);
    const name = sanitizeTag(branch).toLowerCase();
    return stable.find((tag) => tag.toLowerCase().includes(name)) ?? stable[0];
}
/** `image:tag` for each tag, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web:1.2.3`. */
function fullReferences(image, tags) {
    return tags.map((tag) => `${image}:${tag}`);
}

;// CONCATENATED MODULE: ./src/config/lists.ts


/**
 * A list input the way docker's actions read them: one item per line, and on each line
 * comma-separated items unless `perLine`; quotes protect commas and `#` starts a comment line.
 * `where` names the input (or its line) in the error for a stray quote; the text itself is not shown.
 */
function parseList(text, where, { perLine = false } = {}) {
    if (text.trim() === '')
        return [];
    let records;
    try {
        records = parse(text, {
            columns: false,
            relaxQuotes: true,
            relaxColumnCount: true,
            comment: '#',
            comment_no_infix: true,
            skipEmptyLines: true,
            // A per-line item keeps its inner spacing (`MSG=a , b` stays as written), as build-push-action reads it.
            trim: !perLine
        });
    }
    catch (error) {
        if (!(error instanceof CsvError))
            throw error;
        throw new errors/* ConfigurationError */.j1(`${where} has a '"' that does not close a quoted item: quotes go around a whole item (e.g. "a,b") to protect its commas.`);
    }
    const items = records.flatMap((record) => (perLine ? [record.join(',')] : record));
    return items.map((item) => item.trim()).filter((item) => item.length > 0);
}

// EXTERNAL MODULE: ./node_modules/dockerfile-ast/lib/main.js
var main = __nccwpck_require__(8390);
;// CONCATENATED MODULE: ./src/config/dockerfile.ts




function parseDockerfile(content) {
    return main.DockerfileParser.parse(content);
}
function stagesOf(dockerfile) {
    return dockerfile.getFROMs().map((from, index) => {
        const name = from.getBuildStage();
        return {
            name: name ?? String(index),
            index,
            line: from.getRange().start.line + 1,
            from: from.getImage() ?? '',
            named: name !== null
        };
    });
}
/** A path as GitHub annotations and SARIF want it: relative to the workspace, with `/` separators. */
function relativeToWorkspace(file, workspace) {
    return external_node_path_.relative(workspace, external_node_path_.resolve(workspace, file)).split(external_node_path_.sep).join('/');
}
/**
 * Where a path input may point: inside the workspace or RUNNER_TEMP (files an earlier step wrote), after
 * symlinks are followed, so a committed symlink cannot make the action read a file elsewhere on the runner.
 */
function allowedPath(input, value, roots, kind, line, noun = kind) {
    const where = line !== undefined ? `Line ${line} of '${input}'` : `Input '${input}'`;
    const absolute = external_node_path_.resolve(roots.workspace, value);
    const exists = (0,external_node_fs_.existsSync)(absolute) && (kind === 'file' ? (0,external_node_fs_.statSync)(absolute).isFile() : (0,external_node_fs_.statSync)(absolute).isDirectory());
    if (!exists) {
        const subject = line !== undefined ? `${where} names` : `${where} is`;
        throw new errors/* ConfigurationError */.j1(`${subject} '${value}': no ${noun} at ${absolute}.`);
    }
    const real = (0,external_node_fs_.realpathSync)(absolute);
    const inside = [roots.workspace, roots.runnerTemp]
        .filter((root) => Boolean(root) && (0,external_node_fs_.existsSync)(root))
        .map((root) => (0,external_node_fs_.realpathSync)(root))
        .some((root) => real === root || real.startsWith(`${root}${external_node_path_.sep}`));
    if (!inside) {
        throw new errors/* ConfigurationError */.j1(`${where} names '${value}', which is outside the workspace and RUNNER_TEMP${real !== absolute ? ` (it leads to ${real})` : ''}: only files in the checkout or written by earlier steps are accepted.`);
    }
    return absolute;
}
/** BuildKit's rule for `FROM ... AS <name>`, compared case-insensitively. */
const stageNamePattern = /^[a-z][a-z0-9_.-]*$/i;
/** Reads and parses the Dockerfile once; an error names the `file` input. */
function readDockerfile(file, absolute, workspace) {
    const text = (0,external_node_fs_.readFileSync)(absolute, 'utf8');
    const parsed = parseDockerfile(text);
    const stages = stagesOf(parsed);
    if (stages.length === 0) {
        throw new errors/* ConfigurationError */.j1(`Input 'file' is '${file}': the Dockerfile has no FROM instruction.`);
    }
    // BuildKit refuses such a name only when it builds, after the step has logged in and prepared folders named after it.
    const badStage = parsed.getFROMs().find((from) => {
        const name = from.getBuildStage();
        return name !== null && !name.includes('$') && !stageNamePattern.test(name);
    });
    if (badStage) {
        throw new errors/* ConfigurationError */.j1(`Input 'file' is '${file}': line ${badStage.getRange().start.line + 1} names the stage '${badStage.getBuildStage()}', which BuildKit refuses: a stage name starts with a letter and has only letters, digits, '-', '_' and '.'.`);
    }
    return { path: absolute, relativePath: relativeToWorkspace(absolute, workspace), text, parsed, stages };
}
/**
 * The stage a target name picks: BuildKit compares stage names case-insensitively; '' is the last stage.
 * `input` and `line` say where the name came from, for the error.
 */
function resolveStage(dockerfile, name, where) {
    if (name === '')
        return dockerfile.stages[dockerfile.stages.length - 1];
    const found = dockerfile.stages.find((stage) => stage.named && stage.name.toLowerCase() === name.toLowerCase());
    if (found)
        return found;
    const named = dockerfile.stages.filter((stage) => stage.named).map((stage) => stage.name);
    const subject = where.line !== undefined
        ? `Line ${where.line} of '${where.input}' names the stage`
        : `Input '${where.input}' is`;
    throw new errors/* ConfigurationError */.j1(`${subject} '${name}': ${where.file} has no stage of that name. Stages: ${named.join(', ') || '(none named; add AS <name> to a FROM)'}.`);
}

;// CONCATENATED MODULE: ./src/config/build.ts





const labelKeyPattern = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
const buildArgNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const secretIdPattern = /^[A-Za-z0-9_.-]+$/;
const builderPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const attestationPattern = /^[A-Za-z0-9=,._:/-]*$/;
/** What buildx builds on a Linux runner, natively or with QEMU. */
const linuxPlatforms = [
    'linux/amd64',
    'linux/amd64/v2',
    'linux/amd64/v3',
    'linux/arm64',
    'linux/arm64/v8',
    'linux/arm/v7',
    'linux/arm/v6',
    'linux/386',
    'linux/ppc64le',
    'linux/s390x',
    'linux/riscv64',
    'linux/mips64le',
    'linux/mips64',
    'linux/loong64'
];
/** `key=value` lines; an error names the line, and shows it unless the input holds secrets. */
function numberedPairs(raw, name, keyPattern, what, secret = false) {
    return numberedLines(raw, name)
        .filter((item) => !item.text.startsWith('#'))
        .map(({ line, text: item }) => {
        // A line is read as build-push-action reads it: quotes may protect commas.
        const value = parseList(item, `Line ${line} of '${name}'`, { perLine: true })[0] ?? '';
        const pair = splitKeyValue(value);
        if (!pair || !keyPattern.test(pair[0])) {
            const shown = secret ? '' : ` is '${item}'`;
            const hidden = secret ? ' (its text is not shown: it may be part of a secret)' : '';
            throw new errors/* ConfigurationError */.j1(`Line ${line} of '${name}'${shown}: expected ${what}, one per line${hidden}.`);
        }
        return { line, key: pair[0], value: pair[1] };
    });
}
function pairs(raw, name, keyPattern, what, secret = false) {
    return numberedPairs(raw, name, keyPattern, what, secret).map(({ key, value }) => ({ key, value }));
}
function platformsOf(raw) {
    const platforms = parseList(raw.platforms ?? '', `Input 'platforms'`).map((platform) => platform.toLowerCase());
    const unknown = platforms.find((platform) => !linuxPlatforms.includes(platform));
    if (unknown !== undefined) {
        throw new errors/* ConfigurationError */.j1(`Input 'platforms' has '${unknown}': expected Linux platforms buildx can build here, comma-separated: ${linuxPlatforms.join(', ')}.`);
    }
    const repeated = platforms.find((platform, index) => platforms.indexOf(platform) !== index);
    if (repeated !== undefined) {
        throw new errors/* ConfigurationError */.j1(`Input 'platforms' names '${repeated}' twice: list each platform once.`);
    }
    return platforms;
}
function attestation(raw, name) {
    const value = argument(raw, name, `buildx's --${name} value (e.g. 'false', 'true', 'mode=max')`);
    if (!attestationPattern.test(value)) {
        throw new errors/* ConfigurationError */.j1(`Input '${name}' is '${value}': expected buildx's --${name} value, e.g. 'false', 'true' or 'mode=max' (letters, digits and = , . _ : / -).`);
    }
    return value;
}
/** The commit's time reaches BuildKit as SOURCE_DATE_EPOCH; a second one from `build-args` would contradict it. */
function createdFrom(raw, buildArgs) {
    const created = oneOf(raw, 'created', ['commit', 'now'], 'commit');
    if (created === 'commit' && buildArgs.some((arg) => arg.key === 'SOURCE_DATE_EPOCH')) {
        throw new errors/* ConfigurationError */.j1(`Input 'build-args' sets SOURCE_DATE_EPOCH, which 'created: commit' sets from the commit's time: remove it, or set 'created: now' to pass your own.`);
    }
    return created;
}
function secretFiles(raw, roots) {
    return numberedPairs(raw, 'secret-files', secretIdPattern, 'id=path').map(({ line, key, value }) => {
        if (/[,"]/.test(value)) {
            throw new errors/* ConfigurationError */.j1(`Line ${line} of 'secret-files' has a path with ',' or '"': buildx would read the rest as more --secret attributes. Rename the file or move it.`);
        }
        return { id: key, path: allowedPath('secret-files', value.trim(), roots, 'file', line) };
    });
}
function parseBuildConfig(raw, roots) {
    const contextInput = values_text(raw, 'context') || '.';
    const context = allowedPath('context', contextInput, roots, 'directory');
    const file = values_text(raw, 'file') || external_node_path_.join(contextInput, 'Dockerfile');
    const builder = argument(raw, 'builder', 'the name of an existing buildx builder');
    if (builder !== '' && !builderPattern.test(builder)) {
        throw new errors/* ConfigurationError */.j1(`Input 'builder' is '${builder}': expected a buildx builder name (letters, digits, '_', '.', '-').`);
    }
    const buildArgs = pairs(raw, 'build-args', buildArgNamePattern, 'NAME=value');
    return {
        context,
        file,
        filePath: allowedPath('file', file, roots, 'file', undefined, 'Dockerfile'),
        buildArgs,
        secrets: pairs(raw, 'secrets', secretIdPattern, 'id=value', true).map(({ key, value }) => ({
            id: key,
            value
        })),
        secretFiles: secretFiles(raw, roots),
        labels: pairs(raw, 'labels', labelKeyPattern, 'key=value'),
        platforms: platformsOf(raw),
        push: bool(raw, 'push', true),
        load: bool(raw, 'load', false),
        noCache: bool(raw, 'no-cache', false),
        pull: bool(raw, 'pull', false),
        provenance: attestation(raw, 'provenance'),
        sbom: attestation(raw, 'sbom'),
        driver: oneOf(raw, 'driver', ['docker-container', 'docker'], 'docker-container'),
        builder,
        created: createdFrom(raw, buildArgs)
    };
}

;// CONCATENATED MODULE: ./src/config/cache.ts




const cacheBackends = ['gha', 'registry', 'inline', 'local'];
const ecrRepositoryPattern = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** `host[:port]/repo/path:tag`: what docker accepts as a reference with a tag, and nothing like `..`. */
const fullReferencePattern = /^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** Attributes that carry credentials: buildx reads them from the environment, and argv is printed. */
const credentialAttributes = ['token', 'ghtoken', 'secret_access_key', 'session_token'];
const knownTypes = ['registry', 'gha', 'local', 'inline', 's3', 'azblob'];
function rawSpecs(raw, name) {
    return numberedLines(raw, name)
        .filter((item) => !item.text.startsWith('#'))
        .map(({ line, text: item }) => {
        const spec = parseList(item, `Line ${line} of '${name}'`, { perLine: true })[0] ?? '';
        const credential = attributesOf(spec).find(([key]) => credentialAttributes.includes(key));
        if (credential) {
            throw new errors/* ConfigurationError */.j1(`Line ${line} of '${name}' has a '${credential[0]}=' attribute: credentials must not be in build arguments, which are printed. Leave it out: buildx reads ACTIONS_RUNTIME_TOKEN and AWS credentials from the environment.`);
        }
        const type = typeOf(spec);
        const bareReference = !spec.includes('=') && fullReferencePattern.test(spec);
        // typeOf reads a spec without '=' as a registry reference: only a real reference passes as one.
        const typed = spec.includes('=') && knownTypes.includes(type);
        if (spec.startsWith('-') || !(bareReference || typed)) {
            throw new errors/* ConfigurationError */.j1(`Line ${line} of '${name}' is '${spec}': expected buildx's form 'type=<${knownTypes.join('|')}>,<key>=<value>,...' (e.g. 'type=registry,ref=<registry>/<repository>:buildcache') or a bare image reference.`);
        }
        return spec;
    });
}
function backendsOf(raw) {
    const names = [...new Set(parseList(raw.cache ?? '', `Input 'cache'`).map((name) => name.toLowerCase()))];
    const unknown = names.find((name) => name !== 'none' && !cacheBackends.includes(name));
    if (unknown !== undefined) {
        throw new errors/* ConfigurationError */.j1(`Input 'cache' has '${unknown}': expected a comma list of gha, registry, inline, local, none.`);
    }
    if (names.includes('none') && names.length > 1) {
        throw new errors/* ConfigurationError */.j1(`Input 'cache' is '${values_text(raw, 'cache')}': 'none' cannot be combined with other backends.`);
    }
    return names.includes('none') ? 'none' : names;
}
/** Parses the cache inputs; throws ConfigurationError naming the input (and line) on the first mistake. */
function parseCacheConfig(raw) {
    const mode = values_text(raw, 'cache-mode').toLowerCase() || 'max';
    if (mode !== 'max' && mode !== 'min') {
        throw new errors/* ConfigurationError */.j1(`Input 'cache-mode' is '${values_text(raw, 'cache-mode')}': expected 'max' or 'min'.`);
    }
    const ref = values_text(raw, 'cache-ref');
    const validRef = isFullReference(ref) ? fullReferencePattern.test(ref) : tagPattern.test(ref);
    if (ref !== '' && !validRef) {
        throw new errors/* ConfigurationError */.j1(`Input 'cache-ref' is '${ref}': expected a tag (e.g. 'buildcache-web') or a full reference '<registry>/<repository>:<tag>' (e.g. '123456789012.dkr.ecr.us-east-1.amazonaws.com/cache:web').`);
    }
    const repository = values_text(raw, 'cache-repository');
    if (repository !== '' &&
        (repository.length < 2 || repository.length > 256 || !ecrRepositoryPattern.test(repository))) {
        throw new errors/* ConfigurationError */.j1(`Input 'cache-repository' is '${repository.length > 80 ? `${repository.slice(0, 80)}…` : repository}': expected an ECR repository name with mutable tags, 2 to 256 characters, lowercase letters, digits and '._-/' separators (e.g. 'shop/web-cache').`);
    }
    return {
        backends: backendsOf(raw),
        from: rawSpecs(raw, 'cache-from'),
        to: rawSpecs(raw, 'cache-to'),
        mode,
        ref,
        repository
    };
}

;// CONCATENATED MODULE: ./src/dockerfile/rules.ts
const checkRules = [
    {
        id: 'root-user',
        severity: 'warning',
        title: 'The built stage runs as root',
        why: 'The strategy wants a non-root user in production: a process that breaks out of an application running as root is root in the container.',
        fix: 'Add `USER <non-root user>` (e.g. `USER nobody` or a user you create) before CMD in the built stage.',
        security: true,
        hadolint: ['DL3002'],
        trivy: ['AVD-DS-0002 (DS002)'],
        docker: []
    },
    {
        id: 'build-tools-in-image',
        severity: 'warning',
        title: "Build tools installed in the built stage's chain",
        why: 'Build tools belong only in builder stages: compilers, headers and git in the shipped image are size and attack surface that the application never uses.',
        fix: 'Install them in a builder stage and `COPY --from=builder` only what it produced.',
        security: true,
        hadolint: [],
        trivy: [],
        docker: []
    },
    {
        id: 'install-after-copy-all',
        severity: 'warning',
        title: 'Dependencies installed after copying the whole context',
        why: 'Layers go from least to most often changed: after `COPY . .` every code change invalidates the dependency layer and reinstalls everything.',
        fix: 'Copy only the dependency manifests (requirements.txt, package.json and lockfile, go.mod/go.sum, ...) first, install, then copy the rest.',
        security: false,
        hadolint: [],
        trivy: [],
        docker: []
    },
    {
        id: 'apt-update-alone',
        severity: 'warning',
        title: '`apt-get update` in a RUN of its own',
        why: 'The update layer is cached on its own, so a later install can run against stale package lists and fetch outdated or missing versions.',
        fix: 'Run `apt-get update && apt-get install -y --no-install-recommends …` in one RUN.',
        security: false,
        hadolint: [],
        trivy: ['AVD-DS-0017 (DS017)'],
        docker: []
    },
    {
        id: 'apt-no-install-recommends',
        severity: 'warning',
        title: '`apt-get install` without `--no-install-recommends`',
        why: 'Slim images stay slim only if apt installs what was asked for: recommended packages often add more than the package itself.',
        fix: 'Add `--no-install-recommends` to `apt-get install`.',
        security: false,
        hadolint: ['DL3015'],
        trivy: ['AVD-DS-0029 (DS029)'],
        docker: []
    },
    {
        id: 'apt-lists-not-removed',
        severity: 'warning',
        title: 'apt package lists left in the layer',
        why: '`apt-get update` writes tens of megabytes of package lists; unless the same RUN removes them (or they live in a cache mount) they stay in the image forever.',
        fix: 'End the RUN with `&& rm -rf /var/lib/apt/lists/*`, or mount `--mount=type=cache,target=/var/lib/apt,sharing=locked`.',
        security: false,
        hadolint: ['DL3009'],
        trivy: [],
        docker: []
    },
    {
        id: 'package-cache-in-layer',
        severity: 'warning',
        title: 'Package manager cache left in the layer',
        why: 'The strategy uses BuildKit cache mounts so downloads are cached between builds, not shipped: a pip, npm, yarn, apk, dnf or yum cache written into the layer only makes the image bigger.',
        fix: "Use `RUN --mount=type=cache,target=<cache dir>`, or the tool's no-cache option (`pip --no-cache-dir`, `apk add --no-cache`, `dnf clean all`, `npm cache clean --force`).",
        security: false,
        hadolint: ['DL3042', 'DL3019', 'DL3060', 'DL3032', 'DL3040', 'DL3036'],
        trivy: ['AVD-DS-0025 (DS025)', 'AVD-DS-0015 (DS015)', 'AVD-DS-0019 (DS019)', 'AVD-DS-0020 (DS020)'],
        docker: []
    },
    {
        id: 'secret-in-image',
        severity: 'error',
        title: 'A secret in the image',
        why: 'No secrets in layers: ENV and ARG values and files written by RUN are readable by anyone who can pull the image (or its build cache and provenance).',
        fix: 'Pass it with the `secrets` input and read it in `RUN --mount=type=secret,id=<id>`; never write it to a file that stays in the layer.',
        security: true,
        hadolint: [],
        trivy: ['AVD-DS-0031 (DS031)'],
        docker: ['SecretsUsedInArgOrEnv']
    },
    {
        id: 'unpinned-base',
        severity: 'warning',
        title: 'Base image not pinned',
        why: 'Pinned base images make builds reproducible: `:latest` or no tag changes underneath you and defeats the cache.',
        fix: 'Name a version tag (e.g. `python:3.13-slim`), or a digest (`@sha256:…`) for full reproducibility.',
        security: false,
        hadolint: ['DL3006', 'DL3007'],
        trivy: ['AVD-DS-0001 (DS001)'],
        docker: []
    },
    {
        id: 'full-base-image',
        severity: 'warning',
        title: 'Full base image where a slim variant is the norm',
        why: 'The strategy ships slim base images: the full python, node, ruby, perl and debian images carry compilers and hundreds of megabytes the runtime does not need.',
        fix: 'Use the `-slim` variant (e.g. `python:3.13` → `python:3.13-slim`); keep the full image only in a builder stage.',
        security: false,
        hadolint: [],
        trivy: [],
        docker: []
    },
    {
        id: 'add-remote-url',
        severity: 'warning',
        title: '`ADD` of a URL without a checksum',
        why: 'The download is neither verified nor reproducible: the layer changes whenever the remote file does.',
        fix: 'Use `ADD --checksum=sha256:<digest> <url> <dest>`, or download with curl in a builder stage and verify it there.',
        security: true,
        hadolint: [],
        trivy: [],
        docker: []
    },
    {
        id: 'add-instead-of-copy',
        severity: 'notice',
        title: '`ADD` where `COPY` is meant',
        why: '`ADD` also extracts archives and fetches URLs; for plain files and folders `COPY` says what happens.',
        fix: 'Use `COPY`.',
        security: false,
        hadolint: ['DL3020'],
        trivy: ['AVD-DS-0005 (DS005)'],
        docker: []
    },
    {
        id: 'shell-form-cmd',
        severity: 'warning',
        title: 'Shell-form CMD or ENTRYPOINT in the built stage',
        why: 'In shell form `/bin/sh -c` is PID 1 and does not pass SIGTERM on, so the container is killed instead of shutting down cleanly.',
        fix: 'Use the exec form, e.g. `CMD ["gunicorn", "app.wsgi"]`.',
        security: false,
        hadolint: ['DL3025'],
        trivy: [],
        docker: ['JSONArgsRecommended']
    },
    {
        id: 'missing-dockerignore',
        severity: 'warning',
        title: 'No .dockerignore while the context holds .git, .env, node_modules or __pycache__',
        why: 'The strategy keeps `.git` and `.env` out with a `.dockerignore`: without one, `COPY . .` puts history and secrets in the image and every build uploads them.',
        fix: 'Add a `.dockerignore` next to the context listing `.git`, `.env*`, `node_modules` and `**/__pycache__`.',
        security: true,
        hadolint: [],
        trivy: [],
        docker: []
    },
    {
        id: 'dockerignore-incomplete',
        severity: 'warning',
        title: '.dockerignore does not exclude .git, .env, node_modules or __pycache__',
        why: 'The context holds one of them and the `.dockerignore` lets it through, so `COPY . .` can put it in the image.',
        fix: 'Add the entry (e.g. `.git`, `.env*`) to the `.dockerignore`.',
        security: true,
        hadolint: [],
        trivy: [],
        docker: []
    },
    {
        id: 'healthcheck-missing',
        severity: 'notice',
        title: 'An EXPOSEd built stage without HEALTHCHECK',
        why: 'A service image that says how to check it lets Docker and orchestrators tell a hung process from a healthy one.',
        fix: 'Add `HEALTHCHECK CMD [...]` (or `HEALTHCHECK NONE` when the platform checks health itself).',
        security: false,
        hadolint: ['DL3057'],
        trivy: ['AVD-DS-0026 (DS026)'],
        docker: []
    },
    {
        id: 'check-ignore-invalid',
        severity: 'notice',
        title: 'A `# check-ignore=` comment that silences nothing',
        why: 'It names no known rule or is not directly above an instruction, so the finding it was meant for is still reported.',
        fix: 'Name rule ids from docs/dockerfile-checks.md and put the comment on the line right above the instruction.',
        security: false,
        hadolint: [],
        trivy: [],
        docker: []
    }
];
const checkRuleIds = checkRules.map((rule) => rule.id);
function ruleInfo(id) {
    return checkRules.find((rule) => rule.id === id);
}
/**
 * Docker's build checks (BuildKit's Dockerfile linter) with the severity we give them: Docker reports all as
 * warnings; style-only ones are notices here so `dockerfile-checks-fail-on: warning` is about the image.
 */
const dockerBuildChecks = {
    StageNameCasing: 'notice',
    FromAsCasing: 'notice',
    NoEmptyContinuation: 'warning',
    ConsistentInstructionCasing: 'notice',
    DuplicateStageName: 'warning',
    ReservedStageName: 'warning',
    JSONArgsRecommended: 'warning',
    MaintainerDeprecated: 'notice',
    UndefinedArgInFrom: 'warning',
    WorkdirRelativePath: 'warning',
    UndefinedVar: 'warning',
    MultipleInstructionsDisallowed: 'warning',
    LegacyKeyValueFormat: 'notice',
    InvalidBaseImagePlatform: 'warning',
    RedundantTargetPlatform: 'notice',
    SecretsUsedInArgOrEnv: 'warning',
    InvalidDefaultArgInFrom: 'warning',
    FromPlatformFlagConstDisallowed: 'warning',
    CopyIgnoredFile: 'warning',
    InvalidDefinitionDescription: 'notice'
};
/** Our rule that reports the same as a Docker build check, if any. */
function equivalentRule(dockerCheck) {
    return checkRules.find((rule) => rule.docker.includes(dockerCheck))?.id;
}
/**
 * A rule name as written in an input or a comment, spelled the way findings carry it: our ids and Docker's
 * known names match case-insensitively; another PascalCase word is taken as a Docker check newer than this list.
 */
function canonicalRule(name) {
    const lower = name.toLowerCase();
    const ours = checkRuleIds.find((id) => id === lower);
    if (ours)
        return ours;
    const docker = Object.keys(dockerBuildChecks).find((check) => check.toLowerCase() === lower);
    if (docker)
        return docker;
    return /^[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+$/.test(name) ? name : undefined;
}
/** Every name a rule is known by: itself and its Docker equivalent, so one ignore silences both. */
function ruleAliases(rule) {
    const ours = ruleInfo(rule);
    if (ours)
        return [rule, ...ours.docker];
    const equivalent = equivalentRule(rule);
    return equivalent ? [rule, equivalent] : [rule];
}

;// CONCATENATED MODULE: ./src/config/checks.ts




const checksFailOnLevels = ['none', 'error', 'warning'];
function parseChecksEnabled(raw) {
    return bool(raw, 'dockerfile-checks', true);
}
function parseChecksFailOn(raw) {
    return oneOf(raw, 'dockerfile-checks-fail-on', checksFailOnLevels, 'none');
}
/** Rule ids, comma- or newline-separated; our ids and Docker build check names (any case) are accepted. */
function parseChecksIgnore(raw) {
    const lines = (raw['dockerfile-checks-ignore'] ?? '').split(/\r?\n/);
    const ids = lines.flatMap((line, index) => parseList(line, `Line ${index + 1} of 'dockerfile-checks-ignore'`).map((name) => {
        const rule = canonicalRule(name);
        if (rule)
            return rule;
        throw new errors/* ConfigurationError */.j1(`Input 'dockerfile-checks-ignore' line ${index + 1} has '${name}': not a rule id. ` +
            `Expected rule ids of docs/dockerfile-checks.md (${checkRuleIds.join(', ')}) or Docker build check names (e.g. JSONArgsRecommended).`);
    }));
    return [...new Set(ids)];
}
function parseDockerfileChecksInputs(raw) {
    return { enabled: parseChecksEnabled(raw), failOn: parseChecksFailOn(raw), ignore: parseChecksIgnore(raw) };
}

;// CONCATENATED MODULE: ./src/config/images.ts



const repositoryPattern = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
function checkRepositoryName(where, repository) {
    if (repository.length < 2 || repository.length > 256 || !repositoryPattern.test(repository)) {
        throw new errors/* ConfigurationError */.j1(`${where} '${repository}': expected an ECR repository name of 2 to 256 characters, lowercase letters, digits and '._-/' separators (e.g. 'shop/web').`);
    }
}
/** `targets` lines (`stage=repository`), or the one-image form from `target` and `repository`. */
function targetRequests(raw) {
    const lines = numberedLines(raw, 'targets').filter((item) => !item.text.startsWith('#'));
    if (lines.length === 0) {
        const repository = values_text(raw, 'repository');
        if (repository === '') {
            throw new errors/* ConfigurationError */.j1(`Input 'repository' is empty: set it to the ECR repository to push to (e.g. 'shop/web'), or use 'targets' for several images.`);
        }
        checkRepositoryName(`Input 'repository' is`, repository);
        return [{ stage: values_text(raw, 'target'), repository }];
    }
    if (values_text(raw, 'repository') || values_text(raw, 'target')) {
        throw new errors/* ConfigurationError */.j1(`Input 'targets' is set together with 'repository' or 'target': use 'targets' (one 'stage=repository' line per image) or 'target' and 'repository' (one image), not both.`);
    }
    const requests = lines.map(({ line, text: item }) => {
        const pair = splitKeyValue(item);
        if (!pair || pair[1].trim() === '') {
            throw new errors/* ConfigurationError */.j1(`Line ${line} of 'targets' is '${item}': expected 'stage=repository', e.g. 'production=shop/web'.`);
        }
        const request = { stage: pair[0], repository: pair[1].trim(), line };
        checkRepositoryName(`Line ${line} of 'targets' has the repository`, request.repository);
        return request;
    });
    const repeated = requests.find((request, index) => requests.some((other, otherIndex) => otherIndex < index && other.repository === request.repository));
    if (repeated) {
        throw new errors/* ConfigurationError */.j1(`Line ${repeated.line} of 'targets' sends a second stage to '${repeated.repository}': each target needs its own repository, or their tags would overwrite each other.`);
    }
    return requests;
}
/** Each requested stage found in the Dockerfile (case-insensitively, as BuildKit does). */
function resolveImages(requests, dockerfile, file) {
    const input = requests[0]?.line !== undefined ? 'targets' : 'target';
    return requests.map((request) => ({
        stage: resolveStage(dockerfile, request.stage, { input, file, line: request.line }),
        repository: request.repository
    }));
}

;// CONCATENATED MODULE: ./src/config/report.ts



function parseReportConfig(raw) {
    const maxImageSize = parseSizeBudget(values_text(raw, 'max-image-size'));
    return {
        annotateSeverity: oneOf(raw, 'annotate-severity', severities, 'HIGH'),
        prComment: bool(raw, 'pr-comment', true),
        ...(maxImageSize !== undefined ? { maxImageSize } : {})
    };
}

;// CONCATENATED MODULE: ./src/config/rules.ts

/** The scan policy's own rules: the inputs that mean something only with a scan, and a fail-on to narrow. */
function checkScanPolicy(config, asked) {
    const { scan } = config;
    const withoutScan = [
        [
            "'fail-on-new' is true",
            asked.failOnNew === true,
            "only a scan finds what is new. Set 'scan: true', or leave 'fail-on-new' unset."
        ],
        [
            "'vex' is set",
            (asked.vex?.length ?? 0) > 0,
            "VEX documents only change what a scan reports. Set 'scan: true', or leave 'vex' empty."
        ],
        [
            "'max-image-size' is set",
            config.report.maxImageSize !== undefined,
            "the size budget is checked on the scanned image, before any tag. Set 'scan: true' (with 'fail-on: none' to only report findings)."
        ]
    ];
    const given = scan ? undefined : withoutScan.find(([, set]) => set);
    if (given)
        throw new errors/* ConfigurationError */.j1(`Input ${given[0]} but 'scan' is false: ${given[2]}`);
    if (scan?.failOnNew && scan.failOn === 'none') {
        throw new errors/* ConfigurationError */.j1(`Input 'fail-on-new' is true but 'fail-on' is none: nothing blocks, new or not. Set 'fail-on' to a severity (e.g. CRITICAL), or leave 'fail-on-new' unset.`);
    }
}
/**
 * Rules between inputs: each combination that cannot work, refused with what to change. `scanInputs` are the
 * scan inputs as given, also when `scan: false` leaves them out of the config.
 */
function checkCombinations(config, scanInputs = {}) {
    const { build, cache, images } = config;
    checkScanPolicy(config, scanInputs);
    // A builder container loads one platform into the daemon; the daemon's own builder can hold several (containerd store).
    const loaded = build.load || (!build.push && config.scan !== undefined);
    if (build.platforms.length > 1 && build.driver === 'docker-container' && loaded) {
        throw new errors/* ConfigurationError */.j1(`Input 'platforms' has ${build.platforms.length} platforms, but this image would be loaded into the Docker daemon ('load: true', or 'push: false' with a scan), which takes one platform from a docker-container builder. Set 'push: true' and 'load: false' (the scan then reads each platform from the registry), or build one platform.`);
    }
    const shared = ['ref', 'from', 'to'].find((name) => cache[name].length > 0);
    if (images.length > 1 && shared) {
        throw new errors/* ConfigurationError */.j1(`Input 'cache-${shared}' is set with ${images.length} targets: they would share one cache and overwrite each other's. Leave it empty (each target gets its own cache), or build the targets in separate steps.`);
    }
}

;// CONCATENATED MODULE: ./src/run/workflow-commands.ts



function escapeData(text) {
    return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(text) {
    return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
function issue(command, message, properties = {}) {
    const fields = Object.entries(properties)
        .filter(([, value]) => value !== undefined && value !== '' && value !== 0)
        .map(([key, value]) => `${key}=${escapeProperty(String(value))}`);
    // As @actions/core: a space after the command whenever properties were given, even all empty.
    const head = Object.keys(properties).length > 0 ? `${command} ${fields.join(',')}` : command;
    process.stdout.write(`::${head}::${escapeData(message)}${external_node_os_.EOL}`);
}
function annotation(kind, message, at = {}) {
    if (Object.keys(at).length === 0)
        return issue(kind, message);
    issue(kind, message, {
        title: at.title,
        file: at.file,
        line: at.startLine,
        endLine: at.endLine,
        col: at.startColumn,
        endColumn: at.endColumn
    });
}
function info(message) {
    process.stdout.write(`${message}${external_node_os_.EOL}`);
}
function debug(message) {
    issue('debug', message);
}
function notice(message, properties) {
    annotation('notice', message, properties);
}
function warning(message, properties) {
    annotation('warning', message, properties);
}
function error(message, properties) {
    annotation('error', message, properties);
}
function startGroup(title) {
    issue('group', title);
}
function endGroup() {
    issue('endgroup', '');
}
function setSecret(secret) {
    issue('add-mask', secret);
}
/** `name<<delimiter` … `delimiter` appended to the runner's GITHUB_OUTPUT or GITHUB_STATE file. */
function fileCommand(kind, name, value) {
    const file = process.env[`GITHUB_${kind}`];
    if (!file) {
        // A runner older than file commands: the deprecated stdout form, as @actions/core falls back to.
        if (kind === 'OUTPUT')
            process.stdout.write(external_node_os_.EOL);
        issue(kind === 'OUTPUT' ? 'set-output' : 'save-state', value, { name });
        return;
    }
    if (!(0,external_node_fs_.existsSync)(file))
        throw new Error(`Missing file at path: ${file}`);
    // @actions/core also refuses a value holding the delimiter: a random UUID no value can foresee.
    const delimiter = `ghadelimiter_${(0,external_node_crypto_.randomUUID)()}`;
    (0,external_node_fs_.appendFileSync)(file, `${name}<<${delimiter}${external_node_os_.EOL}${value}${external_node_os_.EOL}${delimiter}${external_node_os_.EOL}`);
}
function setOutput(name, value) {
    fileCommand('OUTPUT', name, value);
}
function saveState(name, value) {
    fileCommand('STATE', name, value);
}
/** What main saved with `saveState`, which the runner hands to the post step as `STATE_<name>`. */
function getState(name) {
    return process.env[`STATE_${name}`] ?? '';
}
/** Appends markdown to the job summary (GITHUB_STEP_SUMMARY); throws when the runner gives none. */
function appendSummary(markdown) {
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (!file)
        throw new Error('Unable to find environment variable for $GITHUB_STEP_SUMMARY.');
    try {
        (0,external_node_fs_.accessSync)(file, external_node_fs_.constants.R_OK | external_node_fs_.constants.W_OK);
    }
    catch {
        throw new Error(`Unable to access summary file: '${file}'. Check if the file has correct read/write permissions.`);
    }
    (0,external_node_fs_.appendFileSync)(file, `${markdown}${external_node_os_.EOL}`);
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __nccwpck_require__(1421);
;// CONCATENATED MODULE: ./src/tools/verified-download.ts








async function sha256OfStream(stream) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    for await (const chunk of stream)
        hash.update(chunk);
    return hash.digest('hex');
}
function sha256Of(file) {
    return sha256OfStream((0,external_node_fs_.createReadStream)(file));
}
/** The sha256 of one member of a `.tar.gz`, read through `tar -O` without extracting anything to disk. */
async function tarMemberSha256(archive, member) {
    const child = (0,external_node_child_process_.spawn)('tar', ['-xzOf', archive, member], { stdio: ['ignore', 'pipe', 'ignore'] });
    const exited = new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
    const digest = await sha256OfStream(child.stdout);
    return (await exited) === 0 ? digest : undefined;
}
/** Why a tool cache entry must not be used, or undefined when its bytes are exactly the verified ones. */
async function cachedToolProblem(dir, tool) {
    const binary = external_node_path_.join(dir, tool.executable.name);
    if (!(0,external_node_fs_.existsSync)(binary))
        return `${tool.executable.name} is missing`;
    if (tool.executable.from === 'asset') {
        const actual = await sha256Of(binary);
        return actual === tool.sha256
            ? undefined
            : `${tool.executable.name} has sha256 ${actual}, expected ${tool.sha256}`;
    }
    const archive = external_node_path_.join(dir, tool.asset);
    if (!(0,external_node_fs_.existsSync)(archive))
        return `${tool.asset} is not kept next to it, so it cannot be checked`;
    const archiveSha = await sha256Of(archive);
    if (archiveSha !== tool.sha256)
        return `${tool.asset} has sha256 ${archiveSha}, expected ${tool.sha256}`;
    const [member, actual] = await Promise.all([
        tarMemberSha256(archive, tool.executable.name),
        sha256Of(binary)
    ]);
    if (member === undefined)
        return `${tool.asset} has no ${tool.executable.name}`;
    return actual === member ? undefined : `${tool.executable.name} differs from the one in ${tool.asset}`;
}
async function download(tool) {
    const tc = await Promise.all(/* import() */[__nccwpck_require__.e(119), __nccwpck_require__.e(838), __nccwpck_require__.e(805)]).then(__nccwpck_require__.bind(__nccwpck_require__, 9805));
    try {
        return await tc.downloadTool(tool.url);
    }
    catch (error) {
        if (error instanceof tc.HTTPError && error.httpStatusCode === 404)
            throw tool.missingRelease(tool.url);
        throw new errors/* ServiceError */._7(`Could not download ${tool.url}: ${error.message}`);
    }
}
/** A folder holding exactly what the tool cache keeps: the executable, and the archive it came from. */
async function unpack(file, tool) {
    const tc = await Promise.all(/* import() */[__nccwpck_require__.e(119), __nccwpck_require__.e(838), __nccwpck_require__.e(805)]).then(__nccwpck_require__.bind(__nccwpck_require__, 9805));
    if (tool.executable.from === 'asset') {
        const dir = await (0,promises_.mkdtemp)(external_node_path_.join(process.env.RUNNER_TEMP || external_node_os_.tmpdir(), `${tool.name}-`));
        await (0,promises_.copyFile)(file, external_node_path_.join(dir, tool.executable.name));
        await (0,promises_.chmod)(external_node_path_.join(dir, tool.executable.name), 0o755);
        return dir;
    }
    const dir = await tc.extractTar(file);
    if (!(0,external_node_fs_.existsSync)(external_node_path_.join(dir, tool.executable.name))) {
        throw new errors/* ServiceError */._7(`${tool.asset} has no '${tool.executable.name}' at its top level.`);
    }
    await (0,promises_.copyFile)(file, external_node_path_.join(dir, tool.asset));
    return dir;
}
/**
 * The tool from the runner's tool cache when its bytes still match `sha256`, otherwise downloaded, checked
 * against `sha256` and cached. A cache entry that no longer matches (self-hosted runners keep their tool cache
 * between jobs) is refused with a warning and replaced by a fresh verified download. Returns the executable's path.
 */
async function installVerified(tool, log = workflow_commands_namespaceObject) {
    const tc = await Promise.all(/* import() */[__nccwpck_require__.e(119), __nccwpck_require__.e(838), __nccwpck_require__.e(805)]).then(__nccwpck_require__.bind(__nccwpck_require__, 9805));
    const label = `${tool.name} ${tool.version}`;
    const cached = tc.find(tool.name, tool.version, tool.arch);
    if (cached) {
        const problem = await cachedToolProblem(cached, tool);
        if (!problem) {
            log.info(`${label} found in the tool cache (sha256 ${tool.sha256} verified, ${tool.checksumSource})`);
            return external_node_path_.join(cached, tool.executable.name);
        }
        log.warning(`Refusing the tool cache copy of ${label} in ${cached}: ${problem}. Someone or something changed it after it was verified; downloading it again.`);
    }
    log.info(`Downloading ${label} from ${tool.url}`);
    const file = await download(tool);
    let unpacked;
    try {
        const actual = await sha256Of(file);
        if (actual !== tool.sha256) {
            throw new errors/* ServiceError */._7(`Refusing to install ${label}: ${tool.asset} has sha256 ${actual}, but the expected sha256 (${tool.checksumSource}) is ${tool.sha256}. The download is corrupt or was altered.`);
        }
        unpacked = await unpack(file, tool);
        const toolDir = await tc.cacheDir(unpacked, tool.name, tool.version, tool.arch);
        log.info(`${label} installed (sha256 ${actual} verified, ${tool.checksumSource})`);
        return external_node_path_.join(toolDir, tool.executable.name);
    }
    finally {
        // The tool cache keeps its own copy: the download and the unpacked folder in RUNNER_TEMP are left-overs.
        await Promise.all([file, unpacked].map((left) => left && (0,promises_.rm)(left, { recursive: true, force: true }).catch(() => undefined)));
    }
}

;// CONCATENATED MODULE: ./src/scan/trivy-install.ts


const releaseOs = { linux: 'Linux', darwin: 'macOS' };
const releaseArch = { x64: '64bit', arm64: 'ARM64' };
/**
 * The default Trivy release and the sha256 of its archives, written here so that nothing downloaded from the
 * release itself (a checksums file can be replaced with the archive) decides what runs. Sources: docs/signing.md.
 */
const pinnedTrivy = {
    version: '0.75.0',
    sha256: {
        'trivy_0.75.0_Linux-64bit.tar.gz': 'c6e65abddb348e25f10549df887045629cf28cc72453cd1c63acb717316b3f3f',
        'trivy_0.75.0_Linux-ARM64.tar.gz': 'a1ee9f6ffb7d112b64ff726a2a0717c21175c1114361391f4a132956751a13b3',
        'trivy_0.75.0_macOS-64bit.tar.gz': '291edaa9778acbe4693d067b5ad60ee11570e5ac68296e85595417528ca641e4',
        'trivy_0.75.0_macOS-ARM64.tar.gz': '4a77108cccf8e55c8d6823e1e759939a622277e66cd0daa3c1fc621ed69e4568'
    }
};
/** The release archive for this runner, e.g. `trivy_0.75.0_Linux-64bit.tar.gz`. */
function trivyArchive(version, platform, arch) {
    const osName = releaseOs[platform];
    const archName = releaseArch[arch];
    if (!osName || !archName) {
        throw new errors/* ConfigurationError */.j1(`Trivy has no release for ${platform}/${arch}: run on a Linux or macOS runner (x64 or arm64), or install Trivy yourself and set 'skip-setup-trivy: true'.`);
    }
    return `trivy_${version}_${osName}-${archName}.tar.gz`;
}
/** The sha256 that a `sha256sum`-style checksums file lists for `fileName`. */
function checksumFor(checksums, fileName) {
    for (const line of checksums.split('\n')) {
        const match = /^([0-9a-f]{64})\s+\*?(\S+)\s*$/i.exec(line.trim());
        if (match && match[2] === fileName)
            return match[1].toLowerCase();
    }
    return undefined;
}
/**
 * The sha256 the Trivy archive for this runner must have: pinned for the default release, and for any other
 * release taken from `trivy-checksum`, which is then required. Call it while reading the inputs, so a missing
 * checksum fails before the build.
 */
function expectedTrivyChecksum(request) {
    const archive = trivyArchive(request.version, request.platform, request.arch);
    const given = request.checksum.kind === 'sha256'
        ? request.checksum.sha256
        : request.checksum.kind === 'lines'
            ? checksumFor(request.checksum.text, archive)
            : undefined;
    if (request.version === pinnedTrivy.version) {
        const pinned = pinnedTrivy.sha256[archive];
        if (!pinned) {
            throw new errors/* ConfigurationError */.j1(`No sha256 is pinned for ${archive}, so ecr-build-push will not install it: install Trivy yourself and set 'skip-setup-trivy: true'.`);
        }
        if (given !== undefined && given !== pinned) {
            throw new errors/* ConfigurationError */.j1(`Input 'trivy-checksum' says ${archive} has sha256 ${given}, but ecr-build-push pins ${pinned} for Trivy ${pinnedTrivy.version}. Remove 'trivy-checksum' (the default release is already verified) or check where your value came from.`);
        }
        return { archive, sha256: pinned, source: 'pinned in ecr-build-push' };
    }
    if (given === undefined) {
        throw new errors/* ConfigurationError */.j1(request.checksum.kind === 'lines'
            ? `Input 'trivy-checksum' has no line for ${archive}, the archive this runner installs for 'trivy-version: ${request.version}'. Add its sha256 (see docs/signing.md for how to get one you can trust).`
            : `Input 'trivy-version' is '${request.version}', which is not the release ecr-build-push pins (${pinnedTrivy.version}): set 'trivy-checksum' to the sha256 of ${archive} (see docs/signing.md for how to get one you can trust), or use the default release.`);
    }
    return { archive, sha256: given, source: "input 'trivy-checksum'" };
}
/**
 * The Trivy release from the tool cache, or downloaded, verified against the pinned sha256 (or `trivy-checksum`),
 * extracted and cached; every cache hit is verified again. Returns the path of the `trivy` binary.
 */
async function installTrivy(request) {
    const { version, checksum = { kind: 'none' }, baseUrl = 'https://github.com', platform = process.platform, arch = process.arch } = request;
    const expected = expectedTrivyChecksum({ version, checksum, platform, arch });
    const url = `${baseUrl.replace(/\/$/, '')}/aquasecurity/trivy/releases/download/v${version}/${expected.archive}`;
    return installVerified({
        name: 'trivy',
        version,
        arch,
        url,
        asset: expected.archive,
        sha256: expected.sha256,
        checksumSource: expected.source,
        executable: { from: 'tar.gz', name: 'trivy' },
        missingRelease: (missing) => new errors/* ConfigurationError */.j1(`Input 'trivy-version' is '${version}': ${missing} does not exist. Pick a release listed at https://github.com/aquasecurity/trivy/releases.`)
    }, request.log);
}

;// CONCATENATED MODULE: ./src/config/vex.ts




/** Which VEX format a parsed JSON document is, as Trivy tells them apart; undefined for anything else. */
function vexFormatOf(document) {
    if (!document || typeof document !== 'object')
        return undefined;
    const fields = document;
    const context = fields['@context'];
    if (typeof context === 'string' && context.startsWith('https://openvex.dev/ns'))
        return 'OpenVEX';
    const csaf = fields.document;
    if (csaf && typeof csaf === 'object' && csaf.category === 'csaf_vex')
        return 'CSAF';
    if (fields.bomFormat === 'CycloneDX')
        return 'CycloneDX';
    return undefined;
}
/**
 * Checks that `text` is a VEX document Trivy applies to images; `where` names it in the error (the input's
 * line and the file or URL).
 */
function checkVexDocument(text, where) {
    let document;
    try {
        document = JSON.parse(text);
    }
    catch (error) {
        throw new errors/* ConfigurationError */.j1(`${where} is not JSON (${error.message}): expected an OpenVEX or CSAF VEX document.`);
    }
    const format = vexFormatOf(document);
    if (format === 'CycloneDX') {
        throw new errors/* ConfigurationError */.j1(`${where} is a CycloneDX VEX document, which Trivy applies to SBOM scans only, not to images: use OpenVEX or CSAF VEX.`);
    }
    if (!format) {
        throw new errors/* ConfigurationError */.j1(`${where} is neither an OpenVEX document ("@context": "https://openvex.dev/ns/…") nor a CSAF VEX document ("document": {"category": "csaf_vex"}).`);
    }
    return format;
}
/**
 * `vex`, one document per line: a path (workspace-relative, checked and read now) or an https URL, which is
 * only accepted with `vex-url: true` and is downloaded with the scan.
 */
function parseVexSources(raw, roots, urlsAllowed) {
    return numberedLines(raw, 'vex').map(({ line, text }) => {
        if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
            if (!/^https:\/\/[^\s/]+/i.test(text)) {
                throw new errors/* ConfigurationError */.j1(`Line ${line} of 'vex' is '${text}': a VEX document is downloaded over https only.`);
            }
            if (!urlsAllowed) {
                throw new errors/* ConfigurationError */.j1(`Line ${line} of 'vex' is the URL '${text}', but 'vex-url' is false: a document from elsewhere decides what blocks the image. Set 'vex-url: true' to allow it, or commit the document and name its path.`);
            }
            return { kind: 'url', url: text, line };
        }
        const file = allowedPath('vex', text, roots, 'file', line);
        const document = (0,external_node_fs_.readFileSync)(file, 'utf8');
        checkVexDocument(document, `Line ${line} of 'vex' (${text})`);
        return { kind: 'file', path: file, text: document, line };
    });
}

;// CONCATENATED MODULE: ./src/config/scan.ts








const defaultTrivyVersion = pinnedTrivy.version;
/** `--pkg-types` (Trivy 0.51) is the oldest flag the plan relies on. */
const minimumTrivyVersion = '0.51.0';
/** Trivy reads `--vex` more than once from 0.54 on; older releases keep the last one only. */
const severalVexTrivyVersion = '0.54.0';
const scannerNames = ['vuln', 'secret', 'misconfig'];
const pkgTypeNames = ['os', 'library'];
const failOnValues = [...severities, 'none'];
const dbRepositoryPattern = /^[a-z0-9][a-z0-9.-]*(?::\d+)?(?:\/[a-z0-9._-]+)+(?::[A-Za-z0-9_.-]+)?$/;
function parseTrivyChecksum(raw) {
    const value = (raw['trivy-checksum'] ?? '').trim();
    if (value === '')
        return { kind: 'none' };
    if (/^[0-9a-f]{64}$/i.test(value))
        return { kind: 'sha256', sha256: value.toLowerCase() };
    const lines = value.split('\n').map((line) => line.trim());
    const bad = lines.findIndex((line) => line !== '' && !/^[0-9a-f]{64}\s+\*?\S+$/i.test(line));
    if (bad >= 0) {
        throw new errors/* ConfigurationError */.j1(`Input 'trivy-checksum' line ${bad + 1} is '${lines[bad]}': expected the sha256 of this runner's Trivy archive (64 hex digits), or lines '<sha256>  trivy_<version>_<os>-<arch>.tar.gz' as in the release's checksums file.`);
    }
    return { kind: 'lines', text: value };
}
/** A list input of known values, returned in the order of `allowed` without repeats. */
function listOf(raw, name, allowed, fallback) {
    const items = parseList(raw[name] ?? '', `Input '${name}'`);
    if (items.length === 0)
        return fallback;
    const chosen = items.map((item) => {
        const found = allowed.find((option) => option.toLowerCase() === item.toLowerCase());
        if (!found) {
            throw new errors/* ConfigurationError */.j1(`Input '${name}' has '${item}': expected a comma-separated list of ${allowed.map((a) => `'${a}'`).join(', ')}.`);
        }
        return found;
    });
    return allowed.filter((option) => chosen.includes(option));
}
function failOn(raw) {
    const value = values_text(raw, 'fail-on');
    if (value === '')
        return 'CRITICAL';
    const found = failOnValues.find((option) => option.toLowerCase() === value.toLowerCase());
    if (!found) {
        throw new errors/* ConfigurationError */.j1(`Input 'fail-on' is '${value}': expected one severity (${failOnValues.join(', ')}); findings at or above it block the image.`);
    }
    return found;
}
function trivyVersion(raw) {
    const value = values_text(raw, 'trivy-version');
    if (value === '')
        return defaultTrivyVersion;
    const version = semver_default().valid(value.replace(/^v/, ''));
    if (!version || semver_default().lt(version, minimumTrivyVersion)) {
        throw new errors/* ConfigurationError */.j1(`Input 'trivy-version' is '${value}': expected a Trivy release version such as '${defaultTrivyVersion}' (${minimumTrivyVersion} or later).`);
    }
    return version;
}
function ignoreFiles(raw, roots) {
    const files = parseList(raw.trivyignores ?? '', `Input 'trivyignores'`).map((file) => allowedPath('trivyignores', file, roots, 'file'));
    if (files.length > 1 && files.some((file) => /\.ya?ml$/.test(file))) {
        throw new errors/* ConfigurationError */.j1(`Input 'trivyignores' mixes a YAML ignore file with others: Trivy reads one ignore file, so a .trivyignore.yaml must be the only one.`);
    }
    return files;
}
function dbRepositories(raw) {
    const repositories = parseList(raw['trivy-db-repository'] ?? '', `Input 'trivy-db-repository'`);
    const bad = repositories.find((repository) => !dbRepositoryPattern.test(repository));
    if (bad !== undefined) {
        throw new errors/* ConfigurationError */.j1(`Input 'trivy-db-repository' has '${bad}': expected OCI repositories without a scheme, e.g. 'public.ecr.aws/aquasecurity/trivy-db:2'.`);
    }
    return repositories;
}
function vexSources(raw, roots, version) {
    const sources = parseVexSources(raw, roots, bool(raw, 'vex-url', false));
    if (sources.length > 1 && semver_default().lt(version, severalVexTrivyVersion)) {
        throw new errors/* ConfigurationError */.j1(`Input 'vex' names ${sources.length} documents, but Trivy ${version} reads only the last '--vex': use one document, or 'trivy-version' ${severalVexTrivyVersion} or later.`);
    }
    return sources;
}
/** Parses the scan inputs; relative paths are read from the workspace. */
function parseScanConfig(raw, roots) {
    const version = trivyVersion(raw);
    const checksum = parseTrivyChecksum(raw);
    const failOnNew = bool(raw, 'fail-on-new', false);
    const vex = vexSources(raw, roots, version);
    const skipSetupTrivy = bool(raw, 'skip-setup-trivy', false);
    // Before the build: a release without a sha256 to check it against is refused now, not after.
    if (!skipSetupTrivy)
        expectedTrivyChecksum({ version, checksum, platform: process.platform, arch: process.arch });
    return {
        trivyVersion: version,
        trivyChecksum: checksum,
        skipSetupTrivy,
        dbRepositories: dbRepositories(raw),
        severity: listOf(raw, 'severity', severities, [...severities]),
        failOn: failOn(raw),
        ...(failOnNew ? { failOnNew } : {}),
        ...(vex.length > 0 ? { vex } : {}),
        ignoreUnfixed: bool(raw, 'ignore-unfixed', false),
        ignoreFiles: ignoreFiles(raw, roots),
        scanners: listOf(raw, 'scanners', scannerNames, ['vuln']),
        pkgTypes: listOf(raw, 'pkg-types', pkgTypeNames, ['os', 'library']),
        sarifUpload: bool(raw, 'sarif-upload', true),
        sarifCategory: values_text(raw, 'sarif-category'),
        keepBlocked: bool(raw, 'keep-blocked', false),
        listAllPackages: false
    };
}

;// CONCATENATED MODULE: ./src/config/sign.ts



const attestationKinds = ['provenance', 'sbom', 'vuln'];
const sbomFormats = {
    cyclonedx: 'cyclonedx',
    spdx: 'spdxjson',
    spdxjson: 'spdxjson'
};
function signMode(raw) {
    const value = values_text(raw, 'sign').toLowerCase();
    if (value === '' || value === 'auto')
        return 'auto';
    if (value === 'true' || value === 'false')
        return value;
    throw new errors/* ConfigurationError */.j1(`Input 'sign' is '${value}': expected 'auto', 'true' or 'false'.`);
}
function signKey(raw) {
    const key = (raw['sign-key'] ?? '').trim();
    if (key === '')
        return '';
    // Never quote the value: it is a secret.
    if (!/^-----BEGIN [A-Z ]*PRIVATE KEY-----\n[\s\S]+\n-----END [A-Z ]*PRIVATE KEY-----$/.test(key.replace(/\r\n/g, '\n'))) {
        throw new errors/* ConfigurationError */.j1("Input 'sign-key' is not a PEM private key: expected the contents of the cosign.key file that 'cosign generate-key-pair' writes (-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY----- ...), e.g. from a secret.");
    }
    return `${key.replace(/\r\n/g, '\n')}\n`;
}
function attest(raw) {
    const items = parseList(raw.attest ?? '', `Input 'attest'`);
    if (items.length === 0)
        return { kinds: ['provenance', 'vuln'], sbomFormat: 'cyclonedx' };
    if (items.length === 1 && items[0].toLowerCase() === 'none')
        return { kinds: [], sbomFormat: 'cyclonedx' };
    let sbomFormat = 'cyclonedx';
    const chosen = items.map((item) => {
        const [name, format] = item.toLowerCase().split('=', 2);
        const kind = attestationKinds.find((option) => option === name);
        if (!kind || (format !== undefined && (kind !== 'sbom' || !sbomFormats[format]))) {
            throw new errors/* ConfigurationError */.j1(`Input 'attest' has '${item}': expected a comma-separated list of 'provenance', 'sbom' (or 'sbom=cyclonedx', 'sbom=spdx') and 'vuln', or 'none'.`);
        }
        if (format !== undefined)
            sbomFormat = sbomFormats[format];
        return kind;
    });
    return { kinds: attestationKinds.filter((kind) => chosen.includes(kind)), sbomFormat };
}
/**
 * Parses the signing inputs once, before anything is built: a `sign: true` that cannot sign, a password without a
 * key or attestations without signing are configuration errors here, not failures after the push.
 * `env` tells whether the job can mint an OIDC token (the runner sets ACTIONS_ID_TOKEN_REQUEST_URL only with
 * `permissions: id-token: write`).
 */
function parseSignInputs(raw, env = process.env) {
    const mode = signMode(raw);
    const key = signKey(raw);
    const password = raw['sign-key-password'] ?? '';
    const canMintToken = Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL);
    const attestations = attest(raw);
    const skipSetup = bool(raw, 'skip-setup-cosign', false);
    const transparencyLog = bool(raw, 'transparency-log', true);
    if (password !== '' && key === '') {
        throw new errors/* ConfigurationError */.j1("Input 'sign-key-password' is set without 'sign-key': it is the password of that key.");
    }
    if (mode === 'true' && key === '' && !canMintToken) {
        throw new errors/* ConfigurationError */.j1("Input 'sign' is 'true', but this job has no way to sign: it cannot mint an OIDC token for keyless signing (add 'permissions: id-token: write' to the job; forks and Dependabot never get one) and 'sign-key' is empty (a cosign private key, from a secret, for runners without OIDC).");
    }
    if (mode === 'false' && key !== '') {
        throw new errors/* ConfigurationError */.j1("Input 'sign-key' is set, but 'sign' is 'false': remove one of them.");
    }
    const sign = mode === 'true' || (mode === 'auto' && (key !== '' || canMintToken));
    if (sign && !transparencyLog && key === '') {
        throw new errors/* ConfigurationError */.j1("Input 'transparency-log' is 'false', but the image is signed keyless: a keyless signature is only trustworthy with its transparency log entry. Sign with 'sign-key' to go without the log.");
    }
    if (!sign && (raw.attest ?? '').trim() !== '' && attestations.kinds.length > 0) {
        throw new errors/* ConfigurationError */.j1(`Input 'attest' is '${values_text(raw, 'attest')}', but nothing is signed (${mode === 'false' ? "'sign' is 'false'" : "'sign: auto' found neither an OIDC token permission nor 'sign-key'"}): attestations are signed the same way as the image, so they need signing.`);
    }
    return {
        sign,
        ...(sign ? { method: key !== '' ? 'key' : 'keyless' } : {}),
        'sign-key': key,
        'sign-key-password': password,
        attest: sign ? attestations.kinds : [],
        sbomFormat: attestations.sbomFormat,
        'skip-setup-cosign': skipSetup,
        'transparency-log': transparencyLog
    };
}

;// CONCATENATED MODULE: ./src/config/config.ts













const regionPattern = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const accountIdPattern = /^\d{12}$/;
/** Only a push talks to ECR, so only a push needs a region. */
function region(raw, env, push) {
    const value = values_text(raw, 'aws-region') || env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
    if (value === '' && !push)
        return '';
    if (value === '') {
        throw new errors/* ConfigurationError */.j1(`Input 'aws-region' is empty and neither AWS_REGION nor AWS_DEFAULT_REGION is set: set 'aws-region' (e.g. us-east-1) or run aws-actions/configure-aws-credentials first.`);
    }
    if (!regionPattern.test(value)) {
        throw new errors/* ConfigurationError */.j1(`Input 'aws-region' is '${value}': expected an AWS region such as 'us-east-1'.`);
    }
    return value;
}
function registryIds(raw) {
    const ids = parseList(raw['registry-ids'] ?? '', `Input 'registry-ids'`);
    const bad = ids.find((id) => !accountIdPattern.test(id));
    if (bad !== undefined) {
        throw new errors/* ConfigurationError */.j1(`Input 'registry-ids' has '${bad}': expected 12-digit AWS account ids.`);
    }
    const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
    if (repeated !== undefined) {
        throw new errors/* ConfigurationError */.j1(`Input 'registry-ids' names ${repeated} twice: list each account once.`);
    }
    return ids;
}
/** Rule lines keep their quotes: parseTagRules reads quoted fields (e.g. a `match=` regex with commas). */
function lines(value) {
    return (value ?? '').split(/\r?\n/).filter((line) => line.trim() !== '');
}
/**
 * Every value a run must never print, from the raw inputs: each line of `secrets` and its value, the
 * token, the signing key (whole and line by line) and its password. Masked before anything is parsed, so
 * not even an error about them can show one.
 */
function secretValues(raw) {
    const secretLines = (raw.secrets ?? '').split(/\r?\n/).map((line) => line.trim());
    const values = secretLines.flatMap((line) => {
        // What follows the first '=', as written and trimmed; a line without one is all value.
        const value = line.slice(line.indexOf('=') + 1);
        return [line, value.trim(), value];
    });
    const key = (raw['sign-key'] ?? '').split(/\r?\n/).map((line) => line.trim());
    const others = [raw['github-token'], raw['sign-key'], raw['sign-key-password']].map((value) => (value ?? '').trim());
    return [...new Set([...values, ...key, ...others].filter((value) => value.length >= 1))];
}
/** Parses and checks every input and the Dockerfile; throws ConfigurationError on the first mistake. */
function parseConfig(raw, { env, context }) {
    for (const [name, value] of Object.entries(raw))
        checkRawInput(name, value);
    const roots = { workspace: context.workspace, runnerTemp: env.RUNNER_TEMP };
    const requests = targetRequests(raw);
    const sign = parseSignInputs(raw, env);
    // The signed provenance referrer replaces buildx's unknown/unknown attestation manifest (docs/signing.md),
    // unless the 'provenance' input asks buildx for its own, which is then the one attested.
    const parsedBuild = parseBuildConfig(raw, roots);
    const build = parsedBuild.provenance === '' && sign.attest.includes('provenance')
        ? { ...parsedBuild, provenance: 'false' }
        : parsedBuild;
    const dockerfile = readDockerfile(build.file, build.filePath, context.workspace);
    const scan = { ...parseScanConfig(raw, roots), listAllPackages: sign.attest.includes('sbom') };
    const config = {
        images: resolveImages(requests, dockerfile, build.file),
        gate: oneOf(raw, 'gate', ['atomic', 'per-target'], 'atomic'),
        aws: {
            region: region(raw, env, build.push),
            registryIds: registryIds(raw),
            createRepository: bool(raw, 'create-repository', false),
            tagMutability: oneOf(raw, 'image-tag-mutability', ['MUTABLE', 'IMMUTABLE'], 'MUTABLE')
        },
        build,
        dockerfile,
        cache: parseCacheConfig(raw),
        tags: {
            rules: parseTagRules(lines(raw.tags)),
            flavor: parseFlavor(lines(raw.flavor)),
            shaSource: oneOf(raw, 'sha-source', ['head', 'merge'], 'head')
        },
        ...(bool(raw, 'scan', true) ? { scan } : {}),
        report: parseReportConfig(raw),
        checks: parseDockerfileChecksInputs(raw),
        sign,
        dryRun: bool(raw, 'dry-run', false),
        githubToken: values_text(raw, 'github-token')
    };
    checkCombinations(config, scan);
    return config;
}

;// CONCATENATED MODULE: ./src/config/platforms.ts

/**
 * Rules that need the daemon's facts, checked before the build: the daemon's own builder holds an image of
 * several platforms only in the containerd image store.
 */
function checkPlatformSupport(config, daemon) {
    const { build } = config;
    if (build.driver === 'docker' && daemon.imageStore === 'classic' && build.platforms.length > 1) {
        throw new errors/* ConfigurationError */.j1(`Input 'platforms' has ${build.platforms.length} platforms, but 'driver: docker' on a daemon with the classic image store (overlay2) holds one platform per image. Use 'driver: docker-container' (the default), enable Docker's containerd image store, or build one platform.`);
    }
}

;// CONCATENATED MODULE: ./src/ecr/login.ts
/** Decodes `authorizationToken` (base64 `user:password`) and strips the scheme from `proxyEndpoint`. */
function decodeAuthorization(data) {
    if (!data.authorizationToken || !data.proxyEndpoint) {
        throw new Error('GetAuthorizationToken returned no token or no proxy endpoint');
    }
    const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
    const at = decoded.indexOf(':');
    if (at <= 0)
        throw new Error('GetAuthorizationToken returned a token that is not user:password');
    return {
        registry: new URL(data.proxyEndpoint).host,
        username: decoded.slice(0, at),
        password: decoded.slice(at + 1),
        ...(data.expiresAt ? { expiresAt: data.expiresAt } : {})
    };
}
function authorizationsOf(response) {
    const data = response.authorizationData ?? [];
    if (data.length === 0)
        throw new Error('GetAuthorizationToken returned no authorization data');
    return data.map(decodeAuthorization);
}
/** `docker login` for one registry, the password on stdin. */
function planLogin(authorization) {
    return {
        tool: 'docker',
        args: ['login', '--username', authorization.username, '--password-stdin', authorization.registry],
        stdin: { text: authorization.password, secret: true }
    };
}
function planLogout(registry) {
    return { tool: 'docker', args: ['logout', registry] };
}

;// CONCATENATED MODULE: ./src/ecr/repository.ts
function describeRepository(name, registryId) {
    return {
        operation: 'DescribeRepositories',
        input: { ...(registryId ? { registryId } : {}), repositoryNames: [name] }
    };
}
function repositoryFacts(name, response, registryId) {
    const repository = response.repositories?.[0];
    return {
        name,
        registryId: repository?.registryId ?? registryId,
        tagMutability: repository?.imageTagMutability?.startsWith('IMMUTABLE') ? 'IMMUTABLE' : 'MUTABLE',
        exists: true
    };
}
/** CreateRepository with scan-on-push and the chosen tag mutability. */
function planCreateRepository(name, tagMutability, registryId) {
    return {
        operation: 'CreateRepository',
        input: {
            ...(registryId ? { registryId } : {}),
            repositoryName: name,
            imageTagMutability: tagMutability,
            imageScanningConfiguration: { scanOnPush: true }
        }
    };
}

;// CONCATENATED MODULE: ./src/ecr/connect.ts



function missingRepository(image, several, registryId) {
    const where = several ? `Input 'targets' sends '${image.stage.name}' to` : `Input 'repository' is`;
    return new errors/* ConfigurationError */.j1(`${where} '${image.repository}': no such ECR repository${registryId ? ` in registry ${registryId}` : ''}. Create it, or set 'create-repository: true'.`);
}
/**
 * Credentials and each target's repository in one round trip. Both are reads, so they run in a dry run
 * too; a repository that must be created comes back with `exists: false` for `createRepositories`.
 */
async function connectEcr(probe, images, aws) {
    const registryId = aws.registryIds[0];
    const [token, ...found] = await Promise.all([
        probe.ecr({
            operation: 'GetAuthorizationToken',
            input: aws.registryIds.length > 0 ? { registryIds: aws.registryIds } : {}
        }),
        ...images.map(async (image) => {
            try {
                return repositoryFacts(image.repository, await probe.ecr(describeRepository(image.repository, registryId)), registryId);
            }
            catch (error) {
                if (!(error instanceof errors/* ServiceError */._7) || error.code !== 'RepositoryNotFoundException')
                    throw error;
                if (!aws.createRepository)
                    throw missingRepository(image, images.length > 1, registryId);
                return { name: image.repository, registryId, tagMutability: aws.tagMutability, exists: false };
            }
        })
    ]);
    const authorizations = authorizationsOf(token);
    return {
        authorizations,
        registry: authorizations[0].registry,
        repositories: new Map(found.map((repository) => [repository.name, repository]))
    };
}
/** Creates the repositories that do not exist; one created meanwhile by a concurrent job is just as good. */
async function createRepositories(runner, probe, connection, aws) {
    const missing = [...connection.repositories.values()].filter((repository) => !repository.exists);
    const created = await Promise.all(missing.map(async (repository) => {
        try {
            await runner.ecr(planCreateRepository(repository.name, aws.tagMutability, repository.registryId));
            return { ...repository, exists: true };
        }
        catch (error) {
            if (!(error instanceof errors/* ServiceError */._7) || error.code !== 'RepositoryAlreadyExistsException')
                throw error;
            const response = await probe.ecr(describeRepository(repository.name, repository.registryId));
            return repositoryFacts(repository.name, response, repository.registryId);
        }
    }));
    return {
        ...connection,
        repositories: new Map([...connection.repositories, ...created.map((r) => [r.name, r])])
    };
}

;// CONCATENATED MODULE: ./src/ecr/registries.ts





const dockerHub = 'docker.io';
const dockerHubAliases = ['index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'];
/** A registry host as docker compares them: no scheme or path, Docker Hub under one name. */
function normalHost(host) {
    const bare = host
        .replace(/^[a-z]+:\/\//i, '')
        .split('/')[0]
        .toLowerCase();
    return dockerHubAliases.includes(bare) ? dockerHub : bare;
}
/** The registry a reference names, by docker's rule: a first part with `.` or `:`, or `localhost`; else Docker Hub. */
function registryOf(reference) {
    const slash = reference.indexOf('/');
    const first = slash < 0 ? '' : reference.slice(0, slash);
    return /[.:]/.test(first) || first === 'localhost' ? normalHost(first) : dockerHub;
}
/**
 * The registries docker already has credentials for from earlier steps (docker/login-action, a credential
 * helper): the keys of `auths` and `credHelpers` in its config file. Empty when there is none.
 */
async function dockerLogins(env) {
    const dir = env.DOCKER_CONFIG || external_node_path_.join(env.HOME || external_node_os_.homedir(), '.docker');
    try {
        const config = JSON.parse(await (0,promises_.readFile)(external_node_path_.join(dir, 'config.json'), 'utf8'));
        return [...Object.keys(config.auths ?? {}), ...Object.keys(config.credHelpers ?? {})].map(normalHost);
    }
    catch {
        return [];
    }
}
/**
 * A full `cache-ref` must name a registry buildx can authenticate to: one this step logs in to, or one docker
 * already has credentials for. Otherwise every cache read and write would fail, quietly (`ignore-error`).
 */
function checkCacheRegistry(ref, registries) {
    if (ref === '' || !isFullReference(ref))
        return;
    const registry = registryOf(ref);
    const known = [...registries.ecr, ...registries.docker].map(normalHost);
    if (known.includes(registry))
        return;
    const loggedIn = registries.ecr.length > 0
        ? `it logs in to ${registries.ecr.join(', ')} only`
        : `it logs in to no registry ('push: false')`;
    throw new errors/* ConfigurationError */.j1(`Input 'cache-ref' is '${ref}', in the registry ${registry}, which this step cannot write to: ${loggedIn}, and docker has no credentials for ${registry} from an earlier step. Use a tag (the cache then goes to 'cache-repository', or the image's repository), a reference in a registry the step logs in to (add its account to 'registry-ids'), or log in to ${registry} in an earlier step (docker/login-action).`);
}

;// CONCATENATED MODULE: ./src/github/branches.ts
/**
 * The repository's branches that could get the same tag as `branch`: those sharing its name up to the first
 * character a tag cannot hold as it is (`feat/a` and `feat-a` both start `feat`). One `matching-refs` call, and
 * none for a name made only of tag characters, which no other branch can collide with. Never throws: a run
 * that cannot ask just does not warn.
 */
async function fetchBranchesLike(probe, log, context, branch) {
    const stem = /^[A-Za-z0-9_.]*/.exec(branch)?.[0] ?? '';
    const [owner, repo] = context.repository.split('/');
    if (stem === '' || stem === branch || !owner || !repo)
        return [];
    try {
        const { data } = await probe.github({
            route: 'GET /repos/{owner}/{repo}/git/matching-refs/{ref}',
            parameters: { owner, repo, ref: `heads/${stem}` }
        });
        return Array.isArray(data)
            ? data.map((item) => item.ref.replace(/^refs\/heads\//, '')).filter((name) => name !== branch)
            : [];
    }
    catch (error) {
        log.debug(`Could not list the branches like ${branch}: ${error.message}`);
        return [];
    }
}

;// CONCATENATED MODULE: ./src/github/repository.ts
/** GET /repos/{owner}/{repo}; undefined with a warning on any failure, never throws: labels fall back to the payload. */
async function fetchRepositoryMetadata(probe, log, token, context) {
    const [owner, repo] = context.repository.split('/');
    if (!token || !owner || !repo)
        return undefined;
    try {
        const { data } = await probe.github({
            route: 'GET /repos/{owner}/{repo}',
            parameters: { owner, repo }
        });
        return {
            name: data.name,
            description: data.description ?? '',
            htmlUrl: data.html_url,
            defaultBranch: data.default_branch,
            license: data.license?.spdx_id ?? ''
        };
    }
    catch (error) {
        log.warning(`Could not read ${owner}/${repo} from the GitHub API (${error.message}); the image labels use the event payload instead.`);
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/meta/run-tags.ts






/** The tag rules applied to this run; an empty result is refused before anything is built or pushed. */
function runMeta(request) {
    const { context, now, metadata } = request;
    const input = {
        rules: request.tags.rules,
        flavor: request.tags.flavor,
        userLabels: request.labels,
        shaSource: request.tags.shaSource,
        ...(metadata ? { repositoryMetadata: metadata } : {}),
        ...(request.commitDate ? { commitDate: request.commitDate } : {})
    };
    const meta = computeMeta({ ...input, ...(request.created ? { created: request.created } : {}) }, context, now);
    if (meta.tags.length === 0 && request.needsTag) {
        throw new errors/* ConfigurationError */.j1(`Input 'tags' produced no tag for this ${context.eventName || 'run'} event: add a rule that applies (e.g. 'type=sha'), or leave 'tags' empty for the defaults.`);
    }
    const defaultName = defaultBranch(context) ?? metadata?.defaultBranch;
    const previousTags = [
        stableTags(input, context, now)[0],
        defaultName ? baseBranchTag(input, context, defaultName, now) : undefined
    ].filter((tag) => Boolean(tag));
    const baseRef = pullRequestOf(context)?.baseRef;
    const baseTag = baseRef ? baseBranchTag(input, context, baseRef, now) : undefined;
    const branch = context.ref.replace(/^refs\/heads\//, '');
    const collisions = request.otherBranches?.length
        ? collidingBranches(branch, request.otherBranches, (name) => {
            const named = sanitizeTag(name).toLowerCase();
            return stableTags(input, { ...context, ref: `refs/heads/${name}` }, now).filter((tag) => tag.toLowerCase().includes(named));
        })
        : [];
    const warnings = collisions.map(({ tag, branches }) => `Branch '${branch}' gets the tag '${tag}', and so ${branches.length === 1 ? 'does' : 'do'} ${branches.map((name) => `'${name}'`).join(', ')}: a push to either overwrites the other's image. Rename one, or tell them apart with a tag of your own rules.`);
    return {
        ...meta,
        warnings: [...meta.warnings, ...warnings],
        previousTags: [...new Set(previousTags)],
        ...(baseTag ? { baseTag } : {})
    };
}

;// CONCATENATED MODULE: ./src/report/build-steps.ts
/** "3 of 5 build steps from cache" */
function cacheReportLine(stats) {
    return `${stats.cached} of ${stats.steps} build ${stats.steps === 1 ? 'step' : 'steps'} from cache`;
}
function escapeHtml(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '&#124;');
}
const summaryNameLength = 100;
/** The slowest uncached steps as a markdown table; '' when every step came from cache. */
function slowestStepsMarkdown(stats) {
    if (stats.slowest.length === 0)
        return '';
    const rows = stats.slowest.map((step) => {
        const name = step.name.length > summaryNameLength ? `${step.name.slice(0, summaryNameLength - 1)}…` : step.name;
        return `| <code>${escapeHtml(name)}</code> | ${step.seconds.toFixed(1)}s |`;
    });
    return ['', '**Slowest uncached steps**', '', '| Step | Time |', '| --- | ---: |', ...rows, ''].join('\n');
}

;// CONCATENATED MODULE: ./src/outcome.ts

/** The references pushed: what the release wrote (in a dry run, what it would write); none without a push. */
function pushedTags(outcome, run) {
    if (!run.push)
        return [];
    if (run.dryRun)
        return outcome.plan.tags;
    return outcome.release?.written ?? [];
}
/** Outputs: `images` for every target; the single-image outputs describe the first target. */
function setOutputs(log, outcomes, meta, registry, run) {
    const { dryRun } = run;
    const [first] = outcomes;
    log.setOutput('registry', registry);
    log.setOutput('image', first.plan.image);
    log.setOutput('tags', pushedTags(first, run).join('\n'));
    log.setOutput('version', meta.version);
    log.setOutput('labels', Object.entries(meta.labels)
        .map(([key, value]) => `${key}=${value}`)
        .join('\n'));
    log.setOutput('json', JSON.stringify(meta.json));
    if (first.release?.digest && !dryRun)
        log.setOutput('digest', first.release.digest);
    if (!dryRun) {
        log.setOutput('imageid', first.built.imageId);
        log.setOutput('metadata', JSON.stringify(first.built.metadata));
    }
    if (first.signed?.signature)
        log.setOutput('signature', first.signed.signature);
    if (first.signed)
        log.setOutput('attestations', JSON.stringify(first.signed.attestations));
    if (first.gate && !dryRun) {
        log.setOutput('vulnerabilities', JSON.stringify(first.gate.counts));
        log.setOutput('scan-report', first.gate.scans.map((scan) => scan.reportPath).join('\n'));
        log.setOutput('sarif-file', first.gate.scans.map((scan) => scan.sarifPath).join('\n'));
    }
    log.setOutput('images', JSON.stringify(outcomes.map((outcome) => ({
        stage: outcome.plan.spec.stage.name,
        repository: outcome.plan.spec.repository,
        image: outcome.plan.image,
        digest: dryRun ? null : (outcome.release?.digest ?? null),
        tags: pushedTags(outcome, run),
        vulnerabilities: outcome.gate && !dryRun ? outcome.gate.counts : null,
        ...(outcome.gate?.blocked ? { blocked: outcome.gate.blocked } : {}),
        ...(outcome.heldBackBy ? { heldBackBy: outcome.heldBackBy } : {}),
        ...(outcome.release?.failed.length ? { failedTags: outcome.release.failed } : {}),
        ...(outcome.release?.problem ? { error: outcome.release.problem } : {})
    }))));
}
/**
 * One error for the step: what the gate blocked, what it held back, exactly which tags were not written, and
 * which tagged images could not be signed.
 */
function failIfAnyHeldBack(outcomes) {
    const several = outcomes.length > 1;
    const named = (outcome) => several ? `${outcome.plan.spec.stage.name} (${outcome.plan.spec.repository}): ` : '';
    // Signing comes after the tags: an image that was asked to be signed and is not fails the step all the same.
    const unsigned = outcomes
        .filter((outcome) => outcome.signError)
        .map((outcome) => `${named(outcome)}${several ? 'the' : 'The'} tags were pushed, but signing failed: ${outcome.signError}`);
    const blocked = outcomes.filter((outcome) => outcome.gate?.blocked);
    if (blocked.length > 0) {
        const subject = several ? ` for ${blocked.map((outcome) => outcome.plan.spec.stage.name).join(', ')}` : '';
        const heldBack = outcomes
            .filter((outcome) => outcome.heldBackBy)
            .map((outcome) => outcome.plan.spec.stage.name);
        const held = heldBack.length > 0 ? `\nHeld back with them (gate: atomic): ${heldBack.join(', ')}.` : '';
        const released = outcomes.filter((outcome) => (outcome.release?.written.length ?? 0) > 0);
        const tagged = released.length > 0
            ? `\nTagged anyway (gate: per-target): ${released.map((outcome) => outcome.plan.spec.stage.name).join(', ')}.`
            : '';
        const reasons = blocked.map((outcome) => `${named(outcome)}${outcome.gate?.blocked}`).join('\n');
        const notSigned = unsigned.map((line) => `\n${line}`).join('');
        throw new errors/* GateError */.ue(`No tag was pushed${subject}: ${reasons}${held}${tagged}${notSigned}`);
    }
    const problems = outcomes.flatMap((outcome) => {
        const release = outcome.release;
        if (!release)
            return [];
        const lines = [];
        if (release.problem)
            lines.push(`${named(outcome)}${release.problem}`);
        if (release.failed.length > 0) {
            const written = release.written.length > 0 ? `written: ${release.written.join(', ')}` : 'no tag was written';
            const failed = release.failed.map((failure) => `${failure.tag} (${failure.error})`).join('; ');
            lines.push(`${named(outcome)}${release.failed.length} of ${release.failed.length + release.written.length} tags could not be written: ${failed}. ${written[0].toUpperCase()}${written.slice(1)}.`);
        }
        if (release.loadError)
            lines.push(`${named(outcome)}the tags were pushed, but loading them into the Docker daemon ('load: true') failed: ${release.loadError}`);
        return lines;
    });
    if (problems.length > 0)
        throw new errors/* ServiceError */._7([...problems, ...unsigned].join('\n'), 'ReleaseFailed');
    if (unsigned.length > 0)
        throw new errors/* ServiceError */._7(unsigned.join('\n'), 'SigningFailed');
}

;// CONCATENATED MODULE: ./src/release/manifests.ts
/** Every manifest type ECR stores, so BatchGetImage returns the manifest as it was pushed. */
const manifestMediaTypes = [
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json'
];
/** BatchGetImage of one image by digest or tag. */
function planGetImage(ref, id) {
    return {
        operation: 'BatchGetImage',
        input: {
            ...(ref.registryId ? { registryId: ref.registryId } : {}),
            repositoryName: ref.repository,
            imageIds: [id],
            acceptedMediaTypes: manifestMediaTypes
        }
    };
}
/** The manifest BatchGetImage returned; undefined when ECR has no such image. */
function storedManifest(response) {
    const image = response.images?.[0];
    if (!image?.imageManifest)
        return undefined;
    return {
        digest: image.imageId?.imageDigest ?? '',
        manifest: image.imageManifest,
        ...(image.imageManifestMediaType ? { mediaType: image.imageManifestMediaType } : {})
    };
}
/** The image platforms an index lists, without buildx's attestation manifests (`unknown/unknown`). */
function indexPlatforms(manifest) {
    const parsed = JSON.parse(manifest);
    if (!parsed.manifests)
        return undefined;
    return parsed.manifests.flatMap(({ digest, platform }) => platform?.os && platform.os !== 'unknown' && platform.architecture
        ? [
            {
                platform: [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/'),
                digest
            }
        ]
        : []);
}
/** Every manifest an index names (platform images and attestations); empty for a single manifest. */
function childDigests(manifest) {
    return (JSON.parse(manifest).manifests ?? []).map((entry) => entry.digest);
}
function configDigest(manifest) {
    return JSON.parse(manifest).config?.digest;
}
function manifestLayers(manifest) {
    return JSON.parse(manifest).layers?.map((layer) => ({
        digest: layer.digest,
        size: layer.size
    }));
}
/** PutImage of the same manifest bytes under a tag: ECR keeps the digest, so the tag names exactly that image. */
function planPutTag(ref, stored, tag) {
    return {
        operation: 'PutImage',
        input: {
            ...(ref.registryId ? { registryId: ref.registryId } : {}),
            repositoryName: ref.repository,
            imageManifest: stored.manifest,
            ...(stored.mediaType ? { imageManifestMediaType: stored.mediaType } : {}),
            imageDigest: stored.digest,
            imageTag: tag
        }
    };
}
/** The part after the last `:` of a full reference (registries may carry a port, tags never a `/`). */
function tagOf(reference) {
    const at = reference.lastIndexOf(':');
    return at > reference.lastIndexOf('/') ? reference.slice(at + 1) : 'latest';
}
/** The manifest ECR holds for one digest or tag; undefined when it holds none. */
async function readManifest(probe, ref, id) {
    return storedManifest(await probe.ecr(planGetImage(ref, id)));
}
/** Where a target's repository lives: the registry its ECR connection found it in. */
function imageRefIn(ecr, repository) {
    const registryId = ecr?.repositories.get(repository)?.registryId;
    return { repository, ...(registryId ? { registryId } : {}) };
}

;// CONCATENATED MODULE: ./src/run/retry.ts

/** What a registry says when it is having a bad moment rather than refusing: worth another try. */
const transientText = /\b(?:50[0234]|429)\b|internal server error|bad gateway|service unavailable|gateway time-?out|toomanyrequests|too many requests|connection reset|broken pipe|unexpected eof|i\/o timeout|tls handshake timeout|connection refused/i;
function isTransient(error) {
    return error instanceof errors/* CommandError */.Qd && transientText.test(error.stderrTail);
}
const registryRetries = { delaysMs: [1000, 3000] };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Runs `attempt` again after a transient failure, saying so; other failures and the last one are thrown. */
async function withRetries(log, what, attempt, options = registryRetries) {
    for (let index = 0;; index++) {
        try {
            return await attempt();
        }
        catch (error) {
            const delay = options.delaysMs[index];
            if (delay === undefined || !isTransient(error))
                throw error;
            log.info(`${what} failed with a transient registry error; trying again in ${delay / 1000}s (attempt ${index + 2} of ${options.delaysMs.length + 1}).`);
            await sleep(delay);
        }
    }
}

;// CONCATENATED MODULE: ./src/release/tag-plan.ts

/**
 * Decides, from where each tag points now, which tags to write. An image some tag already holds that `isScanned`
 * recognises (the same digest, or the same platform images with other attestations) is where every tag goes, so
 * all tags keep naming one digest; `built`, when known, is preferred. In an IMMUTABLE repository any tag on
 * another digest is a conflict, and nothing moves.
 */
function planTags(current, isScanned, options) {
    const held = current.flatMap((state) => (state.stored && isScanned(state.stored) ? [state.stored] : []));
    const existing = held.find((stored) => stored.digest === options.built) ?? held[0];
    const target = existing?.digest ?? options.built;
    const plan = { write: [], alreadyThere: [], conflicts: [], ...(existing ? { existing } : {}) };
    for (const { tag, stored } of current) {
        if (!stored)
            plan.write.push(tag);
        else if (stored.digest === target)
            plan.alreadyThere.push(tag);
        else if (options.immutable)
            plan.conflicts.push({ tag, digest: stored.digest });
        else
            plan.write.push(tag);
    }
    return plan;
}
/** Reads each final tag at once (BatchGetImage by tag); a tag that does not exist has no `stored`. */
async function readTags(probe, ref, tags) {
    return Promise.all(tags.map(async (tag) => {
        const stored = await readManifest(probe, ref, { imageTag: tagOf(tag) });
        return stored ? { tag, stored } : { tag };
    }));
}
/** The release refused before any tag moved: an IMMUTABLE repository holds some of the tags on another image. */
function refused(request, plan, digest) {
    const byDigest = new Map();
    for (const conflict of plan.conflicts)
        byDigest.set(conflict.digest, [...(byDigest.get(conflict.digest) ?? []), tagOf(conflict.tag)]);
    const taken = [...byDigest.entries()]
        .map(([on, names]) => `${listed(names)} ${names.length === 1 ? 'is' : 'are'} on ${on}`)
        .join('; ');
    return {
        written: [],
        failed: request.tags.map((tag) => {
            const conflict = plan.conflicts.find((entry) => entry.tag === tag);
            return {
                tag,
                error: conflict
                    ? `already on ${conflict.digest} in an IMMUTABLE repository`
                    : 'not written: another tag of this image is taken in an IMMUTABLE repository'
            };
        }),
        problem: `No tag was moved: in the IMMUTABLE repository ${request.repository}, ${taken}, and this run's image is ${digest}. Tags there cannot move to another image: give this build tags of its own (e.g. type=sha), or rebuild exactly what made that image (see docs/reproducible-builds.md).`
    };
}
/** `a`, `a and b`, `a, b and c`. */
function listed(names) {
    return names.length > 1 ? [names.slice(0, -1).join(', '), ...names.slice(-1)].join(' and ') : names.join();
}

;// CONCATENATED MODULE: ./src/release/release.ts




function release_message(error) {
    return error instanceof Error ? error.message : String(error);
}
/** `docker push` ends with `<tag>: digest: sha256:… size: N`. */
function pushedDigest(output) {
    return /digest: (sha256:[0-9a-f]{64})/.exec(output)?.[1];
}
async function getManifest(runner, ref, digest) {
    const stored = await readManifest(runner, ref, { imageDigest: digest });
    if (!stored)
        throw new errors/* ServiceError */._7(`ECR has no image ${digest} in ${ref.repository}.`);
    return { ...stored, digest };
}
/** Each tag onto the stored manifest, concurrently; an existing identical tag counts as written. */
async function putTags(runner, ref, stored, tags) {
    const results = await Promise.all(tags.map(async (tag) => {
        try {
            await runner.ecr(planPutTag(ref, stored, tagOf(tag)));
            return { tag };
        }
        catch (error) {
            // The tag already names this very manifest.
            if (error instanceof errors/* ServiceError */._7 && error.code === 'ImageAlreadyExistsException')
                return { tag };
            return { tag, error: release_message(error) };
        }
    }));
    return {
        written: results.filter((result) => result.error === undefined).map((result) => result.tag),
        failed: results.flatMap((result) => result.error !== undefined ? [{ tag: result.tag, error: result.error }] : [])
    };
}
function planDockerTag(source, target) {
    return { tool: 'docker', args: ['tag', source, target] };
}
function planPull(tag) {
    return { tool: 'docker', args: ['pull', '--quiet', tag] };
}
function planRemoveStaging(staging) {
    return { tool: 'docker', args: ['image', 'rm', staging] };
}
/** A pushed-by-digest image: every tag onto the scanned manifest (or the identical one a tag already holds), then `load` pulls them. */
async function releaseDigest(runner, probe, log, request) {
    const built = request.built.digest;
    let pushed;
    let plan = unread(request.tags);
    try {
        pushed = runner.dryRun ? { digest: built, manifest: '' } : await getManifest(runner, request, built);
        if (!runner.dryRun) {
            const platforms = indexPlatforms(pushed.manifest);
            const scanned = {
                id: built,
                ...(platforms
                    ? { scanned: Object.fromEntries(platforms.map((entry) => [entry.platform, entry.digest])) }
                    : {})
            };
            plan = planTags(await readTags(probe, request, request.tags), (stored) => isScannedImage(stored, scanned), {
                immutable: request.immutable,
                built
            });
        }
    }
    catch (error) {
        return { written: [], failed: request.tags.map((tag) => ({ tag, error: release_message(error) })) };
    }
    if (plan.conflicts.length > 0)
        return refused(request, plan, built);
    const target = plan.existing ?? pushed;
    const { written: put, failed } = await putTags(runner, request, target, plan.write);
    const written = request.tags.filter((tag) => put.includes(tag) || plan.alreadyThere.includes(tag));
    const result = {
        ...(written.length > 0 ? { digest: target.digest } : {}),
        written,
        ...(plan.alreadyThere.length > 0 ? { alreadyThere: plan.alreadyThere } : {}),
        failed
    };
    if (!request.load)
        return result;
    try {
        for (const tag of written)
            await withRetries(log, `docker pull ${tag}`, () => runner.run(planPull(tag), { stream: true }));
        return result;
    }
    catch (error) {
        return { ...result, loadError: release_message(error) };
    }
}
/** The plan when the tags are not read first (a dry run, no push): write them all. */
function unread(tags) {
    return { write: tags, alreadyThere: [], conflicts: [] };
}
/**
 * Whether what a push stored is what was scanned: from a layout, exactly the scanned platform manifests
 * (attestations aside); from the classic store, the image whose config is the scanned image's id.
 */
function isScannedImage(stored, held) {
    if (!held.scanned)
        return stored.digest === held.id || configDigest(stored.manifest) === held.id;
    const scanned = Object.entries(held.scanned);
    const platforms = indexPlatforms(stored.manifest);
    if (!platforms)
        return scanned.length === 1 && scanned[0][1] === stored.digest;
    return (platforms.length === scanned.length &&
        platforms.every((entry) => scanned.some(([platform, digest]) => platform === entry.platform && digest === entry.digest)));
}
/** Takes back a tag that names something other than the scanned image. */
function planDeleteTag(ref, tag) {
    return {
        operation: 'BatchDeleteImage',
        input: {
            ...(ref.registryId ? { registryId: ref.registryId } : {}),
            repositoryName: ref.repository,
            imageIds: [{ imageTag: tag }]
        }
    };
}
/**
 * An image held in the daemon: the final names go onto the scanned image id (not a name that could have
 * moved), the first tag is pushed and what it stored is checked against the scan (and taken back if it is
 * not the scanned image), the others are put on its digest. When a tag already holds the scanned image (a
 * re-run), nothing is pushed: the other tags go onto that digest.
 */
async function releaseDaemon(runner, probe, log, request) {
    const held = request.held ?? { id: request.built.imageId };
    let plan = unread(request.tags);
    if (request.push && !runner.dryRun) {
        try {
            plan = planTags(await readTags(probe, request, request.tags), (stored) => isScannedImage(stored, held), {
                immutable: request.immutable
            });
        }
        catch (error) {
            return { written: [], failed: request.tags.map((tag) => ({ tag, error: release_message(error) })) };
        }
        if (plan.conflicts.length > 0)
            return refused(request, plan, request.built.digest || held.id);
    }
    await Promise.all(request.tags.map((tag) => runner.run(planDockerTag(held.id, tag))));
    if (request.staging)
        await runner.run(planRemoveStaging(request.staging));
    // Without a push the final names exist only in this daemon; there is no registry digest to report.
    if (!request.push)
        return { written: request.tags, failed: [] };
    if (plan.existing) {
        const { written: put, failed } = await putTags(runner, request, plan.existing, plan.write);
        const written = request.tags.filter((tag) => put.includes(tag) || plan.alreadyThere.includes(tag));
        return { digest: plan.existing.digest, written, alreadyThere: plan.alreadyThere, failed };
    }
    const [first, ...rest] = plan.write;
    let stored;
    try {
        const pushed = await withRetries(log, `docker push ${first}`, () => runner.run({ tool: 'docker', args: ['push', first] }, { stream: true }));
        const digest = runner.dryRun ? '<digest>' : pushedDigest(pushed.stdout);
        if (!digest)
            throw new errors/* ServiceError */._7(`docker push ${first} reported no digest.`);
        stored = runner.dryRun ? { digest, manifest: '' } : await getManifest(runner, request, digest);
    }
    catch (error) {
        return { written: [], failed: request.tags.map((tag) => ({ tag, error: release_message(error) })) };
    }
    if (!runner.dryRun && !isScannedImage(stored, held)) {
        const notWritten = rest.map((tag) => ({
            tag,
            error: 'not written: the pushed image is not the scanned one'
        }));
        try {
            await runner.ecr(planDeleteTag(request, tagOf(first)));
            return {
                written: [],
                failed: [{ tag: first, error: 'pushed, then deleted again' }, ...notWritten],
                problem: `docker push ${first} stored ${stored.digest}, which is not the image that was scanned; the tag was deleted again and no other tag was written.`
            };
        }
        catch (error) {
            return {
                digest: stored.digest,
                written: [first],
                failed: notWritten,
                problem: `docker push ${first} stored ${stored.digest}, which is not the image that was scanned, and deleting that tag failed (${release_message(error)}): delete it by hand.`
            };
        }
    }
    const { written, failed } = await putTags(runner, request, stored, rest);
    return { digest: stored.digest, written: [first, ...written], failed };
}
/**
 * Gives the image that passed the gate its final tags; says exactly which were written. Reads where each tag
 * points first (through `probe`): tags already on the image stay, and an IMMUTABLE repository holding a tag on
 * another image stops the release before any tag moves.
 */
async function releaseImage(runner, probe, log, request) {
    switch (request.delivery) {
        case 'tags':
            return { digest: request.built.digest, written: request.tags, failed: [] };
        case 'registry-staging':
            return releaseDigest(runner, probe, log, request);
        case 'daemon-staging':
            return releaseDaemon(runner, probe, log, request);
        case 'local':
            return { written: request.tags, failed: [] };
        case 'cache-only':
            return { written: [], failed: [] };
    }
}

;// CONCATENATED MODULE: ./src/release/blocked.ts




function registryId(ref) {
    return ref.registryId ? { registryId: ref.registryId } : {};
}
/** Deletes untagged digests; ECR refuses one that a tagged index still names, which is then kept. */
async function deleteDigests(runner, ref, digests) {
    if (digests.length === 0)
        return { removed: [], referenced: 0 };
    const response = await runner.ecr({
        operation: 'BatchDeleteImage',
        input: {
            ...registryId(ref),
            repositoryName: ref.repository,
            imageIds: digests.map((imageDigest) => ({ imageDigest }))
        }
    });
    return {
        removed: response.imageIds?.flatMap((id) => (id.imageDigest ? [id.imageDigest] : [])) ?? [],
        /** How many ECR kept because a tagged index names them. */
        referenced: response.failures?.filter((failure) => failure.failureCode === 'ImageReferencedByManifestList')
            .length ?? 0
    };
}
/**
 * Takes a blocked image out of reach: the daemon's staging name goes; a digest pushed for the scan is
 * deleted from ECR unless `keep-blocked`, or unless it already carries a tag (an identical earlier build).
 */
async function cleanUpBlocked(runner, probe, request) {
    if (request.delivery === 'daemon-staging' && request.staging) {
        await runner.run(planRemoveStaging(request.staging), { allowFailure: true });
        return {
            removed: [request.staging],
            note: `The blocked image was removed from the Docker daemon (${request.staging}).`
        };
    }
    if (request.delivery !== 'registry-staging')
        return { removed: [], note: '' };
    const where = `${request.repository}@${request.digest}`;
    if (request.keepBlocked) {
        return {
            removed: [],
            note: `The blocked image stays in ECR untagged for inspection ('keep-blocked: true'): anyone with pull access who knows ${where} can pull it.`
        };
    }
    const described = await probe.ecr({
        operation: 'DescribeImages',
        input: {
            ...registryId(request),
            repositoryName: request.repository,
            imageIds: [{ imageDigest: request.digest }]
        }
    });
    const tags = described.imageDetails?.[0]?.imageTags ?? [];
    if (tags.length > 0) {
        return {
            removed: [],
            note: `The blocked digest ${request.digest} is kept: it already carries the tags ${tags.join(', ')} from an identical earlier build.`
        };
    }
    const stored = await readManifest(probe, request, { imageDigest: request.digest });
    try {
        const index = await deleteDigests(runner, request, [request.digest]);
        const children = await deleteDigests(runner, request, stored ? childDigests(stored.manifest) : []);
        const removed = [...index.removed, ...children.removed];
        const kept = children.referenced > 0
            ? ` ${children.referenced} of its platform images stay: a tagged image index also names them.`
            : '';
        return {
            removed,
            note: `The blocked image was deleted from ECR (${plural(removed.length, 'manifest')} of ${where}), so it cannot be pulled by digest.${kept}`
        };
    }
    catch (error) {
        const reason = error instanceof errors/* ServiceError */._7 ? error.message : String(error);
        return {
            removed: [],
            note: `Could not delete the blocked image ${where} (${reason}): it stays pullable by digest until an ECR lifecycle rule expires it.`
        };
    }
}

;// CONCATENATED MODULE: ./src/release/phase.ts



/**
 * Only what the gate released gets its final tags, images concurrently. With `gate: atomic` one blocked
 * image holds back every other; a blocked image is taken out of reach (daemon name removed, digest deleted).
 */
async function releaseAll(request) {
    const { config, plans, built, gates, runner, probe, log } = request;
    const blocked = plans.filter((_, index) => gates.images[index]?.blocked);
    const blockedStages = blocked.map((plan) => plan.spec.stage.name);
    const keepBlocked = config.scan?.keepBlocked === true;
    return Promise.all(plans.map(async (plan, index) => {
        const gate = gates.images[index];
        const repository = plan.spec.repository;
        const ref = imageRefIn(request.ecr, repository);
        if (gate?.blocked) {
            const cleanup = await cleanUpBlocked(runner, probe, {
                ...ref,
                delivery: plan.delivery,
                digest: built[index].digest,
                staging: plan.staging,
                keepBlocked
            });
            if (cleanup.note)
                log.info(cleanup.note);
            return { cleanup: cleanup.note };
        }
        if (config.gate === 'atomic' && blocked.length > 0) {
            // Held back, not blocked: its daemon name goes, as nothing will tag it; ECR holds nothing of it to delete.
            if (plan.delivery === 'daemon-staging')
                await runner.run(planRemoveStaging(plan.staging), { allowFailure: true });
            return { heldBackBy: blockedStages };
        }
        const release = await releaseImage(runner, probe, log, {
            ...ref,
            delivery: plan.delivery,
            image: plan.image,
            tags: plan.tags,
            built: built[index],
            ...(gates.held[index] ? { held: gates.held[index] } : {}),
            staging: plan.staging,
            push: config.build.push,
            load: config.build.load,
            immutable: request.ecr?.repositories.get(repository)?.tagMutability === 'IMMUTABLE'
        });
        if (release.written.length > 0)
            log.info(`${plan.spec.stage.name}: ${release.written.join(', ')}${release.digest ? ` → ${release.digest}` : ''}`);
        if (release.alreadyThere?.length)
            log.info(`${plan.spec.stage.name}: already there, left as they were: ${release.alreadyThere.join(', ')}`);
        return { release };
    }));
}

;// CONCATENATED MODULE: ./src/github/errors.ts

/** GitHub's words for a secondary rate limit: a 403 that is not about permissions. */
const secondaryRateLimit = /secondary rate limit|abuse detection/i;
/** True for a 403 that means "slow down", which a missing permission must never be confused with. */
function isRateLimited(error) {
    return error.status === 429 || (error.status === 403 && secondaryRateLimit.test(error.message));
}
/** One message for a failed GitHub call: the route and GitHub's answer; the status stays on the error. */
function githubError(request, error) {
    const status = error.status;
    const message = error instanceof Error ? error.message : String(error);
    const code = typeof status === 'number' ? String(status) : (error.name ?? 'Error');
    return new errors/* ServiceError */._7(`GitHub ${request.route.split(' ')[0]} ${request.route.split(' ')[1] ?? ''} failed: ${message}`, code, typeof status === 'number' ? status : undefined);
}

;// CONCATENATED MODULE: ./src/github/comments.ts


/** GITHUB_TOKEN acts as this user; `GET /user` refuses installation tokens, so that is how it is known. */
const actionsBot = 'github-actions[bot]';
/** Who the token writes comments as: the user of a personal token, else the Actions bot. */
async function commentAuthor(probe) {
    try {
        const { data } = await probe.github({ route: 'GET /user', parameters: {} });
        return data.login || actionsBot;
    }
    catch {
        return actionsBot;
    }
}
function why(error) {
    if (isRateLimited(error))
        return `GitHub kept answering with a rate limit (HTTP ${error.status}) after the retries`;
    if (error.status === 403 || error.status === 404) {
        return `the token cannot write pull request comments: give the job 'permissions: pull-requests: write'. Pull requests from forks get a read-only token, so there is no comment for them; the job summary has the same report`;
    }
    return `GitHub answered: ${error.message}`;
}
/**
 * Updates this target's comment in place, or posts it once. Only a comment that starts with the marker
 * and was written by this token's author counts: one someone else wrote with the marker is left alone.
 * Never throws: a report never fails the build.
 */
async function upsertStickyComment(runner, probe, log, context, author, comment) {
    const [owner, repo] = context.repository.split('/');
    const issue = { owner, repo, issue_number: comment.issueNumber };
    try {
        const comments = [];
        for (let page = 1; page <= 10; page++) {
            const { data } = await probe.github({
                route: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
                parameters: { ...issue, per_page: 100, page }
            });
            comments.push(...data);
            if (data.length < 100)
                break;
        }
        const existing = comments.find((item) => item.user?.login === author && item.body?.startsWith(comment.marker));
        if (existing?.body === comment.body)
            return { action: 'unchanged', id: existing.id, url: existing.html_url };
        const { data } = existing
            ? await runner.github({
                route: 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
                parameters: { owner, repo, comment_id: existing.id, body: comment.body },
                summary: `update the report comment on #${comment.issueNumber}`
            })
            : await runner.github({
                route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
                parameters: { ...issue, body: comment.body },
                summary: `post the report comment on #${comment.issueNumber}`
            });
        return { action: existing ? 'updated' : 'created', id: data.id, url: data.html_url };
    }
    catch (error) {
        if (!(error instanceof errors/* ServiceError */._7))
            throw error;
        log.warning(`Skipped the pull request comment on #${comment.issueNumber}: ${why(error)}.`);
        return { action: 'skipped' };
    }
}

;// CONCATENATED MODULE: ./src/ecr/images.ts

/**
 * The compressed layers of one platform of a stored image (by tag or digest): an index is followed to that
 * platform's manifest, or its first one. Undefined when ECR has no such image.
 */
async function storedLayers(probe, ref, id, platform) {
    const stored = await readManifest(probe, ref, id);
    if (!stored)
        return undefined;
    const platforms = indexPlatforms(stored.manifest);
    const child = platforms?.find((entry) => entry.platform === platform) ?? platforms?.[0];
    const manifest = child ? await readManifest(probe, ref, { imageDigest: child.digest }) : stored;
    return manifest ? manifestLayers(manifest.manifest) : undefined;
}

;// CONCATENATED MODULE: ./src/scan/base.ts
/** The comment's view of the gate's comparison with the base branch: scanned once, in the gate. */
function baseComparisonOf(comparison) {
    const scanned = comparison.platforms.flatMap((platform) => (platform.findings ? [platform.findings] : []));
    return {
        ref: comparison.ref,
        ...(comparison.image ? { image: comparison.image } : {}),
        ...(comparison.image && scanned.length > 0 ? { findings: scanned.flat() } : {}),
        ...(comparison.size !== undefined ? { size: comparison.size } : {})
    };
}

;// CONCATENATED MODULE: ./src/report/job.ts








function verdictOf(outcome, config) {
    if (config.dryRun)
        return { kind: 'dry-run' };
    if (!outcome.gate)
        return { kind: 'not-scanned' };
    if (outcome.gate.blocked)
        return { kind: 'blocked', reason: outcome.gate.blocked };
    if (outcome.heldBackBy)
        return { kind: 'held-back', by: outcome.heldBackBy };
    return { kind: 'passed' };
}
/** Compressed sizes from the pushed manifest, in place of the sizes the scan saw; undefined when they don't line up. */
async function pushedLayers(probe, ref, digest, layers) {
    const pushed = await storedLayers(probe, ref, { imageDigest: digest });
    if (!pushed || pushed.length !== layers.length)
        return undefined;
    return layers.map((layer, index) => ({ ...layer, digest: pushed[index].digest, size: pushed[index].size }));
}
/** Where the repository lives: the first of `registry-ids` holds every target's repository, as for the push. */
function imageRef(config, repository) {
    const registryId = config.aws.registryIds[0];
    return { repository, ...(registryId ? { registryId } : {}) };
}
async function targetReport(request, outcome, index) {
    const { config, context, probe, log } = request;
    const { plan, gate, release } = outcome;
    const ref = imageRef(config, plan.spec.repository);
    const layers = gate && release?.digest && config.build.push
        ? await pushedLayers(probe, ref, release.digest, gate.layers).catch((error) => {
            log.debug(`Could not read the pushed layer sizes: ${error.message}`);
            return undefined;
        })
        : undefined;
    return {
        target: plan.spec.stage.name,
        repository: plan.spec.repository,
        image: plan.image,
        ...(release?.digest ? { digest: release.digest } : {}),
        tags: release?.written ?? [],
        pushed: config.build.push,
        failedTags: release?.failed ?? [],
        ...(release?.alreadyThere?.length ? { alreadyThere: release.alreadyThere } : {}),
        verdict: verdictOf(outcome, config),
        ...(config.scan ? { failOn: config.scan.failOn } : {}),
        ...(config.scan?.failOnNew ? { failOnNew: true } : {}),
        ...(gate?.comparison ? { comparedWith: gate.comparison } : {}),
        ...(gate?.suppressed ? { suppressed: gate.suppressed } : {}),
        ...(gate
            ? {
                scanner: gate.scanner,
                findings: gate.findings,
                layers: layers ?? gate.layers,
                sizesCompressed: layers !== undefined || gate.layersCompressed
            }
            : {}),
        ...(gate?.sizeCheck ? { sizeCheck: gate.sizeCheck } : {}),
        buildSeconds: request.seconds,
        cachedSteps: cacheReportLine(outcome.built.stats),
        ...(outcome.cleanup ? { cleanup: outcome.cleanup } : {}),
        ...(release?.loadError ? { loadError: release.loadError } : {}),
        ...(outcome.signed ? { signing: outcome.signed.summary } : {}),
        ...(outcome.signError ? { signing: `**Signing failed**: ${cell(outcome.signError)}` } : {}),
        ...(config.checks.enabled
            ? {
                dockerfileChecks: {
                    findings: request.checks.findings[index],
                    ...(request.checks.note ? { note: request.checks.note } : {})
                }
            }
            : {}),
        dockerfile: config.dockerfile.relativePath,
        blobUrl: `${context.serverUrl}/${context.repository}/blob/${context.sha}`
    };
}
/** Where the pull request's base branch stands: the gate already scanned its image, the same way. */
function baseComparison(outcome) {
    const comparison = outcome.gate?.comparison;
    return comparison?.kind === 'base-branch' ? baseComparisonOf(comparison) : undefined;
}
/**
 * Per image: the job summary section and, on pull requests, the sticky comment with the base-branch
 * comparison. Reporting never fails the step: an image that was pushed stays pushed whatever happens here.
 */
async function reportAll(request) {
    const { config, context, log } = request;
    if (config.dryRun)
        return;
    const pullRequest = pullRequestOf(context);
    const commenting = Boolean(pullRequest && config.report.prComment && config.githubToken);
    const author = commenting ? await commentAuthor(request.probe) : '';
    for (const [index, outcome] of request.outcomes.entries()) {
        try {
            const report = await targetReport(request, outcome, index);
            try {
                await log.summary(`${summaryMarkdown(report)}${slowestStepsMarkdown(outcome.built.stats)}`);
            }
            catch (error) {
                log.warning(`Could not write the job summary: ${sentence(error.message)} The image itself is not affected.`);
            }
            if (!pullRequest || !commenting)
                continue;
            const base = baseComparison(outcome);
            const result = await upsertStickyComment(request.runner, request.probe, log, context, author, {
                issueNumber: pullRequest.number,
                marker: commentMarker(report.repository, report.target),
                body: commentBody(report, base)
            });
            log.info(`Pull request comment for ${report.target}: ${result.action}${result.url ? ` ${result.url}` : ''}`);
        }
        catch (error) {
            log.warning(`Could not report on ${outcome.plan.spec.stage.name}: ${sentence(error.message)} The image itself is not affected.`);
        }
    }
}

;// CONCATENATED MODULE: ./src/run/command.ts
const plain = /^[A-Za-z0-9_./:=,@%+-]+$/;
const isControl = (char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f;
/** Control characters are shown as escapes: a `\r` or `\n` printed as is would start a log line the runner reads as a command. */
function quote(arg) {
    if (plain.test(arg))
        return arg;
    const chars = [...arg];
    if (!chars.some(isControl))
        return `'${arg.replace(/'/g, `'\\''`)}'`;
    const escaped = chars.map((char) => {
        if (char === '\\' || char === "'")
            return `\\${char}`;
        return isControl(char) ? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}` : char;
    });
    return `$'${escaped.join('')}'`;
}
/** How a command is shown in logs and dry-run: `$ tool args`, quoted for reading, secrets as `***`. */
function formatCommand(command) {
    const line = ['$', command.tool, ...command.args.map(quote)].join(' ');
    if (!command.stdin)
        return line;
    return `${line} <<< ${command.stdin.secret ? '***' : quote(command.stdin.text)}`;
}

;// CONCATENATED MODULE: ./src/run/ecr-request.ts
/** `ECR PutImage {...}` for logs and dry-run; manifests are shown by size, not content. */
function formatEcrRequest(request) {
    const input = { ...request.input };
    if (typeof input.imageManifest === 'string')
        input.imageManifest = `<${input.imageManifest.length} bytes>`;
    return `ECR ${request.operation} ${JSON.stringify(input)}`;
}

;// CONCATENATED MODULE: ./src/run/github-request.ts
/** `GitHub POST /repos/o/r/...` for logs and dry-run, with the route's placeholders filled in. */
function formatGitHubRequest(request) {
    const route = request.route.replace(/\{(\w+)\}/g, (all, name) => request.parameters[name] === undefined ? all : String(request.parameters[name]));
    return `GitHub ${route}${request.summary ? ` (${request.summary})` : ''}`;
}

;// CONCATENATED MODULE: ./src/run/dry.ts



/** Prints what would change and changes nothing: the `dry-run` input. Every step answers as if it succeeded. */
class DryRunner {
    log;
    dryRun = true;
    constructor(log) {
        this.log = log;
    }
    async run(command) {
        this.log.info(formatCommand(command));
        return { exitCode: 0, stdout: '', stderr: '' };
    }
    async ecr(request) {
        this.log.info(formatEcrRequest(request));
        return { $metadata: {} };
    }
    async github(request) {
        this.log.info(formatGitHubRequest(request));
        return { status: 0, data: {} };
    }
    async write(file) {
        // A file's text can come from the workspace: printed as tool output, never read as a command.
        if (file.summary !== undefined)
            this.log.info(`write ${file.path}:\n${file.summary}`);
        else {
            this.log.info(`write ${file.path}:`);
            this.log.untrusted(file.text);
        }
    }
}

;// CONCATENATED MODULE: ./src/ecr/errors.ts

const credentialHint = 'Configure AWS credentials before this step, e.g. aws-actions/configure-aws-credentials with role-to-assume (needs `permissions: id-token: write`).';
/** Calls made after the build: expired credentials there mean the role session ended during the build. */
const afterBuild = ['BatchGetImage', 'PutImage', 'BatchDeleteImage', 'DescribeImages'];
const expiredHint = "The AWS credentials expired while the image was building: the role session is shorter than the build. Lengthen it with 'role-duration-seconds' on aws-actions/configure-aws-credentials (up to the role's maximum session duration, which you may need to raise in IAM).";
/** One message for a failed ECR call: the operation, AWS's error name and words, and what to do about it. */
function ecrError(operation, error) {
    const named = error;
    const name = named.name ?? 'Error';
    const message = named.message ?? String(error);
    const expired = /ExpiredToken|security token included in the request is expired/i.test(`${name} ${message}`);
    const hint = expired && afterBuild.includes(operation)
        ? ` ${expiredHint}`
        : name === 'CredentialsProviderError' ||
            expired ||
            /credential|UnrecognizedClient/i.test(`${name} ${message}`)
            ? ` ${credentialHint}`
            : '';
    return new errors/* ServiceError */._7(`ECR ${operation} failed: ${name}: ${message}${hint}`, name, named.$metadata?.httpStatusCode);
}

;// CONCATENATED MODULE: ./src/run/exec.ts




const stderrTailLines = 20;
/** The last lines of stderr that say something: what a user needs to see when a tool fails. */
function stderrTail(stderr, lines = stderrTailLines) {
    return stderr
        .split(/\r?\n|\r/)
        .map((line) => line.trimEnd())
        .filter((line) => line.length > 0)
        .slice(-lines)
        .join('\n');
}
/** The command's environment: the action's, minus dropped prefixes, plus its own; undefined to inherit as is. */
function environmentFor(command) {
    if (!command.env && !command.dropEnvPrefixes)
        return undefined;
    const dropped = command.dropEnvPrefixes ?? [];
    const inherited = Object.entries(process.env).filter((entry) => entry[1] !== undefined && !dropped.some((prefix) => entry[0].startsWith(prefix)));
    return { ...Object.fromEntries(inherited), ...command.env };
}
/** Why a tool did not start: 'not found on PATH' for the usual case, else the system's words. */
function startFailure(command, error) {
    const reason = error.code === 'ENOENT' ? 'not found on PATH' : error.message;
    return new errors/* ServiceError */._7(`'${command.tool}' could not be started: ${reason}`, 'ToolMissing');
}
/**
 * Runs one command as an argv array, never through a shell; tool output reaches the log as untrusted text.
 * The process starts before this returns its promise, so a caller can start several and then do other work.
 */
async function execute(log, command, options = {}) {
    log.info(formatCommand(command));
    const env = environmentFor(command);
    const child = (0,external_node_child_process_.spawn)(command.tool, command.args, {
        cwd: command.cwd,
        env,
        // No stdin unless there is input: ending an unread pipe makes an EPIPE error, and the first stack trace of a
        // run costs the parse of the bundle's source map (tens of ms).
        stdio: [command.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe']
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (text) => {
        stdout += text;
        if (options.stream)
            log.untrusted(text);
    });
    child.stderr.on('data', (text) => {
        stderr += text;
        if (!options.onStderrLine) {
            if (options.stream)
                log.untrusted(text);
            return;
        }
        const lines = (pending + text).split('\n');
        pending = lines.pop() ?? '';
        lines.forEach((line) => options.onStderrLine?.(line));
    });
    if (command.stdin) {
        // A tool that exits without reading its input is judged by its exit code, not by the broken pipe.
        child.stdin?.on('error', () => undefined);
        child.stdin?.end(command.stdin.text);
    }
    const exitCode = await new Promise((resolve, reject) => {
        child.once('error', (error) => reject(startFailure(command, error)));
        child.once('close', (code, signal) => resolve(code ?? 128 + (signal ? (external_node_os_.constants.signals[signal] ?? 0) : 0)));
    });
    if (pending)
        options.onStderrLine?.(pending);
    if (exitCode !== 0 && !options.allowFailure) {
        throw new errors/* CommandError */.Qd(formatCommand(command), exitCode, stderrTail(stderr));
    }
    return { exitCode, stdout, stderr };
}

;// CONCATENATED MODULE: ./src/run/live.ts





/** A GitHub call never holds the step longer than this, retries included. */
const githubTimeoutMs = 60_000;
/** Does what plans say: commands as argv arrays (node:child_process), one ECR client and one GitHub client for the run. */
class LiveRunner {
    options;
    dryRun = false;
    ecrClient;
    githubClient;
    constructor(options) {
        this.options = options;
    }
    run(command, options) {
        return execute(this.options.log, command, options);
    }
    /** The SDK loads on the first ECR call only: most of the action's start-up cost otherwise. */
    loadEcr() {
        this.ecrClient ??= __nccwpck_require__.e(/* import() */ 249).then(__nccwpck_require__.t.bind(__nccwpck_require__, 8249, 19)).then((sdk) => ({
            sdk: sdk,
            // Adaptive retries slow down on ThrottlingException instead of failing the step.
            client: new sdk.ECRClient({
                region: this.options.region,
                retryMode: 'adaptive',
                maxAttempts: 5,
                customUserAgent: 'ecr-build-push'
            })
        }));
        return this.ecrClient;
    }
    async ecr(request) {
        const { client, sdk } = await this.loadEcr();
        const Operation = sdk[`${request.operation}Command`];
        try {
            return (await client.send(new Operation(request.input)));
        }
        catch (error) {
            throw ecrError(request.operation, error);
        }
    }
    async github(request) {
        const github = this.options.github;
        if (!github?.token)
            throw new errors/* ServiceError */._7(`GitHub ${request.route} needs 'github-token', which is empty.`, '401', 401);
        // Octokit loads on the first GitHub call only.
        this.githubClient ??= (await Promise.all(/* import() */[__nccwpck_require__.e(119), __nccwpck_require__.e(239), __nccwpck_require__.e(584)]).then(__nccwpck_require__.bind(__nccwpck_require__, 6584))).createGitHubClient(github.token, github.apiUrl, this.options.log);
        const timeoutMs = this.options.githubTimeoutMs ?? githubTimeoutMs;
        try {
            const response = await this.githubClient.request(request.route, {
                ...request.parameters,
                request: { signal: AbortSignal.timeout(timeoutMs), deadline: Date.now() + timeoutMs }
            });
            return { status: response.status, data: response.data, headers: response.headers };
        }
        catch (error) {
            throw githubError(request, error);
        }
    }
    async write(file) {
        try {
            await (0,promises_.writeFile)(file.path, file.text, file.mode !== undefined ? { mode: file.mode } : {});
        }
        catch (error) {
            throw (0,errors/* systemError */.Oj)(error, file.path) ?? error;
        }
    }
}

// EXTERNAL MODULE: external "node:perf_hooks"
var external_node_perf_hooks_ = __nccwpck_require__(643);
;// CONCATENATED MODULE: ./src/run/log.ts



/** The runner's own log, in its workflow-command protocol. */
class RunnerLog {
    // Unguessable, so no tool output can end the stop-commands section early.
    token = (0,external_node_crypto_.randomBytes)(16).toString('hex');
    open = false;
    /** Our own lines are commands again: the section of tool output, if one is open, ends first. */
    trusted() {
        if (!this.open)
            return;
        process.stdout.write(`::${this.token}::\n`);
        this.open = false;
    }
    info(message) {
        this.trusted();
        // The runner starts a line at a lone `\r` too, and a line can be a command: shown, never obeyed.
        info(message.replace(/\r(?!\n)/g, '\\r'));
    }
    debug(message) {
        this.trusted();
        debug(message);
    }
    notice(message, properties) {
        this.trusted();
        notice(message, properties);
    }
    warning(message, properties) {
        this.trusted();
        warning(message, properties);
    }
    error(message, properties) {
        this.trusted();
        error(message, properties);
    }
    untrusted(text) {
        if (text === '')
            return;
        if (!this.open)
            process.stdout.write(`::stop-commands::${this.token}\n`);
        this.open = true;
        process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
    async group(title, run) {
        this.trusted();
        startGroup(title);
        const started = external_node_perf_hooks_.performance.now();
        try {
            return await run();
        }
        finally {
            this.trusted();
            // Shown with step debug logging; bench/ reads it for the time per phase.
            debug(`${title}: ${Math.round(external_node_perf_hooks_.performance.now() - started)} ms`);
            endGroup();
        }
    }
    mask(secret) {
        this.trusted();
        if (secret !== '')
            setSecret(secret);
    }
    setOutput(name, value) {
        setOutput(name, value);
    }
    saveState(name, value) {
        saveState(name, value);
    }
    async summary(markdown) {
        appendSummary(markdown);
    }
}

;// CONCATENATED MODULE: ./src/run/state.ts
const stateKey = 'cleanup';
class RunnerState {
    log;
    state = { registries: [], staging: [] };
    constructor(log) {
        this.log = log;
    }
    add(change) {
        const { registry, staging, ...rest } = change;
        this.state = {
            ...this.state,
            ...rest,
            registries: registry ? [...this.state.registries, registry] : this.state.registries,
            staging: staging ? [...this.state.staging, staging] : this.state.staging
        };
        this.log.saveState(stateKey, JSON.stringify(this.state));
    }
}
class NoState {
    add() { }
}
function parseSavedState(text) {
    if (!text)
        return { registries: [], staging: [] };
    return { registries: [], staging: [], ...JSON.parse(text) };
}

;// CONCATENATED MODULE: ./src/report/sarif-baseline.ts
function resultKey(id, pkgName, installedVersion) {
    return [id, pkgName, installedVersion].join('\u0000');
}
/** Trivy's SARIF message names the package and its version: `Package: openssl\nInstalled Version: 1.1`. */
function keyOf(result) {
    const text = result.message.text ?? '';
    const pkgName = /^Package: (.+)$/m.exec(text)?.[1]?.trim();
    const version = /^Installed Version: (.*)$/m.exec(text)?.[1]?.trim() ?? '';
    return result.ruleId && pkgName ? resultKey(result.ruleId, pkgName, version) : undefined;
}
/**
 * Each result's SARIF `baselineState` against the comparison image: `unchanged` when it has the finding too,
 * `new` otherwise (a result two findings share is new if either is). Results no finding explains stay unset.
 */
function markBaseline(sarif, findings) {
    const states = new Map();
    for (const finding of findings) {
        const key = resultKey(finding.id, finding.pkgName, finding.installedVersion);
        const state = finding.alreadyPresent ? 'unchanged' : 'new';
        states.set(key, states.get(key) === 'new' ? 'new' : state);
    }
    return {
        ...sarif,
        runs: sarif.runs.map((run) => ({
            ...run,
            results: run.results?.map((result) => {
                const key = keyOf(result);
                const state = key !== undefined ? states.get(key) : undefined;
                return state ? { ...result, baselineState: state } : result;
            })
        }))
    };
}

;// CONCATENATED MODULE: ./src/report/sarif-locations.ts
function sarif_locations_findingKey(id, pkgName) {
    return `${id}\u0000${pkgName}`;
}
/** Trivy's SARIF names the package in the message (`Package: openssl`) and the location (`target: openssl@1.1`). */
function sarifPackage(result) {
    const fromMessage = /^Package: (.+)$/m.exec(result.message.text ?? '')?.[1];
    if (fromMessage)
        return fromMessage.trim();
    const fromLocation = /: ([^\s:]+)@[^@\s]*$/.exec(result.locations?.[0]?.message?.text ?? '')?.[1];
    return fromLocation;
}
function originNote(origin) {
    if (!origin.mapped)
        return `Layer not matched to a Dockerfile instruction: shown at the built stage's FROM (line ${origin.line}).`;
    if (origin.fromBase)
        return `From the base image ${origin.baseImage ?? ''} picked at line ${origin.line}: ${origin.instruction}`;
    return `Introduced at line ${origin.line}: ${origin.instruction}`;
}
/**
 * Points every SARIF result at the Dockerfile line its layer came from (matched by rule id + package, via
 * the JSON report's findings), so code scanning can show image findings in the pull request diff.
 */
function rewriteSarifLocations(sarif, findings, dockerfilePath, fallback) {
    const origins = new Map();
    for (const finding of findings) {
        const key = sarif_locations_findingKey(finding.id, finding.pkgName);
        if (!origins.has(key))
            origins.set(key, finding.origin);
    }
    const uri = dockerfilePath.split('\\').join('/');
    return {
        ...sarif,
        runs: sarif.runs.map((run) => ({
            ...run,
            results: run.results?.map((result) => {
                const pkgName = sarifPackage(result);
                const origin = (result.ruleId && pkgName && origins.get(sarif_locations_findingKey(result.ruleId, pkgName))) || fallback;
                const imageLocation = result.locations?.[0]?.message?.text;
                return {
                    ...result,
                    message: { ...result.message, text: `${result.message.text ?? ''}\n${originNote(origin)}` },
                    locations: [
                        {
                            physicalLocation: {
                                artifactLocation: { uri },
                                region: { startLine: origin.line, endLine: origin.line }
                            },
                            ...(imageLocation ? { message: { text: imageLocation } } : {})
                        }
                    ]
                };
            })
        }))
    };
}

// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __nccwpck_require__(8522);
;// CONCATENATED MODULE: ./src/report/sarif.ts


const githubSarifLimits = {
    maxRuns: 20,
    maxResultsPerRun: 25_000,
    maxGzippedBytes: 10 * 1024 * 1024
};
/** `trivy/<repository>/<target>/[<os>-<arch>/]`: one category per target and platform, so uploads don't replace each other. */
function defaultCategory(repository, target, platform) {
    const repositoryName = repository.replace(/\//g, '-');
    return platformCategory(`trivy/${repositoryName}/${target || 'default'}/`, platform);
}
/** Adds the platform to a category for multi-platform scans, e.g. `…/linux-arm64/`. */
function platformCategory(category, platform) {
    const base = category.endsWith('/') ? category : `${category}/`;
    return platform ? `${base}${platform.replace(/\//g, '-')}/` : base;
}
const levelSeverity = {
    error: 'HIGH',
    warning: 'MEDIUM',
    note: 'LOW',
    none: 'UNKNOWN'
};
function ruleOf(run, result) {
    const rules = run.tool.driver.rules ?? [];
    const byIndex = result.ruleIndex !== undefined ? rules[result.ruleIndex] : undefined;
    return byIndex ?? rules.find((rule) => rule.id === result.ruleId);
}
/** Trivy tags each rule with its severity; other tools only give a level. */
function severityOf(run, result) {
    const tags = (ruleOf(run, result)?.properties?.tags ?? []);
    const tagged = severities.find((severity) => tags.includes(severity));
    return (tagged ??
        levelSeverity[result.level ?? ruleOf(run, result)?.defaultConfiguration?.level ?? 'none'] ??
        'UNKNOWN');
}
function scoreOf(run, result) {
    const score = Number(ruleOf(run, result)?.properties?.['security-severity']);
    return Number.isFinite(score) ? score : 0;
}
/** Most severe first; equal ones keep their order. */
function sarif_bySeverity(a, b) {
    return (severityRank(a.severity) - severityRank(b.severity) ||
        b.score - a.score ||
        a.run - b.run ||
        a.index - b.index);
}
function rank(run, runIndex) {
    return (run.results ?? []).map((result, index) => ({
        run: runIndex,
        index,
        severity: severityOf(run, result),
        score: scoreOf(run, result)
    }));
}
/** Keeps the chosen results in their order and drops rules no kept result uses, renumbering `ruleIndex`. */
function keepResults(run, keep) {
    const results = (run.results ?? []).filter((_, index) => keep.has(index));
    const rules = run.tool.driver.rules;
    if (!rules)
        return { ...run, results };
    const usedRules = new Set(results.map((result) => ruleOf(run, result)));
    const used = rules.filter((rule) => usedRules.has(rule));
    const newIndex = new Map(used.map((rule, index) => [rule, index]));
    const renumbered = results.map((result) => {
        const rule = ruleOf(run, result);
        return rule && result.ruleIndex !== undefined ? { ...result, ruleIndex: newIndex.get(rule) } : result;
    });
    return { ...run, tool: { ...run.tool, driver: { ...run.tool.driver, rules: used } }, results: renumbered };
}
function gzippedSize(log) {
    return (0,external_node_zlib_.gzipSync)(JSON.stringify(log)).length;
}
function count(omitted, dropped) {
    omitted.results += dropped.length;
    for (const item of dropped)
        omitted.bySeverity[item.severity] = (omitted.bySeverity[item.severity] ?? 0) + 1;
}
function keepTop(log, ranked, keepCount) {
    return {
        ...log,
        runs: log.runs.map((run, runIndex) => {
            const kept = [...ranked[runIndex]].sort(sarif_bySeverity).slice(0, keepCount(runIndex));
            if (kept.length === ranked[runIndex].length)
                return run;
            return keepResults(run, new Set(kept.map((item) => item.index)));
        })
    };
}
/**
 * Fixes up Trivy's SARIF for code scanning: every run gets the category as `automationDetails.id`,
 * and the least severe results are left out until GitHub's limits are met.
 */
function prepareSarif(input, { category, limits = githubSarifLimits }) {
    const omitted = { runs: 0, results: 0, bySeverity: {} };
    const id = category.endsWith('/') ? category : `${category}/`;
    const runs = input.runs.map((run) => ({ ...run, automationDetails: { ...run.automationDetails, id } }));
    runs.slice(limits.maxRuns).forEach((run, index) => count(omitted, rank(run, index)));
    omitted.runs = Math.max(0, runs.length - limits.maxRuns);
    let log = { ...input, runs: runs.slice(0, limits.maxRuns) };
    let ranked = log.runs.map(rank);
    for (const items of ranked)
        count(omitted, [...items].sort(sarif_bySeverity).slice(limits.maxResultsPerRun));
    log = keepTop(log, ranked, () => limits.maxResultsPerRun);
    if (gzippedSize(log) > limits.maxGzippedBytes) {
        ranked = log.runs.map(rank);
        const all = ranked.flat().sort(sarif_bySeverity);
        const fits = (keep) => {
            const kept = all.slice(0, keep);
            return keepTop(log, ranked, (runIndex) => kept.filter((item) => item.run === runIndex).length);
        };
        let low = 0;
        let high = all.length;
        while (low < high) {
            const middle = Math.ceil((low + high) / 2);
            if (gzippedSize(fits(middle)) <= limits.maxGzippedBytes)
                low = middle;
            else
                high = middle - 1;
        }
        count(omitted, all.slice(low));
        log = fits(low);
    }
    return { log, omitted };
}
/** What was left out, for a warning; undefined when nothing was. */
function describeOmitted(omitted, limits = githubSarifLimits) {
    if (omitted.results === 0 && omitted.runs === 0)
        return undefined;
    const parts = severities
        .filter((severity) => omitted.bySeverity[severity])
        .map((severity) => `${omitted.bySeverity[severity]} ${severity}`);
    const runs = omitted.runs > 0 ? ` and ${omitted.runs} run(s)` : '';
    const megabytes = limits.maxGzippedBytes / (1024 * 1024);
    return (`The SARIF upload leaves out ${omitted.results} result(s)${runs}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}, ` +
        `the least severe, to stay within GitHub's limits (${limits.maxResultsPerRun} results per run, ` +
        `${limits.maxRuns} runs, ${megabytes} MB gzipped); the JSON scan report has every finding.`);
}

;// CONCATENATED MODULE: ./src/scan/layer-map.ts

const instructionWidth = 100;
const keywords = new Set([
    ...'ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE HEALTHCHECK LABEL'.split(' '),
    ...'MAINTAINER ONBUILD RUN SHELL STOPSIGNAL USER VOLUME WORKDIR'.split(' ')
]);
/**
 * The Dockerfile keyword a history entry was made by. BuildKit writes `RUN |1 A=b /bin/sh -c … # buildkit`,
 * `COPY /src /dst # buildkit` (no `--from`), `WORKDIR /app`; the classic builder `/bin/sh -c #(nop)  USER x`
 * for everything but RUN, whose entry is the bare command. '' for entries with no `created_by`.
 */
function historyKeyword(createdBy) {
    const text = createdBy.trim();
    if (text === '')
        return '';
    const classic = /#\(nop\)\s+([A-Z]+)\b/.exec(text);
    if (classic)
        return classic[1];
    const first = /^([A-Z]+)\b/.exec(text)?.[1];
    return first && keywords.has(first) ? first : 'RUN';
}
function shorten(text) {
    const oneLine = text.replace(/\s+/g, ' ').trim();
    return oneLine.length <= instructionWidth ? oneLine : `${oneLine.slice(0, instructionWidth - 1)}…`;
}
/** Expands `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME:+alternative}` the way FROM lines use them. */
function expandArgs(text, values) {
    return text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_match, braced, operator, word, bare) => {
        const value = values[braced ?? bare ?? ''];
        if (operator === '-')
            return value ? value : (word ?? '');
        if (operator === '+')
            return value ? (word ?? '') : '';
        return value ?? '';
    });
}
/** The ARGs before the first FROM, with `build-args` overriding their defaults: what FROM lines can use. */
function globalArgs(dockerfile, buildArgs) {
    const given = new Map(buildArgs.map((pair) => [pair.key, pair.value]));
    const values = {};
    for (const arg of dockerfile.getInitialARGs()) {
        const property = arg.getProperty();
        if (!property)
            continue;
        const name = property.getName();
        values[name] = given.get(name) ?? expandArgs(property.getValue() ?? '', values);
    }
    return values;
}
/** Each stage with its FROM and the instructions up to the next FROM, in file order. */
function stageInstructions(dockerfile) {
    const stages = stagesOf(dockerfile);
    const froms = dockerfile.getFROMs();
    const all = dockerfile.getInstructions();
    return stages.map((stage, index) => {
        const start = froms[index].getRange().start.line;
        const end = index + 1 < froms.length ? froms[index + 1].getRange().start.line : Number.POSITIVE_INFINITY;
        const instructions = all.filter((instruction) => {
            const line = instruction.getRange().start.line;
            return line > start && line < end;
        });
        return { stage, from: froms[index], instructions };
    });
}
/** The stages the built one stands on, root first: `production` → `FROM base` → `FROM ${BASE_IMAGE} AS base`. */
function stageChain(stages, built, args) {
    const chain = [built];
    for (;;) {
        const current = chain[0];
        const image = expandArgs(current.stage.from, args);
        const parent = stages.find((candidate) => candidate.stage.index < current.stage.index &&
            candidate.stage.name.toLowerCase() === image.toLowerCase());
        if (!parent)
            return { chain, baseImage: image };
        chain.unshift(parent);
    }
}
function originOf(instruction, stage, fromBase, baseImage) {
    return {
        line: instruction.getRange().start.line + 1,
        instruction: shorten(instruction.toString()),
        stage: stage.name,
        fromBase,
        mapped: true,
        ...(baseImage !== undefined ? { baseImage } : {})
    };
}
/**
 * Maps each layer of a built image to the Dockerfile instruction that made it. Every instruction but FROM
 * leaves one history entry, so the history's tail is the stage chain's instructions in order (checked by
 * keyword); what comes before them is the base image. Layers are the history entries without `empty_layer`.
 */
function mapLayers(request) {
    const stages = stageInstructions(request.dockerfile);
    const built = stages[request.stage.index];
    const { chain, baseImage } = stageChain(stages, built, globalArgs(request.dockerfile, request.buildArgs));
    const fallback = { ...originOf(built.from, built.stage, false), mapped: false };
    const baseOrigin = originOf(chain[0].from, chain[0].stage, true, baseImage);
    const history = request.config.history ?? [];
    const diffIds = request.config.rootfs?.diff_ids ?? [];
    const expected = chain.flatMap(({ stage, instructions }) => instructions.map((instruction) => ({ stage, instruction })));
    const historyOrigins = history.map(() => undefined);
    let entry = history.length - 1;
    let problem;
    for (let step = expected.length - 1; step >= 0; step--, entry--) {
        const { stage, instruction } = expected[step];
        const keyword = instruction.getKeyword().toUpperCase();
        const createdBy = entry >= 0 ? (history[entry].created_by ?? '') : undefined;
        if (createdBy === undefined || historyKeyword(createdBy) !== keyword) {
            problem = `line ${instruction.getRange().start.line + 1} (${keyword}) has no matching image history entry${createdBy === undefined ? '' : `: found '${shorten(createdBy)}'`}`;
            break;
        }
        historyOrigins[entry] = originOf(instruction, stage, false);
    }
    if (!problem)
        for (let index = 0; index <= entry; index++)
            historyOrigins[index] = baseOrigin;
    const layerEntries = history.flatMap((item, index) => (item.empty_layer ? [] : [index]));
    if (layerEntries.length > diffIds.length) {
        problem = `the image history names ${layerEntries.length} layers but rootfs.diff_ids has ${diffIds.length}`;
        const layers = diffIds.map((diffId, index) => ({ diffId, index, createdBy: '', origin: fallback }));
        return { layers, fallback, problem };
    }
    // Aligned from the end: a base image may have recorded fewer history entries than it has layers.
    const offset = diffIds.length - layerEntries.length;
    const layers = diffIds.map((diffId, index) => {
        const historyIndex = index >= offset ? layerEntries[index - offset] : undefined;
        if (historyIndex === undefined)
            return { diffId, index, createdBy: '', origin: problem ? fallback : baseOrigin };
        const createdBy = history[historyIndex].created_by ?? '';
        return { diffId, index, createdBy, origin: historyOrigins[historyIndex] ?? fallback };
    });
    return { layers, fallback, ...(problem ? { problem } : {}) };
}
/** The origin of a layer by its DiffID; the first layer wins when two layers have the same content. */
function originOfLayer(map, diffId) {
    const layer = diffId === undefined ? undefined : map.layers.find((candidate) => candidate.diffId === diffId);
    return layer?.origin ?? map.fallback;
}
function mapFindings(findings, map) {
    return findings.map((finding) => ({ ...finding, origin: originOfLayer(map, finding.layerDiffId) }));
}

;// CONCATENATED MODULE: ./src/scan/trivy.ts







/** The job's `TRIVY_*` variables would override flags and the config file: Trivy never sees them. */
const droppedTrivyEnv = ['TRIVY_'];
function trivyCacheDir() {
    return external_node_path_.join(external_node_os_.homedir(), '.cache', 'trivy');
}
const ecrPublicHost = /^(?:https?:\/\/)?public\.ecr\.aws(?:\/|$)/;
/** A docker config without ECR-Public entries in `auths` and `credHelpers`; everything else is kept. */
function withoutEcrPublic(config) {
    const cleaned = { ...config };
    for (const key of ['auths', 'credHelpers']) {
        const entries = config[key];
        if (entries && typeof entries === 'object') {
            cleaned[key] = Object.fromEntries(Object.entries(entries).filter(([host]) => !ecrPublicHost.test(host)));
        }
    }
    return cleaned;
}
/** The ignore file Trivy reads: the one given, several concatenated, or an empty one. */
async function ignoreFileText(files) {
    const parts = await Promise.all(files.map(async (name) => `# ${name}\n${await (0,promises_.readFile)(name, 'utf8')}\n`));
    return parts.join('');
}
/** A VEX document is a few kB; anything far bigger is not one. */
const maxVexBytes = 16 * 1024 * 1024;
/** Downloads a `vex` URL: https only, also after redirects; a refusal names the input's line. */
async function downloadVex(source, fetchUrl = fetch) {
    const where = `Line ${source.line} of 'vex' (${source.url})`;
    let response;
    try {
        response = await fetchUrl(source.url, { signal: AbortSignal.timeout(60_000) });
    }
    catch (error) {
        throw new errors/* ServiceError */._7(`Could not download ${source.url} (line ${source.line} of 'vex'): ${error.message}.`);
    }
    if (!response.url.startsWith('https://')) {
        throw new errors/* ConfigurationError */.j1(`${where} redirects to ${response.url}: a VEX document is downloaded over https only.`);
    }
    if (response.status === 404 || response.status === 410) {
        throw new errors/* ConfigurationError */.j1(`${where} answers ${response.status}: no document there.`);
    }
    if (!response.ok) {
        throw new errors/* ServiceError */._7(`Could not download ${source.url} (line ${source.line} of 'vex'): HTTP ${response.status}.`);
    }
    const text = await response.text();
    if (text.length > maxVexBytes) {
        throw new errors/* ConfigurationError */.j1(`${where} is ${text.length} bytes: not a VEX document (at most ${maxVexBytes}).`);
    }
    checkVexDocument(text, where);
    return text;
}
/**
 * Writes each VEX document into Trivy's own folder: a file as the config stage read and checked it (the
 * workspace copy could change by the scan, through a symlink or the build), a URL as downloaded and checked now.
 */
async function writeVexFiles(dir, sources, fetchUrl) {
    if (sources.length === 0)
        return [];
    await (0,promises_.mkdir)(external_node_path_.join(dir, 'vex'), { recursive: true });
    return Promise.all(sources.map(async (source, index) => {
        const text = source.kind === 'file' ? source.text : await downloadVex(source, fetchUrl);
        const name = source.kind === 'file' ? external_node_path_.basename(source.path) : 'downloaded.json';
        const file = external_node_path_.join(dir, 'vex', `${index + 1}-${name.replace(/[^A-Za-z0-9._-]/g, '_')}`);
        await (0,promises_.writeFile)(file, text, { mode: 0o600 });
        return file;
    }));
}
/** Writes Trivy's folder: empty config, the step's ignore file and VEX documents, the DB docker config. */
async function prepareTrivyWorkspace(dir, trivy, scan, env = process.env, fetchUrl) {
    await (0,promises_.mkdir)(external_node_path_.join(dir, 'db-docker-config'), { recursive: true, mode: 0o700 });
    const configFile = external_node_path_.join(dir, 'trivy.yaml');
    await (0,promises_.writeFile)(configFile, '');
    // A single YAML ignore file keeps its name: Trivy reads the format from the extension.
    const yaml = scan.ignoreFiles.length === 1 && /\.ya?ml$/.test(scan.ignoreFiles[0]);
    const ignoreFile = external_node_path_.join(dir, yaml ? external_node_path_.basename(scan.ignoreFiles[0]) : 'trivyignore');
    await (0,promises_.writeFile)(ignoreFile, yaml ? await (0,promises_.readFile)(scan.ignoreFiles[0], 'utf8') : await ignoreFileText(scan.ignoreFiles));
    const source = external_node_path_.join(env.DOCKER_CONFIG || external_node_path_.join(external_node_os_.homedir(), '.docker'), 'config.json');
    const dockerConfig = (0,external_node_fs_.existsSync)(source)
        ? JSON.parse(await (0,promises_.readFile)(source, 'utf8'))
        : {};
    const dbDockerConfig = external_node_path_.join(dir, 'db-docker-config');
    await (0,promises_.writeFile)(external_node_path_.join(dbDockerConfig, 'config.json'), JSON.stringify(withoutEcrPublic(dockerConfig)), {
        mode: 0o600
    });
    const vexFiles = await writeVexFiles(dir, scan.vex ?? [], fetchUrl);
    return {
        trivy,
        dir,
        configFile,
        ignoreFile,
        cacheDir: trivyCacheDir(),
        dbDockerConfig,
        ...(vexFiles.length > 0 ? { vexFiles } : {})
    };
}
/** Flags every Trivy command gets: its own config, cache and working folder, none of the job's TRIVY_*. */
function isolated(workspace, args, env = {}) {
    return {
        tool: workspace.trivy,
        args: [
            ...args.slice(0, 1),
            '--config',
            workspace.configFile,
            '--cache-dir',
            workspace.cacheDir,
            ...args.slice(1)
        ],
        cwd: workspace.dir,
        dropEnvPrefixes: droppedTrivyEnv,
        ...(Object.keys(env).length > 0 ? { env } : {})
    };
}
/**
 * Fetches the vulnerability DB before any scan, with a docker config that has no ECR-Public credentials:
 * expired ones make the anonymous pull of a public DB fail. Undefined without `vuln`.
 */
function planDbDownload(workspace, scan) {
    if (!scan.scanners.includes('vuln'))
        return undefined;
    const repositories = scan.dbRepositories.length > 0 ? ['--db-repository', scan.dbRepositories.join(',')] : [];
    return isolated(workspace, ['image', '--download-db-only', '--no-progress', ...repositories], {
        DOCKER_CONFIG: workspace.dbDockerConfig
    });
}
/** `trivy-linux-arm64.json` and `.sarif` in the image's folder. */
function scanFiles(dir, platform) {
    const name = `trivy-${platform.replace(/\//g, '-')}`;
    return { reportPath: external_node_path_.join(dir, `${name}.json`), sarifPath: external_node_path_.join(dir, `${name}.sarif`) };
}
/** Each VEX document, and `--show-suppressed` so the report keeps what they silenced (`ExperimentalModifiedFindings`). */
function vexFlags(workspace) {
    const files = workspace.vexFiles ?? [];
    return files.length === 0 ? [] : [...files.flatMap((file) => ['--vex', file]), '--show-suppressed'];
}
/**
 * Scan once to JSON (the source of truth for the gate, counts and reports), then convert that JSON to
 * SARIF. The DB was fetched first, so the scan skips the update; the job's docker config holds the
 * registry login `--image-src remote` needs.
 */
function planScan(workspace, scan, target, files) {
    const vuln = scan.scanners.includes('vuln');
    return [
        isolated(workspace, [
            'image',
            '--format',
            'json',
            '--output',
            files.reportPath,
            '--severity',
            scanSeverities(scan).join(','),
            '--scanners',
            scan.scanners.join(','),
            ...(vuln ? ['--pkg-types', scan.pkgTypes.join(',')] : []),
            ...(scan.ignoreUnfixed ? ['--ignore-unfixed'] : []),
            ...(scan.listAllPackages ? ['--list-all-pkgs'] : []),
            '--ignorefile',
            workspace.ignoreFile,
            ...vexFlags(workspace),
            '--platform',
            target.platform,
            ...(vuln ? ['--skip-db-update'] : []),
            '--no-progress',
            ...(target.source === 'layout'
                ? ['--input', target.reference]
                : ['--image-src', target.source, target.reference])
        ]),
        isolated(workspace, ['convert', '--format', 'sarif', '--output', files.sarifPath, files.reportPath])
    ];
}

;// CONCATENATED MODULE: ./src/scan/trivy-report.ts



/** Parses a Trivy JSON report; `source` names the file in errors. */
function parseTrivyReport(text, source = 'the Trivy report') {
    let data;
    try {
        data = JSON.parse(text);
    }
    catch (error) {
        throw new Error(`${source} is not JSON: ${error.message}`);
    }
    if (data.SchemaVersion !== 2) {
        throw new errors/* ConfigurationError */.j1(`${source} has SchemaVersion ${String(data.SchemaVersion)}: expected 2 (Trivy 0.20 or later). Set 'trivy-version' to a current release.`);
    }
    // Every field Trivy wrote stays (CreatedAt, ReportID, ...): the vuln attestation carries the report unchanged.
    return {
        ...data,
        SchemaVersion: 2,
        ArtifactName: data.ArtifactName ?? '',
        ...(data.ArtifactType !== undefined ? { ArtifactType: data.ArtifactType } : {}),
        Metadata: data.Metadata ?? {},
        // Trivy omits Results when nothing was found.
        Results: data.Results ?? []
    };
}
async function readTrivyReport(file) {
    return parseTrivyReport(await (0,promises_.readFile)(file, 'utf8'), file);
}
function trivy_report_severityOf(value) {
    return severities.includes(value) ? value : 'UNKNOWN';
}
function vulnerabilityFinding(vulnerability, result, platform) {
    return {
        id: vulnerability.VulnerabilityID,
        pkgName: vulnerability.PkgName,
        installedVersion: vulnerability.InstalledVersion,
        ...(vulnerability.PkgPath ? { pkgPath: vulnerability.PkgPath } : {}),
        ...(vulnerability.FixedVersion ? { fixedVersion: vulnerability.FixedVersion } : {}),
        severity: trivy_report_severityOf(vulnerability.Severity),
        ...(vulnerability.Title ? { title: vulnerability.Title } : {}),
        ...(vulnerability.PrimaryURL ? { primaryUrl: vulnerability.PrimaryURL } : {}),
        target: result.Target,
        class: result.Class,
        ...(vulnerability.Layer?.DiffID ? { layerDiffId: vulnerability.Layer.DiffID } : {}),
        ...(platform ? { platform } : {})
    };
}
/** The vulnerabilities a VEX document or an ignore file took out of the results (`--show-suppressed`). */
function suppressedOf(report, platform) {
    return report.Results.flatMap((result) => (result.ExperimentalModifiedFindings ?? [])
        .filter((modified) => modified.Type === 'vulnerability' && modified.Finding?.VulnerabilityID)
        .map((modified) => ({
        finding: vulnerabilityFinding(modified.Finding, result, platform),
        status: modified.Status,
        statement: modified.Statement ?? '',
        source: modified.Source ?? ''
    })));
}
/** Every vulnerability, secret and failed misconfiguration of the report, flattened to findings. */
function findingsOf(report, platform) {
    const withPlatform = platform ? { platform } : {};
    return report.Results.flatMap((result) => [
        ...(result.Vulnerabilities ?? []).map((vulnerability) => vulnerabilityFinding(vulnerability, result, platform)),
        ...(result.Secrets ?? []).map((secret) => ({
            id: secret.RuleID,
            pkgName: result.Target,
            installedVersion: secret.StartLine ? `line ${secret.StartLine}` : '',
            severity: trivy_report_severityOf(secret.Severity),
            ...(secret.Title ? { title: secret.Title } : {}),
            target: result.Target,
            class: result.Class,
            ...(secret.Layer?.DiffID ? { layerDiffId: secret.Layer.DiffID } : {}),
            ...withPlatform
        })),
        ...(result.Misconfigurations ?? [])
            .filter((misconfiguration) => misconfiguration.Status !== 'PASS')
            .map((misconfiguration) => ({
            id: misconfiguration.AVDID || misconfiguration.ID,
            pkgName: result.Target,
            installedVersion: '',
            severity: trivy_report_severityOf(misconfiguration.Severity),
            ...(misconfiguration.Title ? { title: misconfiguration.Title } : {}),
            ...(misconfiguration.PrimaryURL ? { primaryUrl: misconfiguration.PrimaryURL } : {}),
            target: result.Target,
            class: result.Class,
            ...(misconfiguration.Layer?.DiffID ? { layerDiffId: misconfiguration.Layer.DiffID } : {}),
            ...withPlatform
        }))
    ]);
}
function countBySeverity(findings) {
    const counts = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
    for (const finding of findings)
        counts[finding.severity.toLowerCase()] += 1;
    return counts;
}

;// CONCATENATED MODULE: ./src/scan/gate.ts










function sumCounts(all) {
    const total = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
    for (const counts of all)
        for (const key of Object.keys(total))
            total[key] += counts[key];
    return total;
}
/** The layers as the scan saw them, with the instruction that made each. */
function sizedLayers(report, map) {
    return (report.Metadata.Layers ?? []).map((layer) => {
        const origin = map.layers.find((candidate) => candidate.diffId === layer.DiffID)?.origin;
        return {
            digest: layer.Digest ?? layer.DiffID,
            size: layer.Size ?? 0,
            ...(origin?.mapped
                ? { instruction: origin.instruction, line: origin.line, fromBase: origin.fromBase }
                : {})
        };
    });
}
/** The platform a report says Trivy scanned (`ImageConfig.os/architecture`); undefined when it does not say. */
function platformOf(report) {
    const config = report.Metadata.ImageConfig;
    if (!config?.os || !config.architecture)
        return undefined;
    return [config.os, config.architecture, config.variant].filter(Boolean).join('/');
}
/** `linux/arm64` and `linux/arm64/v8` are one platform; otherwise every part must match. */
function samePlatform(scanned, built) {
    const normalize = (platform) => (platform === 'linux/arm64/v8' ? 'linux/arm64' : platform);
    return normalize(scanned) === normalize(built);
}
/**
 * Marks each finding the comparison image has too, on the same platform (`platform` is the one the run
 * scanned when the findings carry none). A platform the comparison lacks leaves its findings new.
 */
function markPresent(findings, comparison, platform) {
    if (!comparison?.image)
        return findings;
    const keys = new Map(comparison.platforms.map((entry) => [entry.platform, new Set(entry.findings?.map(findingKey))]));
    const keysFor = (scanned) => [...keys.entries()].find(([candidate]) => samePlatform(candidate, scanned))?.[1];
    return findings.map((finding) => keysFor(finding.platform ?? platform)?.has(findingKey(finding))
        ? { ...finding, alreadyPresent: true }
        : finding);
}
/**
 * Fails closed when the report is not about the image that was built: another platform (Trivy picks
 * linux/amd64 of an index it cannot match), or other layers. The gate then has nothing to vouch with.
 */
function verifyScanned(report, target) {
    const scanned = platformOf(report);
    if (scanned !== undefined && !samePlatform(scanned, target.platform)) {
        return `Trivy scanned ${scanned} of ${target.reference}, but ${target.platform} was built: that platform was not scanned, so the image is not tagged.`;
    }
    const diffIds = report.Metadata.DiffIDs ?? report.Metadata.ImageConfig?.rootfs?.diff_ids;
    const expected = target.expected?.diffIds;
    if (expected && diffIds && expected.join() !== diffIds.join()) {
        return `Trivy scanned an image with other layers than the one built (${target.reference}, ${target.platform}): the scan cannot vouch for it, so the image is not tagged.`;
    }
    return undefined;
}
function categoryFor(request, platform) {
    return request.scan.sarifCategory
        ? platformCategory(request.scan.sarifCategory, platform)
        : defaultCategory(request.repository, request.stage.name, platform);
}
/** `fail-on-new`'s view of the comparison; undefined without `fail-on-new`. */
function newOnlyOf(request) {
    if (!request.scan.failOnNew)
        return undefined;
    const { image, note } = request.comparison ?? {};
    return image ? { image } : { note };
}
/**
 * Scans every platform of the image before any final tag exists and says whether it may be tagged: nothing
 * failing the policy, the size budget or the scan's own checks ever carries a final tag. With `fail-on-new`
 * only findings the comparison image lacks block. In a dry run the scans are printed and the gate is assumed
 * to pass.
 */
async function runGate(runner, log, request) {
    const several = request.targets.length > 1;
    const scans = [];
    const findings = [];
    const suppressed = [];
    const sarif = [];
    const problems = [...(request.problems ?? [])];
    let layers = [];
    let scanner = 'Trivy';
    const startedAt = new Date();
    for (const target of request.targets) {
        const files = scanFiles(request.dir, target.platform);
        for (const command of planScan(request.workspace, request.scan, target, files))
            await runner.run(command, { stream: true });
        if (runner.dryRun)
            continue;
        const report = await readTrivyReport(files.reportPath);
        if (report.Trivy?.Version)
            scanner = `Trivy ${report.Trivy.Version}`;
        const problem = verifyScanned(report, target);
        if (problem)
            problems.push(problem);
        const platform = several ? target.platform : undefined;
        const map = mapLayers({
            config: report.Metadata.ImageConfig ?? {},
            dockerfile: request.dockerfile.parsed,
            stage: request.stage,
            buildArgs: request.buildArgs
        });
        if (map.problem)
            log.info(`Layer mapping: ${map.problem}`);
        const mapped = markPresent(mapFindings(findingsOf(report, platform), map), request.comparison, target.platform);
        findings.push(...mapped);
        suppressed.push(...suppressedOf(report, platform));
        scans.push({ platform: target.platform, ...files, counts: countBySeverity(mapped) });
        if (layers.length === 0)
            layers = sizedLayers(report, map);
        const category = categoryFor(request, platform);
        const raw = JSON.parse(await (0,promises_.readFile)(files.sarifPath, 'utf8'));
        const located = rewriteSarifLocations(raw, mapped, request.dockerfile.relativePath, map.fallback);
        const prepared = prepareSarif(request.comparison?.image ? markBaseline(located, mapped) : located, {
            category
        });
        const omitted = describeOmitted(prepared.omitted);
        if (omitted)
            log.warning(omitted);
        sarif.push({ category, sarif: prepared.log });
    }
    const verdict = evaluateGate(findings, request.scan.failOn, newOnlyOf(request));
    const layersCompressed = request.targets.every((target) => target.source === 'remote');
    const budget = request.report.maxImageSize;
    const sizeCheck = budget !== undefined && !runner.dryRun ? checkSizeBudget(layers, budget, layersCompressed) : undefined;
    const reasons = [...problems];
    if (verdict.message)
        reasons.push(verdict.message);
    if (sizeCheck?.over)
        reasons.push(sizeCheck.message);
    return {
        scans,
        findings,
        counts: sumCounts(scans.map((scan) => scan.counts)),
        layers,
        layersCompressed,
        ...(sizeCheck ? { sizeCheck } : {}),
        sarif,
        ...(suppressed.length > 0 ? { suppressed } : {}),
        ...(request.comparison ? { comparison: request.comparison } : {}),
        scanner,
        startedAt,
        finishedAt: new Date(),
        ...(reasons.length > 0 ? { blocked: reasons.join('\n') } : {})
    };
}

;// CONCATENATED MODULE: ./src/scan/comparison.ts







/**
 * What to compare with, or undefined when nothing needs it: `fail-on-new` on any event, the pull request
 * comment on pull requests. On a push it is the ref's own stable tag, read before the release moves it.
 */
function comparisonTarget(request) {
    const pullRequest = pullRequestOf(request.context);
    if (pullRequest?.baseRef) {
        if (!request.failOnNew && !request.commenting)
            return undefined;
        return {
            kind: 'base-branch',
            ref: pullRequest.baseRef,
            ...(request.meta.baseTag ? { tag: request.meta.baseTag } : {})
        };
    }
    if (!request.failOnNew)
        return undefined;
    const tag = request.meta.previousTags[0];
    return { kind: 'previous-tag', ref: tag ?? '', ...(tag ? { tag } : {}) };
}
function comparisonFiles(dir, platform) {
    const name = `trivy-compare-${platform.replace(/\//g, '-')}`;
    return { reportPath: external_node_path_.join(dir, `${name}.json`), sarifPath: external_node_path_.join(dir, `${name}.sarif`) };
}
/**
 * Reads where the comparison tag points (once, by digest from then on) and scans each platform this run built,
 * through the same isolated Trivy and policy flags as the image itself, so both sides are counted alike. A
 * platform the comparison image lacks, or whose scan is about another platform, has no findings to compare.
 */
async function scanComparison(runner, probe, request) {
    const { target } = request;
    const unscanned = request.platforms.map((platform) => ({ platform }));
    if (!target.tag) {
        return {
            ...target,
            platforms: unscanned,
            note: 'the tag rules give it no tag that outlives a commit, so there is no image to compare with'
        };
    }
    const image = `${request.image}:${target.tag}`;
    const stored = await readManifest(probe, request.ref, { imageTag: target.tag });
    if (!stored)
        return { ...target, platforms: unscanned, note: `${image} does not exist` };
    const listed = indexPlatforms(stored.manifest);
    const several = request.platforms.length > 1;
    const platforms = [];
    for (const platform of request.platforms) {
        if (listed && !listed.some((entry) => samePlatform(entry.platform, platform))) {
            platforms.push({ platform });
            continue;
        }
        const files = comparisonFiles(request.dir, platform);
        const [scan] = planScan(request.workspace, request.scan, { reference: `${image}@${stored.digest}`, source: 'remote', platform }, files);
        await runner.run(scan, { stream: true });
        if (runner.dryRun) {
            platforms.push({ platform });
            continue;
        }
        const report = await readTrivyReport(files.reportPath);
        const scanned = platformOf(report);
        const matches = scanned === undefined || samePlatform(scanned, platform);
        platforms.push(matches ? { platform, findings: findingsOf(report, several ? platform : undefined) } : { platform });
    }
    const missing = platforms.filter((entry) => !entry.findings).map((entry) => entry.platform);
    const layers = await storedLayers(probe, request.ref, { imageDigest: stored.digest }, request.platforms[0]).catch(() => undefined);
    const size = layers?.reduce((sum, layer) => sum + layer.size, 0);
    return {
        ...target,
        image,
        digest: stored.digest,
        platforms,
        ...(size !== undefined ? { size } : {}),
        ...(missing.length > 0 && !runner.dryRun ? { note: `${image} has no ${missing.join(', ')}` } : {})
    };
}

;// CONCATENATED MODULE: ./src/scan/layout.ts


async function blob(layout, digest) {
    const [algorithm, hex] = digest.split(':');
    return JSON.parse(await (0,promises_.readFile)(external_node_path_.join(layout, 'blobs', algorithm, hex), 'utf8'));
}
function platformName(descriptor, config) {
    const source = descriptor.platform?.os ? descriptor.platform : config;
    return [source.os, source.architecture, source.variant].filter(Boolean).join('/');
}
/** A layout next to `layout` that shares its blobs and lists one manifest. */
async function singleImageLayout(layout, descriptor, platform) {
    const dir = `${layout}-${platform.replace(/\//g, '-')}`;
    await (0,promises_.mkdir)(dir, { recursive: true });
    await (0,promises_.writeFile)(external_node_path_.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    const plain = { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size };
    await (0,promises_.writeFile)(external_node_path_.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [plain] }));
    await (0,promises_.symlink)(external_node_path_.join(layout, 'blobs'), external_node_path_.join(dir, 'blobs')).catch((error) => {
        if (error.code !== 'EEXIST')
            throw error;
    });
    return dir;
}
/** Reads an OCI layout buildx wrote, skipping attestation manifests (`unknown/unknown`). */
async function readLayout(layout) {
    const top = JSON.parse(await (0,promises_.readFile)(external_node_path_.join(layout, 'index.json'), 'utf8'));
    const image = top.manifests?.[0];
    if (!image)
        throw new Error(`${layout}/index.json names no image`);
    const manifest = await blob(layout, image.digest);
    const descriptors = manifest.manifests ? manifest.manifests : [image];
    const platforms = [];
    for (const descriptor of descriptors) {
        if (descriptor.platform?.os === 'unknown')
            continue;
        const imageManifest = descriptor === image ? manifest : await blob(layout, descriptor.digest);
        if (!imageManifest.config)
            continue;
        const config = await blob(layout, imageManifest.config.digest);
        const platform = platformName(descriptor, config);
        platforms.push({
            platform,
            manifestDigest: descriptor.digest,
            configDigest: imageManifest.config.digest,
            diffIds: config.rootfs?.diff_ids ?? [],
            dir: await singleImageLayout(layout, descriptor, platform)
        });
    }
    return { digest: image.digest, platforms };
}

;// CONCATENATED MODULE: ./src/scan/trivy-db.ts


/** One cache entry per OS and UTC day; any earlier day is a good enough start (Trivy refreshes a stale DB). */
function trivyDbCacheKeys(platform, date) {
    return {
        key: `trivy-db-${platform}-${date.toISOString().slice(0, 10)}`,
        restoreKeys: [`trivy-db-${platform}-`]
    };
}
/** Restores the vulnerability DB so scans don't pull it from a rate-limited registry; failures are warnings. */
async function restoreTrivyDb(log, options) {
    const cache = await Promise.all(/* import() */[__nccwpck_require__.e(119), __nccwpck_require__.e(838), __nccwpck_require__.e(691)]).then(__nccwpck_require__.bind(__nccwpck_require__, 1691));
    if (!cache.isFeatureAvailable()) {
        log.debug('The Actions cache service is not available: the Trivy DB is not cached');
        return undefined;
    }
    const { key, restoreKeys } = trivyDbCacheKeys(options.platform ?? process.platform, options.date ?? new Date());
    const paths = [external_node_path_.join(options.cacheDir, 'db')];
    try {
        const restoredKey = await cache.restoreCache(paths, key, restoreKeys);
        log.info(restoredKey ? `Trivy DB restored from cache ${restoredKey}` : 'No cached Trivy DB yet');
        return { paths, key, ...(restoredKey ? { restoredKey } : {}) };
    }
    catch (error) {
        log.warning(`Could not restore the Trivy DB cache: ${error.message}`);
        return { paths, key };
    }
}
/** Saves the DB under today's key unless that key was the one restored; failures are warnings. */
async function saveTrivyDb(log, entry) {
    if (!entry || entry.restoredKey === entry.key || !entry.paths.some((dir) => (0,external_node_fs_.existsSync)(dir)))
        return;
    const cache = await Promise.all(/* import() */[__nccwpck_require__.e(119), __nccwpck_require__.e(838), __nccwpck_require__.e(691)]).then(__nccwpck_require__.bind(__nccwpck_require__, 1691));
    try {
        await cache.saveCache(entry.paths, entry.key);
        log.info(`Trivy DB saved to cache ${entry.key}`);
    }
    catch (error) {
        log.warning(`Could not save the Trivy DB cache: ${error.message}`);
    }
}

;// CONCATENATED MODULE: ./src/scan/phase.ts











/** The image the staging name holds: its id (what the final tags go onto), platform and layers. */
async function inspectStaging(probe, staging) {
    const { stdout } = await probe.run({
        tool: 'docker',
        args: ['image', 'inspect', '--format', '{{json .}}', staging]
    });
    const image = JSON.parse(stdout);
    return {
        id: image.Id,
        platform: [image.Os, image.Architecture, image.Variant].filter(Boolean).join('/'),
        diffIds: image.RootFS?.Layers ?? []
    };
}
/** Trivy once per step: the binary, a fresh DB (cached daily), and its own folder with the step's policy files. */
async function setUpTrivy(request, dir) {
    const scan = request.config.scan;
    const dry = request.runner.dryRun;
    const trivy = scan.skipSetupTrivy || dry
        ? 'trivy'
        : await installTrivy({ version: scan.trivyVersion, checksum: scan.trivyChecksum, log: request.log });
    const workspace = await prepareTrivyWorkspace(dir, trivy, scan);
    const db = dry ? undefined : await restoreTrivyDb(request.log, { cacheDir: workspace.cacheDir });
    const download = planDbDownload(workspace, scan);
    if (download)
        await request.runner.run(download, { stream: true });
    if (!dry)
        await saveTrivyDb(request.log, db);
    return workspace;
}
/** The platforms asked for that the image does not have: each would go out unscanned, or not at all. */
function missing(asked, found) {
    return asked.filter((platform) => !found.some((candidate) => samePlatform(candidate, platform)));
}
/** Each platform of an image the daemon holds: from the OCI layout where there is one, else the daemon itself. */
async function stagedInDaemon(request, plan) {
    const asked = request.config.build.platforms;
    const daemon = await inspectStaging(request.probe, plan.staging);
    if (!plan.layout) {
        const platform = asked[0] ?? daemon.platform;
        return {
            held: { id: daemon.id },
            targets: [
                { reference: plan.staging, source: 'docker', platform, expected: { diffIds: daemon.diffIds } }
            ],
            problems: []
        };
    }
    const layout = await readLayout(plan.layout);
    // The daemon may add attestations the layout lacks, so it is compared by content: its own platform's layers.
    const own = layout.platforms.find((entry) => samePlatform(entry.platform, daemon.platform));
    const same = own !== undefined && own.diffIds.join() === daemon.diffIds.join();
    const problems = [
        ...(!same
            ? [
                `The daemon holds another image under ${plan.staging} than the build exported for the scan: nothing was tagged.`
            ]
            : []),
        ...missing(asked, layout.platforms.map((entry) => entry.platform)).map((platform) => `The image has no ${platform} to scan: it is not tagged.`)
    ];
    return {
        held: {
            id: daemon.id,
            scanned: Object.fromEntries(layout.platforms.map((entry) => [entry.platform, entry.manifestDigest]))
        },
        targets: layout.platforms.map((entry) => ({
            reference: entry.dir,
            source: 'layout',
            platform: entry.platform,
            expected: { diffIds: entry.diffIds }
        })),
        problems
    };
}
/** Each platform the pushed index lists (attestations left out); a single manifest is the platform built. */
async function stagedInRegistry(request, plan, built) {
    const asked = request.config.build.platforms;
    const reference = `${plan.image}@${built.digest}`;
    const fallback = asked.length > 0 ? asked : [request.facts.daemon.platform];
    if (request.runner.dryRun)
        return { targets: fallback.map((platform) => ({ reference, source: 'remote', platform })), problems: [] };
    const stored = await readManifest(request.probe, imageRefIn(request.facts.ecr, plan.spec.repository), {
        imageDigest: built.digest
    });
    const listed = stored ? indexPlatforms(stored.manifest)?.map((entry) => entry.platform) : undefined;
    const platforms = listed && listed.length > 0 ? listed : fallback;
    return {
        targets: platforms.map((platform) => ({ reference, source: 'remote', platform })),
        problems: missing(asked, platforms).map((platform) => `The pushed image has no ${platform} to scan: it is not tagged.`)
    };
}
async function staged(request, plan, built) {
    if (plan.delivery === 'registry-staging')
        return stagedInRegistry(request, plan, built);
    const asked = request.config.build.platforms;
    if (request.runner.dryRun) {
        const platforms = asked.length > 0 ? asked : [request.facts.daemon.platform];
        return {
            targets: platforms.map((platform) => plan.layout
                ? {
                    reference: `${plan.layout}-${platform.replace(/\//g, '-')}`,
                    source: 'layout',
                    platform
                }
                : { reference: plan.staging, source: 'docker', platform }),
            problems: []
        };
    }
    return stagedInDaemon(request, plan);
}
/**
 * The comparison image of one image, scanned before its own verdict: `fail-on-new` needs it to decide and the
 * pull request comment shows it, so it is scanned once, here. Failing to read or scan it is a warning, and
 * (failing closed) every finding then counts as new.
 */
async function compareWith(request, workspace, plan, platforms) {
    const { config, context, log } = request;
    const scan = config.scan;
    const commenting = Boolean(pullRequestOf(context) && config.report.prComment && config.githubToken);
    const target = comparisonTarget({
        context,
        meta: request.meta,
        failOnNew: scan.failOnNew === true,
        commenting
    });
    if (!target)
        return undefined;
    const unscanned = platforms.map((platform) => ({ platform }));
    const ecr = request.facts.ecr;
    if (!ecr) {
        return scan.failOnNew
            ? { ...target, platforms: unscanned, note: "'push: false' reads no registry" }
            : undefined;
    }
    const ref = imageRefIn(ecr, plan.spec.repository);
    try {
        return await scanComparison(request.runner, request.probe, {
            workspace,
            scan,
            ref,
            image: plan.image,
            target,
            platforms,
            dir: plan.dir
        });
    }
    catch (error) {
        const message = sentence(error.message);
        const image = `${plan.image}:${target.tag ?? target.ref}`;
        log.warning(`Could not compare with ${image}: ${message}${scan.failOnNew ? ' Every finding counts as new (fail-on-new).' : ''}`);
        return { ...target, platforms: unscanned, note: `${image} could not be read or scanned` };
    }
}
/** Scans each image (every platform) before any final tag; uploads SARIF and annotates, whatever the verdict. */
async function gateAll(request) {
    const { config, plans, built, runner, log } = request;
    if (!config.scan)
        return { images: plans.map(() => undefined), held: plans.map(() => undefined) };
    const dir = external_node_path_.join(external_node_path_.dirname(plans[0].dir), 'trivy');
    await (0,promises_.mkdir)(dir, { recursive: true });
    const workspace = await setUpTrivy(request, dir);
    const images = [];
    const held = [];
    // One after another: Trivy holds a lock on its cache while it scans.
    for (const [index, plan] of plans.entries()) {
        const image = await staged(request, plan, built[index]);
        held.push(image.held);
        const { targets, problems } = image;
        const comparison = await compareWith(request, workspace, plan, targets.map((target) => target.platform));
        images.push(await runGate(runner, log, {
            workspace,
            scan: config.scan,
            report: config.report,
            dockerfile: config.dockerfile,
            stage: plan.spec.stage,
            repository: plan.spec.repository,
            buildArgs: config.build.buildArgs,
            targets,
            problems,
            dir: plan.dir,
            ...(comparison ? { comparison } : {})
        }));
    }
    return { images, held, workspace };
}

;// CONCATENATED MODULE: ./src/dockerfile/model.ts



const developmentWords = new Set([
    'dev',
    'devel',
    'develop',
    'development',
    'test',
    'tests',
    'testing',
    'debug'
]);
/** `development`, `testing`, `e2e-test`, `dev_tools`: a word of the stage name says it is not production. */
function isDevelopmentStage(name) {
    return name
        .toLowerCase()
        .split(/[-_.]/)
        .some((word) => developmentWords.has(word));
}
/** CRLF as LF: heredoc delimiters and shell commands are compared line by line; line numbers stay the same. */
function withUnixLineEnds(text) {
    return text.replace(/\r\n/g, '\n');
}
/** How messages name a stage: its AS name, or `#0` for an unnamed one. */
function stageLabel(stage) {
    return stage.stage.name === String(stage.stage.index) ? `#${stage.stage.index}` : stage.stage.name;
}
/** 1-based line where an instruction (or comment) starts. */
function lineOf(node) {
    return node.getRange().start.line + 1;
}
function keywordOf(instruction) {
    return instruction.getKeyword().toUpperCase();
}
/** The flags of an instruction (`--mount=…`, `--from=…`), empty for instructions that take none. */
function flagsOf(instruction) {
    if (!(instruction instanceof main.ModifiableInstruction))
        return [];
    return instruction.getFlags().map((flag) => ({
        name: flag.getName().toLowerCase(),
        value: flag.getValue() ?? '',
        options: new Map(flag.getOptions().map((option) => [option.getName().toLowerCase(), option.getValue() ?? '']))
    }));
}
/** `RUN --mount=…` flags; `type` defaults to bind, `dst`/`destination` are `target`. */
function mountsOf(instruction) {
    return flagsOf(instruction)
        .filter((flag) => flag.name === 'mount')
        .map(({ options }) => ({
        type: (options.get('type') ?? 'bind').toLowerCase(),
        target: (options.get('target') ?? options.get('dst') ?? options.get('destination') ?? '').replace(/\/+$/, ''),
        from: options.get('from') ?? ''
    }));
}
/** True for the exec (JSON array) form of RUN, CMD and ENTRYPOINT. */
function isExecForm(instruction) {
    const content = (instruction.getArgumentsContent() ?? '').trim();
    if (!content.startsWith('['))
        return false;
    try {
        const parsed = JSON.parse(content);
        return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string');
    }
    catch {
        return false;
    }
}
/** The instructions of a stage's chain in the order they run, root first. */
function instructionsOf(chain) {
    return chain.flatMap((stage) => stage.instructions);
}
/** The stage a reference names (by AS name or index), among `candidates`. */
function stageNamed(candidates, reference) {
    const name = reference.toLowerCase();
    return candidates.find((candidate) => candidate.stage.name.toLowerCase() === name || String(candidate.stage.index) === name);
}
/** Stages a stage's instructions copy or mount from (`COPY --from=builder`, `RUN --mount=from=builder`). */
function sourcesOf(model, stage) {
    const references = stage.instructions.flatMap((instruction) => [
        ...flagsOf(instruction)
            .filter((flag) => flag.name === 'from')
            .map((flag) => flag.value),
        ...mountsOf(instruction)
            .map((mount) => mount.from)
            .filter((from) => from !== '')
    ]);
    return references.flatMap((reference) => {
        const others = model.stages.filter((candidate) => candidate !== stage);
        const found = stageNamed(others, expandArgs(reference, model.args));
        return found ? [found] : [];
    });
}
function chainOf(model, stage) {
    return stageChain(model.stages, stage, model.args).chain;
}
/** The built stage, what it builds on, and what any of those copy from, transitively; in file order. */
function closureOf(model, built) {
    const seen = new Set();
    const queue = [built];
    while (queue.length > 0) {
        const stage = queue.shift();
        for (const member of chainOf(model, stage)) {
            if (seen.has(member))
                continue;
            seen.add(member);
            queue.push(...sourcesOf(model, member));
        }
    }
    return model.stages.filter((stage) => seen.has(stage));
}
function buildModel(request) {
    const dockerfile = parseDockerfile(withUnixLineEnds(request.dockerfile));
    const stages = stageInstructions(dockerfile);
    const built = stages[request.stage?.index ?? stages.length - 1];
    const buildArgs = request.buildArgs ?? [];
    const args = globalArgs(dockerfile, buildArgs);
    const base = { stages, args };
    return {
        dockerfile,
        file: request.file,
        stages,
        built,
        chain: chainOf(base, built),
        closure: closureOf(base, built),
        args,
        buildArgs: new Map(buildArgs.map((pair) => [pair.key, pair.value])),
        development: isDevelopmentStage(built.stage.name),
        ...(request.context ? { context: request.context } : {})
    };
}
/** True when the stage's FROM names an earlier stage rather than an image. */
function buildsOnStage(model, stage) {
    const earlier = model.stages.filter((candidate) => candidate.stage.index < stage.stage.index);
    return stageNamed(earlier, expandArgs(stage.stage.from, model.args)) !== undefined;
}

;// CONCATENATED MODULE: ./src/dockerfile/suppress.ts


const pragma = /^check-ignore\s*=\s*(.*)$/i;
function ignoreComments(dockerfile) {
    // Comments at the very top parse as parser directives (`# check-ignore=x` looks like one): read both.
    const comments = new Map([
        ...dockerfile
            .getDirectives()
            .map((directive) => [lineOf(directive), `${directive.getName()}=${directive.getValue()}`]),
        ...dockerfile.getComments().map((comment) => [lineOf(comment), comment.getContent().trim()])
    ]);
    const instructionLines = new Set(dockerfile.getInstructions().map(lineOf));
    return [...comments].flatMap(([line, content]) => {
        const match = pragma.exec(content);
        if (!match)
            return [];
        const names = match[1]
            .split(/[\s,]+/)
            .map((name) => name.trim())
            .filter((name) => name !== '');
        // The comment may sit in a block of comments right above the instruction (no blank line between).
        let below = line + 1;
        while (comments.has(below))
            below++;
        return [{ line, names, ...(instructionLines.has(below) ? { instructionLine: below } : {}) }];
    });
}
/** Findings for `# check-ignore=` comments that silence nothing: unknown names, or no instruction below. */
function invalidIgnoreComments(dockerfile, file) {
    const info = ruleInfo('check-ignore-invalid');
    if (!info)
        return [];
    return ignoreComments(dockerfile).flatMap((comment) => {
        const unknown = comment.names.filter((name) => canonicalRule(name) === undefined);
        const problems = [
            ...(unknown.length > 0
                ? [`${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a rule id`]
                : []),
            ...(comment.instructionLine === undefined ? ['no instruction follows directly below it'] : []),
            ...(comment.names.length === 0 ? ['it names no rule'] : [])
        ];
        if (problems.length === 0)
            return [];
        return [
            {
                rule: info.id,
                severity: info.severity,
                file,
                line: comment.line,
                message: `# check-ignore silences nothing: ${problems.join('; ')}.`,
                fix: info.fix
            }
        ];
    });
}
/**
 * Drops findings ignored by the `dockerfile-checks-ignore` list or by a `# check-ignore=` comment above their
 * instruction. Ignoring a rule also ignores its Docker build check equivalent, and the other way round.
 */
function suppressFindings(findings, options) {
    const everywhere = new Set((options.ignore ?? []).flatMap((name) => ruleAliases(canonicalRule(name) ?? name)));
    const byLine = new Map();
    for (const comment of ignoreComments(options.dockerfile)) {
        if (comment.instructionLine === undefined)
            continue;
        const names = byLine.get(comment.instructionLine) ?? new Set();
        for (const name of comment.names)
            for (const alias of ruleAliases(canonicalRule(name) ?? name))
                names.add(alias);
        byLine.set(comment.instructionLine, names);
    }
    return findings.filter((finding) => !everywhere.has(finding.rule) && !byLine.get(finding.line)?.has(finding.rule));
}

;// CONCATENATED MODULE: ./src/dockerfile/buildx.ts






/** `docker buildx build --call=check` needs buildx 0.15 (with the Dockerfile 1.8 frontend it brings). */
const buildChecksMinimumBuildx = '0.15.0';
/** Whether this buildx runs Docker's build checks: `0.13.1` → false, `github.com/docker/buildx v0.17.1 …` → true. */
function supportsBuildChecks(buildxVersion) {
    const version = semver_default().coerce(buildxVersion);
    return version !== null && semver_default().gte(version, buildChecksMinimumBuildx);
}
/** The one notice for a run whose buildx is too old for Docker's build checks. */
function buildChecksSkippedNotice(buildxVersion) {
    return (`Docker's build checks (docker buildx build --call=check) need buildx ${buildChecksMinimumBuildx} or later ` +
        `and this runner has ${semver_default().coerce(buildxVersion)?.version ?? buildxVersion}: only this action's Dockerfile checks ran.`);
}
/**
 * The check run: same file, target, build args and builder as the build, so Docker lints what will be built.
 * It exits 1 when there are warnings; run it with `allowFailure` and read stdout either way.
 */
function planBuildChecks(request) {
    return {
        tool: 'docker',
        args: [
            'buildx',
            'build',
            ...(request.builder ? ['--builder', request.builder] : []),
            '--call=check,format=json',
            '--file',
            request.file,
            ...(request.target ? ['--target', request.target] : []),
            ...request.buildArgs.flatMap((arg) => ['--build-arg', `${arg.key}=${arg.value}`]),
            request.context
        ]
    };
}
/** 1-based line of a location's first range; line 1 when BuildKit gave none (the check is about the whole file). */
function lineOfLocation(location) {
    const line = location?.ranges?.[0]?.start?.line;
    return typeof line === 'number' && line >= 1 ? line : 1;
}
function parseResults(stdout) {
    const text = stdout.trim();
    const start = text.indexOf('{');
    const end = text.lastIndexOf('}');
    if (start < 0 || end < start)
        throw new Error('docker buildx build --call=check printed no JSON result');
    const parsed = JSON.parse(text.slice(start, end + 1));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('docker buildx build --call=check printed JSON that is not a lint result');
    return parsed;
}
/**
 * Docker's build check results as findings on the Dockerfile (every warning points at the one Dockerfile the
 * check ran on), with the same ignores applied as to ours. Throws when stdout holds no lint result.
 */
function parseBuildCheckResult(stdout, options) {
    const results = parseResults(stdout);
    const findings = (results.warnings ?? []).flatMap((warning) => {
        if (!warning.ruleName)
            return [];
        const description = warning.description ?? '';
        return [
            {
                rule: warning.ruleName,
                severity: dockerBuildChecks[warning.ruleName] ?? 'warning',
                file: options.file,
                line: lineOfLocation(warning.location),
                message: warning.detail || description || warning.ruleName,
                fix: description || `See Docker's build check ${warning.ruleName}.`,
                ...(warning.url ? { url: warning.url } : {})
            }
        ];
    });
    const kept = suppressFindings(finding_uniqueFindings(findings), {
        dockerfile: parseDockerfile(withUnixLineEnds(options.dockerfile)),
        ignore: options.ignore
    });
    const error = results.buildError?.message;
    return {
        findings: sortFindings(kept),
        ...(error ? { buildError: { message: error, line: lineOfLocation(results.buildError?.location) } } : {})
    };
}
/**
 * Ours and Docker's in one list, sorted. A Docker finding is a duplicate when one of ours is on the same line
 * for the equivalent rule (JSONArgsRecommended ≡ shell-form-cmd, SecretsUsedInArgOrEnv ≡ secret-in-image):
 * ours is kept, for its strategy-specific fix and severity.
 */
function mergeFindings(ours, docker) {
    const covered = new Set(ours.map((finding) => `${finding.rule}\u0000${finding.line}`));
    const fresh = docker.filter((finding) => {
        const equivalent = equivalentRule(finding.rule);
        return !(equivalent && covered.has(`${equivalent}\u0000${finding.line}`));
    });
    return sortFindings(finding_uniqueFindings([...ours, ...fresh]));
}

;// CONCATENATED MODULE: ./src/dockerfile/shell.ts

const heredocStart = /<<(-?)\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;
const shells = /^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|ash|dash|zsh)(?:\s+-[A-Za-z]+)*\s*$/;
/** Splits `<<EOF …\nbody\nEOF` into the first line and the bodies, in order. */
function splitHeredocs(content) {
    const lines = content.split('\n');
    const first = lines[0];
    const delimiters = [...first.matchAll(heredocStart)].map((match) => ({
        name: match[3],
        strip: match[1] === '-'
    }));
    if (delimiters.length === 0)
        return { command: content, bodies: [] };
    const bodies = [];
    let index = 1;
    for (const { name, strip } of delimiters) {
        const body = [];
        while (index < lines.length && (strip ? lines[index].replace(/^\t+/, '') : lines[index]) !== name) {
            body.push(lines[index++]);
        }
        index++;
        bodies.push(body.join('\n'));
    }
    return { command: first.replace(heredocStart, ' ').trim(), bodies };
}
function runScript(instruction) {
    const content = instruction.getArgumentsContent() ?? '';
    if (isExecForm(instruction))
        return { script: JSON.parse(content).join(' '), data: [] };
    const { command, bodies } = splitHeredocs(content);
    if (bodies.length === 0)
        return { script: command, data: [] };
    // `RUN <<EOF` and `RUN bash <<EOF` run the body; `RUN cat <<EOF > f` and `RUN python3 <<EOF` read it as data.
    if (command === '' || shells.test(command))
        return { script: bodies.join('\n'), data: [] };
    return { script: command, data: bodies };
}
/** The sources of COPY or ADD (all arguments but the destination); a heredoc is `<<NAME`. */
function copySources(instruction) {
    const content = instruction.getArgumentsContent() ?? '';
    if (isExecForm(instruction))
        return JSON.parse(content).slice(0, -1);
    const heredocs = [...(content.split('\n')[0] ?? '').matchAll(heredocStart)].map((match) => `<<${match[3]}`);
    const words = splitHeredocs(content)
        .command.split(/\s+/)
        .filter((word) => word !== '');
    return [...heredocs, ...words.slice(0, -1)];
}
const shell_keywords = new Set([
    'if',
    'then',
    'else',
    'elif',
    'fi',
    'do',
    'done',
    'while',
    'until',
    '!',
    '{',
    '}',
    'time',
    'exec'
]);
/** Shell syntax before a command (`then make`), not part of it; `time` and `exec` are commands. */
const leadingKeywords = /^(?:(?:if|then|else|elif|do|while|until|!|\{)\s+)+/;
function finish(raw) {
    const words = [...raw.words];
    const env = {};
    for (;;) {
        const word = words[0];
        if (word === undefined)
            break;
        const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word);
        if (assignment)
            env[assignment[1]] = assignment[2];
        else if (!shell_keywords.has(word) &&
            word !== 'sudo' &&
            word !== 'env' &&
            !(word.startsWith('-') && raw.words[0] === 'sudo'))
            break;
        words.shift();
    }
    const text = raw.text
        // Continued lines read as one, without the shell keyword that led into the command.
        .replace(/[ \t]*\\\n[ \t]*/g, ' ')
        .replace(/[\s;&|()]+$/, '')
        .trim()
        .replace(leadingKeywords, '');
    if (words.length === 0 && raw.writes.length === 0)
        return undefined;
    const writes = [...raw.writes];
    if (words[0] === 'tee')
        writes.push(...words.slice(1).filter((word) => !word.startsWith('-')));
    return { words, env, writes: writes.filter((file) => !/^\/dev\/(null|stdout|stderr)$/.test(file)), text };
}
/**
 * The simple commands of a shell script, split at `&&`, `||`, `;`, `|`, `&` and newlines outside quotes.
 * Enough of sh to read what RUN lines install and write; not a full parser (no functions, no `case`).
 */
function shellCommands(script) {
    const commands = [];
    let current = { words: [], writes: [] };
    // The command's text is its span of the script (what findings quote), up to a comment if it has one.
    let start = 0;
    let comment;
    let word;
    let redirect;
    let quote;
    let depth = 0;
    const endWord = () => {
        if (word === undefined)
            return;
        if (redirect === 'write')
            current.writes.push(word);
        else if (redirect === undefined)
            current.words.push(word);
        redirect = undefined;
        word = undefined;
    };
    const endCommand = (end) => {
        endWord();
        const command = finish({ ...current, text: script.slice(start, comment ?? end) });
        if (command)
            commands.push(command);
        current = { words: [], writes: [] };
        comment = undefined;
    };
    for (let index = 0; index < script.length; index++) {
        const char = script[index];
        const next = script[index + 1];
        if (quote) {
            if (char === quote)
                quote = undefined;
            else if (char === '\\' && quote === '"' && next !== undefined) {
                word = (word ?? '') + next;
                index++;
            }
            else
                word = (word ?? '') + char;
            continue;
        }
        if (depth > 0) {
            if (char === '(')
                depth++;
            if (char === ')')
                depth--;
            word = (word ?? '') + char;
            continue;
        }
        if (char === '\\' && next !== undefined) {
            if (next !== '\n')
                word = (word ?? '') + next;
            index++;
        }
        else if (char === "'" || char === '"') {
            quote = char;
            word = word ?? '';
        }
        else if (char === '$' && next === '(') {
            depth = 1;
            word = (word ?? '') + '$(';
            index++;
        }
        else if (char === '#' && word === undefined) {
            comment = index;
            while (index + 1 < script.length && script[index + 1] !== '\n')
                index++;
        }
        else if (char === '>' || char === '<') {
            const descriptor = word !== undefined && /^\d$/.test(word);
            if (descriptor)
                word = undefined;
            endWord();
            const operator = char === '>' && (next === '>' || next === '|') ? 2 : 1;
            const duplicate = script[index + operator] === '&';
            const heredoc = char === '<' && next === '<';
            index += operator - 1 + (duplicate || heredoc ? 1 : 0);
            redirect = char === '>' && !duplicate ? 'write' : 'read';
        }
        else if (char === '&' && next === '>') {
            endWord();
            index += script[index + 2] === '>' ? 2 : 1;
            redirect = 'write';
        }
        else if (char === '\n' ||
            char === ';' ||
            char === '|' ||
            char === '&' ||
            char === '(' ||
            char === ')') {
            endCommand(index);
            if ((char === '&' || char === '|') && next === char)
                index++;
            start = index + 1;
        }
        else if (char === ' ' || char === '\t') {
            endWord();
        }
        else {
            word = (word ?? '') + char;
        }
    }
    endCommand(script.length);
    return commands;
}
/** A command's words without its options (`-y`, `--no-cache`), for finding subcommands. */
function positional(words) {
    return words.filter((word) => !word.startsWith('-'));
}

;// CONCATENATED MODULE: ./src/dockerfile/rules/found.ts


/** A finding of one of our rules at an instruction (or a line), with the rule's severity and fix unless given. */
function found(model, rule, at, message, options = {}) {
    const info = ruleInfo(rule);
    if (!info)
        throw new Error(`No rule '${rule}' in the catalogue`);
    return {
        rule,
        severity: options.severity ?? info.severity,
        file: model.file,
        line: typeof at === 'number' ? at : lineOf(at),
        message,
        fix: options.fix ?? info.fix
    };
}

;// CONCATENATED MODULE: ./src/dockerfile/rules/add.ts



const archive = /\.(?:tar|tar\.(?:gz|bz2|xz|zst)|tgz|tbz2?|txz)$/i;
const git = /^git@|^git:\/\/|\.git(?:#.*)?$/;
const url = /^https?:\/\//i;
/** ADD of a URL (unverified download) and ADD of plain files (COPY is meant). */
function addChecks(model) {
    return model.closure.flatMap((stage) => stage.instructions
        .filter((instruction) => keywordOf(instruction) === 'ADD')
        .flatMap((instruction) => {
        const sources = copySources(instruction);
        const checksum = flagsOf(instruction).some((flag) => flag.name === 'checksum');
        const remote = sources.filter((source) => url.test(source) && !git.test(source));
        const local = sources.filter((source) => !url.test(source) && !git.test(source) && !archive.test(source));
        const findings = [];
        if (remote.length > 0 && !checksum)
            findings.push(found(model, 'add-remote-url', instruction, `ADD downloads ${remote.join(', ')} without a checksum.`));
        if (local.length > 0)
            findings.push(found(model, 'add-instead-of-copy', instruction, `ADD ${local.join(' ')} copies plain files: COPY says what happens.`, {
                fix: 'Use COPY instead of ADD.'
            }));
        return findings;
    }));
}

;// CONCATENATED MODULE: ./src/dockerfile/image.ts
function parseImage(reference) {
    const [withoutDigest, digest = ''] = reference.trim().split('@', 2);
    const slash = withoutDigest.lastIndexOf('/');
    const colon = withoutDigest.lastIndexOf(':');
    const hasTag = colon > slash;
    const name = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
    const tag = hasTag ? withoutDigest.slice(colon + 1) : '';
    const shortName = name
        .toLowerCase()
        .replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '')
        .replace(/^library\//, '');
    return { name, shortName, tag, digest };
}
/** Pinned: a digest, or a tag other than `latest`. */
function isPinned(image) {
    return image.digest !== '' || (image.tag !== '' && image.tag !== 'latest');
}
/**
 * Official images whose slim variant is the usual production base, and where `-slim` goes in their tags:
 * python and ruby put it after the version (`3.13-slim-bookworm`), node and debian at the end (`22-bookworm-slim`).
 */
const slimVariants = {
    python: 'after-version',
    ruby: 'after-version',
    perl: 'after-version',
    node: 'at-end',
    debian: 'at-end'
};
const codenames = /^(?:buster|bullseye|bookworm|trixie|forky)$/;
/** The slim tag for a full official image (`python:3.13` → `3.13-slim`), or undefined when it is not one. */
function slimTagFor(image) {
    const placement = slimVariants[image.shortName];
    if (!placement)
        return undefined;
    const tag = image.tag === '' || image.tag === 'latest' ? '' : image.tag;
    if (/slim|alpine|windows|nanoserver|distroless/.test(tag))
        return undefined;
    if (tag === '')
        return image.shortName === 'debian' ? 'stable-slim' : '<version>-slim';
    if (placement === 'at-end')
        return `${tag}-slim`;
    const parts = tag.split('-');
    const last = parts[parts.length - 1];
    if (parts.length > 1 && codenames.test(last))
        return `${parts.slice(0, -1).join('-')}-slim-${last}`;
    return `${tag}-slim`;
}

;// CONCATENATED MODULE: ./src/dockerfile/rules/base-images.ts




/** FROM lines that pick an image (not an earlier stage) in every stage the build runs. */
function baseImageChecks(model) {
    return model.closure.flatMap((stage) => {
        if (buildsOnStage(model, stage))
            return [];
        const reference = expandArgs(stage.stage.from, model.args).trim();
        // An ARG without a value leaves nothing to judge; Docker's own checks report the empty name.
        if (reference === '' || reference.toLowerCase() === 'scratch')
            return [];
        const image = parseImage(reference);
        const findings = [];
        const written = stage.stage.from === reference ? reference : `${stage.stage.from} (${reference})`;
        if (!isPinned(image))
            findings.push(found(model, 'unpinned-base', stage.from, `FROM ${written} is not pinned: ${image.tag === 'latest' ? ':latest' : 'no tag (:latest)'} changes underneath the build.`, { fix: `Name a version tag (${image.name}:<version>) or a digest (${image.name}@sha256:…).` }));
        const slim = image.digest === '' ? slimTagFor(image) : undefined;
        if (slim) {
            const shipped = model.chain.includes(stage);
            const suggestion = `${image.name}:${slim}`;
            findings.push(found(model, 'full-base-image', stage.from, shipped
                ? `FROM ${written} is the full image, and ${stageLabel(model.built)} is built on it.`
                : `FROM ${written} in ${stageLabel(stage)}, which ${stageLabel(model.built)} copies from, is the full image.`, {
                fix: `Use ${suggestion}${shipped ? '' : ' unless this stage needs the compilers of the full image'}.`,
                severity: shipped ? 'warning' : 'notice'
            }));
        }
        return findings;
    });
}

;// CONCATENATED MODULE: ./src/dockerfile/dockerignore.ts
function dockerignore_escape(text) {
    return text.replace(/[.+^${}()|\\]/g, '\\$&');
}
/** Docker's glob (`*`, `?`, `**`, `[...]`) as a regular expression over `/`-separated paths. */
function globToRegExp(glob) {
    let source = '';
    for (let index = 0; index < glob.length; index++) {
        const char = glob[index];
        if (char === '*' && glob[index + 1] === '*') {
            const slash = glob[index + 2] === '/';
            source += slash ? '(?:.*/)?' : '.*';
            index += slash ? 2 : 1;
        }
        else if (char === '*')
            source += '[^/]*';
        else if (char === '?')
            source += '[^/]';
        else if (char === '[') {
            const end = glob.indexOf(']', index);
            source += end > index ? glob.slice(index, end + 1).replace(/^\[!/, '[^') : '\\[';
            index = end > index ? end : index;
        }
        else
            source += dockerignore_escape(char);
    }
    return new RegExp(`^${source}$`);
}
function parseDockerignore(text) {
    return text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'))
        .map((line) => {
        const exception = line.startsWith('!');
        const path = (exception ? line.slice(1) : line)
            .trim()
            .replace(/^(\.\/|\/)+/, '')
            .replace(/\/+$/, '')
            // `.git/**` and `.git/*` empty the directory: for what reaches the image that is the same as `.git`.
            .replace(/\/\*\*?$/, '');
        return { pattern: globToRegExp(path), exception };
    });
}
/** Whether a top-level entry of the context is left out by the `.dockerignore`; the last matching line wins. */
function isIgnored(entry, patterns) {
    let ignored = false;
    for (const { pattern, exception } of patterns)
        if (pattern.test(entry))
            ignored = !exception;
    return ignored;
}

;// CONCATENATED MODULE: ./src/dockerfile/rules/context.ts


/** What must not reach the image or the builder: history, environment files, dependency and bytecode caches. */
const sensitive = (entry) => entry === '.git' || entry.startsWith('.env') || entry === 'node_modules' || entry === '__pycache__';
/** Reported at line 1: the problem is the context next to the Dockerfile, not one instruction. */
function contextChecks(model) {
    if (!model.context)
        return [];
    const present = model.context.entries.filter(sensitive).sort();
    if (present.length === 0)
        return [];
    if (model.context.dockerignore === undefined)
        return [
            found(model, 'missing-dockerignore', 1, `There is no .dockerignore and the build context holds ${present.join(', ')}.`, { fix: `Add a .dockerignore that lists ${present.join(', ')}.` })
        ];
    const patterns = parseDockerignore(model.context.dockerignore);
    const through = present.filter((entry) => !isIgnored(entry, patterns));
    if (through.length === 0)
        return [];
    return [
        found(model, 'dockerignore-incomplete', 1, `The .dockerignore lets ${through.join(', ')} into the build context.`, { fix: `Add ${through.join(', ')} to the .dockerignore.` })
    ];
}

;// CONCATENATED MODULE: ./src/dockerfile/package-managers.ts
const syntaxes = {
    'apt-get': {
        manager: 'apt',
        valued: new Set(['-o', '--option', '-t', '--target-release', '-c', '--config-file']),
        actions: {
            install: 'install',
            remove: 'remove',
            purge: 'remove',
            autoremove: 'remove',
            update: 'update',
            clean: 'clean'
        }
    },
    apk: {
        manager: 'apk',
        valued: new Set([
            '-t',
            '--virtual',
            '-X',
            '--repository',
            '-p',
            '--root',
            '--arch',
            '--cache-dir',
            '--keys-dir'
        ]),
        actions: { add: 'install', del: 'remove', update: 'update', cache: 'clean' }
    },
    dnf: {
        manager: 'dnf',
        valued: new Set([
            '--enablerepo',
            '--disablerepo',
            '--repo',
            '-c',
            '--config',
            '--installroot',
            '--releasever',
            '--setopt'
        ]),
        actions: {
            install: 'install',
            groupinstall: 'install',
            group: 'install',
            remove: 'remove',
            erase: 'remove',
            clean: 'clean',
            makecache: 'update'
        }
    },
    zypper: {
        manager: 'zypper',
        valued: new Set(['-t', '--type', '-r', '--repo', '--from']),
        actions: {
            install: 'install',
            in: 'install',
            remove: 'remove',
            rm: 'remove',
            clean: 'clean',
            cc: 'clean',
            refresh: 'update',
            ref: 'update'
        }
    }
};
syntaxes.apt = syntaxes['apt-get'];
syntaxes.aptitude = syntaxes['apt-get'];
syntaxes.microdnf = syntaxes.dnf;
syntaxes.yum = { ...syntaxes.dnf, manager: 'yum' };
/** `gcc=4:12.2.0-3`, `gcc~12`, `gcc:amd64` → `gcc`. */
function packageName(word) {
    return word.replace(/[=~:<>].*$/, '').trim();
}
function packageOperation(command) {
    const tool = command.words[0]?.replace(/^.*\//, '') ?? '';
    if (!Object.hasOwn(syntaxes, tool))
        return undefined;
    const syntax = syntaxes[tool];
    const options = [];
    const rest = [];
    let virtual;
    const words = command.words.slice(1);
    for (let index = 0; index < words.length; index++) {
        const word = words[index];
        if (!word.startsWith('-')) {
            rest.push(word);
            continue;
        }
        const [name, inline] = word.split(/=(.*)/s, 2);
        const value = inline ?? (syntax.valued.has(name) ? words[++index] : undefined);
        options.push(value === undefined ? word : `${name}=${value}`);
        if (syntax.manager === 'apk' && (name === '-t' || name === '--virtual'))
            virtual = value;
    }
    const [subcommand, ...packages] = rest;
    // `dnf group install "Development Tools"`: the word after `group` is the action.
    const groupAction = subcommand === 'group' ? packages.shift() : undefined;
    const action = groupAction !== undefined && groupAction !== 'install'
        ? 'other'
        : (syntax.actions[subcommand ?? ''] ?? 'other');
    return {
        manager: syntax.manager,
        tool,
        action,
        packages: packages.map(packageName).filter((name) => name !== ''),
        ...(virtual ? { virtual } : {}),
        options
    };
}
const buildTools = new Set([
    'build-essential',
    'build-base',
    'gcc',
    'g++',
    'gcc-c++',
    'clang',
    'make',
    'cmake',
    'git',
    'git-core',
    'development tools'
]);
/** Compilers, build systems, headers (`*-dev`, `*-devel`) and git: what belongs in a builder stage. */
function isBuildTool(name) {
    const lower = name.toLowerCase();
    return (buildTools.has(lower) ||
        /^(gcc|g\+\+|clang)-\d+$/.test(lower) ||
        /.-dev$/.test(lower) ||
        /.-devel$/.test(lower));
}
/** `pip install`, `pip3 wheel`, `python -m pip install` → the pip subcommand. */
function pipSubcommand(words) {
    if (/^pip[0-9.]*$/.test(words[0] ?? ''))
        return words[1];
    if (/^python[0-9.]*$/.test(words[0] ?? '') && words[1] === '-m' && /^pip/.test(words[2] ?? ''))
        return words[3];
    return undefined;
}

;// CONCATENATED MODULE: ./src/dockerfile/rules/order.ts




/** Copy the manifests first, install, then copy the rest: per ecosystem, what "the manifests" are. */
const manifests = {
    python: 'requirements*.txt (or pyproject.toml and the lock file)',
    node: 'package.json and the lock file',
    go: 'go.mod and go.sum',
    ruby: 'Gemfile and Gemfile.lock',
    rust: 'Cargo.toml and Cargo.lock (or use cargo-chef)',
    php: 'composer.json and composer.lock'
};
/** The dependency installs of one command: what reinstalls everything when it runs after `COPY . .`. */
function dependencyInstall(words) {
    const [tool, first, second] = words;
    const pip = pipSubcommand(words);
    if (pip === 'install' && words.some((word) => /^(-r|--requirement)/.test(word)))
        return 'python';
    if (tool === 'uv' && (first === 'sync' || (first === 'pip' && second === 'install')))
        return 'python';
    if ((tool === 'poetry' || tool === 'pipenv' || tool === 'pdm') && first === 'install')
        return 'python';
    if (tool === 'npm' &&
        (first === 'ci' || ((first === 'install' || first === 'i') && positional(words).length === 2)))
        return 'node';
    if (tool === 'yarn' && (first === undefined || first === 'install' || first.startsWith('-')))
        return 'node';
    if (tool === 'pnpm' && (first === 'install' || first === 'i'))
        return 'node';
    if (tool === 'go' && first === 'mod' && second === 'download')
        return 'go';
    if (tool === 'bundle' && (first === 'install' || first === undefined))
        return 'ruby';
    if (tool === 'cargo' && (first === 'build' || first === 'fetch' || (first === 'chef' && second === 'cook')))
        return 'rust';
    if (tool === 'composer' && first === 'install')
        return 'php';
    return undefined;
}
/** `COPY . .`, `ADD ./ /app`, `COPY * ./`: the whole build context, not files picked for a layer. */
function copiesWholeContext(instruction) {
    const keyword = keywordOf(instruction);
    if (keyword !== 'COPY' && keyword !== 'ADD')
        return false;
    if (flagsOf(instruction).some((flag) => flag.name === 'from'))
        return false;
    return copySources(instruction).some((source) => ['.', './', '*', './*'].includes(source));
}
/** Installs that run after the first whole-context copy of the chain, unless done before it as well. */
function cacheBustingInstalls(model, instructions) {
    const findings = [];
    const installed = new Set();
    let copy;
    for (const instruction of instructions) {
        if (!copy && copiesWholeContext(instruction))
            copy = { instruction, installedBefore: new Set(installed) };
        if (keywordOf(instruction) !== 'RUN')
            continue;
        for (const command of shellCommands(runScript(instruction).script)) {
            const ecosystem = dependencyInstall(command.words);
            if (!ecosystem)
                continue;
            installed.add(ecosystem);
            if (!copy || copy.installedBefore.has(ecosystem))
                continue;
            const copyText = `${keywordOf(copy.instruction)} ${(copy.instruction.getArgumentsContent() ?? '').trim()}`;
            findings.push(found(model, 'install-after-copy-all', copy.instruction, `${copyText} comes before ${command.text} (line ${lineOf(instruction)}): every code change reinstalls the dependencies.`, { fix: `Copy ${manifests[ecosystem]} first, install, then copy the rest of the context.` }));
        }
    }
    return findings;
}
function orderChecks(model) {
    return model.closure.flatMap((stage) => cacheBustingInstalls(model, instructionsOf(chainOf(model, stage))));
}

;// CONCATENATED MODULE: ./src/dockerfile/rules/packages.ts





function envOf(instructions) {
    const env = new Map();
    for (const instruction of instructions) {
        if (instruction instanceof main.Env)
            for (const property of instruction.getProperties())
                env.set(property.getName(), property.getValue() ?? '');
    }
    return env;
}
function stepsOf(model, stages) {
    return stages.flatMap((stage) => {
        const chain = instructionsOf(chainOf(model, stage));
        return stage.instructions
            .filter((instruction) => keywordOf(instruction) === 'RUN')
            .map((run) => {
            const commands = shellCommands(runScript(run).script);
            const before = chain.slice(0, chain.indexOf(run));
            return {
                run,
                commands,
                operations: commands.flatMap((command) => packageOperation(command) ?? []),
                mounts: mountsOf(run),
                env: envOf(before),
                before
            };
        });
    });
}
function hasMount(step, target) {
    return step.mounts.some((mount) => (mount.type === 'cache' || mount.type === 'tmpfs') && target.test(mount.target));
}
/** Packages a RUN installs and does not remove again before it ends (`apk add --virtual .deps …; apk del .deps`). */
function keptPackages(step) {
    const kept = [];
    step.operations.forEach((operation, index) => {
        if (operation.action !== 'install')
            return;
        const removed = step.operations
            .slice(index + 1)
            .filter((later) => later.action === 'remove')
            .flatMap((later) => later.packages);
        if (operation.virtual && removed.includes(operation.virtual))
            return;
        kept.push(...operation.packages.filter((name) => !removed.includes(name)));
    });
    return kept;
}
function packages_buildTools(model) {
    const severity = model.development ? 'notice' : 'warning';
    return stepsOf(model, model.chain).flatMap((step) => {
        const tools = [...new Set(keptPackages(step).filter(isBuildTool))];
        if (tools.length === 0)
            return [];
        return [
            found(model, 'build-tools-in-image', step.run, `${tools.join(', ')} installed here end up in the image of ${stageLabel(model.built)}: build tools belong in a builder stage.`, { severity })
        ];
    });
}
function isAptUpdate(operation) {
    return operation.manager === 'apt' && operation.action === 'update';
}
function removes(step, path) {
    return step.commands.some((command) => command.words[0] === 'rm' && command.words.some((word) => path.test(word)));
}
function aptChecks(model, steps) {
    return steps.flatMap((step) => {
        const findings = [];
        const update = step.operations.find(isAptUpdate);
        const installs = step.operations.filter((operation) => operation.manager === 'apt' && operation.action === 'install');
        if (update && installs.length === 0)
            findings.push(found(model, 'apt-update-alone', step.run, `${update.tool} update runs in a RUN without an install.`));
        const recommendsOff = step.before.some((instruction) => /APT::Install-Recommends\W+(?:"?(?:0|false)"?)/i.test(instruction.getArgumentsContent() ?? ''));
        const withRecommends = installs.filter((operation) => !recommendsOff &&
            !operation.options.some((option) => option === '--no-install-recommends' || /APT::Install-Recommends=(?:0|false)/i.test(option)));
        if (withRecommends.length > 0)
            findings.push(found(model, 'apt-no-install-recommends', step.run, `${withRecommends.map((operation) => [operation.tool, 'install', ...operation.packages].join(' ')).join(', ')} also installs recommended packages.`));
        if (update && !removes(step, /^\/var\/lib\/apt\/lists/) && !hasMount(step, /^\/var\/lib\/apt(\/lists)?$/))
            findings.push(found(model, 'apt-lists-not-removed', step.run, `The package lists ${update.tool} update writes stay in this layer.`));
        return findings;
    });
}
const packages_truthy = (value) => value !== undefined && !/^(|0|false|no|off)$/i.test(value);
function envValue(command, step, name) {
    return command.env[name] ?? step.env.get(name);
}
function runsInStep(step, words) {
    return step.commands.some((command) => words.every((word, index) => command.words[index] === word));
}
/** Tools that keep a download cache in the home directory, and how a RUN avoids leaving it in the layer. */
const toolCaches = [
    {
        name: 'pip',
        runs: (words) => ['install', 'wheel'].includes(pipSubcommand(words) ?? ''),
        avoided: (command, step) => command.words.includes('--no-cache-dir') ||
            packages_truthy(envValue(command, step, 'PIP_NO_CACHE_DIR')) ||
            hasMount(step, /(^|\/)\.cache(\/pip)?$|pip/)
    },
    {
        name: 'uv',
        runs: ([tool, first, second]) => tool === 'uv' && (first === 'sync' || (first === 'pip' && second === 'install')),
        avoided: (command, step) => command.words.includes('--no-cache') ||
            packages_truthy(envValue(command, step, 'UV_NO_CACHE')) ||
            hasMount(step, /(^|\/)\.cache(\/uv)?$|uv/)
    },
    {
        name: 'npm',
        runs: ([tool, first]) => tool === 'npm' && ['ci', 'install', 'i'].includes(first ?? ''),
        avoided: (_command, step) => runsInStep(step, ['npm', 'cache', 'clean']) || hasMount(step, /npm/)
    },
    {
        name: 'yarn',
        runs: ([tool, first]) => tool === 'yarn' && (first === undefined || first === 'install' || first.startsWith('-')),
        avoided: (_command, step) => runsInStep(step, ['yarn', 'cache', 'clean']) || hasMount(step, /yarn/)
    }
];
/** System package managers' caches, and how a RUN avoids leaving them. */
function managerCacheLeft(step, operation) {
    const cleaned = step.operations.some((other) => other.manager === operation.manager && other.action === 'clean');
    switch (operation.manager) {
        case 'apk':
            return (!operation.options.includes('--no-cache') &&
                !removes(step, /^\/var\/cache\/apk/) &&
                !hasMount(step, /^\/(var\/cache|etc)\/apk/));
        case 'dnf':
        case 'yum':
            return (!cleaned && !removes(step, /^\/var\/cache\/(dnf|yum)/) && !hasMount(step, /^\/var\/cache\/(dnf|yum)/));
        case 'zypper':
            return !cleaned && !hasMount(step, /^\/var\/cache\/zypp/);
        default:
            // apt: Debian and Ubuntu images delete downloaded .debs themselves; the lists are apt-lists-not-removed.
            return false;
    }
}
/** The caches a RUN leaves in its layer, by tool. */
function leftCaches(step) {
    const fromTools = step.commands.flatMap((command) => toolCaches
        .filter((cache) => cache.runs(command.words) && !cache.avoided(command, step))
        .map((cache) => cache.name));
    const fromManagers = step.operations
        .filter((operation) => operation.action === 'install' && managerCacheLeft(step, operation))
        .map((operation) => operation.manager);
    return [...new Set([...fromTools, ...fromManagers])];
}
function packageCaches(model, steps) {
    return steps.flatMap((step) => {
        const caches = leftCaches(step);
        if (caches.length === 0)
            return [];
        return [
            found(model, 'package-cache-in-layer', step.run, `The ${caches.join(', ')} cache stays in this layer.`)
        ];
    });
}
function packageChecks(model) {
    const steps = stepsOf(model, model.closure);
    return [...packages_buildTools(model), ...aptChecks(model, steps), ...packageCaches(model, steps)];
}

;// CONCATENATED MODULE: ./src/dockerfile/rules/runtime.ts




// What the image does when it runs: decided by the built stage's chain alone (COPY --from brings files only).
function last(instructions, keyword) {
    return instructions.filter((instruction) => keywordOf(instruction) === keyword).pop();
}
/** `root`, `0`, `root:root`, `0:0`. A user from a variable is taken as not root: it cannot be told here. */
function isRoot(user) {
    const name = user.trim().split(':')[0];
    return name === 'root' || name === '0';
}
function rootUser(model) {
    const severity = model.development ? 'notice' : 'warning';
    const user = last(instructionsOf(model.chain), 'USER');
    const stage = stageLabel(model.built);
    if (user) {
        const value = user.getArgumentsContent() ?? '';
        if (!isRoot(value))
            return [];
        return [
            found(model, 'root-user', user, `Stage ${stage} runs as root: USER ${value.trim()} is the last USER of its chain.`, {
                severity
            })
        ];
    }
    // Distroless and similar `nonroot` images set a user in the image itself.
    const base = parseImage(expandArgs(model.chain[0].stage.from, model.args));
    if (/nonroot/.test(`${base.shortName}:${base.tag}`))
        return [];
    return [
        found(model, 'root-user', model.built.from, `Stage ${stage} runs as root: no stage in its chain sets USER.`, {
            severity
        })
    ];
}
function shellFormCommand(model) {
    const instructions = instructionsOf(model.chain);
    return ['ENTRYPOINT', 'CMD'].flatMap((keyword) => {
        const effective = last(instructions, keyword);
        if (!effective || isExecForm(effective))
            return [];
        const text = (effective.getArgumentsContent() ?? '').replace(/\s+/g, ' ').trim();
        const fix = /[|&;<>$`*]/.test(text)
            ? `Use the exec form; move the shell parts into a script and run it with ${keyword} ["/path/to/script"].`
            : `Use the exec form: ${keyword} [${text
                .split(' ')
                .map((word) => JSON.stringify(word.replace(/^["']|["']$/g, '')))
                .join(', ')}]`;
        return [
            found(model, 'shell-form-cmd', effective, `${keyword} ${text} is in shell form: /bin/sh is PID 1 and the process does not get SIGTERM.`, { fix })
        ];
    });
}
function healthcheckMissing(model) {
    const instructions = instructionsOf(model.chain);
    const expose = last(instructions, 'EXPOSE');
    if (!expose || last(instructions, 'HEALTHCHECK'))
        return [];
    const ports = (expose.getArgumentsContent() ?? '').trim();
    return [
        found(model, 'healthcheck-missing', model.built.from, `Stage ${stageLabel(model.built)} exposes ${ports} but has no HEALTHCHECK.`)
    ];
}
function runtimeChecks(model) {
    return [...rootUser(model), ...shellFormCommand(model), ...healthcheckMissing(model)];
}

;// CONCATENATED MODULE: ./src/dockerfile/rules/secrets.ts




// Messages name the variable or file, never the value: findings end up in logs, comments and SARIF.
const secretWords = new Set([
    'PASSWORD',
    'PASSWD',
    'PASSPHRASE',
    'SECRET',
    'SECRETS',
    'TOKEN',
    'CREDENTIAL',
    'CREDENTIALS',
    'APIKEY',
    'AUTHTOKEN'
]);
/** Last words that make a name about a secret rather than the secret itself: `DB_PASSWORD_FILE`, `TOKEN_URL`. */
const notSecretEndings = [
    'FILE',
    'PATH',
    'DIR',
    'URL',
    'URI',
    'ENDPOINT',
    'HOST',
    'PORT',
    'LENGTH',
    'TYPE',
    'NAME',
    'HASHERS',
    'ALGORITHM',
    'POLICY',
    'TIMEOUT',
    'TTL',
    'EXPIRY',
    'LIFETIME',
    'HEADER',
    'PREFIX',
    'ENABLED',
    'REQUIRED',
    'VERSION'
];
const secretPairs = [
    ['API', 'KEY'],
    ['PRIVATE', 'KEY'],
    ['ACCESS', 'KEY'],
    ['SECRET', 'KEY'],
    ['AUTH', 'TOKEN']
];
/** `DB_PASSWORD`, `apiKey`, `_authToken`, `AWS_SECRET_ACCESS_KEY`; not `PASSWORD_FILE`, `PUBLIC_KEY`, `TOKEN_URL`. */
function isSecretName(name) {
    const words = name
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .toUpperCase()
        .split(/[^A-Z0-9]+/)
        .filter((word) => word !== '');
    if (words.includes('PUBLIC'))
        return false;
    if (notSecretEndings.includes(words[words.length - 1] ?? ''))
        return false;
    if (words.some((word) => secretWords.has(word)))
        return true;
    return secretPairs.some(([first, second]) => words.some((word, index) => word === first && words[index + 1] === second));
}
/** A value written out, not taken from a variable: `hunter2`, `"abc"`; not `$TOKEN`, `${TOKEN:-}`, `""`. */
function secrets_isLiteral(value) {
    const unquoted = value.trim().replace(/^(["'])(.*)\1$/s, '$2');
    return unquoted !== '' && !/^\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)$/.test(unquoted);
}
function envAndArgFindings(model, instruction) {
    if (instruction instanceof main.Env) {
        return instruction
            .getProperties()
            .filter((property) => isSecretName(property.getName()) && secrets_isLiteral(property.getValue() ?? ''))
            .map((property) => found(model, 'secret-in-image', instruction, `ENV ${property.getName()} sets a secret-looking value in the image.`));
    }
    if (instruction instanceof main.Arg) {
        const property = instruction.getProperty();
        if (!property || !isSecretName(property.getName()))
            return [];
        const name = property.getName();
        if (secrets_isLiteral(property.getValue() ?? ''))
            return [found(model, 'secret-in-image', instruction, `ARG ${name} has a secret-looking default value.`)];
        if (model.buildArgs.get(name))
            return [
                found(model, 'secret-in-image', instruction, `ARG ${name} gets a secret-looking value from build-args: build arguments stay in the image history and provenance.`)
            ];
    }
    return [];
}
/** `password=hunter2`, `_authToken: abc`, `$NPM_TOKEN` in text that is written to a file. */
function secretIn(text) {
    for (const match of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g))
        if (isSecretName(match[1]))
            return `$${match[1]}`;
    for (const match of text.matchAll(/([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*(["']?)([^\s"'$]+)\2/g))
        if (isSecretName(match[1]) && secrets_isLiteral(match[3]))
            return match[1];
    if (/\/run\/secrets\//.test(text))
        return 'a mounted secret';
    return undefined;
}
function writtenSecrets(model, instruction) {
    const keyword = keywordOf(instruction);
    if (keyword === 'COPY' || keyword === 'ADD') {
        const { bodies } = splitHeredocs(instruction.getArgumentsContent() ?? '');
        const secret = bodies.map(secretIn).find((name) => name !== undefined && name !== 'a mounted secret');
        return secret
            ? [
                found(model, 'secret-in-image', instruction, `${keyword} writes ${secret} into a file of the image.`)
            ]
            : [];
    }
    if (keyword !== 'RUN')
        return [];
    const { script, data } = runScript(instruction);
    const commands = shellCommands(script);
    const removed = commands
        .filter((command) => command.words[0] === 'rm')
        .flatMap((command) => command.words.slice(1));
    for (const command of commands) {
        const targets = command.words[0] === 'cp' && command.words.some((word) => word.startsWith('/run/secrets/'))
            ? command.words.slice(-1)
            : command.writes;
        const kept = targets.filter((target) => !removed.includes(target));
        if (kept.length === 0)
            continue;
        const secret = secretIn([command.text, ...data].join('\n'));
        if (secret)
            return [
                found(model, 'secret-in-image', instruction, `RUN writes ${secret} into ${kept.join(', ')}, which stays in the layer.`)
            ];
    }
    return [];
}
function secretChecks(model) {
    const initial = model.dockerfile.getInitialARGs();
    const instructions = [...initial, ...model.closure.flatMap((stage) => stage.instructions)];
    return instructions.flatMap((instruction) => [
        ...envAndArgFindings(model, instruction),
        ...writtenSecrets(model, instruction)
    ]);
}

;// CONCATENATED MODULE: ./src/dockerfile/check.ts










const ruleGroups = [
    runtimeChecks,
    packageChecks,
    orderChecks,
    secretChecks,
    baseImageChecks,
    addChecks,
    contextChecks
];
/**
 * Checks a Dockerfile against the container build strategy for one built stage, before anything is built.
 * Pure: the caller reads the Dockerfile and the context's entries. Findings come sorted by line, then rule.
 */
function checkDockerfile(request) {
    const model = buildModel(request);
    const findings = [
        ...ruleGroups.flatMap((group) => group(model)),
        ...invalidIgnoreComments(model.dockerfile, model.file)
    ];
    const kept = suppressFindings(finding_uniqueFindings(findings), {
        dockerfile: model.dockerfile,
        ignore: request.ignore
    });
    return sortFindings(kept);
}

;// CONCATENATED MODULE: ./src/dockerfile/sarif.ts

const levels = { error: 'error', warning: 'warning', notice: 'note' };
/** Code scanning's severity for security rules: error → high, warning → medium, notice → low. */
const securitySeverity = { error: '8.0', warning: '5.0', notice: '2.0' };
/** `dockerfile/<target>/`: its own category, so this upload and Trivy's never replace each other. */
function dockerfileChecksCategory(target) {
    return `dockerfile/${target || 'default'}/`;
}
function ruleDescriptor(finding, docsUrl) {
    const info = ruleInfo(finding.rule);
    if (!info) {
        return {
            id: finding.rule,
            shortDescription: { text: finding.fix },
            help: { text: `Docker build check ${finding.rule}.${finding.url ? ` See ${finding.url}` : ''}` },
            ...(finding.url ? { helpUri: finding.url } : {}),
            defaultConfiguration: { level: levels[finding.severity] },
            properties: { tags: ['dockerfile', 'docker-build-check'] }
        };
    }
    const equivalents = [...info.hadolint, ...info.trivy, ...info.docker];
    const helpText = `${info.why}\nFix: ${info.fix}${equivalents.length > 0 ? `\nSame as: ${equivalents.join(', ')}` : ''}`;
    return {
        id: info.id,
        name: info.id
            .split('-')
            .map((word) => word[0].toUpperCase() + word.slice(1))
            .join(''),
        shortDescription: { text: info.title },
        fullDescription: { text: info.why },
        help: { text: helpText, markdown: helpText.replace(/\n/g, '\n\n') },
        ...(docsUrl ? { helpUri: `${docsUrl}#${info.id}` } : {}),
        defaultConfiguration: { level: levels[info.severity] },
        properties: {
            tags: ['dockerfile', ...(info.security ? ['security'] : [])],
            precision: 'high',
            ...(info.security ? { 'security-severity': securitySeverity[info.severity] } : {})
        }
    };
}
/**
 * SARIF 2.1.0 for the Dockerfile checks: one run, a rule per rule id found, a result per finding on its
 * Dockerfile line. `docsUrl` (docs/dockerfile-checks.md on the action's repository) becomes each rule's helpUri.
 */
function dockerfileChecksSarif(findings, options) {
    const ruleIds = [...new Set(findings.map((finding) => finding.rule))].sort();
    const rules = ruleIds.map((id) => ruleDescriptor(findings.find((finding) => finding.rule === id), options.docsUrl));
    const results = findings.map((finding) => ({
        ruleId: finding.rule,
        ruleIndex: ruleIds.indexOf(finding.rule),
        level: levels[finding.severity],
        message: { text: `${finding.message}\nFix: ${finding.fix}` },
        locations: [
            {
                physicalLocation: {
                    artifactLocation: { uri: finding.file },
                    region: { startLine: finding.line }
                }
            }
        ]
    }));
    return {
        $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
        version: '2.1.0',
        runs: [
            {
                tool: {
                    driver: {
                        name: 'ecr-build-push dockerfile-checks',
                        ...(options.toolVersion ? { version: options.toolVersion } : {}),
                        ...(options.docsUrl ? { informationUri: options.docsUrl } : {}),
                        rules
                    }
                },
                automationDetails: { id: dockerfileChecksCategory(options.target) },
                results
            }
        ]
    };
}

;// CONCATENATED MODULE: ./src/dockerfile/verdict.ts

/** Whether the findings fail the step under `dockerfile-checks-fail-on`, and why. */
function checksVerdict(findings, failOn) {
    const blocking = failOn === 'none' ? [] : findings.filter((finding) => atOrAbove(finding.severity, failOn));
    if (blocking.length === 0)
        return { failed: false, blocking, message: '' };
    const listed = blocking.slice(0, 10).map((finding) => `${finding.rule} (${finding.file}:${finding.line})`);
    const more = blocking.length > listed.length ? `, and ${blocking.length - listed.length} more` : '';
    return {
        failed: true,
        blocking,
        message: `Dockerfile checks found ${blocking.length} ${blocking.length === 1 ? 'finding' : 'findings'} at or above ` +
            `'${failOn}' (dockerfile-checks-fail-on), so nothing was built: ${listed.join(', ')}${more}.`
    };
}

;// CONCATENATED MODULE: ./src/dockerfile/phase.ts









/** The context's top-level names and its `.dockerignore` (the Dockerfile's own `<file>.dockerignore` first, as BuildKit reads). */
async function buildContext(config) {
    const entries = await (0,promises_.readdir)(config.build.context);
    const candidates = [
        `${config.dockerfile.path}.dockerignore`,
        external_node_path_.join(config.build.context, '.dockerignore')
    ];
    const found = candidates.find((file) => (0,external_node_fs_.existsSync)(file));
    return { entries, ...(found ? { dockerignore: await (0,promises_.readFile)(found, 'utf8') } : {}) };
}
/** Errors first, then warnings, then notices, each by line: the order annotations are capped in. */
function annotationsOf(findings) {
    return [...findings]
        .sort((a, b) => finding_severityRank(a.severity) - finding_severityRank(b.severity) || a.line - b.line)
        .map((finding) => ({
        level: finding.severity,
        file: finding.file,
        line: finding.line,
        title: `${finding.rule} (${finding.severity})`,
        message: `${finding.message}\nFix: ${finding.fix}`
    }));
}
/**
 * The container build strategy's checks on each image's stage chain, before anything is built (so also in
 * a dry run), with Docker's own build checks where buildx has them; `failure` says when
 * `dockerfile-checks-fail-on` stops the step here.
 */
async function checkAll(request) {
    const { config, log, probe } = request;
    if (!config.checks.enabled)
        return { findings: config.images.map(() => []), sarif: [], annotations: [] };
    const context = await buildContext(config);
    const docker = supportsBuildChecks(request.buildxVersion);
    const note = docker ? undefined : buildChecksSkippedNotice(request.buildxVersion);
    if (note)
        log.notice(note);
    const findings = await Promise.all(config.images.map(async (image) => {
        const ours = checkDockerfile({
            dockerfile: config.dockerfile.text,
            file: config.dockerfile.relativePath,
            stage: image.stage,
            buildArgs: config.build.buildArgs,
            context,
            ignore: config.checks.ignore
        });
        if (!docker)
            return ours;
        const result = await probe.run(planBuildChecks({
            file: config.dockerfile.path,
            context: config.build.context,
            target: image.stage.named ? image.stage.name : '',
            buildArgs: config.build.buildArgs
        }), { allowFailure: true });
        try {
            const theirs = parseBuildCheckResult(result.stdout, {
                file: config.dockerfile.relativePath,
                dockerfile: config.dockerfile.text,
                ignore: config.checks.ignore
            });
            return mergeFindings(ours, theirs.findings);
        }
        catch (error) {
            log.notice(`Docker's build checks gave no result (${error.message}); only this action's checks ran.`);
            return ours;
        }
    }));
    findings.forEach((list, index) => {
        const stage = config.images[index].stage.name;
        log.info(`${stage}: ${plural(list.length, 'Dockerfile finding')}`);
    });
    const unique = new Map(findings.flat().map((finding) => [`${finding.rule}\u0000${finding.line}`, finding]));
    const result = {
        findings,
        sarif: config.images.map((image, index) => {
            const category = dockerfileChecksCategory(image.stage.name);
            return { category, sarif: dockerfileChecksSarif(findings[index], { target: image.stage.name }) };
        }),
        annotations: annotationsOf([...unique.values()]),
        ...(note ? { note } : {})
    };
    const verdict = checksVerdict([...unique.values()], config.checks.failOn);
    return verdict.failed ? { ...result, failure: verdict.message } : result;
}

;// CONCATENATED MODULE: ./src/sign/cosign.ts
/** The in-toto predicate type cosign writes for each `--type` (cosign's options/predicate.go). */
const predicateTypes = {
    vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
    cyclonedx: 'https://cyclonedx.org/bom',
    spdxjson: 'https://spdx.dev/Document',
    slsaprovenance1: 'https://slsa.dev/provenance/v1',
    slsaprovenance02: 'https://slsa.dev/provenance/v0.2'
};
const ecrHost = /^\d{12}\.dkr(-fips)?\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;
/** Referrers for ECR; for another registry, what a probe of its referrers API found (200 means supported). */
function signatureStorage(registry, referrersApi) {
    if (ecrHost.test(registry))
        return 'referrers';
    return referrersApi ? 'referrers' : 'tags';
}
function signingFlags(options) {
    const flags = ['--yes'];
    if (options.credentials.method === 'key') {
        flags.push('--key', 'env://COSIGN_PRIVATE_KEY');
        if (options.transparencyLog === false)
            flags.push('--tlog-upload=false');
    }
    if (options.allowInsecureRegistry)
        flags.push('--allow-insecure-registry');
    return flags;
}
/** `cosign sign` of one digest; the secret (OIDC token or private key and password) is in `env` only. */
function planSign(subject, options) {
    const referrers = options.storage === 'referrers';
    return {
        tool: options.cosign,
        args: [
            'sign',
            ...signingFlags(options),
            ...(referrers ? ['--registry-referrers-mode=oci-1-1'] : []),
            subject.reference
        ],
        // cosign 2.x accepts the oci-1-1 mode only in experimental mode.
        env: { ...options.credentials.env, ...(referrers ? { COSIGN_EXPERIMENTAL: '1' } : {}) }
    };
}
/** `cosign attest --type <type> --predicate <file>` of one digest, signed the same way as the signature. */
function planAttest(subject, attestation, options) {
    return {
        tool: options.cosign,
        args: [
            'attest',
            ...signingFlags(options),
            // cosign 2.x stores an attestation as an OCI 1.1 referrer only as a Sigstore bundle.
            ...(options.storage === 'referrers' ? ['--new-bundle-format'] : []),
            '--type',
            attestation.type,
            '--predicate',
            attestation.predicateFile,
            subject.reference
        ],
        env: { ...options.credentials.env }
    };
}
/** Every command that signs and attests, in order: each subject's signature, then its attestations. */
function planSigning(request) {
    return request.subjects.flatMap(({ subject, attestations }) => [
        planSign(subject, request),
        ...attestations.map((attestation) => planAttest(subject, attestation, request))
    ]);
}
/** `cosign public-key` of the signing key: its stdout is the PEM public key a verifier needs. */
function planPublicKey(options) {
    return {
        tool: options.cosign,
        args: ['public-key', '--key', 'env://COSIGN_PRIVATE_KEY'],
        env: { ...options.credentials.env }
    };
}
function verifyFlags(options) {
    const flags = 'publicKeyFile' in options.verifier
        ? ['--key', options.verifier.publicKeyFile]
        : [
            '--certificate-identity',
            options.verifier.subject,
            '--certificate-oidc-issuer',
            options.verifier.issuer
        ];
    if (options.transparencyLog === false)
        flags.push('--insecure-ignore-tlog=true');
    if (options.allowInsecureRegistry)
        flags.push('--allow-insecure-registry');
    return flags;
}
/** `cosign verify` of a digest's signature, as a user would run it. */
function planVerify(reference, options) {
    return {
        tool: options.cosign ?? 'cosign',
        args: [
            'verify',
            ...verifyFlags(options),
            ...(options.storage === 'referrers' ? ['--experimental-oci11'] : []),
            reference
        ]
    };
}
/** `cosign verify-attestation --type <type>` of a digest, as a user would run it. */
function planVerifyAttestation(reference, type, options) {
    const bundle = options.storage === 'referrers';
    return {
        tool: options.cosign ?? 'cosign',
        args: [
            'verify-attestation',
            ...verifyFlags(options),
            ...(bundle ? ['--new-bundle-format'] : []),
            ...(bundle && options.trustedRoot ? ['--trusted-root', options.trustedRoot] : []),
            '--type',
            type,
            reference
        ]
    };
}

;// CONCATENATED MODULE: ./src/sign/credentials.ts


const githubIssuer = 'https://token.actions.githubusercontent.com';
/** The runner's token endpoint through @actions/core, loaded only when a keyless signature asks for a token. */
const runnerTokens = {
    getIDToken: async (audience) => (await Promise.all(/* import() */[__nccwpck_require__.e(119), __nccwpck_require__.e(838)]).then(__nccwpck_require__.bind(__nccwpck_require__, 3838))).getIDToken(audience),
    setSecret: setSecret
};
function claimsOf(token) {
    try {
        return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    }
    catch {
        return {};
    }
}
/**
 * The identity Fulcio writes into the certificate for a GitHub token: the workflow that runs the job
 * (`job_workflow_ref`, which is the reusable workflow when one is called), on the token's issuer.
 */
function keylessIdentity(claims, env = process.env) {
    const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com';
    const workflow = typeof claims.job_workflow_ref === 'string' ? claims.job_workflow_ref : (env.GITHUB_WORKFLOW_REF ?? '');
    return {
        subject: `${serverUrl}/${workflow}`,
        issuer: typeof claims.iss === 'string' ? claims.iss : githubIssuer
    };
}
/**
 * Asks the runner for an OIDC token with audience `sigstore` (needs `permissions: id-token: write`), masks it,
 * and returns it as the environment of the cosign commands.
 */
async function keylessCredentials(source = runnerTokens, env = process.env) {
    if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
        throw new errors/* ConfigurationError */.j1("Keyless signing needs an OIDC token, and this job cannot mint one: add 'permissions: id-token: write' to the job, or sign with 'sign-key'.");
    }
    let token;
    try {
        token = await source.getIDToken('sigstore');
    }
    catch (error) {
        throw new errors/* ServiceError */._7(`Could not get an OIDC token for Sigstore from the runner: ${error.message}`);
    }
    source.setSecret(token);
    return {
        method: 'keyless',
        env: { SIGSTORE_ID_TOKEN: token },
        identity: keylessIdentity(claimsOf(token), env)
    };
}
/** The same commands in a dry run, without asking for a token: the identity comes from GITHUB_WORKFLOW_REF. */
function plannedKeylessCredentials(env = process.env) {
    return { method: 'keyless', env: { SIGSTORE_ID_TOKEN: '' }, identity: keylessIdentity({}, env) };
}
/**
 * Signing with `sign-key` (cosign's encrypted PEM) and `sign-key-password`: cosign reads the key from
 * `env://COSIGN_PRIVATE_KEY` and the password from COSIGN_PASSWORD. Both are masked, the key's lines one by one
 * too, so a line of it printed on its own is hidden as well.
 */
function keyCredentials(privateKey, password, mask = setSecret) {
    if (privateKey.trim())
        mask(privateKey);
    for (const line of privateKey.split('\n').map((part) => part.trim())) {
        // The armor lines are public boilerplate; a very short last line would mask common text everywhere.
        if (line.length >= 8 && !line.includes('-----'))
            mask(line);
    }
    if (password)
        mask(password);
    return { method: 'key', env: { COSIGN_PRIVATE_KEY: privateKey, COSIGN_PASSWORD: password } };
}

;// CONCATENATED MODULE: ./src/sign/cosign-setup.ts


const cosign_setup_releaseOs = { linux: 'linux', darwin: 'darwin' };
const cosign_setup_releaseArch = { x64: 'amd64', arm64: 'arm64' };
/**
 * The cosign release this action signs with, and the sha256 of its binaries. A v2 release: its flags are the
 * ones cosign 2.5 (Debian trixie, the tests' cosign) has, and v3 changes what `sign` stores. Sources: docs/signing.md.
 */
const pinnedCosign = {
    version: '2.6.4',
    sha256: {
        'cosign-linux-amd64': '309779b0c4e409186b0a80daba99041fe2cf65a920ce645013901df6211895a9',
        'cosign-linux-arm64': 'df408e5418129306fed7349ec46e27be0445d05c5127c07f435e9a566af67593',
        'cosign-darwin-amd64': 'ec648fddfedf1dad59dff9fbab177284a618204e03126ea37a87ab3cec4e7cb1',
        'cosign-darwin-arm64': 'b2987c1b55a1e2735c59ac5c3e140acbf7ba5c1ed0cc07dbbf1b85676595237e'
    }
};
/** The release binary for this runner, e.g. `cosign-linux-amd64`. */
function cosignAsset(platform, arch) {
    const asset = `cosign-${cosign_setup_releaseOs[platform] ?? platform}-${cosign_setup_releaseArch[arch] ?? arch}`;
    if (!pinnedCosign.sha256[asset]) {
        throw new errors/* ConfigurationError */.j1(`No sha256 is pinned for ${asset} (cosign ${pinnedCosign.version}), so ecr-build-push will not install it on ${platform}/${arch}: install cosign yourself and set 'skip-setup-cosign: true', or run on a Linux or macOS runner (x64 or arm64).`);
    }
    return asset;
}
/** The pinned cosign from the tool cache (verified again on every hit) or downloaded and verified. */
async function installCosign(request = {}) {
    const { baseUrl = 'https://github.com', platform = process.platform, arch = process.arch } = request;
    const asset = cosignAsset(platform, arch);
    const { version } = pinnedCosign;
    return installVerified({
        name: 'cosign',
        version,
        arch,
        url: `${baseUrl.replace(/\/$/, '')}/sigstore/cosign/releases/download/v${version}/${asset}`,
        asset,
        sha256: pinnedCosign.sha256[asset],
        checksumSource: 'pinned in ecr-build-push',
        executable: { from: 'asset', name: 'cosign' },
        missingRelease: (url) => new errors/* ConfigurationError */.j1(`cosign ${version} is not at ${url}; install cosign yourself and set 'skip-setup-cosign: true'.`)
    }, request.log);
}
/** The cosign to run: the one on PATH with `skip-setup-cosign: true`, otherwise the pinned, verified one. */
async function setupCosign(skipSetup, log) {
    return skipSetup ? 'cosign' : installCosign({ log });
}

;// CONCATENATED MODULE: ./src/sign/referrers.ts



/** ECR keeps at most this many referrers (signatures, attestations) per image. */
const ecrReferrerLimit = 100;
/** How many referrers signing adds to each digest: its signature and one per attestation. */
function plannedReferrers(request) {
    return request.subjects.map(({ subject, attestations }) => ({
        reference: subject.reference,
        digest: subject.digest,
        count: 1 + attestations.length
    }));
}
/**
 * Refuses, before anything is signed, to push a digest past the registry's referrer limit (`existing`: how many
 * referrers each digest has now, from the referrers API). Re-running a job on the same digest adds referrers again.
 */
function checkReferrerBudget(planned, existing, limit = ecrReferrerLimit) {
    for (const { reference, digest, count } of planned) {
        const now = existing[digest] ?? 0;
        if (now + count > limit) {
            throw new errors/* ConfigurationError */.j1(`${reference} already has ${now} referrers (signatures and attestations); signing adds ${count}, over the registry's limit of ${limit} per image. It has been signed many times already: delete old signatures and attestations of this digest, or stop re-signing it.`);
        }
    }
}
const signatureArtifactType = 'application/vnd.dev.cosign.artifact.sig.v1+json';
const bundleArtifactType = /^application\/vnd\.dev\.sigstore\.bundle\.v0\.\d+\+json$/;
const kindOfType = {
    vuln: 'vuln',
    cyclonedx: 'sbom',
    spdxjson: 'sbom',
    slsaprovenance1: 'provenance',
    slsaprovenance02: 'provenance'
};
/** The `attest` kind a `cosign attest --type` belongs to. */
function attestationKind(type) {
    return kindOfType[type];
}
function newestFirst(a, b) {
    const created = (entry) => entry.annotations?.['org.opencontainers.image.created'] ?? '';
    return byCodeUnit(created(b), created(a));
}
/** The digest of the newest cosign signature among a digest's referrers: the `signature` output. */
function signatureDigest(entries) {
    return [...entries].sort(newestFirst).find((entry) => entry.artifactType === signatureArtifactType)?.digest;
}
/** The newest attestation of each kind among a digest's referrers: the `attestations` output (kind → digest). */
function attestationDigests(entries) {
    const found = {};
    for (const entry of [...entries].sort(newestFirst)) {
        const predicateType = entry.annotations?.['dev.sigstore.bundle.predicateType'];
        if (!predicateType || !bundleArtifactType.test(entry.artifactType ?? ''))
            continue;
        const type = Object.keys(predicateTypes).find((key) => predicateTypes[key] === predicateType);
        if (type && !found[kindOfType[type]])
            found[kindOfType[type]] = entry.digest;
    }
    return found;
}
/** cosign's log line `Uploading signature for [<image>] to [<repo>@sha256:…]` (referrers mode) names the signature. */
function signatureDigestFromLog(stderr) {
    return /Uploading signature for \[[^\]]+\] to \[[^\]@]+@(sha256:[0-9a-f]{64})\]/.exec(stderr)?.[1];
}
/** cosign's tag scheme for a digest, used where a registry has no referrers API. */
function signatureTags(digest) {
    const name = digest.replace(':', '-');
    return { signature: `${name}.sig`, attestations: `${name}.att` };
}
const immutableAdvice = "Verify the existing signature instead of signing again, make the repository's tags MUTABLE (or exclude 'sha256-*' tags from immutability where the registry allows it), or use a registry with the OCI 1.1 referrers API, where no tag is written.";
/** What cosign keeps under a tag of its scheme (or OCI's referrers fallback tag). */
function heldUnder(tag) {
    if (tag.endsWith('.sig'))
        return 'signature';
    if (tag.endsWith('.att'))
        return 'attestations';
    return 'referrers index';
}
/**
 * Refuses, before anything is signed, what cosign's tag scheme cannot do in a repository with IMMUTABLE tags:
 * each signature rewrites `sha256-<digest>.sig` and each attestation `sha256-<digest>.att`, so a digest signed
 * before collides, and more than one attestation per digest collides with itself. `existing`: the tags there now.
 */
function checkTagScheme(planned, existing, repository) {
    for (const { reference, digest, attestations } of planned) {
        const tags = signatureTags(digest);
        const taken = [tags.signature, ...(attestations.length > 0 ? [tags.attestations] : [])].find((tag) => existing.includes(tag));
        if (taken) {
            throw new errors/* ConfigurationError */.j1(`${reference} was signed before: its ${heldUnder(taken)} tag ${taken} already exists in repository '${repository}', whose tags are IMMUTABLE, and cosign's tag scheme (used where the registry has no OCI 1.1 referrers API) would have to rewrite it. Nothing was signed. ${immutableAdvice}`);
        }
        if (attestations.length > 1) {
            throw new errors/* ConfigurationError */.j1(`Repository '${repository}' has IMMUTABLE tags, and cosign's tag scheme (used where the registry has no OCI 1.1 referrers API) keeps every attestation of ${reference} under one tag, ${tags.attestations}, rewritten for each: 'attest' asks for ${attestations.length} (${attestations.join(', ')}) and only one fits. Nothing was signed. Attest one kind, make the repository's tags MUTABLE, or use a registry with the referrers API.`);
        }
    }
}
/**
 * A cosign failure the user can act on: a tag of cosign's tag scheme (or of the OCI referrers fallback) that
 * already exists in a repository with IMMUTABLE tags (ECR's TAG_INVALID, or PutImage's exception), named when
 * the registry's message names it. `reference` is the digest cosign was signing or attesting.
 */
function explainCosignFailure(stderr, context) {
    if (!/cannot be overwritten because the (repository|tag) is immutable|ImageTagAlreadyExistsException/i.test(stderr)) {
        return undefined;
    }
    const digest = context.reference.split('@')[1] ?? '';
    const tags = signatureTags(digest);
    const named = /The image tag '([^']+)' already exists/.exec(stderr)?.[1];
    const where = named
        ? `the ${heldUnder(named)} tag ${named}`
        : `a tag cosign stores them under (${tags.signature}, ${tags.attestations} or ${digest.replace(':', '-')})`;
    return new errors/* ConfigurationError */.j1(`cosign could not store the signature or attestations of ${context.reference}: ${where} already exists in repository '${context.repository}', whose tags are IMMUTABLE, from an earlier signing of this digest. ${immutableAdvice}`);
}

;// CONCATENATED MODULE: ./src/sign/subjects.ts
const digestPattern = /^sha256:[0-9a-f]{64}$/;
function subjects_platformOf(entry) {
    const platform = entry.platform;
    // buildx's attestation manifests sit in the index as unknown/unknown; they are not images to sign.
    if (!platform || platform.os === 'unknown' || platform.architecture === 'unknown')
        return undefined;
    if (entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest')
        return undefined;
    return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}
/**
 * What to sign for a pushed digest: the digest itself and, when it is an index, each platform's manifest (a
 * per-platform policy checks those), never buildx's attestation manifests.
 */
function signingSubjects(image, digest, index) {
    if (!digestPattern.test(digest))
        throw new Error(`'${digest}' is not a sha256 digest: only digests are signed.`);
    const top = { reference: `${image}@${digest}`, digest };
    const platforms = (index?.manifests ?? []).flatMap((entry) => {
        const platform = subjects_platformOf(entry);
        return platform ? [{ reference: `${image}@${entry.digest}`, digest: entry.digest, platform }] : [];
    });
    return [top, ...platforms];
}
/**
 * A dry run's subjects: nothing was pushed, so the digests are placeholders (`<digest>`, and for several
 * platforms `<linux/arm64 digest>` each), as the release prints them.
 */
function plannedSubjects(image, platforms) {
    const top = { reference: `${image}@<digest>`, digest: '<digest>' };
    if (platforms.length < 2)
        return [top];
    return [
        top,
        ...platforms.map((platform) => ({
            reference: `${image}@<${platform} digest>`,
            digest: `<${platform} digest>`,
            platform
        }))
    ];
}

;// CONCATENATED MODULE: ./src/sign/summary.ts


function verifierOf(request) {
    return request.signer.method === 'keyless'
        ? { subject: request.signer.identity.subject, issuer: request.signer.identity.issuer }
        : { publicKeyFile: request.publicKeyFile ?? 'cosign.pub' };
}
/** The `cosign verify` and `cosign verify-attestation` commands for each signed digest, as a user pastes them. */
function verifyCommands(request) {
    const options = {
        verifier: verifierOf(request),
        storage: request.storage,
        transparencyLog: request.transparencyLog
    };
    return request.subjects.flatMap(({ subject, attestations }) => [
        planVerify(subject.reference, options),
        ...attestations.map((type) => planVerifyAttestation(subject.reference, type, options))
    ]);
}
/** The job summary's signing section: what was signed, by which identity, and how to verify it. */
function signingSummary(request) {
    const signer = request.signer.method === 'keyless'
        ? [
            `Signed keyless by \`${request.signer.identity.subject}\` (OIDC issuer \`${request.signer.identity.issuer}\`), certificate from Fulcio, recorded in the Rekor transparency log.`
        ]
        : [
            `Signed with \`sign-key\`${request.transparencyLog ? ', recorded in the Rekor transparency log' : ''}. Its public key (save it as \`${request.publicKeyFile ?? 'cosign.pub'}\`):`,
            '',
            '```',
            request.signer.publicKey.trim(),
            '```'
        ];
    const rows = request.subjects.map(({ subject, attestations }) => `| \`${subject.reference}\` | ${subject.platform ?? 'all (the digest the tags point at)'} | ${['signature', ...attestations].join(', ')} |`);
    return [
        '### Signature and attestations',
        '',
        ...signer,
        '',
        '| Digest | Platform | Signed |',
        '| --- | --- | --- |',
        ...rows,
        '',
        'Verify:',
        '',
        '```sh',
        ...verifyCommands(request).map((command) => formatCommand(command).replace(/^\$ /, '')),
        '```',
        ''
    ].join('\n');
}

;// CONCATENATED MODULE: ./src/sign/files.ts


/** Where the predicate of one digest and type goes, in `dir` (RUNNER_TEMP). */
function predicatePath(dir, subject, type) {
    return external_node_path_.join(dir, `${subject.digest.replace(':', '-')}.${type}.json`);
}
/** Writes a predicate for `cosign attest --predicate` into `dir` (RUNNER_TEMP), one file per digest and type. */
async function writePredicate(dir, subject, type, predicate) {
    await (0,promises_.mkdir)(dir, { recursive: true });
    const file = predicatePath(dir, subject, type);
    await (0,promises_.writeFile)(file, JSON.stringify(predicate, null, 2));
    return { type, predicateFile: file };
}

;// CONCATENATED MODULE: ./src/sign/provenance.ts
/**
 * Reads the run's facts from the environment. `jobWorkflowRef` is the OIDC token's `job_workflow_ref` claim when
 * known (keyless signing); otherwise the builder is the workflow in GITHUB_WORKFLOW_REF.
 */
function runFactsFromEnv(env = process.env, jobWorkflowRef) {
    const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com';
    const workflowRef = env.GITHUB_WORKFLOW_REF ?? '';
    return {
        serverUrl,
        repository: env.GITHUB_REPOSITORY ?? '',
        repositoryId: env.GITHUB_REPOSITORY_ID ?? '',
        repositoryOwnerId: env.GITHUB_REPOSITORY_OWNER_ID ?? '',
        workflowRef,
        builderId: `${serverUrl}/${jobWorkflowRef || workflowRef}`,
        ref: env.GITHUB_REF ?? '',
        sha: env.GITHUB_SHA ?? '',
        eventName: env.GITHUB_EVENT_NAME ?? '',
        runId: env.GITHUB_RUN_ID ?? '',
        runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
        runnerEnvironment: env.RUNNER_ENVIRONMENT ?? ''
    };
}
/** This run's page, the provenance's invocation id. */
function invocationId(run) {
    return `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}/attempts/${run.runAttempt}`;
}
/** Same shape as GitHub's artifact attestations (actions/attest-build-provenance), so the same verifiers read it. */
const buildType = 'https://actions.github.io/buildtypes/workflow/v1';
function buildxVersion(provenance) {
    if (!provenance || typeof provenance !== 'object')
        return undefined;
    if ('buildDefinition' in provenance && 'runDetails' in provenance)
        return 'slsaprovenance1';
    if ('buildType' in provenance && ('invocation' in provenance || 'materials' in provenance))
        return 'slsaprovenance02';
    return undefined;
}
/** The workflow file's path and ref from `owner/repo/.github/workflows/build.yml@refs/heads/main`. */
function workflowParts(run) {
    const withoutRepository = run.workflowRef.startsWith(`${run.repository}/`)
        ? run.workflowRef.slice(run.repository.length + 1)
        : run.workflowRef;
    const at = withoutRepository.indexOf('@');
    return at < 0
        ? { path: withoutRepository, ref: run.ref }
        : { path: withoutRepository.slice(0, at), ref: withoutRepository.slice(at + 1) };
}
/**
 * The provenance predicate to attest and its `cosign attest --type`: buildx's own provenance where it made one,
 * otherwise SLSA provenance v1 written from the run's facts.
 */
function provenancePredicate(request) {
    const fromBuildx = buildxVersion(request.buildx);
    if (fromBuildx)
        return { type: fromBuildx, predicate: request.buildx };
    const { run } = request;
    const workflow = workflowParts(run);
    const predicate = {
        buildDefinition: {
            buildType,
            externalParameters: {
                workflow: {
                    ref: workflow.ref,
                    repository: `${run.serverUrl}/${run.repository}`,
                    path: workflow.path
                },
                inputs: request.inputs
            },
            internalParameters: {
                github: {
                    event_name: run.eventName,
                    repository_id: run.repositoryId,
                    repository_owner_id: run.repositoryOwnerId,
                    runner_environment: run.runnerEnvironment
                }
            },
            resolvedDependencies: [
                { uri: `git+${run.serverUrl}/${run.repository}@${run.ref}`, digest: { gitCommit: run.sha } }
            ]
        },
        runDetails: {
            builder: { id: run.builderId },
            metadata: {
                invocationId: invocationId(run),
                ...(request.startedOn ? { startedOn: request.startedOn.toISOString() } : {}),
                ...(request.finishedOn ? { finishedOn: request.finishedOn.toISOString() } : {})
            }
        }
    };
    return { type: 'slsaprovenance1', predicate };
}

;// CONCATENATED MODULE: ./src/sign/sbom.ts

const trivyFormats = { cyclonedx: 'cyclonedx', spdxjson: 'spdx-json' };
/** The `cosign attest --type` of an SBOM in this format. */
function sbomAttestationType(format) {
    return format;
}
/**
 * The SBOM from the gate's own JSON report (`trivy convert`), so the image is not scanned a second time. The
 * scan ran with `--list-all-pkgs` (ScanConfig.listAllPackages), since an SBOM is made of every package.
 */
function planSbom(request) {
    return isolated(request.workspace, [
        'convert',
        '--format',
        trivyFormats[request.format],
        '--output',
        request.output,
        request.report
    ]);
}

;// CONCATENATED MODULE: ./src/sign/vuln.ts



function countsOf(report) {
    return countBySeverity(findingsOf(report));
}
/** One Trivy-shaped report for an index: every platform's results, each target naming its platform. */
function mergedReport(artifactName, reports) {
    const results = reports.flatMap(({ report, platform }) => report.Results.map((result) => ({ ...result, Target: `${result.Target} (${platform ?? 'unknown'})` })));
    return { SchemaVersion: 2, ArtifactName: artifactName, ArtifactType: 'container_image', Results: results };
}
/**
 * The `cosign attest --type vuln` predicate for an image that passed the gate, from the gate's own Trivy
 * report(s) (what `trivy convert --format cosign-vuln` writes, plus the gate's decision). Handing the raw Trivy
 * JSON to cosign instead records an empty predicate.
 */
function vulnPredicate(request) {
    if (!request.passed)
        throw new Error('Refusing to attest an image the gate blocked.');
    if (request.reports.length === 0)
        throw new Error('A vulnerability attestation needs the gate’s Trivy report.');
    const findings = request.reports.flatMap(({ report }) => findingsOf(report));
    const blocked = evaluateGate(findings, request.policy.failOn).blocked;
    if (blocked.length > 0)
        throw new Error(`Refusing to attest: ${blocked.length} finding(s) in the report block it.`);
    const single = request.reports.length === 1;
    const gate = {
        Tool: 'ecr-build-push',
        Passed: true,
        Policy: {
            FailOn: request.policy.failOn,
            Severities: request.policy.severities,
            IgnoreUnfixed: request.policy.ignoreUnfixed,
            Scanners: request.policy.scanners,
            PkgTypes: request.policy.pkgTypes,
            ...(request.policy.maxImageSize !== undefined ? { MaxImageSize: request.policy.maxImageSize } : {})
        },
        Counts: countBySeverity(findings),
        ...(single
            ? {}
            : {
                Platforms: Object.fromEntries(request.reports.map(({ report, platform }) => [platform ?? 'unknown', countsOf(report)]))
            })
    };
    const report = single
        ? { ...request.reports[0].report }
        : mergedReport(request.artifactName, request.reports);
    return {
        invocation: {
            parameters: request.parameters,
            uri: invocationId(request.run),
            event_id: request.run.runId,
            'builder.id': request.run.builderId
        },
        scanner: {
            uri: `pkg:github/aquasecurity/trivy@${request.trivyVersion}`,
            version: request.trivyVersion,
            db: request.database ?? { uri: '', version: '' },
            result: { ...report, Gate: gate }
        },
        metadata: {
            scanStartedOn: request.scanStartedOn.toISOString(),
            scanFinishedOn: request.scanFinishedOn.toISOString()
        }
    };
}

;// CONCATENATED MODULE: ./src/sign/predicates.ts







/**
 * A dry run's attestations: the same kinds and `cosign attest --type` as a real run, without predicates (no gate
 * ran). Provenance is buildx's own where the 'provenance' input asks for it (v1 with `version=v1`, else v0.2).
 */
function plannedAttestations(config, dir, subject, index) {
    const buildx = config.build.provenance !== '' && config.build.provenance !== 'false';
    const types = config.sign.attest.flatMap((kind) => {
        if (kind === 'vuln')
            return config.scan ? ['vuln'] : [];
        if (kind === 'sbom')
            return index ? [] : [sbomAttestationType(config.sign.sbomFormat)];
        return [buildx && !/version=v1/.test(config.build.provenance) ? 'slsaprovenance02' : 'slsaprovenance1'];
    });
    return types.map((type) => ({ type, predicateFile: predicatePath(dir, subject, type) }));
}
/** What is attested about each digest: the index gets the merged scan, each platform its own, and its SBOM. */
async function predicatesFor(request, outcome, subject, index) {
    const { config, runner } = request;
    const gate = outcome.gate;
    const dir = external_node_path_.join(outcome.plan.dir, 'attestations');
    if (runner.dryRun)
        return plannedAttestations(config, dir, subject, index);
    if (!gate)
        return [];
    const run = runFactsFromEnv(request.env);
    const scans = subject.platform
        ? gate.scans.filter((scan) => scan.platform === subject.platform)
        : gate.scans;
    const attestations = [];
    for (const kind of config.sign.attest) {
        if (kind === 'vuln' && config.scan) {
            const reports = await Promise.all(scans.map(async (scan) => ({
                report: parseTrivyReport(await (0,promises_.readFile)(scan.reportPath, 'utf8'), scan.reportPath),
                platform: scan.platform
            })));
            const predicate = vulnPredicate({
                reports,
                artifactName: subject.reference,
                policy: {
                    failOn: config.scan.failOn,
                    severities: config.scan.severity,
                    ignoreUnfixed: config.scan.ignoreUnfixed,
                    scanners: config.scan.scanners,
                    pkgTypes: config.scan.pkgTypes,
                    ...(config.report.maxImageSize ? { maxImageSize: config.report.maxImageSize } : {})
                },
                passed: true,
                trivyVersion: gate.scanner.replace(/^Trivy /, ''),
                parameters: [
                    `--severity=${config.scan.severity.join(',')}`,
                    `--scanners=${config.scan.scanners.join(',')}`
                ],
                run,
                scanStartedOn: gate.startedAt,
                scanFinishedOn: gate.finishedAt
            });
            attestations.push(await writePredicate(dir, subject, 'vuln', predicate));
        }
        if (kind === 'provenance') {
            const metadata = outcome.built.metadata;
            const buildx = (subject.platform && metadata[`buildx.build.provenance/${subject.platform}`]) ||
                metadata['buildx.build.provenance'];
            const { type, predicate } = provenancePredicate({
                run,
                inputs: {
                    target: outcome.plan.spec.stage.name,
                    platforms: config.build.platforms,
                    file: config.dockerfile.relativePath
                },
                ...(buildx ? { buildx } : {})
            });
            attestations.push(await writePredicate(dir, subject, type, predicate));
        }
        // One SBOM per platform image: an index has no packages of its own.
        if (kind === 'sbom' && (!index || gate.scans.length === 1) && scans[0] && request.trivy) {
            const type = sbomAttestationType(config.sign.sbomFormat);
            const output = predicatePath(dir, subject, type);
            await runner.run(planSbom({
                workspace: request.trivy,
                report: scans[0].reportPath,
                format: config.sign.sbomFormat,
                output
            }));
            attestations.push({ type, predicateFile: output });
        }
    }
    return attestations;
}

;// CONCATENATED MODULE: ./src/sign/store.ts


/** Docker treats loopback registries as plain HTTP; cosign must be told so. ECR is always HTTPS. */
function insecure(registry) {
    return /^(?:127\.\d+\.\d+\.\d+|localhost)(?::\d+)?$/.test(registry);
}
const indexType = 'application/vnd.oci.image.index.v1+json';
/**
 * `GET /v2/<name>/referrers/<digest>` with the run's registry login: what is stored with a digest now, or
 * undefined when the registry has no referrers API (distribution 2.8 answers 404; an answer that is not an
 * image index is not the API either, as go-containerregistry, cosign's client, also decides).
 */
async function listReferrers(registry, repository, digest, ecr) {
    const login = ecr?.authorizations.find((authorization) => authorization.registry === registry);
    const scheme = insecure(registry) ? 'http' : 'https';
    const response = await fetch(`${scheme}://${registry}/v2/${repository}/referrers/${digest}`, {
        headers: {
            accept: indexType,
            ...(login
                ? { authorization: `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}` }
                : {})
        },
        signal: AbortSignal.timeout(15_000)
    });
    const type = (response.headers.get('content-type') ?? '').split(';')[0].trim();
    if (response.status !== 200 || type !== indexType) {
        await response.body?.cancel();
        return undefined;
    }
    return (await response.json()).manifests ?? [];
}
/** The `signature` and `attestations` outputs: from the referrers API, or from cosign's tags. */
async function storedSignature(request, outcome, signed) {
    const { ref, digest } = signed;
    const registry = outcome.plan.image.split('/')[0];
    if (signed.storage === 'referrers') {
        const entries = (await listReferrers(registry, ref.repository, digest, request.ecr)) ?? [];
        const signature = signatureDigestFromLog(signed.stderr) ?? signatureDigest(entries);
        return { ...(signature ? { signature } : {}), attestations: attestationDigests(entries) };
    }
    const tags = signatureTags(digest);
    const tagged = async (tag) => (await readManifest(request.probe, ref, { imageTag: tag }).catch(() => undefined))?.digest;
    const [signature, attestations] = await Promise.all([tagged(tags.signature), tagged(tags.attestations)]);
    // The one .att manifest holds every attestation of the digest: each kind attested names it.
    return {
        ...(signature ? { signature } : {}),
        attestations: attestations
            ? Object.fromEntries(signed.attested.map((type) => [attestationKind(type), attestations]))
            : {}
    };
}

;// CONCATENATED MODULE: ./src/sign/phase.ts










async function credentialsFor(request) {
    const { sign } = request.config;
    if (sign.method === 'key')
        return keyCredentials(sign['sign-key'], sign['sign-key-password'], (secret) => request.log.mask(secret));
    // A token is short-lived: asked for only now, after the tags are on the digest.
    return request.runner.dryRun ? plannedKeylessCredentials(request.env) : keylessCredentials();
}
/**
 * Signs and attests exactly what passed the gate, after its tags are written: the digest the tags point at,
 * and for an index each platform's digest. Nothing blocked, held back, unpushed or unwritten is ever signed.
 */
async function signAll(request) {
    const { config, runner, outcomes } = request;
    const signable = outcomes.filter((outcome) => config.build.push && outcome.release?.digest && outcome.release.written.length > 0);
    if (!config.sign.sign || signable.length === 0)
        return outcomes;
    const credentials = await credentialsFor(request);
    const cosign = runner.dryRun ? 'cosign' : await setupCosign(config.sign['skip-setup-cosign'], request.log);
    const setup = {
        cosign,
        credentials,
        transparencyLog: credentials.method === 'keyless' || config.sign['transparency-log']
    };
    return Promise.all(outcomes.map(async (outcome) => {
        if (!signable.includes(outcome))
            return outcome;
        try {
            return { ...outcome, signed: await signImage(request, outcome, setup) };
        }
        catch (error) {
            return { ...outcome, signError: error.message };
        }
    }));
}
/**
 * Refuses, before anything is pushed, signing that the registry would refuse halfway: past the referrers limit
 * (counted from `listings`, each subject's referrers now), or a rewrite of cosign's tags in an IMMUTABLE repository.
 */
async function checkStorageLimits(request, plan, ref, listings) {
    const { subjects } = plan;
    if (plan.storage === 'referrers') {
        const uncounted = subjects.filter((_, at) => listings[at] === undefined);
        if (uncounted.length > 0)
            request.log.warning(`The referrers of ${uncounted.map(({ subject }) => subject.reference).join(', ')} could not be listed, so the registry's limit of referrers per image was not checked before signing.`);
        checkReferrerBudget(plannedReferrers(plan), Object.fromEntries(subjects.map(({ subject }, at) => [subject.digest, listings[at]?.length ?? 0])));
        return;
    }
    if (request.ecr?.repositories.get(ref.repository)?.tagMutability !== 'IMMUTABLE')
        return;
    const tags = subjects.flatMap(({ subject }) => Object.values(signatureTags(subject.digest)));
    const found = await Promise.all(tags.map(async (tag) => (await readManifest(request.probe, ref, { imageTag: tag }).catch(() => undefined)) ? [tag] : []));
    checkTagScheme(subjects.map(({ subject, attestations }) => ({
        reference: subject.reference,
        digest: subject.digest,
        attestations: attestations.map((attestation) => attestation.type)
    })), found.flat(), ref.repository);
}
async function signImage(request, outcome, setup) {
    const { runner, probe } = request;
    const { cosign, credentials, transparencyLog } = setup;
    const digest = outcome.release?.digest;
    const registry = outcome.plan.image.split('/')[0];
    const repository = outcome.plan.spec.repository;
    const ref = imageRefIn(request.ecr, repository);
    const stored = runner.dryRun ? undefined : await readManifest(probe, ref, { imageDigest: digest });
    const index = stored ? JSON.parse(stored.manifest) : undefined;
    const subjects = runner.dryRun
        ? plannedSubjects(outcome.plan.image, request.config.build.platforms)
        : signingSubjects(outcome.plan.image, digest, index);
    // What each digest has stored now; the first answer also tells whether this registry has the referrers API.
    const listings = runner.dryRun
        ? undefined
        : await Promise.all(subjects.map((subject) => listReferrers(registry, repository, subject.digest, request.ecr)));
    const storage = signatureStorage(registry, listings !== undefined && listings[0] !== undefined);
    const options = {
        cosign,
        credentials,
        storage,
        transparencyLog,
        allowInsecureRegistry: insecure(registry)
    };
    const plan = {
        ...options,
        subjects: await Promise.all(subjects.map(async (subject) => ({
            subject,
            attestations: await predicatesFor(request, outcome, subject, subject.platform === undefined && subjects.length > 1)
        })))
    };
    if (!runner.dryRun)
        await checkStorageLimits(request, plan, ref, listings ?? []);
    let stderr = '';
    for (const command of planSigning(plan)) {
        try {
            stderr += (await runner.run(command)).stderr;
        }
        catch (error) {
            const explained = error instanceof errors/* CommandError */.Qd
                ? explainCosignFailure(error.stderrTail, { reference: command.args.at(-1) ?? '', repository })
                : undefined;
            throw explained ?? error;
        }
    }
    const signer = credentials.method === 'keyless'
        ? { method: 'keyless', identity: credentials.identity }
        : {
            method: 'key',
            publicKey: runner.dryRun ? '<public key>' : (await runner.run(planPublicKey(options))).stdout
        };
    const summary = signingSummary({
        signer,
        subjects: plan.subjects.map(({ subject, attestations }) => ({
            subject,
            attestations: attestations.map((attestation) => attestation.type)
        })),
        storage,
        transparencyLog
    });
    if (runner.dryRun)
        return { attestations: {}, summary };
    const attested = plan.subjects[0].attestations.map((attestation) => attestation.type);
    return { ...(await storedSignature(request, outcome, { ref, digest, storage, stderr, attested })), summary };
}

;// CONCATENATED MODULE: ./src/report/annotations.ts


/** GitHub shows at most 10 annotations of each level per step. */
const annotationsPerLevel = 10;
function levelOf(severity) {
    return severity === 'CRITICAL' || severity === 'HIGH' ? 'error' : 'warning';
}
function originSentence(origin) {
    if (!origin.mapped)
        return "Could not tell which instruction added this layer: shown at the built stage's FROM.";
    if (origin.fromBase)
        return `It comes with the base image ${origin.baseImage ?? ''} that this FROM picks.`;
    return `This instruction added it (stage ${origin.stage}).`;
}
function annotationOf(finding, file) {
    const platform = finding.platform ? ` [${finding.platform}]` : '';
    return {
        level: levelOf(finding.severity),
        file,
        line: finding.origin.line,
        title: `${finding.id}: ${finding.pkgName} (${finding.severity})${platform}`,
        message: [
            `${finding.pkgName} ${finding.installedVersion} → ${finding.fixedVersion ?? 'no fix yet'} (${finding.severity})${finding.title ? `: ${finding.title}` : ''}`,
            originSentence(finding.origin),
            ...(finding.primaryUrl ? [finding.primaryUrl] : [])
        ].join('\n')
    };
}
/** Scan findings at or above `annotate-severity`, most severe first, as annotations on their Dockerfile lines. */
function findingAnnotations(findings, file, annotateSeverity) {
    return bySeverity(uniqueFindings(findings))
        .filter((finding) => severityRank(finding.severity) <= severityRank(annotateSeverity))
        .map((finding) => annotationOf(finding, file));
}
function restAnnotation(rest, level) {
    const listed = rest.slice(0, 20).map((plan) => `${plan.title} (line ${plan.line})`);
    const more = rest.length > listed.length ? `, and ${rest.length - listed.length} more` : '';
    return {
        level,
        file: rest[0].file,
        line: rest[0].line,
        title: `${rest.length} more not annotated`,
        message: `${listed.join(', ')}${more}. The job summary lists them all.`
    };
}
/**
 * One budget for the whole step, as GitHub applies it: in each level the first ones (callers order them
 * most important first) and, when some do not fit, one annotation that lists the rest.
 */
function capAnnotations(plans, perLevel = annotationsPerLevel) {
    return ['error', 'warning', 'notice'].flatMap((level) => {
        const ofLevel = plans.filter((plan) => plan.level === level);
        if (ofLevel.length <= perLevel)
            return ofLevel;
        const shown = ofLevel.slice(0, perLevel - 1);
        return [...shown, restAnnotation(ofLevel.slice(shown.length), level)];
    });
}
function emitAnnotations(log, plans) {
    for (const plan of plans)
        log[plan.level](plan.message, { file: plan.file, startLine: plan.line, title: plan.title });
}

;// CONCATENATED MODULE: ./src/github/code-scanning.ts


/** The `sarif` field of the upload: gzip, then base64. */
function encodeSarif(log) {
    return (0,external_node_zlib_.gzipSync)(JSON.stringify(log)).toString('base64');
}
/** POST /repos/{owner}/{repo}/code-scanning/sarifs for one category, against GITHUB_SHA and GITHUB_REF. */
function planSarifUpload(context, upload) {
    const [owner, repo] = context.repository.split('/');
    const results = upload.sarif.runs.reduce((sum, run) => sum + (run.results?.length ?? 0), 0);
    return {
        route: 'POST /repos/{owner}/{repo}/code-scanning/sarifs',
        parameters: {
            owner,
            repo,
            commit_sha: context.sha,
            ref: context.ref,
            sarif: encodeSarif(upload.sarif),
            checkout_uri: `file://${context.workspace}`,
            tool_name: upload.sarif.runs[0]?.tool.driver.name ?? 'Trivy'
        },
        summary: `code scanning, category ${upload.category}, ${results} results`
    };
}
function refusal(error) {
    if (isRateLimited(error)) {
        return {
            status: 'error',
            message: `Code scanning kept answering with a rate limit (HTTP ${error.status}) after the retries: ${error.message}. The findings are still in the scan report.`
        };
    }
    if (error.status === 403) {
        return {
            status: 'forbidden',
            message: `Code scanning refused the SARIF upload (403: ${error.message}). The token needs 'security-events: write' (add it to the job's permissions); pull requests from forks and Dependabot get a read-only token, and private repositories need GitHub Advanced Security. The findings are still in the scan report.`
        };
    }
    if (error.status === 404) {
        return {
            status: 'not-found',
            message: `Code scanning is not enabled for this repository (or the token cannot see it) (404: ${error.message}). Enable it under Settings → Code security, or set 'sarif-upload: false'. The findings are still in the scan report.`
        };
    }
    return { status: 'error', message: `Could not upload SARIF to code scanning: ${error.message}` };
}
const code_scanning_sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Uploads every SARIF of the step at once, then waits for each one's processing, up to `waitMs` after it was
 * accepted (the throttling plugin spaces writes, so a later upload must not lose its wait to the queue). Never
 * throws: a failed upload must not hide the gate's verdict, so every problem is a warning and a status.
 */
async function uploadSarifs(runner, log, context, uploads, options = {}) {
    const [owner, repo] = context.repository.split('/');
    return Promise.all(uploads.map(async (upload) => {
        let id;
        try {
            const response = await runner.github(planSarifUpload(context, upload));
            if (runner.dryRun)
                return { category: upload.category, status: 'pending' };
            id = response.data.id ?? '';
        }
        catch (error) {
            const { status, message } = refusal(error);
            log.warning(message);
            return { category: upload.category, status, message };
        }
        log.info(`SARIF uploaded to code scanning as category ${upload.category} (id ${id})`);
        const deadline = Date.now() + (options.waitMs ?? 20_000);
        while (Date.now() < deadline) {
            try {
                const { data } = await runner.github({
                    route: 'GET /repos/{owner}/{repo}/code-scanning/sarifs/{sarif_id}',
                    parameters: { owner, repo, sarif_id: id }
                });
                if (data.processing_status === 'complete')
                    return { category: upload.category, status: 'complete', id };
                if (data.processing_status === 'failed') {
                    const message = `Code scanning could not process the SARIF upload ${id}: ${(data.errors ?? []).join('; ') || 'no reason given'}`;
                    log.warning(message);
                    return { category: upload.category, status: 'failed', id, message };
                }
            }
            catch (error) {
                log.debug(`Polling SARIF upload ${id}: ${error.message}`);
            }
            await code_scanning_sleep(Math.min(options.pollIntervalMs ?? 2000, Math.max(0, deadline - Date.now())));
        }
        const message = `Code scanning is still processing SARIF upload ${id}; the results will appear when it finishes.`;
        log.info(message);
        return { category: upload.category, status: 'pending', id, message };
    }));
}

;// CONCATENATED MODULE: ./src/report/findings-upload.ts


/**
 * Where findings land on the Dockerfile, whatever the verdict: annotations under one budget for the step
 * (scan findings first, then Dockerfile checks), and every SARIF of the step uploaded together.
 */
async function publishFindings(request) {
    const { config, gates, checks, log } = request;
    const scanned = gates.images.flatMap((image) => image?.findings ?? []);
    emitAnnotations(log, capAnnotations([
        ...findingAnnotations(scanned, config.dockerfile.relativePath, config.report.annotateSeverity),
        ...checks.annotations
    ]));
    const uploads = [...gates.images.flatMap((image) => image?.sarif ?? []), ...checks.sarif];
    const wanted = config.scan ? config.scan.sarifUpload : true;
    if (!wanted || uploads.length === 0)
        return;
    if (!config.githubToken) {
        log.warning("SARIF upload skipped: 'github-token' is empty.");
        return;
    }
    await uploadSarifs(request.runner, log, request.context, uploads);
}

;// CONCATENATED MODULE: ./src/main.ts







































function runnerIo(env = process.env) {
    const log = new RunnerLog();
    return { env, log, live: (options) => new LiveRunner({ log, ...options }), now: () => new Date() };
}
async function probeFacts(probe, config, env) {
    // docker starts first: its process runs while the ECR SDK's first load compiles on this thread.
    const [docker, ecr, logins] = await Promise.all([
        probeDocker(probe),
        // Without a push (e.g. scan-only on fork pull requests) nothing needs ECR, nor AWS credentials.
        config.build.push ? connectEcr(probe, config.images, config.aws) : Promise.resolve(undefined),
        dockerLogins(env)
    ]);
    return { ...docker, dockerLogins: logins, ...(ecr ? { ecr } : {}) };
}
function runKey(context) {
    return `${context.runId}-${context.runAttempt}-${Math.random().toString(36).slice(2, 8)}`;
}
async function buildAll(runner, log, plans, config, temp, builder) {
    if (plans.length === 1) {
        const [plan] = plans;
        const stats = await runWithProgress(runner, log, planBuild(plan.request));
        return [runner.dryRun ? dryResult(stats) : await readBuildResult(plan.request, stats)];
    }
    const bake = planBake(plans.map((plan) => plan.request), {
        definitionFile: external_node_path_.join(temp, 'bake.json'),
        metadataFile: external_node_path_.join(temp, 'bake-metadata.json'),
        builder,
        provenance: config.build.provenance,
        sbom: config.build.sbom
    });
    if (!runner.dryRun)
        return runBake(runner, log, bake);
    await runner.write(bake.definition);
    const stats = await runWithProgress(runner, log, bake.command);
    return plans.map(() => dryResult(stats));
}
function dryResult(stats) {
    return { digest: '<digest>', imageId: '<image id>', metadata: {}, stats };
}
/** The sequence: inputs → tags → facts → ECR → builder → cache → build → gate → release → report. */
async function runAction(io) {
    const started = Date.now();
    const { log } = io;
    const context = readRunContext(io.env);
    const raw = readRawInputs(io.env);
    // Before anything can print one, not even an error about them.
    secretValues(raw).forEach((value) => log.mask(value));
    const config = await log.group('Inputs', async () => parseConfig(raw, { env: io.env, context }));
    const probe = io.live({
        region: config.aws.region,
        github: { token: config.githubToken, apiUrl: context.apiUrl }
    });
    const runner = config.dryRun ? new DryRunner(log) : probe;
    const state = config.dryRun ? new NoState() : new RunnerState(log);
    const now = io.now();
    // One key names this run's builder and staging images, so the post step and a re-run tell them apart.
    const key = runKey(context);
    const needsTag = config.build.push || config.scan !== undefined;
    const metadata = fetchRepositoryMetadata(probe, log, config.githubToken, context);
    const commitDate = readCommitDate(probe, context, { ...config.tags, created: config.build.created });
    const branch = runFacts(context, config.tags.shaSource, undefined, undefined).branch;
    const branchesLike = branch && config.githubToken ? fetchBranchesLike(probe, log, context, branch) : Promise.resolve([]);
    // A rule set that names no tag is refused before any AWS call (which might create repositories).
    const meta = await log.group('Tags and labels', async () => {
        await loadDates(config.tags);
        const request = {
            tags: config.tags,
            labels: config.build.labels,
            context,
            now,
            needsTag,
            created: config.build.created
        };
        // The payload names the default branch on most events: then no wait for the API before the check.
        if (defaultBranch(context) !== undefined)
            runMeta(request);
        const [repository, committed, otherBranches] = await Promise.all([metadata, commitDate, branchesLike]);
        const result = runMeta({
            ...request,
            otherBranches,
            ...(repository ? { metadata: repository } : {}),
            ...(committed ? { commitDate: committed } : {})
        });
        result.warnings.forEach((warning) => log.warning(warning));
        log.info(`Tags: ${result.tags.join(', ') || '(none)'}`);
        if (config.build.created === 'commit' && result.sourceDateEpoch === undefined)
            log.info(`created: commit, but neither the event nor the workspace's git knows when the commit was made: the image's created time is the build time, so a rebuild gives another digest.`);
        return result;
    });
    const probed = await log.group('Docker, buildx and ECR', async () => {
        const found = await probeFacts(probe, config, io.env);
        // A secret from the moment GetAuthorizationToken returns it, whatever fails before the login.
        found.ecr?.authorizations.forEach((authorization) => log.mask(authorization.password));
        checkPlatformSupport(config, found.daemon);
        checkCacheRegistry(config.cache.ref, {
            ecr: found.ecr?.authorizations.map((authorization) => authorization.registry) ?? [],
            docker: found.dockerLogins
        });
        log.info(`buildx ${found.buildxVersion}; daemon ${found.daemon.platform}, ${found.daemon.imageStore} image store`);
        return found;
    });
    const checks = await log.group('Dockerfile checks', () => checkAll({ probe, log, config, buildxVersion: probed.buildxVersion }));
    if (checks.failure) {
        emitAnnotations(log, capAnnotations(checks.annotations));
        log.setOutput('dockerfile-findings', dockerfileFindingsOutput(checks.findings.flat()));
        throw new errors/* GateError */.ue(checks.failure);
    }
    const facts = probed.ecr
        ? await log.group('ECR login', async () => {
            const ecr = await createRepositories(runner, probe, probed.ecr, config.aws);
            for (const authorization of ecr.authorizations) {
                await runner.run(planLogin(authorization));
                state.add({ registry: authorization.registry });
            }
            return { ...probed, ecr };
        })
        : probed;
    const { builder, buildkitVersion, rewrites } = await log.group('Builder', async () => {
        const plan = planBuilder({
            driver: config.build.driver,
            builder: config.build.builder,
            runId: key
        });
        if (plan.created)
            state.add({ builder: plan.name });
        // Emulators first: a builder sees the platforms it can run when it starts.
        await setUpEmulation(runner, config.build.platforms);
        const version = await runBuilder(runner, plan);
        // Only a BuildKit container can clamp file times; a named builder says which kind it is.
        const kind = plan.created
            ? { driver: 'docker-container', ...(version ? { buildkitVersion: version } : {}) }
            : config.build.builder
                ? await inspectBuilder(probe, plan.name)
                : { driver: 'docker' };
        return { builder: plan.name, buildkitVersion: version, rewrites: rewritesTimestamps(kind) };
    });
    const temp = await (0,promises_.mkdtemp)(external_node_path_.join(io.env.RUNNER_TEMP || external_node_os_.tmpdir(), 'ecr-build-push-'));
    state.add({ tempDir: temp });
    const plans = planImages(config, {
        context,
        meta,
        ...(facts.ecr ? { ecr: facts.ecr } : {}),
        daemon: facts.daemon,
        buildxVersion: facts.buildxVersion,
        ...(buildkitVersion ? { buildkitVersion } : {}),
        builder,
        rewritesTimestamps: rewrites,
        temp,
        runKey: key,
        dependencyHash: await hashCacheDependencies(config.dockerfile.path, config.build.context),
        env: io.env
    });
    await Promise.all(plans.map((plan) => (0,promises_.mkdir)(plan.dir, { recursive: true })));
    const built = await log.group(plans.length > 1 ? `Build (one bake, ${plans.length} targets)` : 'Build', async () => {
        plans.forEach((plan) => plan.cache.warnings.forEach((warning) => log.warning(warning)));
        const restored = runner.dryRun
            ? []
            : await Promise.all(plans.map((plan) => restoreLocalCache(plan.cache, log)));
        plans.forEach((plan) => plan.delivery === 'daemon-staging' && state.add({ staging: plan.staging }));
        const results = await buildAll(runner, log, plans, config, temp, builder);
        if (!runner.dryRun)
            await Promise.all(plans.map((plan, index) => saveLocalCache(plan.cache, restored[index], log)));
        log.info(cacheReportLine(results[0].stats));
        return results;
    });
    const gates = await log.group('Scan gate', () => gateAll({ runner, probe, log, config, context, meta, facts, plans, built }));
    await log.group('Code scanning and annotations', () => publishFindings({ runner, log, config, context, checks, gates }));
    const released = await log.group('Release', () => releaseAll({ runner, probe, log, config, plans, built, gates, ...(facts.ecr ? { ecr: facts.ecr } : {}) }));
    const released_ = plans.map((plan, index) => ({
        plan,
        built: built[index],
        ...(gates.images[index] ? { gate: gates.images[index] } : {}),
        ...released[index]
    }));
    const outcomes = await log.group('Sign and attest', () => signAll({
        runner,
        probe,
        log,
        config,
        env: io.env,
        outcomes: released_,
        ...(facts.ecr ? { ecr: facts.ecr } : {}),
        ...(gates.workspace ? { trivy: gates.workspace } : {})
    }));
    setOutputs(log, outcomes, meta, facts.ecr?.registry ?? '', {
        dryRun: config.dryRun,
        push: config.build.push
    });
    log.setOutput('dockerfile-findings', dockerfileFindingsOutput(finding_uniqueFindings(checks.findings.flat())));
    await log.group('Report', () => reportAll({
        runner,
        probe,
        log,
        config,
        context,
        outcomes,
        checks,
        seconds: (Date.now() - started) / 1000
    }));
    if (config.dryRun) {
        log.info(`Dry run: nothing was built, scanned or pushed (buildx ${facts.buildxVersion}).`);
        return;
    }
    failIfAnyHeldBack(outcomes);
}


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 5317:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");

/***/ }),

/***/ 6982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 1421:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");

/***/ }),

/***/ 7540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 1455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 4708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 8995:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:module");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 8161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:process");

/***/ }),

/***/ 1792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 6928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 5574:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 3557:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 2018:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tty");

/***/ }),

/***/ 7016:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("url");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 8898:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

const { valid, clean, explain, parse } = __nccwpck_require__(4818);

const { lt, le, eq, ne, ge, gt, compare, rcompare } = __nccwpck_require__(2124);

const {
  filter,
  maxSatisfying,
  minSatisfying,
  RANGE_PATTERN,
  satisfies,
  validRange,
} = __nccwpck_require__(790);

const { major, minor, patch, inc } = __nccwpck_require__(8940);

module.exports = {
  // version
  valid,
  clean,
  explain,
  parse,

  // operator
  lt,
  le,
  lte: le,
  eq,
  ne,
  neq: ne,
  ge,
  gte: ge,
  gt,
  compare,
  rcompare,

  // range
  filter,
  maxSatisfying,
  minSatisfying,
  RANGE_PATTERN,
  satisfies,
  validRange,

  // semantic
  major,
  minor,
  patch,
  inc,
};


/***/ }),

/***/ 2124:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

const { parse } = __nccwpck_require__(4818);

module.exports = {
  compare,
  rcompare,
  lt,
  le,
  eq,
  ne,
  ge,
  gt,
  '<': lt,
  '<=': le,
  '==': eq,
  '!=': ne,
  '>=': ge,
  '>': gt,
  '===': arbitrary,
};

function lt(version, other) {
  return compare(version, other) < 0;
}

function le(version, other) {
  return compare(version, other) <= 0;
}

function eq(version, other) {
  return compare(version, other) === 0;
}

function ne(version, other) {
  return compare(version, other) !== 0;
}

function ge(version, other) {
  return compare(version, other) >= 0;
}

function gt(version, other) {
  return compare(version, other) > 0;
}

function arbitrary(version, other) {
  return version.toLowerCase() === other.toLowerCase();
}

function compare(version, other) {
  const parsedVersion = parse(version);
  const parsedOther = parse(other);

  const keyVersion = calculateKey(parsedVersion);
  const keyOther = calculateKey(parsedOther);

  return pyCompare(keyVersion, keyOther);
}

function rcompare(version, other) {
  return -compare(version, other);
}

// this logic is buitin in python, but we need to port it to js
// see https://stackoverflow.com/a/5292332/1438522
function pyCompare(elemIn, otherIn) {
  let elem = elemIn;
  let other = otherIn;
  if (elem === other) {
    return 0;
  }
  if (Array.isArray(elem) !== Array.isArray(other)) {
    elem = Array.isArray(elem) ? elem : [elem];
    other = Array.isArray(other) ? other : [other];
  }
  if (Array.isArray(elem)) {
    const len = Math.min(elem.length, other.length);
    for (let i = 0; i < len; i += 1) {
      const res = pyCompare(elem[i], other[i]);
      if (res !== 0) {
        return res;
      }
    }
    return elem.length - other.length;
  }
  if (elem === -Infinity || other === Infinity) {
    return -1;
  }
  if (elem === Infinity || other === -Infinity) {
    return 1;
  }
  return elem < other ? -1 : 1;
}

function calculateKey(input) {
  const { epoch } = input;
  let { release, pre, post, local, dev } = input;
  // When we compare a release version, we want to compare it with all of the
  // trailing zeros removed. So we'll use a reverse the list, drop all the now
  // leading zeros until we come to something non zero, then take the rest
  // re-reverse it back into the correct order and make it a tuple and use
  // that for our sorting key.
  release = release.concat();
  release.reverse();
  while (release.length && release[0] === 0) {
    release.shift();
  }
  release.reverse();

  // We need to "trick" the sorting algorithm to put 1.0.dev0 before 1.0a0.
  // We'll do this by abusing the pre segment, but we _only_ want to do this
  // if there is !a pre or a post segment. If we have one of those then
  // the normal sorting rules will handle this case correctly.
  if (!pre && !post && dev) pre = -Infinity;
  // Versions without a pre-release (except as noted above) should sort after
  // those with one.
  else if (!pre) pre = Infinity;

  // Versions without a post segment should sort before those with one.
  if (!post) post = -Infinity;

  // Versions without a development segment should sort after those with one.
  if (!dev) dev = Infinity;

  if (!local) {
    // Versions without a local segment should sort before those with one.
    local = -Infinity;
  } else {
    // Versions with a local segment need that segment parsed to implement
    // the sorting rules in PEP440.
    // - Alpha numeric segments sort before numeric segments
    // - Alpha numeric segments sort lexicographically
    // - Numeric segments sort numerically
    // - Shorter versions sort before longer versions when the prefixes
    //   match exactly
    local = local.map((i) =>
      Number.isNaN(Number(i)) ? [-Infinity, i] : [Number(i), ''],
    );
  }

  return [epoch, release, pre, post, dev, local];
}


/***/ }),

/***/ 8940:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

const { explain, parse, stringify } = __nccwpck_require__(4818);

// those notation are borrowed from semver
module.exports = {
  major,
  minor,
  patch,
  inc,
};

function major(input) {
  const version = explain(input);
  if (!version) {
    throw new TypeError('Invalid Version: ' + input);
  }
  return version.release[0];
}

function minor(input) {
  const version = explain(input);
  if (!version) {
    throw new TypeError('Invalid Version: ' + input);
  }
  if (version.release.length < 2) {
    return 0;
  }
  return version.release[1];
}

function patch(input) {
  const version = explain(input);
  if (!version) {
    throw new TypeError('Invalid Version: ' + input);
  }
  if (version.release.length < 3) {
    return 0;
  }
  return version.release[2];
}

function inc(input, release, preReleaseIdentifier) {
  let identifier = preReleaseIdentifier || `a`;
  const version = parse(input);

  if (!version) {
    return null;
  }

  if (
    !['a', 'b', 'c', 'rc', 'alpha', 'beta', 'pre', 'preview'].includes(
      identifier,
    )
  ) {
    return null;
  }

  switch (release) {
    case 'premajor':
      {
        const [majorVersion] = version.release;
        version.release.fill(0);
        version.release[0] = majorVersion + 1;
      }
      version.pre = [identifier, 0];
      delete version.post;
      delete version.dev;
      delete version.local;
      break;
    case 'preminor':
      {
        const [majorVersion, minorVersion = 0] = version.release;
        version.release.fill(0);
        version.release[0] = majorVersion;
        version.release[1] = minorVersion + 1;
      }
      version.pre = [identifier, 0];
      delete version.post;
      delete version.dev;
      delete version.local;
      break;
    case 'prepatch':
      {
        const [majorVersion, minorVersion = 0, patchVersion = 0] =
          version.release;
        version.release.fill(0);
        version.release[0] = majorVersion;
        version.release[1] = minorVersion;
        version.release[2] = patchVersion + 1;
      }
      version.pre = [identifier, 0];
      delete version.post;
      delete version.dev;
      delete version.local;
      break;
    case 'prerelease':
      if (version.pre === null) {
        const [majorVersion, minorVersion = 0, patchVersion = 0] =
          version.release;
        version.release.fill(0);
        version.release[0] = majorVersion;
        version.release[1] = minorVersion;
        version.release[2] = patchVersion + 1;
        version.pre = [identifier, 0];
      } else {
        if (preReleaseIdentifier === undefined && version.pre !== null) {
          [identifier] = version.pre;
        }

        const [letter, number] = version.pre;
        if (letter === identifier) {
          version.pre = [letter, number + 1];
        } else {
          version.pre = [identifier, 0];
        }
      }

      delete version.post;
      delete version.dev;
      delete version.local;
      break;
    case 'major':
      if (
        version.release.slice(1).some((value) => value !== 0) ||
        version.pre === null
      ) {
        const [majorVersion] = version.release;
        version.release.fill(0);
        version.release[0] = majorVersion + 1;
      }
      delete version.pre;
      delete version.post;
      delete version.dev;
      delete version.local;
      break;
    case 'minor':
      if (
        version.release.slice(2).some((value) => value !== 0) ||
        version.pre === null
      ) {
        const [majorVersion, minorVersion = 0] = version.release;
        version.release.fill(0);
        version.release[0] = majorVersion;
        version.release[1] = minorVersion + 1;
      }
      delete version.pre;
      delete version.post;
      delete version.dev;
      delete version.local;
      break;
    case 'patch':
      if (
        version.release.slice(3).some((value) => value !== 0) ||
        version.pre === null
      ) {
        const [majorVersion, minorVersion = 0, patchVersion = 0] =
          version.release;
        version.release.fill(0);
        version.release[0] = majorVersion;
        version.release[1] = minorVersion;
        version.release[2] = patchVersion + 1;
      }
      delete version.pre;
      delete version.post;
      delete version.dev;
      delete version.local;
      break;
    default:
      return null;
  }

  return stringify(version);
}


/***/ }),

/***/ 790:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

// This file is dual licensed under the terms of the Apache License, Version
// 2.0, and the BSD License. See the LICENSE file in the root of this repository
// for complete details.

const { VERSION_PATTERN, explain: explainVersion } = __nccwpck_require__(4818);

const Operator = __nccwpck_require__(2124);

const RANGE_PATTERN = [
  '(?<operator>(===|~=|==|!=|<=|>=|<|>))',
  '\\s*',
  '(',
  /*  */ '(?<version>(?:' + VERSION_PATTERN.replace(/\?<\w+>/g, '?:') + '))',
  /*  */ '(?<prefix>\\.\\*)?',
  /*  */ '|',
  /*  */ '(?<legacy>[^,;\\s)]+)',
  ')',
].join('');

module.exports = {
  RANGE_PATTERN,
  parse,
  satisfies,
  filter,
  validRange,
  maxSatisfying,
  minSatisfying,
};

const isEqualityOperator = (op) => ['==', '!=', '==='].includes(op);

const rangeRegex = new RegExp('^' + RANGE_PATTERN + '$', 'i');

function parse(ranges) {
  if (!ranges.trim()) {
    return [];
  }

  const specifiers = ranges
    .split(',')
    .map((range) => rangeRegex.exec(range.trim()) || {})
    .map(({ groups }) => {
      if (!groups) {
        return null;
      }

      let { ...spec } = groups;
      const { operator, version, prefix, legacy } = groups;

      if (version) {
        spec = { ...spec, ...explainVersion(version) };
        if (operator === '~=') {
          if (spec.release.length < 2) {
            return null;
          }
        }
        if (!isEqualityOperator(operator) && spec.local) {
          return null;
        }

        if (prefix) {
          if (!isEqualityOperator(operator) || spec.dev || spec.local) {
            return null;
          }
        }
      }
      if (legacy && operator !== '===') {
        return null;
      }

      return spec;
    });

  if (specifiers.filter(Boolean).length !== specifiers.length) {
    return null;
  }

  return specifiers;
}

function filter(versions, specifier, options = {}) {
  const filtered = pick(versions, specifier, options);
  if (filtered.length === 0 && options.prereleases === undefined) {
    return pick(versions, specifier, { prereleases: true });
  }
  return filtered;
}

function maxSatisfying(versions, range, options) {
  const found = filter(versions, range, options).sort(Operator.compare);
  return found.length === 0 ? null : found[found.length - 1];
}

function minSatisfying(versions, range, options) {
  const found = filter(versions, range, options).sort(Operator.compare);
  return found.length === 0 ? null : found[0];
}

function pick(versions, specifier, options) {
  const parsed = parse(specifier);

  if (!parsed) {
    return [];
  }

  return versions.filter((version) => {
    const explained = explainVersion(version);

    if (!parsed.length) {
      return explained && !(explained.is_prerelease && !options.prereleases);
    }

    return parsed.reduce((pass, spec) => {
      if (!pass) {
        return false;
      }
      return contains({ ...spec, ...options }, { version, explained });
    }, true);
  });
}

function satisfies(version, specifier, options = {}) {
  const filtered = pick([version], specifier, options);

  return filtered.length === 1;
}

function arrayStartsWith(array, prefix) {
  if (prefix.length > array.length) {
    return false;
  }

  for (let i = 0; i < prefix.length; i += 1) {
    if (prefix[i] !== array[i]) {
      return false;
    }
  }

  return true;
}

function contains(specifier, input) {
  const { explained } = input;
  let { version } = input;
  const { ...spec } = specifier;

  if (spec.prereleases === undefined) {
    spec.prereleases = spec.is_prerelease;
  }

  if (explained && explained.is_prerelease && !spec.prereleases) {
    return false;
  }

  if (spec.operator === '~=') {
    let compatiblePrefix = spec.release.slice(0, -1).concat('*').join('.');
    if (spec.epoch) {
      compatiblePrefix = spec.epoch + '!' + compatiblePrefix;
    }
    return satisfies(version, `>=${spec.version}, ==${compatiblePrefix}`, {
      prereleases: spec.prereleases,
    });
  }

  if (spec.prefix) {
    const isMatching =
      explained.epoch === spec.epoch &&
      arrayStartsWith(explained.release, spec.release);
    const isEquality = spec.operator !== '!=';
    return isEquality ? isMatching : !isMatching;
  }

  if (explained)
    if (explained.local && spec.version) {
      version = explained.public;
      spec.version = explainVersion(spec.version).public;
    }

  if (spec.operator === '<' || spec.operator === '>') {
    // simplified version of https://www.python.org/dev/peps/pep-0440/#exclusive-ordered-comparison
    if (Operator.eq(spec.release.join('.'), explained.release.join('.'))) {
      return false;
    }
  }

  const op = Operator[spec.operator];
  return op(version, spec.version || spec.legacy);
}

function validRange(specifier) {
  return Boolean(parse(specifier));
}


/***/ }),

/***/ 4818:
/***/ ((module) => {

const VERSION_PATTERN = [
  'v?',
  '(?:',
  /* */ '(?:(?<epoch>[0-9]+)!)?', // epoch
  /* */ '(?<release>[0-9]+(?:\\.[0-9]+)*)', // release segment
  /* */ '(?<pre>', // pre-release
  /*    */ '[-_\\.]?',
  /*    */ '(?<pre_l>(a|b|c|rc|alpha|beta|pre|preview))',
  /*    */ '[-_\\.]?',
  /*    */ '(?<pre_n>[0-9]+)?',
  /* */ ')?',
  /* */ '(?<post>', // post release
  /*    */ '(?:-(?<post_n1>[0-9]+))',
  /*    */ '|',
  /*    */ '(?:',
  /*        */ '[-_\\.]?',
  /*        */ '(?<post_l>post|rev|r)',
  /*        */ '[-_\\.]?',
  /*        */ '(?<post_n2>[0-9]+)?',
  /*    */ ')',
  /* */ ')?',
  /* */ '(?<dev>', // dev release
  /*    */ '[-_\\.]?',
  /*    */ '(?<dev_l>dev)',
  /*    */ '[-_\\.]?',
  /*    */ '(?<dev_n>[0-9]+)?',
  /* */ ')?',
  ')',
  '(?:\\+(?<local>[a-z0-9]+(?:[-_\\.][a-z0-9]+)*))?', // local version
].join('');

module.exports = {
  VERSION_PATTERN,
  valid,
  clean,
  explain,
  parse,
  stringify,
};

const validRegex = new RegExp('^' + VERSION_PATTERN + '$', 'i');

function valid(version) {
  return validRegex.test(version) ? version : null;
}

const cleanRegex = new RegExp('^\\s*' + VERSION_PATTERN + '\\s*$', 'i');
function clean(version) {
  return stringify(parse(version, cleanRegex));
}

function parse(version, regex) {
  // Validate the version and parse it into pieces
  const { groups } = (regex || validRegex).exec(version) || {};
  if (!groups) {
    return null;
  }

  // Store the parsed out pieces of the version
  const parsed = {
    epoch: Number(groups.epoch ? groups.epoch : 0),
    release: groups.release.split('.').map(Number),
    pre: normalize_letter_version(groups.pre_l, groups.pre_n),
    post: normalize_letter_version(
      groups.post_l,
      groups.post_n1 || groups.post_n2,
    ),
    dev: normalize_letter_version(groups.dev_l, groups.dev_n),
    local: parse_local_version(groups.local),
  };

  return parsed;
}

function stringify(parsed) {
  if (!parsed) {
    return null;
  }
  const { epoch, release, pre, post, dev, local } = parsed;
  const parts = [];

  // Epoch
  if (epoch !== 0) {
    parts.push(`${epoch}!`);
  }
  // Release segment
  parts.push(release.join('.'));

  // Pre-release
  if (pre) {
    parts.push(pre.join(''));
  }
  // Post-release
  if (post) {
    parts.push('.' + post.join(''));
  }
  // Development release
  if (dev) {
    parts.push('.' + dev.join(''));
  }
  // Local version segment
  if (local) {
    parts.push(`+${local}`);
  }
  return parts.join('');
}

function normalize_letter_version(letterIn, numberIn) {
  let letter = letterIn;
  let number = numberIn;
  if (letter) {
    // We consider there to be an implicit 0 in a pre-release if there is
    // not a numeral associated with it.
    if (!number) {
      number = 0;
    }
    // We normalize any letters to their lower case form
    letter = letter.toLowerCase();

    // We consider some words to be alternate spellings of other words and
    // in those cases we want to normalize the spellings to our preferred
    // spelling.
    if (letter === 'alpha') {
      letter = 'a';
    } else if (letter === 'beta') {
      letter = 'b';
    } else if (['c', 'pre', 'preview'].includes(letter)) {
      letter = 'rc';
    } else if (['rev', 'r'].includes(letter)) {
      letter = 'post';
    }
    return [letter, Number(number)];
  }
  if (!letter && number) {
    // We assume if we are given a number, but we are not given a letter
    // then this is using the implicit post release syntax (e.g. 1.0-1)
    letter = 'post';

    return [letter, Number(number)];
  }
  return null;
}

function parse_local_version(local) {
  /*
    Takes a string like abc.1.twelve and turns it into("abc", 1, "twelve").
    */
  if (local) {
    return local
      .split(/[._-]/)
      .map((part) =>
        Number.isNaN(Number(part)) ? part.toLowerCase() : Number(part),
      );
  }
  return null;
}

function explain(version) {
  const parsed = parse(version);
  if (!parsed) {
    return parsed;
  }
  const { epoch, release, pre, post, dev, local } = parsed;

  let base_version = '';
  if (epoch !== 0) {
    base_version += epoch + '!';
  }
  base_version += release.join('.');

  const is_prerelease = Boolean(dev || pre);
  const is_devrelease = Boolean(dev);
  const is_postrelease = Boolean(post);

  // return

  return {
    epoch,
    release,
    pre,
    post: post ? post[1] : post,
    dev: dev ? dev[1] : dev,
    local: local ? local.join('.') : local,
    public: stringify(parsed).split('+', 1)[0],
    base_version,
    is_prerelease,
    is_devrelease,
    is_postrelease,
  };
}


/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		id: moduleId,
/******/ 		loaded: false,
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Flag the module as loaded
/******/ 	module.loaded = true;
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/node module decorator */
/******/ (() => {
/******/ 	__nccwpck_require__.nmd = (module) => {
/******/ 		module.paths = [];
/******/ 		if (!module.children) module.children = [];
/******/ 		return module;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat */
/******/ 
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = new URL('.', import.meta.url).pathname.slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(9407);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 

//# sourceMappingURL=index.js.map