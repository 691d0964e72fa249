/** Where the local Queue Service reports what it does; `console` fits. Silent by default. */
export interface Logger {
  debug?(message: string, ...rest: unknown[]): void;
  info?(message: string, ...rest: unknown[]): void;
  warn?(message: string, ...rest: unknown[]): void;
  error?(message: string, ...rest: unknown[]): void;
}

export const SILENT_LOGGER: Logger = {};
