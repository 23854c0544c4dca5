import { parameter, type ComplianceRule, type Outcome, type RuleId } from './rules';

/**
 * An outcome in words an analyst can read, from the values the evaluation compared (named per
 * rule: what the rule's SQL in `@gpds/analytics-clickhouse` returns beside its outcome). Pure:
 * the same outcome and values always read the same.
 */
export interface Evaluated {
  readonly outcome: Outcome;
  /** The values compared, by name (dates YYYY-MM-DD, instants 'YYYY-MM-DD hh:mm:ss.sss' UTC, counts, codes). */
  readonly values: Readonly<Record<string, string>>;
}

export interface ExplainContext {
  /** The date evaluated, YYYY-MM-DD. */
  readonly asOf: string;
  /** The knowledge time asked for (ISO 8601), or null for everything known now. */
  readonly knownAt: string | null;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** '2022-07-31' -> '31 July 2022'. */
export function longDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${d} ${MONTHS[(m ?? 1) - 1]} ${y}`;
}

/** '2024-03-01 10:00:00.000' -> '2024-03-01 10:00 UTC'. */
function instant(text: string): string {
  return `${text.slice(0, 16)} UTC`;
}

/** Seconds -> '72h', '71h59m', '72h01m', '72h00m30s'. */
export function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (s) return `${h}h${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s`;
  return m ? `${h}h${String(m).padStart(2, '0')}m` : `${h}h`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

type Explainer = (rule: ComplianceRule, e: Evaluated, at: ExplainContext) => string;

const none = (what: string) => (_rule: ComplianceRule, _e: Evaluated, at: ExplainContext) =>
  `no ${what} on or before ${at.asOf} is known${at.knownAt ? ` (as known at ${at.knownAt})` : ''}: the rule cannot be judged`;

function review(what: string): Explainer {
  return (rule, e, at) => {
    if (e.outcome === 'UNKNOWN') return none(what)(rule, e, at);
    const v = e.values;
    const months = parameter<number>(rule, 'months');
    const by = `${what} last held ${v['latest_on']} with ${v['latest_by']}${v['latest_outcome'] ? ` (${v['latest_outcome']})` : ''}`;
    return e.outcome === 'COMPLIANT'
      ? `${by}: within ${months} months of ${at.asOf} (on or after ${v['since']})`
      : `${by}: more than ${months} months before ${at.asOf} (before ${v['since']})`;
  };
}

const EXPLAINERS: Record<RuleId, Explainer> = {
  AGREEMENT_IN_FORCE: (rule, e, at) => {
    if (e.outcome === 'UNKNOWN') return none('CCG-Practice Agreement signed')(rule, e, at);
    const v = e.values;
    const agreement = `agreement ${v['agreement_id']} with ${v['commissioner']}`;
    if (e.outcome === 'COMPLIANT') return `${agreement} is in force from ${v['term_start']} to ${v['last_day']}`;
    const of = Number(v['agreements']) > 1 ? ` (none of the ${v['agreements']} agreements signed by then covers it)` : '';
    if ((v['term_start'] ?? '') > at.asOf) return `no agreement in force on ${at.asOf}: ${agreement} starts on ${v['term_start']}${of}`;
    return `no agreement in force on ${at.asOf}: ${agreement} ${v['terminated'] === '1' ? 'was terminated, its last day' : 'ended on'} ${v['last_day']}${of}`;
  },
  BCP_REVIEWED_BY_2022_07_31: (rule, e, at) => {
    const deadline = parameter<string>(rule, 'deadline');
    if (e.outcome === 'UNKNOWN') {
      const known = none('BCP review')(rule, e, at);
      return at.asOf <= deadline ? `${known}; the deadline is ${longDate(deadline)}` : known;
    }
    const v = e.values;
    const first = `BCP first reviewed ${v['first_on']} by ${v['first_by']} (${v['first_outcome']})`;
    return e.outcome === 'COMPLIANT' ? `${first}: on or before the ${longDate(deadline)} deadline` : `${first}: after the ${longDate(deadline)} deadline`;
  },
  BCP_REVIEWED_LAST_12_MONTHS: (rule, e, at) => {
    if (e.outcome === 'UNKNOWN') return none('BCP review')(rule, e, at);
    const v = e.values;
    const months = parameter<number>(rule, 'months');
    const last = `BCP last reviewed ${v['latest_on']} by ${v['latest_by']} (${v['latest_outcome']})`;
    return e.outcome === 'COMPLIANT'
      ? `${last}: within ${months} months of ${at.asOf} (on or after ${v['since']})`
      : `${last}: more than ${months} months before ${at.asOf} (before ${v['since']})`;
  },
  NO_LOCAL_CLINICAL_SERVER: (rule, e, at) => {
    if (e.outcome === 'UNKNOWN') return none('local clinical server recorded')(rule, e, at);
    const deadline = longDate(parameter<string>(rule, 'deadline'));
    const v = e.values;
    const server = `local clinical server ${v['server']} (recorded ${v['recorded_on']}${v['decommissioned_on'] ? `, decommissioned ${v['decommissioned_on']}` : ''})`;
    if (e.outcome === 'NON_COMPLIANT') {
      const more = Number(v['offending']) > 1 ? ` (and ${plural(Number(v['offending']) - 1, 'other server')})` : '';
      return v['decommissioned_on']
        ? `${server} was in place after the ${deadline} deadline${more}`
        : `${server} is still in place on ${at.asOf}, after the ${deadline} deadline${more}`;
    }
    if (Number(v['in_place']) > 0) return `${server} is in place on ${at.asOf}; local clinical servers are to be replaced by ${deadline}`;
    return `every local clinical server recorded (${v['servers']}) was decommissioned by the ${deadline} deadline; the last: ${server}`;
  },
  DSPT_STANDARDS_MET: (rule, e, at) => {
    if (e.outcome === 'UNKNOWN') return none('DSPT status published')(rule, e, at);
    const v = e.values;
    const status = `DSPT ${v['financial_year']} published ${v['published_on']}: ${v['status']}`;
    return e.outcome === 'COMPLIANT' ? status : `${status}, not ${parameter<readonly string[]>(rule, 'statuses').join(' or ')}`;
  },
  DPO_DESIGNATED: (rule, e, at) => {
    if (e.outcome === 'UNKNOWN') return none('Data Protection Officer designation')(rule, e, at);
    const v = e.values;
    return `Data Protection Officer designated ${v['designated_on']} (${v['provision']})`;
  },
  CAS_REGISTERED: (rule, e, at) => {
    if (e.outcome === 'UNKNOWN') return none('CAS registration recorded')(rule, e, at);
    const v = e.values;
    const email = v['email'] === '1';
    const mobile = v['mobile'] === '1';
    const recorded = `(recorded ${v['recorded_on']})`;
    if (e.outcome === 'COMPLIANT') return `registered for CAS email and mobile phone text alerts ${recorded}`;
    if (email) return `registered for CAS email alerts only ${recorded}: no mobile phone text alerts`;
    if (mobile) return `registered for CAS mobile phone text alerts only ${recorded}: no email alerts`;
    return `not registered for CAS alerts ${recorded}`;
  },
  REMOTE_ACCESS_60_PERCENT: (rule, e, at) => {
    if (e.outcome === 'UNKNOWN') return none('remote access capacity assessment')(rule, e, at);
    const v = e.values;
    const minimum = parameter<number>(rule, 'minimumPercent');
    const assessed = `remote access (${v['solution']}) assessed ${v['assessed_on']} at ${v['capacity_percent']}% of normal capacity`;
    return e.outcome === 'COMPLIANT' ? `${assessed}: at least ${minimum}%` : `${assessed}: below ${minimum}%`;
  },
  PATIENT_FACING_ALL_EIGHT: (rule, e, at) => {
    if (e.outcome === 'UNKNOWN') return none('patient-facing capability deployment or withdrawal')(rule, e, at);
    const all = parameter<readonly string[]>(rule, 'capabilities');
    const missing = (e.values['missing'] ?? '').split(',').filter(Boolean);
    return e.outcome === 'COMPLIANT'
      ? `all ${all.length} patient-facing capabilities deployed on ${at.asOf}`
      : `${missing.length} of the ${all.length} patient-facing capabilities not deployed on ${at.asOf}: ${missing.join(', ')}`;
  },
  IT_REVIEW_LAST_12_MONTHS: review('IT review'),
  BREACHES_REPORTED_WITHIN_72H: (rule, e, at) => {
    if (e.outcome === 'UNKNOWN') return none('data breach recorded')(rule, e, at);
    const v = e.values;
    const hours = parameter<number>(rule, 'hours');
    const breaches = Number(v['breaches']);
    const reportable = Number(v['reportable']);
    if (e.outcome === 'COMPLIANT') {
      return reportable === 0
        ? `${plural(breaches, 'data breach', 'data breaches')} recorded, none reportable to the ICO`
        : `${reportable === 1 ? 'the reportable breach' : `all ${reportable} reportable breaches`} reached the ICO within ${hours} hours of detection (of ${plural(breaches, 'breach', 'breaches')})`;
    }
    const late = Number(v['late']);
    const more = late > 1 ? ` (${late} breaches late in all)` : '';
    const breach = `breach ${v['breach_id']} detected ${instant(v['detected_at'] ?? '')}`;
    const took = duration(Number(v['seconds']));
    return v['reported_at']
      ? `${breach} reached the ICO ${instant(v['reported_at'])}, ${took} after detection: more than ${hours} hours${more}`
      : `${breach} had not reached the ICO by the end of ${at.asOf}, ${took} after detection: more than ${hours} hours${more}`;
  },
  NO_UNSUPPORTED_SOFTWARE: (rule, e, at) => {
    if (e.outcome === 'UNKNOWN') return none('unsupported software finding')(rule, e, at);
    const v = e.values;
    if (e.outcome === 'COMPLIANT') return `every unsupported software found (${v['findings']}) was remediated by ${at.asOf}`;
    const open = Number(v['open']);
    const more = open > 1 ? ` (and ${plural(open - 1, 'other finding')})` : '';
    return `${v['product']} on ${v['asset']}, unsupported after ${v['end_of_support']} and found ${v['detected_on']}, is not remediated by ${at.asOf}${more}`;
  },
};

/** The outcome of a rule for a practice, in words. */
export function explain(rule: ComplianceRule, evaluated: Evaluated, at: ExplainContext): string {
  return EXPLAINERS[rule.id](rule, evaluated, at);
}
