CREATE TABLE "analytics_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"event" text NOT NULL,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analytics_events_event_check" CHECK (char_length("analytics_events"."event") between 1 and 100)
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"actor_user_id" uuid,
	"event" text NOT NULL,
	"target" text,
	"ip" text,
	"user_agent" text,
	"request_id" text,
	"severity" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_events_severity_check" CHECK ("audit_events"."severity" in ('low', 'medium', 'high', 'critical'))
);
--> statement-breakpoint
CREATE TABLE "auth_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_reason" text,
	"ip_address" text,
	"user_agent" text,
	"device_fingerprint" text
);
--> statement-breakpoint
CREATE TABLE "refresh_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"rotated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "verification_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid,
	"email" text NOT NULL,
	"purpose" text NOT NULL,
	"code_hash" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"consumed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "verification_codes_email_check" CHECK ("verification_codes"."email" = lower("verification_codes"."email")),
	CONSTRAINT "verification_codes_purpose_check" CHECK ("verification_codes"."purpose" in ('email_verify', 'password_reset')),
	CONSTRAINT "verification_codes_attempts_check" CHECK ("verification_codes"."attempts" between 0 and 5)
);
--> statement-breakpoint
CREATE TABLE "chat_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"conversation_id" uuid,
	"text" text NOT NULL,
	"is_user" boolean NOT NULL,
	"language" text NOT NULL,
	"context" text,
	"corrections" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"native_translation" text,
	"target_translation" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_messages_text_check" CHECK (char_length("chat_messages"."text") between 1 and 4000)
);
--> statement-breakpoint
CREATE TABLE "client_logs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"level" text NOT NULL,
	"category" text NOT NULL,
	"event" text NOT NULL,
	"message" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"device" jsonb,
	"user_id" uuid,
	"correlation_id" text,
	"session_id" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "client_logs_level_check" CHECK ("client_logs"."level" in ('trace', 'debug', 'info', 'notice', 'warn', 'error', 'fatal', 'security'))
);
--> statement-breakpoint
CREATE TABLE "dialogue_scenes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"topic_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"level" text NOT NULL,
	"goal" text NOT NULL,
	"key_phrases" text[] DEFAULT '{}' NOT NULL,
	"tags" text[] DEFAULT '{}' NOT NULL,
	"starter_turns" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "dialogue_scenes_level_check" CHECK ("dialogue_scenes"."level" in ('beginner', 'intermediate', 'advanced')),
	CONSTRAINT "dialogue_scenes_position_check" CHECK ("dialogue_scenes"."position" >= 0)
);
--> statement-breakpoint
CREATE TABLE "dialogue_scores" (
	"turn_id" uuid PRIMARY KEY NOT NULL,
	"accuracy" real NOT NULL,
	"fluency" real NOT NULL,
	"pronunciation" real,
	"semantic" real,
	"keywords_hit" text[] DEFAULT '{}' NOT NULL,
	"feedback" text,
	CONSTRAINT "dialogue_scores_range_check" CHECK ("dialogue_scores"."accuracy" between 0 and 1 and "dialogue_scores"."fluency" between 0 and 1 and "dialogue_scores"."pronunciation" between 0 and 1 and "dialogue_scores"."semantic" between 0 and 1)
);
--> statement-breakpoint
CREATE TABLE "dialogue_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"scene_id" uuid NOT NULL,
	"difficulty" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"srs_due_at" timestamp with time zone,
	"expires_at" timestamp with time zone DEFAULT now() + interval '30 days' NOT NULL,
	CONSTRAINT "dialogue_sessions_difficulty_check" CHECK ("dialogue_sessions"."difficulty" in ('beginner', 'intermediate', 'advanced')),
	CONSTRAINT "dialogue_sessions_ended_at_check" CHECK ("dialogue_sessions"."ended_at" >= "dialogue_sessions"."started_at")
);
--> statement-breakpoint
CREATE TABLE "dialogue_topics" (
	"id" uuid PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"icon" text,
	"position" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "dialogue_topics_position_check" CHECK ("dialogue_topics"."position" >= 0)
);
--> statement-breakpoint
CREATE TABLE "dialogue_turns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"role" text NOT NULL,
	"text" text NOT NULL,
	"audio_url" text,
	"lang" text NOT NULL,
	"time_ms" integer,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dialogue_turns_role_check" CHECK ("dialogue_turns"."role" in ('system', 'coach', 'user', 'npc')),
	CONSTRAINT "dialogue_turns_text_check" CHECK (char_length("dialogue_turns"."text") >= 1),
	CONSTRAINT "dialogue_turns_time_ms_check" CHECK ("dialogue_turns"."time_ms" >= 0),
	CONSTRAINT "dialogue_turns_position_check" CHECK ("dialogue_turns"."position" >= 0)
);
--> statement-breakpoint
CREATE TABLE "feedback" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid,
	"category" text NOT NULL,
	"message" text NOT NULL,
	"email" text,
	"device_info" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_category_check" CHECK ("feedback"."category" in ('bug', 'idea', 'question', 'other')),
	CONSTRAINT "feedback_message_check" CHECK (char_length("feedback"."message") between 5 and 2000),
	CONSTRAINT "feedback_email_check" CHECK (char_length("feedback"."email") <= 254)
);
--> statement-breakpoint
CREATE TABLE "issue_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid,
	"type" text NOT NULL,
	"description" text NOT NULL,
	"lesson_id" text,
	"screenshot" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "issue_reports_type_check" CHECK ("issue_reports"."type" in ('content', 'technical', 'abuse', 'other')),
	CONSTRAINT "issue_reports_description_check" CHECK (char_length("issue_reports"."description") between 10 and 1000)
);
--> statement-breakpoint
CREATE TABLE "achievements" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"icon" text NOT NULL,
	"category" text NOT NULL,
	"requirement" jsonb NOT NULL,
	"reward" jsonb NOT NULL,
	"rarity" text NOT NULL,
	CONSTRAINT "achievements_category_check" CHECK ("achievements"."category" in ('streak', 'xp', 'lessons', 'words', 'accuracy', 'chat')),
	CONSTRAINT "achievements_rarity_check" CHECK ("achievements"."rarity" in ('common', 'rare', 'epic', 'legendary'))
);
--> statement-breakpoint
CREATE TABLE "badges" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"icon" text NOT NULL,
	"type" text NOT NULL,
	"required_value" integer NOT NULL,
	CONSTRAINT "badges_type_check" CHECK ("badges"."type" in ('totalChats', 'streakDays', 'wordsLearned', 'badgesCount', 'language', 'lessonsCompleted', 'xp')),
	CONSTRAINT "badges_required_value_check" CHECK ("badges"."required_value" >= 0)
);
--> statement-breakpoint
CREATE TABLE "user_achievements" (
	"user_id" uuid NOT NULL,
	"achievement_id" text NOT NULL,
	"progress" integer DEFAULT 0 NOT NULL,
	"max_progress" integer NOT NULL,
	"unlocked_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_achievements_user_id_achievement_id_pk" PRIMARY KEY("user_id","achievement_id"),
	CONSTRAINT "user_achievements_progress_check" CHECK ("user_achievements"."max_progress" > 0 and "user_achievements"."progress" between 0 and "user_achievements"."max_progress")
);
--> statement-breakpoint
CREATE TABLE "user_badges" (
	"user_id" uuid NOT NULL,
	"badge_id" text NOT NULL,
	"unlocked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_badges_user_id_badge_id_pk" PRIMARY KEY("user_id","badge_id")
);
--> statement-breakpoint
CREATE TABLE "xp_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"amount" integer NOT NULL,
	"source" text NOT NULL,
	"ref_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "xp_events_source_check" CHECK ("xp_events"."source" in ('chat', 'exercise', 'lesson', 'challenge', 'achievement', 'adjustment')),
	CONSTRAINT "xp_events_amount_check" CHECK ("xp_events"."amount" >= 0 or "xp_events"."source" = 'adjustment')
);
--> statement-breakpoint
CREATE TABLE "learn_content_cache" (
	"target_name" text NOT NULL,
	"native_name" text NOT NULL,
	"payload" jsonb NOT NULL,
	"content_version" text NOT NULL,
	"generated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "learn_content_cache_target_name_native_name_pk" PRIMARY KEY("target_name","native_name")
);
--> statement-breakpoint
CREATE TABLE "content_items" (
	"id" text PRIMARY KEY NOT NULL,
	"sub_module_id" text NOT NULL,
	"type" text NOT NULL,
	"value" text NOT NULL,
	"pronunciation" text,
	"translation" text,
	"audio_url" text,
	"image_url" text,
	"hints" text[] DEFAULT '{}' NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "content_items_type_check" CHECK ("content_items"."type" in ('character', 'word', 'sentence', 'syllable', 'audio', 'image', 'interactive')),
	CONSTRAINT "content_items_position_check" CHECK ("content_items"."position" >= 0)
);
--> statement-breakpoint
CREATE TABLE "content_releases" (
	"version" text PRIMARY KEY NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "exercises" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"lesson_id" text NOT NULL,
	"type" text NOT NULL,
	"question" text NOT NULL,
	"options" text[] DEFAULT '{}' NOT NULL,
	"correct_answer" jsonb NOT NULL,
	"explanation" text,
	"native_text" text,
	"target_text" text,
	"hint" text,
	"pairs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"words" text[] DEFAULT '{}' NOT NULL,
	"difficulty" text NOT NULL,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "exercises_type_check" CHECK ("exercises"."type" in ('translate', 'multiple_choice', 'fill_blank', 'match_pairs', 'listening', 'speaking', 'word_order', 'typing', 'select_missing')),
	CONSTRAINT "exercises_difficulty_check" CHECK ("exercises"."difficulty" in ('beginner', 'intermediate', 'advanced', 'expert')),
	CONSTRAINT "exercises_position_check" CHECK ("exercises"."position" >= 0)
);
--> statement-breakpoint
CREATE TABLE "lesson_sub_modules" (
	"id" text PRIMARY KEY NOT NULL,
	"lesson_id" text NOT NULL,
	"title" text NOT NULL,
	"type" text NOT NULL,
	"instructions" text DEFAULT '' NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "lesson_sub_modules_type_check" CHECK ("lesson_sub_modules"."type" in ('lesson', 'practice', 'quiz', 'game')),
	CONSTRAINT "lesson_sub_modules_position_check" CHECK ("lesson_sub_modules"."position" >= 0)
);
--> statement-breakpoint
CREATE TABLE "lessons" (
	"id" text PRIMARY KEY NOT NULL,
	"language" text NOT NULL,
	"type" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"icon" text NOT NULL,
	"difficulty" text NOT NULL,
	"estimated_time_min" integer NOT NULL,
	"xp_reward" integer NOT NULL,
	"perfect_bonus" integer DEFAULT 0 NOT NULL,
	"is_locked" boolean DEFAULT false NOT NULL,
	"position" integer,
	"tags" text[] DEFAULT '{}' NOT NULL,
	"prerequisites" text[] DEFAULT '{}' NOT NULL,
	"source" text DEFAULT 'seed' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lessons_difficulty_check" CHECK ("lessons"."difficulty" in ('beginner', 'intermediate', 'advanced', 'expert')),
	CONSTRAINT "lessons_source_check" CHECK ("lessons"."source" in ('seed', 'generated', 'ai')),
	CONSTRAINT "lessons_estimated_time_min_check" CHECK ("lessons"."estimated_time_min" > 0),
	CONSTRAINT "lessons_rewards_check" CHECK ("lessons"."xp_reward" >= 0 and "lessons"."perfect_bonus" >= 0),
	CONSTRAINT "lessons_position_check" CHECK ("lessons"."position" >= 1)
);
--> statement-breakpoint
CREATE TABLE "preference_profiles" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"personas" text[] DEFAULT '{}' NOT NULL,
	"srs" jsonb NOT NULL,
	"lesson_plan" jsonb NOT NULL,
	"speech" jsonb NOT NULL,
	"notifications" jsonb NOT NULL,
	"accessibility" jsonb NOT NULL,
	"script" text,
	"dialect" text,
	"difficulty" text DEFAULT 'beginner' NOT NULL,
	"auto_adapt" boolean DEFAULT false NOT NULL,
	"etag" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "preference_profiles_version_check" CHECK ("preference_profiles"."version" = 1),
	CONSTRAINT "preference_profiles_script_check" CHECK ("preference_profiles"."script" in ('gurmukhi', 'shahmukhi', 'latin')),
	CONSTRAINT "preference_profiles_difficulty_check" CHECK ("preference_profiles"."difficulty" in ('beginner', 'intermediate', 'advanced')),
	CONSTRAINT "preference_profiles_etag_check" CHECK ("preference_profiles"."etag" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE TABLE "daily_challenges" (
	"date" date PRIMARY KEY NOT NULL,
	"challenges" jsonb NOT NULL,
	"total_xp_reward" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "daily_challenges_total_xp_reward_check" CHECK ("daily_challenges"."total_xp_reward" >= 0)
);
--> statement-breakpoint
CREATE TABLE "lesson_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"lesson_id" text NOT NULL,
	"answers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"time_spent_sec" integer DEFAULT 0 NOT NULL,
	"score" integer NOT NULL,
	"xp_earned" integer DEFAULT 0 NOT NULL,
	"idempotency_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lesson_attempts_time_spent_sec_check" CHECK ("lesson_attempts"."time_spent_sec" >= 0),
	CONSTRAINT "lesson_attempts_score_check" CHECK ("lesson_attempts"."score" between 0 and 100),
	CONSTRAINT "lesson_attempts_xp_earned_check" CHECK ("lesson_attempts"."xp_earned" >= 0)
);
--> statement-breakpoint
CREATE TABLE "user_challenge_progress" (
	"user_id" uuid NOT NULL,
	"date" date NOT NULL,
	"challenge_id" text NOT NULL,
	"current" integer DEFAULT 0 NOT NULL,
	"target" integer NOT NULL,
	"completed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_challenge_progress_user_id_date_challenge_id_pk" PRIMARY KEY("user_id","date","challenge_id"),
	CONSTRAINT "user_challenge_progress_current_check" CHECK ("user_challenge_progress"."current" >= 0),
	CONSTRAINT "user_challenge_progress_target_check" CHECK ("user_challenge_progress"."target" > 0)
);
--> statement-breakpoint
CREATE TABLE "user_language_progress" (
	"user_id" uuid NOT NULL,
	"language" text NOT NULL,
	"overall_progress" real DEFAULT 0 NOT NULL,
	"daily_goal" integer DEFAULT 15 NOT NULL,
	"daily_progress" integer DEFAULT 0 NOT NULL,
	"daily_progress_date" date,
	"streak_days" integer DEFAULT 0 NOT NULL,
	"total_xp" integer DEFAULT 0 NOT NULL,
	"weak_areas" text[] DEFAULT '{}' NOT NULL,
	"strong_areas" text[] DEFAULT '{}' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_language_progress_user_id_language_pk" PRIMARY KEY("user_id","language"),
	CONSTRAINT "user_language_progress_overall_progress_check" CHECK ("user_language_progress"."overall_progress" between 0 and 100),
	CONSTRAINT "user_language_progress_daily_goal_check" CHECK ("user_language_progress"."daily_goal" between 5 and 120),
	CONSTRAINT "user_language_progress_counters_check" CHECK ("user_language_progress"."daily_progress" >= 0 and "user_language_progress"."streak_days" >= 0 and "user_language_progress"."total_xp" >= 0)
);
--> statement-breakpoint
CREATE TABLE "user_lesson_progress" (
	"user_id" uuid NOT NULL,
	"lesson_id" text NOT NULL,
	"progress_pct" real DEFAULT 0 NOT NULL,
	"last_practiced_at" timestamp with time zone,
	"total_time_sec" integer DEFAULT 0 NOT NULL,
	"accuracy" real,
	"completed_sub_modules" text[] DEFAULT '{}' NOT NULL,
	"mastery_level" text DEFAULT 'learning' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_lesson_progress_user_id_lesson_id_pk" PRIMARY KEY("user_id","lesson_id"),
	CONSTRAINT "user_lesson_progress_progress_pct_check" CHECK ("user_lesson_progress"."progress_pct" between 0 and 100),
	CONSTRAINT "user_lesson_progress_total_time_sec_check" CHECK ("user_lesson_progress"."total_time_sec" >= 0),
	CONSTRAINT "user_lesson_progress_accuracy_check" CHECK ("user_lesson_progress"."accuracy" between 0 and 100),
	CONSTRAINT "user_lesson_progress_mastery_level_check" CHECK ("user_lesson_progress"."mastery_level" in ('learning', 'practicing', 'mastered'))
);
--> statement-breakpoint
CREATE TABLE "srs_cards" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"item_ref" text NOT NULL,
	"item_kind" text NOT NULL,
	"due_at" timestamp with time zone DEFAULT now() NOT NULL,
	"stability" real DEFAULT 0 NOT NULL,
	"difficulty" real DEFAULT 0 NOT NULL,
	"elapsed_days" integer DEFAULT 0 NOT NULL,
	"scheduled_days" integer DEFAULT 0 NOT NULL,
	"reps" integer DEFAULT 0 NOT NULL,
	"lapses" integer DEFAULT 0 NOT NULL,
	"state" smallint DEFAULT 0 NOT NULL,
	"last_review_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "srs_cards_item_kind_check" CHECK ("srs_cards"."item_kind" in ('content_item', 'vocabulary')),
	CONSTRAINT "srs_cards_state_check" CHECK ("srs_cards"."state" between 0 and 3),
	CONSTRAINT "srs_cards_stability_check" CHECK ("srs_cards"."stability" >= 0),
	CONSTRAINT "srs_cards_difficulty_check" CHECK ("srs_cards"."difficulty" between 0 and 10),
	CONSTRAINT "srs_cards_counters_check" CHECK ("srs_cards"."elapsed_days" >= 0 and "srs_cards"."scheduled_days" >= 0 and "srs_cards"."reps" >= 0 and "srs_cards"."lapses" >= 0)
);
--> statement-breakpoint
CREATE TABLE "srs_review_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"card_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"rating" smallint NOT NULL,
	"quality" smallint,
	"time_taken_ms" integer NOT NULL,
	"state_before" smallint NOT NULL,
	"due_before" timestamp with time zone NOT NULL,
	"due_after" timestamp with time zone NOT NULL,
	"reviewed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "srs_review_log_rating_check" CHECK ("srs_review_log"."rating" between 1 and 4),
	CONSTRAINT "srs_review_log_quality_check" CHECK ("srs_review_log"."quality" between 0 and 5),
	CONSTRAINT "srs_review_log_time_taken_ms_check" CHECK ("srs_review_log"."time_taken_ms" between 0 and 300000),
	CONSTRAINT "srs_review_log_state_before_check" CHECK ("srs_review_log"."state_before" between 0 and 3)
);
--> statement-breakpoint
CREATE TABLE "translations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"original_text" text NOT NULL,
	"translated_text" text NOT NULL,
	"source_language" text NOT NULL,
	"target_language" text NOT NULL,
	"rating" smallint,
	"is_accurate" boolean,
	"suggested_improvement" text,
	"is_favorite" boolean DEFAULT false NOT NULL,
	"tags" text[] DEFAULT '{}' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_accessed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "translations_original_text_check" CHECK (char_length("translations"."original_text") between 1 and 1000),
	CONSTRAINT "translations_rating_check" CHECK ("translations"."rating" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "entitlements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"entitlement" text NOT NULL,
	"source" text NOT NULL,
	"product_id" text,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "entitlements_entitlement_check" CHECK ("entitlements"."entitlement" in ('premium', 'pro')),
	CONSTRAINT "entitlements_source_check" CHECK ("entitlements"."source" in ('revenuecat', 'admin', 'dev'))
);
--> statement-breakpoint
CREATE TABLE "password_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_settings" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"dark_mode" boolean DEFAULT false NOT NULL,
	"sound_enabled" boolean DEFAULT true NOT NULL,
	"notifications_enabled" boolean DEFAULT true NOT NULL,
	"haptics_enabled" boolean DEFAULT true NOT NULL,
	"auto_play_audio" boolean DEFAULT true NOT NULL,
	"reminder_time" text DEFAULT '19:00' NOT NULL,
	"security_notifications" boolean DEFAULT true NOT NULL,
	"biometric_enabled" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_settings_reminder_time_check" CHECK ("user_settings"."reminder_time" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$')
);
--> statement-breakpoint
CREATE TABLE "user_stats" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"total_chats" integer DEFAULT 0 NOT NULL,
	"streak_days" integer DEFAULT 0 NOT NULL,
	"words_learned" integer DEFAULT 0 NOT NULL,
	"xp_points" integer DEFAULT 0 NOT NULL,
	"lessons_completed" integer DEFAULT 0 NOT NULL,
	"last_active_date" date,
	"messages_used_today" integer DEFAULT 0 NOT NULL,
	"last_message_date" date,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_stats_counters_check" CHECK ("user_stats"."total_chats" >= 0 and "user_stats"."streak_days" >= 0 and "user_stats"."words_learned" >= 0 and "user_stats"."xp_points" >= 0 and "user_stats"."lessons_completed" >= 0 and "user_stats"."messages_used_today" >= 0)
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"password_hash" text NOT NULL,
	"name" text NOT NULL,
	"display_name" text,
	"bio" text,
	"avatar_url" text,
	"role" text DEFAULT 'user' NOT NULL,
	"email_verified" boolean DEFAULT false NOT NULL,
	"two_factor_enabled" boolean DEFAULT false NOT NULL,
	"security_level" text DEFAULT 'medium' NOT NULL,
	"registration_ip" text,
	"device_fingerprint" text,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"native_language" text,
	"selected_language" text,
	"proficiency_level" text DEFAULT 'beginner' NOT NULL,
	"learning_goals" text[] DEFAULT '{}' NOT NULL,
	"interests" text[] DEFAULT '{}' NOT NULL,
	"preferred_topics" text[] DEFAULT '{}' NOT NULL,
	"daily_goal_minutes" integer DEFAULT 15 NOT NULL,
	"onboarding_completed" boolean DEFAULT false NOT NULL,
	"placement_completed" boolean DEFAULT false NOT NULL,
	"profile_completed" boolean DEFAULT false NOT NULL,
	"is_premium" boolean DEFAULT false NOT NULL,
	"locked_until" timestamp with time zone,
	"failed_login_count" integer DEFAULT 0 NOT NULL,
	"lockouts" integer DEFAULT 0 NOT NULL,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_check" CHECK ("users"."email" = lower("users"."email") and char_length("users"."email") <= 254),
	CONSTRAINT "users_display_name_check" CHECK (char_length("users"."display_name") between 2 and 40),
	CONSTRAINT "users_bio_check" CHECK (char_length("users"."bio") <= 280),
	CONSTRAINT "users_role_check" CHECK ("users"."role" in ('user', 'admin')),
	CONSTRAINT "users_security_level_check" CHECK ("users"."security_level" in ('low', 'medium', 'high')),
	CONSTRAINT "users_proficiency_level_check" CHECK ("users"."proficiency_level" in ('beginner', 'intermediate', 'advanced')),
	CONSTRAINT "users_daily_goal_minutes_check" CHECK ("users"."daily_goal_minutes" between 5 and 120),
	CONSTRAINT "users_failed_login_count_check" CHECK ("users"."failed_login_count" >= 0)
);
--> statement-breakpoint
CREATE TABLE "vocabulary" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"word" text NOT NULL,
	"translation" text NOT NULL,
	"language" text NOT NULL,
	"notes" text,
	"audio_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vocabulary_word_check" CHECK (char_length("vocabulary"."word") between 1 and 100),
	CONSTRAINT "vocabulary_translation_check" CHECK (char_length("vocabulary"."translation") between 1 and 200),
	CONSTRAINT "vocabulary_notes_check" CHECK (char_length("vocabulary"."notes") <= 500),
	CONSTRAINT "vocabulary_language_check" CHECK ("vocabulary"."language" ~ '^[a-z]{2,3}(-[A-Z]{2})?$')
);
--> statement-breakpoint
CREATE TABLE "mail_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid,
	"kind" text NOT NULL,
	"to_address" text NOT NULL,
	"subject" text NOT NULL,
	"body_text" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"abandoned_at" timestamp with time zone,
	CONSTRAINT "mail_outbox_kind_check" CHECK ("mail_outbox"."kind" in ('email_verify', 'password_reset', 'security_notice')),
	CONSTRAINT "mail_outbox_attempts_check" CHECK ("mail_outbox"."attempts" >= 0)
);
--> statement-breakpoint
CREATE TABLE "revenuecat_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"user_id" uuid,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "analytics_events" ADD CONSTRAINT "analytics_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auth_sessions" ADD CONSTRAINT "auth_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_session_id_auth_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."auth_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "verification_codes" ADD CONSTRAINT "verification_codes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_messages" ADD CONSTRAINT "chat_messages_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_logs" ADD CONSTRAINT "client_logs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dialogue_scenes" ADD CONSTRAINT "dialogue_scenes_topic_id_dialogue_topics_id_fk" FOREIGN KEY ("topic_id") REFERENCES "public"."dialogue_topics"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dialogue_scores" ADD CONSTRAINT "dialogue_scores_turn_id_dialogue_turns_id_fk" FOREIGN KEY ("turn_id") REFERENCES "public"."dialogue_turns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dialogue_sessions" ADD CONSTRAINT "dialogue_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dialogue_sessions" ADD CONSTRAINT "dialogue_sessions_scene_id_dialogue_scenes_id_fk" FOREIGN KEY ("scene_id") REFERENCES "public"."dialogue_scenes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dialogue_turns" ADD CONSTRAINT "dialogue_turns_session_id_dialogue_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."dialogue_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issue_reports" ADD CONSTRAINT "issue_reports_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issue_reports" ADD CONSTRAINT "issue_reports_lesson_id_lessons_id_fk" FOREIGN KEY ("lesson_id") REFERENCES "public"."lessons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_achievements" ADD CONSTRAINT "user_achievements_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_achievements" ADD CONSTRAINT "user_achievements_achievement_id_achievements_id_fk" FOREIGN KEY ("achievement_id") REFERENCES "public"."achievements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_badges" ADD CONSTRAINT "user_badges_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_badges" ADD CONSTRAINT "user_badges_badge_id_badges_id_fk" FOREIGN KEY ("badge_id") REFERENCES "public"."badges"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "xp_events" ADD CONSTRAINT "xp_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_items" ADD CONSTRAINT "content_items_sub_module_id_lesson_sub_modules_id_fk" FOREIGN KEY ("sub_module_id") REFERENCES "public"."lesson_sub_modules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exercises" ADD CONSTRAINT "exercises_lesson_id_lessons_id_fk" FOREIGN KEY ("lesson_id") REFERENCES "public"."lessons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lesson_sub_modules" ADD CONSTRAINT "lesson_sub_modules_lesson_id_lessons_id_fk" FOREIGN KEY ("lesson_id") REFERENCES "public"."lessons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lessons" ADD CONSTRAINT "lessons_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "preference_profiles" ADD CONSTRAINT "preference_profiles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lesson_attempts" ADD CONSTRAINT "lesson_attempts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lesson_attempts" ADD CONSTRAINT "lesson_attempts_lesson_id_lessons_id_fk" FOREIGN KEY ("lesson_id") REFERENCES "public"."lessons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_challenge_progress" ADD CONSTRAINT "user_challenge_progress_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_challenge_progress" ADD CONSTRAINT "user_challenge_progress_date_daily_challenges_date_fk" FOREIGN KEY ("date") REFERENCES "public"."daily_challenges"("date") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_language_progress" ADD CONSTRAINT "user_language_progress_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_lesson_progress" ADD CONSTRAINT "user_lesson_progress_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_lesson_progress" ADD CONSTRAINT "user_lesson_progress_lesson_id_lessons_id_fk" FOREIGN KEY ("lesson_id") REFERENCES "public"."lessons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "srs_cards" ADD CONSTRAINT "srs_cards_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "srs_review_log" ADD CONSTRAINT "srs_review_log_card_id_srs_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."srs_cards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "srs_review_log" ADD CONSTRAINT "srs_review_log_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "translations" ADD CONSTRAINT "translations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entitlements" ADD CONSTRAINT "entitlements_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "password_history" ADD CONSTRAINT "password_history_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_settings" ADD CONSTRAINT "user_settings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_stats" ADD CONSTRAINT "user_stats_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vocabulary" ADD CONSTRAINT "vocabulary_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_outbox" ADD CONSTRAINT "mail_outbox_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revenuecat_events" ADD CONSTRAINT "revenuecat_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analytics_events_user_id_occurred_at_idx" ON "analytics_events" USING btree ("user_id","occurred_at");--> statement-breakpoint
CREATE INDEX "analytics_events_event_occurred_at_idx" ON "analytics_events" USING btree ("event","occurred_at");--> statement-breakpoint
CREATE INDEX "audit_events_actor_user_id_created_at_idx" ON "audit_events" USING btree ("actor_user_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_events_event_created_at_idx" ON "audit_events" USING btree ("event","created_at");--> statement-breakpoint
CREATE INDEX "audit_events_created_at_idx" ON "audit_events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "auth_sessions_user_id_last_seen_at_idx" ON "auth_sessions" USING btree ("user_id","last_seen_at");--> statement-breakpoint
CREATE INDEX "auth_sessions_expires_at_idx" ON "auth_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "refresh_tokens_token_hash_idx" ON "refresh_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "refresh_tokens_session_id_idx" ON "refresh_tokens" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "verification_codes_user_id_idx" ON "verification_codes" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "verification_codes_email_purpose_created_at_idx" ON "verification_codes" USING btree ("email","purpose","created_at");--> statement-breakpoint
CREATE INDEX "verification_codes_expires_at_idx" ON "verification_codes" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "chat_messages_user_id_created_at_idx" ON "chat_messages" USING btree ("user_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "chat_messages_conversation_id_created_at_idx" ON "chat_messages" USING btree ("conversation_id","created_at");--> statement-breakpoint
CREATE INDEX "client_logs_expires_at_idx" ON "client_logs" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "client_logs_level_ts_idx" ON "client_logs" USING btree ("level","ts");--> statement-breakpoint
CREATE INDEX "client_logs_user_id_idx" ON "client_logs" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "dialogue_scenes_topic_id_position_idx" ON "dialogue_scenes" USING btree ("topic_id","position");--> statement-breakpoint
CREATE INDEX "dialogue_sessions_user_id_started_at_idx" ON "dialogue_sessions" USING btree ("user_id","started_at");--> statement-breakpoint
CREATE INDEX "dialogue_sessions_user_id_srs_due_at_idx" ON "dialogue_sessions" USING btree ("user_id","srs_due_at");--> statement-breakpoint
CREATE INDEX "dialogue_sessions_scene_id_idx" ON "dialogue_sessions" USING btree ("scene_id");--> statement-breakpoint
CREATE INDEX "dialogue_sessions_expires_at_idx" ON "dialogue_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "dialogue_turns_session_id_position_idx" ON "dialogue_turns" USING btree ("session_id","position");--> statement-breakpoint
CREATE INDEX "feedback_user_id_idx" ON "feedback" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "feedback_category_created_at_idx" ON "feedback" USING btree ("category","created_at");--> statement-breakpoint
CREATE INDEX "issue_reports_user_id_idx" ON "issue_reports" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "issue_reports_lesson_id_idx" ON "issue_reports" USING btree ("lesson_id");--> statement-breakpoint
CREATE INDEX "issue_reports_type_created_at_idx" ON "issue_reports" USING btree ("type","created_at");--> statement-breakpoint
CREATE INDEX "user_achievements_achievement_id_idx" ON "user_achievements" USING btree ("achievement_id");--> statement-breakpoint
CREATE INDEX "user_badges_badge_id_idx" ON "user_badges" USING btree ("badge_id");--> statement-breakpoint
CREATE INDEX "xp_events_user_id_created_at_idx" ON "xp_events" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "xp_events_created_at_idx" ON "xp_events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "learn_content_cache_expires_at_idx" ON "learn_content_cache" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "content_items_sub_module_id_position_idx" ON "content_items" USING btree ("sub_module_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "exercises_lesson_id_position_idx" ON "exercises" USING btree ("lesson_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "lesson_sub_modules_lesson_id_position_idx" ON "lesson_sub_modules" USING btree ("lesson_id","position");--> statement-breakpoint
CREATE INDEX "lessons_language_position_idx" ON "lessons" USING btree ("language","position");--> statement-breakpoint
CREATE INDEX "lessons_language_difficulty_idx" ON "lessons" USING btree ("language","difficulty");--> statement-breakpoint
CREATE INDEX "lessons_type_idx" ON "lessons" USING btree ("type");--> statement-breakpoint
CREATE INDEX "lessons_created_by_idx" ON "lessons" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "lesson_attempts_user_id_created_at_idx" ON "lesson_attempts" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "lesson_attempts_lesson_id_idx" ON "lesson_attempts" USING btree ("lesson_id");--> statement-breakpoint
CREATE UNIQUE INDEX "lesson_attempts_user_id_idempotency_key_idx" ON "lesson_attempts" USING btree ("user_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "user_challenge_progress_date_idx" ON "user_challenge_progress" USING btree ("date");--> statement-breakpoint
CREATE INDEX "user_lesson_progress_lesson_id_idx" ON "user_lesson_progress" USING btree ("lesson_id");--> statement-breakpoint
CREATE UNIQUE INDEX "srs_cards_user_id_item_kind_item_ref_idx" ON "srs_cards" USING btree ("user_id","item_kind","item_ref");--> statement-breakpoint
CREATE INDEX "srs_cards_user_id_due_at_idx" ON "srs_cards" USING btree ("user_id","due_at");--> statement-breakpoint
CREATE INDEX "srs_review_log_card_id_reviewed_at_idx" ON "srs_review_log" USING btree ("card_id","reviewed_at");--> statement-breakpoint
CREATE INDEX "srs_review_log_user_id_reviewed_at_idx" ON "srs_review_log" USING btree ("user_id","reviewed_at");--> statement-breakpoint
CREATE INDEX "translations_user_id_created_at_idx" ON "translations" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "translations_favorite_user_id_created_at_idx" ON "translations" USING btree ("user_id","created_at") WHERE "translations"."is_favorite";--> statement-breakpoint
CREATE UNIQUE INDEX "entitlements_user_id_entitlement_source_idx" ON "entitlements" USING btree ("user_id","entitlement","source");--> statement-breakpoint
CREATE INDEX "password_history_user_id_created_at_idx" ON "password_history" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_idx" ON "users" USING btree ("email");--> statement-breakpoint
CREATE UNIQUE INDEX "vocabulary_user_id_language_word_idx" ON "vocabulary" USING btree ("user_id","language","word");--> statement-breakpoint
CREATE INDEX "mail_outbox_user_id_idx" ON "mail_outbox" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "mail_outbox_pending_idx" ON "mail_outbox" USING btree ("next_attempt_at") WHERE "mail_outbox"."sent_at" is null and "mail_outbox"."abandoned_at" is null;--> statement-breakpoint
CREATE INDEX "revenuecat_events_user_id_idx" ON "revenuecat_events" USING btree ("user_id");