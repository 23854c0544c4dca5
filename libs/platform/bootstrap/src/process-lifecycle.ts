import pino, { type Logger } from 'pino';
import { ConfigError, readPlatformConfig, type PlatformConfig } from '@gpds/shared-config';

interface ProcessLog {
  fatal(details: object, message: string): void;
  info(details: object, message: string): void;
}

/** The configuration, or exit 2 naming the variable that is wrong. */
export function readConfigOrExit(log: ProcessLog, env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  try {
    return readPlatformConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      log.fatal({ variable: error.variable }, `Configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
}

/**
 * A process's logger (pino, `component` in every line) and its configuration (readConfigOrExit):
 * the logger logs at the configuration's LOG_LEVEL once it is read.
 */
export function processLogAndConfig(component: string, env: NodeJS.ProcessEnv = process.env): { log: Logger; config: PlatformConfig } {
  const log = pino({ base: { component } });
  const config = readConfigOrExit(log, env);
  log.level = config.logLevel;
  return { log, config };
}

/**
 * Runs `stop` once on SIGINT or SIGTERM, then exits 0. The handlers stay registered ('on', not
 * 'once'): the embedded ClickHouse may pass a signal on again while a query runs, and a second
 * default SIGINT would kill the process in the middle of its last write.
 */
export function stopOnSignals(log: ProcessLog, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    void stop().then(() => {
      log.info({}, 'stopped');
      process.exit(0);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Anything that listens like a Nest application. */
interface Listener {
  listen(port: number, host: string): Promise<unknown>;
  getHttpServer(): { address(): unknown };
}

/** Listens on PORT and HOST and answers the URL clients reach it at (the port chosen when PORT is 0). */
export async function listenOn(app: Listener, config: Pick<PlatformConfig, 'port' | 'host'>): Promise<string> {
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number } | null;
  return `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${address?.port ?? config.port}`;
}
