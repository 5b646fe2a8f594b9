import { BadGateway, HomeserverTimeout, HomeserverUnavailable } from '../errors.js';
import { isRecord } from './events.js';
import { GuestAccessUnavailable, type GuestRegistrar } from './session.js';

/** Registers guests with `POST /_matrix/client/v3/register?kind=guest`. */
export function guestRegistrar(baseUrl: string, timeoutMs: number): GuestRegistrar {
  return {
    async registerGuest(signal?: AbortSignal): Promise<string> {
      const timeout = AbortSignal.timeout(timeoutMs);
      let response: Response;
      try {
        response = await fetch(`${baseUrl}/_matrix/client/v3/register?kind=guest`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ initial_device_display_name: 'matrix-static-viewer' }),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (error) {
        if (timeout.aborted) throw new HomeserverTimeout('guest registration timed out');
        throw new HomeserverUnavailable(`guest registration failed: ${(error as Error).message}`);
      }
      const body: unknown = await response.json().catch(() => undefined);
      if (response.status === 403 || response.status === 401) throw new GuestAccessUnavailable('guest registration refused');
      if (response.status === 429) throw new HomeserverUnavailable('guest registration rate-limited', 10);
      if (!response.ok) throw new BadGateway(`guest registration answered ${response.status}`);
      if (!isRecord(body) || typeof body['access_token'] !== 'string') {
        throw new BadGateway('guest registration answered without an access token');
      }
      return body['access_token'];
    },
  };
}
