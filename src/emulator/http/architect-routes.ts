// Architect reads of the Platform API (OM doc §7.5): schedules, schedule groups, emergency groups.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.ts';
import { platformErrors } from '../platform/errors.ts';
import { pageOf } from '../platform/listing.ts';
import { intParam, parseQuery, stringParam } from './query-params.ts';

const listQuery = z.object({
  pageSize: intParam(1, 500),
  pageNumber: intParam(1, 100_000),
  name: stringParam,
  divisionId: stringParam,
  sortBy: stringParam,
  sortOrder: stringParam,
  scheduleIds: stringParam,
});

type Entity = Record<string, unknown>;

export function registerArchitectRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const listing = (
    path: string,
    all: () => Entity[],
    extra?: (e: Entity, q: z.infer<typeof listQuery>) => boolean,
  ) => {
    app.get(`/api/v2/architect/${path}`, (request) => {
      const q = parseQuery(listQuery, request.query);
      let entities = all().filter(
        (e) =>
          q.name === undefined ||
          String(e.name).toLowerCase() === q.name.toLowerCase().replace(/\*/g, '') ||
          (q.name.includes('*') &&
            String(e.name).toLowerCase().includes(q.name.toLowerCase().replace(/\*/g, ''))),
      );
      if (extra) entities = entities.filter((e) => extra(e, q));
      if (q.sortOrder?.toLowerCase() === 'desc') entities.reverse();
      return pageOf(entities, {
        pageSize: q.pageSize ?? 25,
        pageNumber: q.pageNumber ?? 1,
        basePath: `/api/v2/architect/${path}`,
      });
    });
  };
  const single = (path: string, what: string, find: (id: string) => Entity | undefined) => {
    app.get<{ Params: { id: string } }>(`/api/v2/architect/${path}/:id`, (request) => {
      const entity = find(request.params.id);
      if (!entity) throw platformErrors.notFound(what, request.params.id);
      return entity;
    });
  };
  const architect = ctx.architect;
  listing('schedules', () => architect.schedules());
  single('schedules', 'Schedule', (id) => architect.scheduleView(id));
  listing(
    'schedulegroups',
    () => architect.scheduleGroups(),
    (e, q) => q.scheduleIds === undefined || architect.groupUsesAny(String(e.id), q.scheduleIds.split(',')),
  );
  single('schedulegroups', 'ScheduleGroup', (id) => architect.scheduleGroupView(id));
  listing('emergencygroups', () => architect.emergencyGroups());
  single('emergencygroups', 'EmergencyGroup', (id) => architect.emergencyGroupView(id));
}
