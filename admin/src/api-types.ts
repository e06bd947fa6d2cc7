import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../src/trpc/router.js';

/** What the console's pages show, as the API's own procedures type it (one source: the router). */
type Outputs = inferRouterOutputs<AppRouter>;

export type UserListItem = Outputs['admin']['users']['search']['items'][number];
export type FeatureFlag = Outputs['admin']['flags']['list']['flags'][number];
