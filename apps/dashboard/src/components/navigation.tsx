/**
 * Moving between views with the History API: every view is a URL (lib/url-state.ts), links are
 * real links (open in a new tab, copy the address), and a plain click pushes a history entry
 * instead of reloading, so back and forward walk the views.
 */
import { createContext, useContext, useEffect, type MouseEvent, type ReactNode } from 'react';
import { serializeViewState, type ViewState } from '../lib/url-state';

export interface Navigation {
  readonly view: ViewState;
  /** Shows another view: a new history entry, or (replace) the current one rewritten. */
  navigate(view: ViewState, options?: { readonly replace?: boolean }): void;
}

const NavigationContext = createContext<Navigation | null>(null);

export function NavigationProvider({ value, children }: { value: Navigation; children: ReactNode }): ReactNode {
  return <NavigationContext.Provider value={value}>{children}</NavigationContext.Provider>;
}

export function useNavigation(): Navigation {
  const navigation = useContext(NavigationContext);
  if (!navigation) throw new Error('useNavigation needs a <NavigationProvider> above it: render views inside <App>');
  return navigation;
}

/** Whether a click should be left to the browser (a new tab or window, a download). */
function browserHandles(event: MouseEvent): boolean {
  return event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
}

export function ViewLink({
  to,
  children,
  className,
  ariaCurrent,
}: {
  to: ViewState;
  children: ReactNode;
  className?: string;
  ariaCurrent?: 'page';
}): ReactNode {
  const { navigate } = useNavigation();
  return (
    <a
      href={serializeViewState(to)}
      className={className}
      aria-current={ariaCurrent}
      onClick={(event) => {
        if (browserHandles(event)) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

/** The browser tab's title for a view: what it shows, then the service. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} - GP digital services dashboard`;
  }, [title]);
}
