/** What the dispatcher (main.ts) and every subcommand (commands/*.ts) share. */

/** Where a command writes; injected so tests can capture output without spawning. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** A subcommand's module exports `run`: arguments after the subcommand name in, process exit code out. */
export interface CommandModule {
  run(args: string[], io: CliIo): Promise<number>;
}
