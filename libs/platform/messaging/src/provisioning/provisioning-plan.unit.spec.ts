import { isControllerUnreachable, planProvisioning } from './provisioning-plan';

describe('planProvisioning', () => {
  const brokers = [{ nodeId: 1 }, { nodeId: 2 }, { nodeId: 3 }];

  it('relies on auto-creation when the caller says the cluster auto-creates (the harness mock)', () => {
    expect(planProvisioning(true)).toMatchObject({ action: 'rely-on-auto-creation' });
  });

  it("relies on auto-creation when the cluster's controller is none of its brokers (the librdkafka mock)", () => {
    expect(planProvisioning(false, { controller: 0, brokers })).toEqual({
      action: 'rely-on-auto-creation',
      reason: "the cluster's controller (0) is none of its brokers",
    });
  });

  it('creates topics on a cluster with a reachable controller', () => {
    expect(planProvisioning(false, { controller: 2, brokers })).toEqual({ action: 'create' });
    expect(planProvisioning(undefined)).toEqual({ action: 'create' });
  });

  it("recognises kafkajs's missing-controller error and nothing else", () => {
    const notFound = Object.assign(new Error('Broker 0 not found in the cached metadata'), {
      name: 'KafkaJSBrokerNotFound',
    });
    expect(isControllerUnreachable(notFound)).toBe(true);
    expect(isControllerUnreachable(new Error('There is no controller available'))).toBe(true);
    expect(isControllerUnreachable(new Error('Topic creation errors'))).toBe(false);
    expect(isControllerUnreachable('nope')).toBe(false);
  });
});
