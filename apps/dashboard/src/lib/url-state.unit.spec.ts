import { ALL_RULES, type ViewState, canonicalInstant, defaultViewState, parseViewState, sameView, serializeViewState } from './url-state';

const TODAY = '2026-12-03';

describe('the view as a URL', () => {
  it('opens England today, everything known now, when the URL says nothing', () => {
    expect(parseViewState('', TODAY)).toEqual({ state: defaultViewState(TODAY), problems: [] });
    expect(defaultViewState(TODAY)).toEqual({ org: 'ENG', asOf: TODAY, knownAt: null, measure: null, rule: ALL_RULES, practice: null });
  });

  it('reads every part of a shared link', () => {
    const { state, problems } = parseViewState(
      '?org=QWE&asOf=2025-12-01&knownAt=2026-01-15T09:00:00Z&measure=compliance&rule=BCP_REVIEWED_LAST_12_MONTHS&practice=A81001',
      TODAY,
    );
    expect(problems).toEqual([]);
    expect(state).toEqual({
      org: 'QWE',
      asOf: '2025-12-01',
      knownAt: '2026-01-15T09:00:00Z',
      measure: 'compliance',
      rule: 'BCP_REVIEWED_LAST_12_MONTHS',
      practice: 'A81001',
    });
  });

  it("leaves NHS CIS2's answer in the address (code, state, iss, error) alone: not the view's, and not a problem", () => {
    for (const search of [
      '?code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj&iss=https%3A%2F%2Fcis2.example',
      '?error=access_denied&error_description=End-User+aborted+interaction&state=af0ifjsldkj',
    ])
      expect(parseViewState(search, TODAY)).toEqual({ state: defaultViewState(TODAY), problems: [] });
  });

  it('round-trips: serialising then parsing gives the same view', () => {
    const views: ViewState[] = [
      defaultViewState(TODAY),
      { org: 'Y56', asOf: '2024-03-31', knownAt: '2025-01-01T00:00:00Z', measure: 'net-zero', rule: ALL_RULES, practice: null },
      { org: 'U89141', asOf: '2025-12-01', knownAt: null, measure: 'utilisation', rule: 'DSPT_STANDARDS_MET', practice: 'A81001' },
    ];
    for (const view of views) expect(parseViewState(serializeViewState(view), TODAY).state).toEqual(view);
  });

  it('always writes org and asOf, so a shared link does not drift with the date it is opened on', () => {
    expect(serializeViewState(defaultViewState(TODAY))).toBe('?org=ENG&asOf=2026-12-03');
    expect(serializeViewState({ ...defaultViewState(TODAY), knownAt: '2026-01-15T09:00:00Z', rule: 'DSPT_MET' })).toBe(
      '?org=ENG&asOf=2026-12-03&knownAt=2026-01-15T09:00:00Z&rule=DSPT_MET',
    );
  });

  it('upper-cases codes and rule ids typed in lower case', () => {
    const { state } = parseViewState('?org=qwe&practice=a81001&rule=dspt_met', TODAY);
    expect(state).toMatchObject({ org: 'QWE', practice: 'A81001', rule: 'DSPT_MET' });
    expect(parseViewState('?rule=ALL', TODAY).state.rule).toBe(ALL_RULES);
  });

  it('writes knownAt in UTC, whatever zone the link gave, and keeps a + typed unescaped', () => {
    expect(parseViewState('?knownAt=2026-01-15T09:00:00%2B01:00', TODAY).state.knownAt).toBe('2026-01-15T08:00:00Z');
    expect(parseViewState('?knownAt=2026-01-15T09:00:00+01:00', TODAY).state.knownAt).toBe('2026-01-15T08:00:00Z');
    expect(parseViewState('?knownAt=2026-01-15T09:00:00.123Z', TODAY).state.knownAt).toBe('2026-01-15T09:00:00.123Z');
    expect(canonicalInstant('2026-01-15T09:00Z')).toBe('2026-01-15T09:00:00Z');
  });

  it('ignores what it cannot use, says what, and shows the nearest sensible view', () => {
    const { state, problems } = parseViewState('?org=Q;DROP&asOf=2025-02-30&knownAt=yesterday&measure=weather&rule=x%20y&practice=%3Cscript%3E', TODAY);
    expect(state).toEqual(defaultViewState(TODAY));
    expect(problems).toEqual([
      "org 'Q;DROP' is not an organisation code (letters and digits, e.g. QWE): showing England",
      "asOf '2025-02-30' is not a calendar date (YYYY-MM-DD): showing 2026-12-03",
      "knownAt 'yesterday' is not a date and time with a zone (e.g. 2026-01-15T09:00:00Z): showing everything known now",
      "measure 'weather' is not one of compliance, maturity, net-zero, utilisation, incidents: showing the whole overview",
      "rule 'x y' is not a rule id (e.g. BCP_REVIEWED_LAST_12_MONTHS): showing every rule at once",
      "practice '<script>' is not a practice code (e.g. A81001): showing the overview",
    ]);
  });

  it('refuses a knownAt without a zone: the same text means different instants in different places', () => {
    expect(canonicalInstant('2026-01-15T09:00:00')).toBeNull();
    expect(canonicalInstant('2026-02-30T09:00:00Z')).toBeNull();
  });

  it('treats empty parameters as absent', () => {
    expect(parseViewState('?org=&asOf=&knownAt=&practice=', TODAY)).toEqual({ state: defaultViewState(TODAY), problems: [] });
  });

  it('compares views by what they show', () => {
    const a = defaultViewState(TODAY);
    expect(sameView(a, { ...a })).toBe(true);
    expect(sameView(a, { ...a, measure: 'maturity' })).toBe(false);
  });
});
