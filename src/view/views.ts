import type { InfoPageView, MembersPageView, WidgetsPageView } from './about.js';
import type { CalendarView, ThreadsView } from './calendar.js';
import type { DayEmptyView, DayPageView } from './day.js';
import type { DirectoryView } from './directory.js';
import type { ErrorView } from './error.js';
import type { TimelinePageView } from './timeline-page.js';
import type { SearchPageView } from './search.js';

/**
 * Every page template by name, with the one view type it is given: the renderer takes a
 * name and its view, so the compiler checks that each template gets exactly its view.
 */
export interface Views {
  room: TimelinePageView;
  day: DayPageView;
  'day-empty': DayEmptyView;
  info: InfoPageView;
  members: MembersPageView;
  widgets: WidgetsPageView;
  directory: DirectoryView;
  search: SearchPageView;
  calendar: CalendarView;
  threads: ThreadsView;
  error: ErrorView;
}
