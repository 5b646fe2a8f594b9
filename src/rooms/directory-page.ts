import type { MatrixEvent } from '../matrix/events.js';
import type { DirectoryPage, DirectoryQuery, DirectoryService } from './directory.js';
import type { WidgetStateLookup } from './widget-state.js';

/** How long the directory page waits for its rooms' widget counts; the rest are left out. */
const WIDGET_DEADLINE_MS = 1500;

/** Everything the directory page shows: one page of listed rooms and, where known in time, their widgets. */
export interface DirectoryPageData {
  query: DirectoryQuery;
  page: DirectoryPage;
  /** Widget state events of the page's rooms, by room ID. */
  widgetState: ReadonlyMap<string, MatrixEvent[]>;
}

/** The loader of `/`: the directory's page for a query, with its rooms' widgets. */
export class DirectoryPageLoader {
  constructor(
    private readonly directory: Pick<DirectoryService, 'page'>,
    private readonly widgets: Pick<WidgetStateLookup, 'forRooms'>,
  ) {}

  async load(query: DirectoryQuery): Promise<DirectoryPageData> {
    const page = await this.directory.page(query);
    const widgetState = await this.widgets.forRooms(page.rooms.map((room) => room.roomId), WIDGET_DEADLINE_MS);
    return { query, page, widgetState };
  }
}
