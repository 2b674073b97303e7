import type { Fragment } from '../../sql/index.js';
import { compileFilters, type Filter } from './filters.js';
import { eventsWithPersons } from './persons.js';

/** The event name that means "any event" in series and steps (e.g. active persons). */
export const ANY_EVENT = '$any';

/** The event list for a source: none (every event) when `$any` is among them. */
export function eventList(events: readonly string[]): string[] | undefined {
  return events.includes(ANY_EVENT) ? undefined : [...new Set(events)];
}

export interface FilteredSourceOptions {
  projectId: string;
  range: { from: Date; to: Date };
  events?: readonly string[];
  filters?: readonly Filter[];
  /** Expose `person_properties` (person breakdowns) even without person filters. */
  withPersonProperties?: boolean;
  /** No person is read: skip the identity join (see `EventsSourceOptions.withoutPersons`). */
  withoutPersons?: boolean;
}

/**
 * `eventsWithPersons` with a list of filters split by scope: event filters go inside
 * (next to the sort-key conditions), person filters outside, after the persons join.
 *
 * @example filteredEvents({ projectId, range, events: ['sign_up'], filters })
 */
export function filteredEvents(o: FilteredSourceOptions): Fragment {
  const eventFilters = (o.filters ?? []).filter((f) => f.type !== 'person');
  const personFilters = (o.filters ?? []).filter((f) => f.type === 'person');
  return eventsWithPersons({
    projectId: o.projectId,
    range: o.range,
    ...(o.events ? { events: o.events } : {}),
    ...(eventFilters.length ? { eventWhere: compileFilters(eventFilters) } : {}),
    ...(personFilters.length ? { personWhere: compileFilters(personFilters) } : {}),
    ...(o.withPersonProperties ? { withPersonProperties: true } : {}),
    ...(o.withoutPersons ? { withoutPersons: true } : {}),
  });
}

