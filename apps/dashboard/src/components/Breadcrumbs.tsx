/** The way back up: England, then each ancestor, as links to their overviews; the current organisation last. */
import type { ReactNode } from 'react';
import type { OrganisationRef } from '../lib/levels';
import { useNavigation, ViewLink } from './navigation';

export function Breadcrumbs({ ancestors, current }: { ancestors: readonly OrganisationRef[]; current: OrganisationRef }): ReactNode {
  const { view } = useNavigation();
  // The API lists ancestors nearest first; a breadcrumb reads from the top.
  const trail = [...ancestors].reverse();
  return (
    <nav className="nhsuk-breadcrumb gpds-breadcrumb" aria-label="Breadcrumb">
      <ol className="nhsuk-breadcrumb__list">
        {trail.map((ancestor) => (
          <li key={ancestor.code} className="nhsuk-breadcrumb__list-item">
            <ViewLink className="nhsuk-breadcrumb__link" to={{ ...view, org: ancestor.code, practice: null, measure: null }}>
              {ancestor.name}
            </ViewLink>
          </li>
        ))}
        <li className="nhsuk-breadcrumb__list-item">
          <span aria-current="page">{current.name}</span>
        </li>
      </ol>
    </nav>
  );
}
