import type { Child } from 'hono/jsx';
import { Layout } from '../Layout.js';
import type { PageContext } from '../page.js';

/** What every officer page knows about where it is. */
export interface OfficerFrame {
  ctx: PageContext;
  /** The hashed URL of public/officer.css. */
  stylesheet: string;
  electionKey: string;
  electionName: string;
  /** The results and downloads exist (the election is completed and its files parse). */
  completed: boolean;
}

export type OfficerSection = 'overview' | 'results' | 'exception';

export const adminBase = (key: string): string => `/app/elections/${key}/admin`;

/**
 * The Layout with the officers' stylesheet (a <link> in the body, which HTML allows
 * for stylesheets), breadcrumbs and the officer area's own navigation.
 */
export function OfficerLayout({
  frame,
  title,
  section,
  crumb,
  children,
}: {
  frame: OfficerFrame;
  title: string;
  section: OfficerSection;
  crumb?: [string, string];
  children?: Child;
}) {
  const base = adminBase(frame.electionKey);
  const crumbs: Array<[string, string]> = [
    ['Elections', '/app/elections'],
    [frame.electionName, `/app/elections/${frame.electionKey}`],
    ['Officer area', `${base}/`],
  ];
  if (crumb !== undefined) crumbs.push(crumb);
  return (
    <Layout ctx={frame.ctx} title={title} crumbs={crumbs} script>
      <link rel="stylesheet" href={frame.stylesheet} />
      <nav class="officer-nav" aria-label="Officer area">
        <ul>
          <li>
            <a href={`${base}/`} aria-current={section === 'overview' ? 'page' : undefined}>
              Overview
            </a>
          </li>
          {frame.completed ? (
            <li>
              <a href={`${base}/results`} aria-current={section === 'results' ? 'page' : undefined}>
                Results
              </a>
            </li>
          ) : null}
          {frame.completed ? (
            <li>
              <a href={`${base}/download`}>Ballots (CSV)</a>
            </li>
          ) : null}
          <li>
            <a href={`/app/elections/${frame.electionKey}`}>Voters' view</a>
          </li>
        </ul>
      </nav>
      {children}
    </Layout>
  );
}

/**
 * A table that may scroll sideways on a phone: a labelled region that takes focus,
 * so keyboard users can scroll it too.
 */
export function ScrollTable({ label, children }: { label: string; children?: Child }) {
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}
