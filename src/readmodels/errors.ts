import { SwitchboardError } from '../shared/errors.js';

/** A migration failed now or in an earlier start; nothing after it is applied until it is resolved. */
export class MigrationFailedError extends SwitchboardError {
  readonly migrationName: string;

  constructor(migrationName: string, message: string, options: { cause?: unknown; logs?: string } = {}) {
    super('MIGRATION_FAILED', message, {
      detail: { migrationName, logs: options.logs },
      cause: options.cause,
    });
    this.migrationName = migrationName;
  }
}

/** Another process (or another open in this one) holds the embedded database's data directory. */
export class DataDirLockedError extends SwitchboardError {
  readonly dataDir: string;
  readonly pid: number;

  constructor(dataDir: string, pid: number) {
    super(
      'DATA_DIR_LOCKED',
      `The data directory ${dataDir} is in use by process ${pid}${pid === process.pid ? ' (this process)' : ''}. ` +
        'PGlite allows one process per data directory: stop that process, or point DATA_DIR elsewhere.',
      { detail: { dataDir, pid } },
    );
    this.dataDir = dataDir;
    this.pid = pid;
  }
}
