/**
 * The practices a commissioner's overview cannot otherwise reach: those in no primary care network.
 * The compliance panel's rows are its PCNs, so such a practice has no row to drill down from (its
 * figures count in the commissioner's own, the headline); this lists each with a link to its page.
 */
import type { ReactNode } from 'react';
import { ViewLink } from '../components/navigation';
import { formatDate, formatInteger } from '../lib/format';
import { LEVEL_NAMES, childrenOutsideChildLevel } from '../lib/levels';
import { childView, type OverviewScope } from './common';

export function PracticesOutsideNetworks({ scope }: { scope: OverviewScope }): ReactNode {
  const outside = childrenOutsideChildLevel(scope.organisation, scope.children);
  if (outside.length === 0) return null;
  const { view, organisation, childLevel } = scope;
  const level = LEVEL_NAMES[childLevel];
  return (
    <div className="gpds-outside" data-testid="practices-outside-networks">
      <h3 className="nhsuk-heading-s">Practices not in a {level.one}</h3>
      <p>
        {formatInteger(outside.length)} {outside.length === 1 ? 'practice' : 'practices'} of {organisation.name} {outside.length === 1 ? 'is' : 'are'} in no{' '}
        {level.one} on {formatDate(view.asOf)}: {outside.length === 1 ? 'it counts' : 'they count'} in {organisation.code}&rsquo;s own figures (at a glance) but
        in no row above. Open a practice&rsquo;s page:
      </p>
      <ul className="nhsuk-list nhsuk-list--bullet">
        {outside.map((child) => (
          <li key={child.code}>
            <ViewLink to={childView(view, child, null)}>
              {child.name} ({child.code})
            </ViewLink>
          </li>
        ))}
      </ul>
    </div>
  );
}
