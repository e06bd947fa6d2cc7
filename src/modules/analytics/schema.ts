import { z } from 'zod';
import type { DIFFICULTIES } from '../../db/columns.js';
import { oneOfValues } from '../../db/rules.js';
import { ANALYTICS_EVENT_NAMES, analyticsEvents } from '../../db/schema/index.js';
import { languageCode, text } from '../../lib/text-input.js';
import { EVENT_PROPERTIES, type EventProperties, MAX_EVENT_PROPERTIES } from './events.js';

/**
 * Any event's properties as they arrive: a small flat map of scalars, bounded before the event's own
 * schema (events.ts) decides what it may hold.
 */
const incomingProperties = z
  .record(z.string().max(40), z.union([text().max(200), z.number(), z.boolean(), z.null()]))
  .refine((value) => Object.keys(value).length <= MAX_EVENT_PROPERTIES, {
    error: `must have at most ${MAX_EVENT_PROPERTIES} properties`,
  })
  .meta({ maxProperties: MAX_EVENT_PROPERTIES });

/**
 * `analytics.trackEvent` / `analytics.track`: `{event, properties?, timestamp?}` (api-contract §3.7). The
 * event is one of the closed list and its properties must match that event's schema; problems are
 * reported under `event` and `properties.<name>`. A timestamp needs an offset (`Z` or `+02:00`).
 */
export const trackEventInput = z
  .object({
    event: oneOfValues(ANALYTICS_EVENT_NAMES, analyticsEvents.event),
    properties: incomingProperties.optional(),
    timestamp: z.iso.datetime({ offset: true }).optional(),
  })
  .transform((input, ctx) => {
    const parsed = EVENT_PROPERTIES[input.event].safeParse(input.properties ?? {});
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        ctx.addIssue({ ...issue, path: ['properties', ...issue.path] } as z.core.$ZodRawIssue);
      return z.NEVER;
    }
    return { event: input.event, properties: parsed.data as EventProperties, timestamp: input.timestamp };
  });
export type TrackEventInput = z.output<typeof trackEventInput>;

export const TIMEFRAMES = ['week', 'month', 'year'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

export const getLearningAnalyticsInput = z.object({
  timeframe: z.enum(TIMEFRAMES).default('week'),
  language: languageCode.optional(),
});
export type GetLearningAnalyticsInput = z.infer<typeof getLearningAnalyticsInput>;

export const getRecommendationsInput = z.object({
  language: languageCode,
  limit: z.number().int().min(1).max(10).default(5),
});
export type GetRecommendationsInput = z.infer<typeof getRecommendationsInput>;

export const generateReportInput = z.object({
  language: languageCode,
  timeframe: z.enum(['week', 'month']).default('week'),
});
export type GenerateReportInput = z.infer<typeof generateReportInput>;

/** Wire shapes of api-contract §3.7. Times are minutes, accuracy percent, instants ISO strings. */
export interface TrackEventResult {
  success: true;
  eventId: string;
}

export interface DailyActivityDto {
  /** A calendar day in the user's time zone, `YYYY-MM-DD`. */
  date: string;
  lessons: number;
  /** Minutes of practice sessions. */
  practiceTime: number;
  xpEarned: number;
}

export interface TopicProgressDto {
  topic: string;
  lessonsCompleted: number;
  averageAccuracy: number;
  progress: number;
}

export interface AchievementDto {
  id: string;
  title: string;
  description: string;
  icon: string;
  unlockedAt: string;
}

export interface LearningAnalyticsDto {
  totalLessons: number;
  totalPracticeTime: number;
  streakDays: number;
  averageAccuracy: number;
  dailyActivity: DailyActivityDto[];
  topicProgress: TopicProgressDto[];
  achievements: AchievementDto[];
}

export type Difficulty = (typeof DIFFICULTIES)[number];

export interface RecommendationDto {
  id: string;
  type: 'lesson' | 'practice' | 'review';
  title: string;
  description: string;
  priority: 'high' | 'medium' | 'low';
  /** Minutes. */
  estimatedTime: number;
  xpReward: number;
  topic: string | null;
  lessonId: string | null;
}

export interface RecommendationsDto {
  recommendations: RecommendationDto[];
  insights: {
    weakAreas: string[];
    /** Local hours of the day (0–23), busiest first. */
    preferredTimes: number[];
    suggestedDifficulty: Difficulty;
    nextMilestone: string;
  };
}

export interface ProgressReportDto {
  id: string;
  userId: string;
  language: string;
  timeframe: 'week' | 'month';
  generatedAt: string;
  summary: {
    lessonsCompleted: number;
    /** Minutes of lessons and practice. */
    timeSpent: number;
    /** Mean accuracy against the period before, in percentage points. */
    accuracyImprovement: number;
    streakDays: number;
    xpEarned: number;
  };
  strengths: string[];
  areasForImprovement: string[];
  recommendations: string[];
  nextGoals: string[];
}
