// The seeded users. Display names are set at registration, before anyone joins a room.
import { type RegisteredUser, registerUser } from './client.js';

export interface Users {
  seeder: RegisteredUser;
  alice: RegisteredUser;
  bob: RegisteredUser;
  carol: RegisteredUser;
  dave: RegisteredUser;
  eve: RegisteredUser;
  /** Joins nothing: its token exercises the viewer's MATRIX_ACCESS_TOKEN path. */
  viewerbot: RegisteredUser;
}

export async function registerUsers(): Promise<Users> {
  const [seeder, alice, bob, carol, dave, eve, viewerbot] = await Promise.all([
    registerUser('seeder', 'Seed Admin', true),
    registerUser('alice', 'Alice Liddell'),
    registerUser('bob', 'Bob Builder'),
    registerUser('carol', 'Carol Danvers'),
    registerUser('dave', 'Dave Lister'),
    registerUser('eve', 'Eve Moneypenny'),
    registerUser('viewerbot', 'Viewer Bot'),
  ]);
  return { seeder, alice, bob, carol, dave, eve, viewerbot };
}
