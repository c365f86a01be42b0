export { chooseReporter, chooseReporterKind, plainReporter, type ChooseReporterOptions, type ReporterKind } from './choose.js';
export { createInkReporter, createRunViewStore, LiveRunView, MAX_FPS } from './live.js';
export { createLinesReporter } from './lines.js';
export { createNdjsonReporter } from './ndjson.js';
export { createRecordingReporter, type RecordingReporter } from './recording.js';
export { createRunView, reduceRunView, type RunView } from './run-view.js';
export { safeStream, type Reporter, type TextStream } from './types.js';
