import { randomBytes, timingSafeEqual } from 'node:crypto';
import { loadTokenFile, tokenDigest } from './token-file.ts';

/** What a client may present as its PeerJS key: the shared key, issued tokens, or both. */
export interface CredentialSources {
  /** PARLEY_KEY, or null when only issued tokens are accepted. */
  readonly sharedKey: string | null;
  /** PARLEY_TOKENS_FILE, or null for no issued tokens. */
  readonly tokensFile: string | null;
}

export type ReloadResult = { ok: true; tokens: number } | { ok: false; message: string };

export interface Credentials {
  /**
   * The key PeerServer itself checks: random, known only to this process. A client whose
   * credential is admitted has its key swapped for this one before PeerServer sees it.
   */
  readonly internalKey: string;
  /** True when `presented` is the shared key or one of the issued tokens. */
  admits(presented: string): boolean;
  /** How many issued tokens are accepted now. */
  readonly tokenCount: number;
  /**
   * Reads the tokens file again (on SIGHUP). If it cannot be used, no token is accepted
   * until it can: a broken edit must not keep a revoked token working.
   */
  reload(): ReloadResult;
}

/**
 * Checks credentials without leaking them through timing: every presented key is hashed
 * first, then compared as a digest. A Map lookup on a digest tells an attacker nothing
 * about how close a guess was, since they cannot choose what a guess hashes to.
 * @throws {TokenFileError} when the tokens file cannot be used at start-up.
 */
export function createCredentials({ sharedKey, tokensFile }: CredentialSources): Credentials {
  const sharedDigest = sharedKey === null ? null : Buffer.from(tokenDigest(sharedKey), 'hex');
  let tokens: ReadonlyMap<string, string> = tokensFile
    ? loadTokenFile(tokensFile).labels
    : new Map();

  return {
    internalKey: randomBytes(32).toString('base64url'),
    admits: (presented) => {
      const digest = tokenDigest(presented);
      const isShared =
        sharedDigest !== null && timingSafeEqual(sharedDigest, Buffer.from(digest, 'hex'));
      return isShared || tokens.has(digest);
    },
    get tokenCount() {
      return tokens.size;
    },
    reload: () => {
      if (!tokensFile) return { ok: false, message: 'PARLEY_TOKENS_FILE is not set' };
      try {
        tokens = loadTokenFile(tokensFile).labels;
        return { ok: true, tokens: tokens.size };
      } catch (error) {
        tokens = new Map();
        return { ok: false, message: (error as Error).message };
      }
    },
  };
}
