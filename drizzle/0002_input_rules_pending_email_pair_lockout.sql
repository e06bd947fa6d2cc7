ALTER TABLE "verification_codes" DROP CONSTRAINT "verification_codes_purpose_check";--> statement-breakpoint
ALTER TABLE "user_settings" DROP CONSTRAINT "user_settings_reminder_time_check";--> statement-breakpoint
ALTER TABLE "users" DROP CONSTRAINT "users_failed_login_count_check";--> statement-breakpoint
ALTER TABLE "mail_outbox" DROP CONSTRAINT "mail_outbox_kind_check";--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "pending_email" text;--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "locked_until";--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "failed_login_count";--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "lockouts";--> statement-breakpoint
ALTER TABLE "auth_sessions" ADD CONSTRAINT "auth_sessions_device_fingerprint_check" CHECK (char_length("auth_sessions"."device_fingerprint") <= 256);--> statement-breakpoint
ALTER TABLE "verification_codes" ADD CONSTRAINT "verification_codes_purpose_check" CHECK ("verification_codes"."purpose" in ('email_verify', 'password_reset', 'account_unlock'));--> statement-breakpoint
ALTER TABLE "entitlements" ADD CONSTRAINT "entitlements_product_id_check" CHECK (char_length("entitlements"."product_id") <= 200);--> statement-breakpoint
ALTER TABLE "user_settings" ADD CONSTRAINT "user_settings_reminder_time_check" CHECK (char_length("user_settings"."reminder_time") <= 5 and "user_settings"."reminder_time" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$');--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_pending_email_check" CHECK ("users"."pending_email" = lower("users"."pending_email") and char_length("users"."pending_email") <= 254);--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_name_check" CHECK (char_length("users"."name") between 2 and 50);--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_avatar_url_check" CHECK (char_length("users"."avatar_url") <= 2048);--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_device_fingerprint_check" CHECK (char_length("users"."device_fingerprint") <= 256);--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_timezone_check" CHECK (char_length("users"."timezone") between 1 and 64);--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_native_language_check" CHECK (char_length("users"."native_language") <= 16 and "users"."native_language" ~ '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$');--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_selected_language_check" CHECK (char_length("users"."selected_language") <= 16 and "users"."selected_language" ~ '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$');--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_learning_goals_check" CHECK (cardinality("users"."learning_goals") <= 30);--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_interests_check" CHECK (cardinality("users"."interests") <= 30);--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_preferred_topics_check" CHECK (cardinality("users"."preferred_topics") <= 30);--> statement-breakpoint
ALTER TABLE "mail_outbox" ADD CONSTRAINT "mail_outbox_kind_check" CHECK ("mail_outbox"."kind" in ('email_verify', 'password_reset', 'account_unlock', 'security_notice'));--> statement-breakpoint
ALTER TABLE "revenuecat_events" ADD CONSTRAINT "revenuecat_events_event_id_check" CHECK (char_length("revenuecat_events"."event_id") between 1 and 200);--> statement-breakpoint
ALTER TABLE "revenuecat_events" ADD CONSTRAINT "revenuecat_events_type_check" CHECK (char_length("revenuecat_events"."type") between 1 and 100);