/** What the overview's panels share: the organisation asked about, its children, and the links down. */
import type { ReactNode } from 'react';
import type { ChartSelection } from '../charts/Chart';
import { ViewLink } from '../components/navigation';
import type { Column } from '../components/DataTable';
import type { PanelState } from '../components/Panel';
import { addDays, monthStart, parseIsoDate } from '../lib/format';
import { LEVEL_NAMES, type Level, type OrganisationRef } from '../lib/levels';
import type { Measure, ViewState } from '../lib/url-state';

export interface OverviewScope {
  readonly view: ViewState;
  readonly organisation: OrganisationRef;
  readonly ancestors: readonly OrganisationRef[];
  /** Its organisations one level down on asOf. */
  readonly children: readonly OrganisationRef[];
  readonly childLevel: Level;
  /** The `parent` of a roll-up of its children (null for England). */
  readonly childParent: string | null;
  /** The `parent` of a roll-up at its own level that holds its row (null: none needed). */
  readonly ownParent: string | null;
}

export interface PanelProps {
  readonly scope: OverviewScope;
  readonly onState: (id: string, state: PanelState) => void;
}

/** The view one level down: a child's overview, or a practice's page, opened at the same panel. */
export function childView(view: ViewState, child: OrganisationRef, measure: Measure | null): ViewState {
  if (child.level === 'PRACTICE') return { ...view, practice: child.code, measure: null };
  return { ...view, org: child.code, practice: null, measure };
}

/** Where a click on a child goes, in words for its link. */
export function childLinkLabel(child: OrganisationRef): string {
  return child.level === 'PRACTICE' ? `Open the practice page of ${child.name}` : `Show ${child.name} one level down`;
}

/** The first two columns of a table of organisations: the name (a link one level down) and the code. */
export function organisationColumns<Row>(organisation: (row: Row) => OrganisationRef, view: ViewState, measure: Measure | null): Column<Row>[] {
  return [
    {
      key: 'organisation',
      header: 'Organisation',
      text: (row) => organisation(row).name,
      render: (row): ReactNode => {
        const child = organisation(row);
        return (
          <ViewLink to={childView(view, child, measure)}>
            {child.name}
            <span className="nhsuk-u-visually-hidden"> ({childLinkLabel(child)})</span>
          </ViewLink>
        );
      },
    },
    { key: 'code', header: 'Code', text: (row) => organisation(row).code },
  ];
}

/** "the ICBs of London", "the regions of England". */
export function childrenPhrase(scope: OverviewScope): string {
  return `the ${LEVEL_NAMES[scope.childLevel].many} of ${scope.organisation.name}`;
}

/** The 12 months to asOf, for incidents (whole days) and utilisation (whole months, the last to asOf). */
export function twelveMonthsTo(asOf: string): { readonly from: string; readonly to: string; readonly firstMonth: string } {
  const date = parseIsoDate(asOf);
  if (!date) throw new Error(`'${asOf}' is not a calendar date (YYYY-MM-DD)`);
  const yearBefore = new Date(Date.UTC(date.year - 1, date.month - 1, date.day)).toISOString().slice(0, 10);
  return { from: addDays(yearBefore, 1), to: asOf, firstMonth: monthStart(asOf, -11) };
}

/** The row a chart click chose: by its index, else by its label (an organisation's name on the axis). */
export function pickRow<Row>(rows: readonly Row[], selection: ChartSelection, name: (row: Row) => string): Row | null {
  if (selection.index !== null) return rows[selection.index] ?? null;
  return rows.find((row) => name(row) === selection.label) ?? null;
}

/** A chart's height for `rows` categories on its vertical axis. */
export function barChartHeight(rows: number): string {
  return `${Math.max(220, 34 * rows + 90)}px`;
}
