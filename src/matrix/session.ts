import { BadGateway, HomeserverUnavailable } from '../errors.js';

export interface GuestRegistrar {
  /** POST /register?kind=guest without a token; returns the new access token. */
  registerGuest(signal?: AbortSignal): Promise<string>;
}

/**
 * The process's one Matrix identity. With a configured token (a bot account: matrix.org no
 * longer issues guest tokens) it never changes; otherwise a guest is registered on first use
 * and registered again when the homeserver rejects the token. Registration is single-flight:
 * a burst of requests after a rejection makes one registration, not one each.
 */
export class Session {
  private current: Promise<string> | undefined;

  constructor(
    private readonly registrar: GuestRegistrar,
    private readonly configuredToken: string | undefined,
  ) {
    if (configuredToken) this.current = Promise.resolve(configuredToken);
  }

  get isGuest(): boolean {
    return !this.configuredToken;
  }

  token(signal?: AbortSignal): Promise<string> {
    if (!this.current) {
      const registration = this.registrar.registerGuest(signal);
      this.current = registration;
      // A failed registration must not stick: the next request tries again.
      registration.catch(() => {
        if (this.current === registration) this.current = undefined;
      });
    }
    return this.current;
  }

  /** Called when the homeserver answered M_UNKNOWN_TOKEN for `token`. */
  async tokenRejected(token: string, signal?: AbortSignal): Promise<void> {
    if (this.configuredToken) {
      throw new BadGateway('the homeserver rejected MATRIX_ACCESS_TOKEN; the operator must set a valid token');
    }
    const pending = this.current;
    const current = await pending?.catch(() => undefined);
    // Only the first caller to see this token rejected starts a new registration; the others
    // find a newer promise in place and wait for that one.
    if (this.current === pending && current === token) this.current = undefined;
    await this.token(signal);
  }
}

export class GuestAccessUnavailable extends HomeserverUnavailable {
  override name = 'GuestAccessUnavailable';
  override readonly explanation =
    'This homeserver does not allow guest access, and the viewer has no access token configured.';
}
