/** Runs fn (sync or async) and returns what it threw; fails the test if it did not throw. */
import { expect } from 'chai';

export async function thrown(fn: () => unknown): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  expect.fail('expected an error');
}
