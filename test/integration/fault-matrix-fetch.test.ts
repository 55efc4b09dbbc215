/**
 * The fault matrix on the routes that fetch a paid clip: retrieve, complete, and the private model's pre-signed
 * download (see fault-matrix.test.ts for the rest, and test/support/fault-matrix.ts for the table and the case).
 */
import { afterEach, describe, it } from 'vitest';
import { cases, closeOwned, runCase, type Owned } from '../support/fault-matrix';

const own: Owned = {};
afterEach(() => closeOwned(own));

describe('fault matrix: fetching paid clips', () => {
  it.each(cases.filter((c) => c.site === 'retrieve' || c.site === 'complete' || c.site === 'download'))('$kind on $site: $expected', (c) => runCase(c, own));
});
