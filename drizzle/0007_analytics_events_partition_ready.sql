ALTER TABLE "analytics_events" DROP CONSTRAINT "analytics_events_event_check";--> statement-breakpoint
DROP INDEX "analytics_events_user_id_occurred_at_idx";--> statement-breakpoint
DROP INDEX "analytics_events_event_occurred_at_idx";--> statement-breakpoint
ALTER TABLE "analytics_events" DROP CONSTRAINT "analytics_events_pkey";--> statement-breakpoint
ALTER TABLE "analytics_events" ADD CONSTRAINT "analytics_events_user_id_occurred_at_id_pk" PRIMARY KEY("user_id","occurred_at","id");--> statement-breakpoint
ALTER TABLE "analytics_events" ADD CONSTRAINT "analytics_events_event_check" CHECK ("analytics_events"."event" in ('app_opened', 'screen_viewed', 'lesson_started', 'lesson_completed', 'practice_session', 'chat_message_sent', 'word_learned', 'review_completed', 'achievement_unlocked', 'difficulty_select', 'difficulty_auto_adapt', 'session_metrics', 'dialogue_start', 'dialogue_turn', 'dialogue_end'));