import { UpcasterRegistry } from './upcasting';

describe('UpcasterRegistry', () => {
  const registry = new UpcasterRegistry()
    .register('CapabilityDeployed', 1, ({ code, ...rest }) => ({ ...rest, capability: code }))
    .register('CapabilityDeployed', 2, (data) => ({ ...data, route: data['route'] ?? 'LOCAL_PROCUREMENT' }));

  it('chains one version at a time up to the current shape', () => {
    expect(registry.upcast('CapabilityDeployed', 1, { practiceCode: 'A81001', code: 'ONLINE_CONSULTATION' })).toEqual({
      schemaVersion: 3,
      data: { practiceCode: 'A81001', capability: 'ONLINE_CONSULTATION', route: 'LOCAL_PROCUREMENT' },
    });
    expect(registry.upcast('CapabilityDeployed', 2, { capability: 'X', route: 'GP_IT_FUTURES' })).toEqual({
      schemaVersion: 3,
      data: { capability: 'X', route: 'GP_IT_FUTURES' },
    });
  });

  it('leaves current versions and other types untouched', () => {
    const data = { capability: 'X' };
    expect(registry.upcast('CapabilityDeployed', 3, data)).toEqual({ schemaVersion: 3, data });
    expect(registry.upcast('CapabilityWithdrawn', 1, data)).toEqual({ schemaVersion: 1, data });
  });

  it('refuses two upcasters for the same type and version', () => {
    expect(() => registry.register('CapabilityDeployed', 1, (d) => d)).toThrow(/already registered/);
  });
});
