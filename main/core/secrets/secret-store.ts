/**
 * Where the Venice API key lives: the OS keychain (keytar: macOS Keychain, Windows Credential Manager, the Secret
 * Service on Linux), or VENICE_API_KEY for headless runs (CLI, CI). There is deliberately no plain-text fallback:
 * when the keychain is unavailable the user is told so and offered the environment variable.
 */
import { registerSecret } from '../venice/redact';

export const KEYCHAIN_SERVICE = 'venice-batch';
export const KEYCHAIN_ACCOUNT = 'venice-api-key';

export interface KeyStatus {
  set: boolean;
  source: 'keychain' | 'environment' | 'none';
  /** The last four characters, so the user can tell keys apart. Never more. */
  last4: string | undefined;
  keychainAvailable: boolean;
  keychainProblem: string | undefined;
}

interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export class KeychainUnavailableError extends Error {
  override readonly name = 'KeychainUnavailableError';
}

const NO_KEYCHAIN_HELP =
  'The system keychain is not available, so the API key cannot be stored safely. ' +
  'On Linux, install and unlock a Secret Service (gnome-keyring or KWallet); or set the VENICE_API_KEY environment variable.';

export class SecretStore {
  private keytar: KeytarLike | undefined;
  private loadProblem: string | undefined;

  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly service: string = KEYCHAIN_SERVICE,
  ) {}

  private async backend(): Promise<KeytarLike> {
    if (this.keytar) return this.keytar;
    try {
      const mod = (await import('keytar')) as unknown as { default?: KeytarLike } & KeytarLike;
      this.keytar = mod.default ?? mod;
      return this.keytar;
    } catch (e) {
      this.loadProblem = (e as Error).message;
      throw new KeychainUnavailableError(NO_KEYCHAIN_HELP);
    }
  }

  /** The key for API calls: environment first (an explicit override for this process), then the keychain. */
  async getKey(): Promise<string | undefined> {
    const fromEnv = this.env.VENICE_API_KEY?.trim();
    // Whatever key is read is registered with the redactor at once, before any answer could echo it.
    if (fromEnv) {
      registerSecret(fromEnv);
      return fromEnv;
    }
    try {
      const kt = await this.backend();
      const key = (await kt.getPassword(this.service, KEYCHAIN_ACCOUNT)) ?? undefined;
      registerSecret(key);
      return key;
    } catch {
      return undefined;
    }
  }

  async setKey(key: string): Promise<void> {
    const trimmed = key.trim();
    if (!trimmed) throw new Error('The API key is empty.');
    registerSecret(trimmed);
    const kt = await this.backend();
    try {
      await kt.setPassword(this.service, KEYCHAIN_ACCOUNT, trimmed);
    } catch {
      // keytar's own message can be cryptic (a D-Bus error); the user needs to know what to do.
      throw new KeychainUnavailableError(NO_KEYCHAIN_HELP);
    }
  }

  async clearKey(): Promise<void> {
    const kt = await this.backend();
    await kt.deletePassword(this.service, KEYCHAIN_ACCOUNT).catch(() => false);
  }

  async status(): Promise<KeyStatus> {
    const fromEnv = this.env.VENICE_API_KEY?.trim();
    let keychainAvailable = true;
    let keychainProblem: string | undefined;
    let stored: string | undefined;
    try {
      const kt = await this.backend();
      stored = (await kt.getPassword(this.service, KEYCHAIN_ACCOUNT)) ?? undefined;
    } catch {
      keychainAvailable = false;
      keychainProblem = NO_KEYCHAIN_HELP;
    }
    const key = fromEnv || stored;
    return {
      set: Boolean(key),
      source: fromEnv ? 'environment' : stored ? 'keychain' : 'none',
      last4: key ? key.slice(-4) : undefined,
      keychainAvailable,
      keychainProblem: keychainProblem ?? (this.loadProblem ? NO_KEYCHAIN_HELP : undefined),
    };
  }
}
