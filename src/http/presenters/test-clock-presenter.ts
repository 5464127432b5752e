import type { TestClockAdvance, TestClockView } from '../../domain/payments/test-clocks/test-clocks.js';

/** `TestClockData` of a clock. */
function testClockData({ clock, status, consentIds }: TestClockView) {
  return {
    TestClockId: clock.id,
    ...(clock.name === null ? {} : { Name: clock.name }),
    FrozenTime: clock.frozenTime.toISOString(),
    Status: status,
    CreationDateTime: clock.createdAt.toISOString(),
    ConsentIds: [...consentIds],
  };
}

/** `TestClockResponse`, with what an advance did when it answers one. */
export function presentTestClock(view: TestClockView, self: string, advance?: TestClockAdvance) {
  const data = testClockData(view);
  return {
    Data: advance
      ? {
          ...data,
          Advance: {
            RequestedFrozenTime: advance.requestedFrozenTime.toISOString(),
            PaymentsRun: advance.paymentsRun,
            PaymentsSettled: advance.paymentsSettled,
            Complete: advance.complete,
          },
        }
      : data,
    Links: { Self: self },
    Meta: {},
  };
}

/** `TestClocksResponse`: the app's clocks. */
export function presentTestClocks(views: readonly TestClockView[], self: string) {
  return { Data: { TestClock: views.map(testClockData) }, Links: { Self: self }, Meta: {} };
}
