import { testStack } from '../harness/test-stack';

/** Fails the integration run at once, with the way out, when no real stack is reachable. */
export default async function globalSetup(): Promise<void> {
  const stack = await testStack();
  process.env['HOSP_TEST_STACK'] = JSON.stringify(stack);
}
