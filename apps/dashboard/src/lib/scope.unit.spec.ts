import { isNational, scopeLabel, viewerName, visibilitySentence, type Viewer } from './scope';

const england: Viewer = {
  id: 'key:abc',
  kind: 'api-key',
  name: null,
  organisation: 'ENG',
  role: 'analyst',
  scope: 'ENG',
  scopeName: 'England',
  scopeLevel: 'NATIONAL',
};
const icb: Viewer = {
  id: 'oidc:555',
  kind: 'oidc',
  name: 'Dr A Example',
  organisation: 'QWE',
  role: 'analyst',
  scope: 'QWE',
  scopeName: 'NHS South West London Integrated Care Board',
  scopeLevel: 'ICB',
};

describe('what the header says the principal may see', () => {
  it('says an England principal sees everything, with its role', () => {
    expect(isNational(england)).toBe(true);
    expect(visibilitySentence(england)).toBe('You see everything, as an England analyst.');
    expect(visibilitySentence({ ...england, role: 'admin' })).toBe('You see everything, as an England admin.');
  });

  it('says a scoped principal sees roll-ups everywhere and the detail within its scope, by name', () => {
    expect(isNational(icb)).toBe(false);
    expect(visibilitySentence(icb)).toBe(
      'You see published roll-ups for all of England; practices, incidents and non-compliance lists within NHS South West London Integrated Care Board only.',
    );
  });

  it('falls back to the scope code when the hierarchy does not name it', () => {
    const unnamed = { ...icb, scope: '99X', scopeName: null, scopeLevel: null };
    expect(scopeLabel(unnamed)).toBe('99X');
    expect(visibilitySentence(unnamed)).toContain('within 99X only.');
    expect(scopeLabel(icb)).toBe('NHS South West London Integrated Care Board (QWE)');
  });

  it('names a person by name and a key by its id', () => {
    expect(viewerName(icb)).toBe('Dr A Example');
    expect(viewerName(england)).toBe('key:abc');
  });
});
