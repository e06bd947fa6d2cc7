/**
 * The admin procedures of the issue 17 contract (notes/admin-contract.md) that this branch's AppRouter does
 * not have yet: admin.reports.*, admin.users.* and admin.flags.*. Only api.ts uses them, at one boundary;
 * once the backends are merged, the real AppRouter types replace these.
 */

/** UTC days, `YYYY-MM-DD`, from <= to, at most 366 days. */
export interface DateRange {
  from: string;
  to: string;
}

export interface ActiveUsersReport {
  daily: { day: string; users: number }[];
  weekly: { weekStart: string; users: number }[];
}

export interface SignupsReport {
  daily: { day: string; signups: number }[];
  /** retention[n]: share (0..1) of the cohort active in week n after its signup week. */
  cohorts: { cohortWeek: string; size: number; retention: number[] }[];
}

export interface LessonsCompletedReport {
  rows: { language: string; level: string; lessons: number }[];
}

export interface XpDistributionReport {
  buckets: { label: string; min: number; max: number | null; users: number }[];
}

export interface AiUsageReport {
  daily: { day: string; chatMessages: number; aiRequests: number; quotaDenials: number }[];
}

export interface ErrorRatioReport {
  daily: { day: string; requests: number; errors: number; ratio: number }[];
}

export type Role = 'user' | 'admin';

export interface UserListItem {
  id: string;
  email: string;
  name: string;
  role: Role;
  isPremium: boolean;
  createdAt: Date;
  lastActiveAt: Date | null;
}

export interface UserDetail {
  user: {
    id: string;
    email: string;
    name: string;
    role: Role;
    isPremium: boolean;
    emailVerified: boolean;
    createdAt: Date;
    lockedUntil?: Date | null;
  };
  stats: { xp: number; lessonsCompleted: number; streak: number };
  sessions: {
    id: string;
    device?: string | null;
    userAgent?: string | null;
    createdAt: Date;
    lastUsedAt: Date | null;
    revoked: boolean;
  }[];
}

export interface FeatureFlag {
  key: string;
  description: string;
  enabled: boolean;
  rolloutPercent: number;
  overrides: { userId: string; value: boolean }[];
  updatedAt: Date;
}

interface Query<Input, Output> {
  query(input: Input): Promise<Output>;
}
interface Mutation<Input, Output> {
  mutate(input: Input): Promise<Output>;
}

/** The client-side shape of the contract's procedures, as `createTRPCClient` would type them. */
export interface PendingAdminApi {
  admin: {
    reports: {
      activeUsers: Query<DateRange, ActiveUsersReport>;
      signups: Query<DateRange, SignupsReport>;
      lessonsCompleted: Query<DateRange, LessonsCompletedReport>;
      xpDistribution: Query<DateRange, XpDistributionReport>;
      aiUsage: Query<DateRange, AiUsageReport>;
      errorRatio: Query<DateRange, ErrorRatioReport>;
    };
    users: {
      search: Query<
        { query?: string; cursor?: string; limit?: number },
        { items: UserListItem[]; nextCursor: string | null }
      >;
      get: Query<{ userId: string }, UserDetail>;
      setPremium: Mutation<{ userId: string; premium: boolean; reason: string }, unknown>;
      revokeSessions: Mutation<{ userId: string }, { revoked: number }>;
      erase: Mutation<{ userId: string; confirmEmail: string }, { erased: true }>;
    };
    flags: {
      list: Query<void, { flags: FeatureFlag[] }>;
      set: Mutation<
        { key: string; description?: string; enabled: boolean; rolloutPercent: number },
        FeatureFlag
      >;
      setOverride: Mutation<{ key: string; userId: string; value: boolean }, FeatureFlag>;
      removeOverride: Mutation<{ key: string; userId: string }, FeatureFlag>;
      delete: Mutation<{ key: string }, { deleted: boolean }>;
    };
  };
}
